export { naiveForecast, naiveScale, seasonalNaiveForecast, smapeTerm } from './accuracy.js';
export type {
  BacktestInsufficient,
  BacktestOptions,
  BacktestResult,
  BacktestSuccess,
  MethodScore,
} from './backtest.js';
export { backtest } from './backtest.js';
export type {
  EtsInitialState,
  EtsModelSpec,
  EtsParameters,
  EtsSeason,
  EtsTrend,
  ForecastOptions,
  ForecastResult,
  ForecastSuccess,
  InsufficientData,
  PredictionInterval,
} from './ets.js';
export { ETS_CANDIDATES, etsModelName, forecastSeries, MINIMUM_POINTS, minimumSeasonalPoints } from './ets.js';
export type { CandidateDayCounts, IcceDay, IcceOptions } from './icce.js';
export { computeIcce, computeIcceSeries } from './icce.js';
export type { MomentumOptions, MomentumPoint } from './momentum.js';
export { computeMomentum } from './momentum.js';
export { normalQuantile, twoSidedZ } from './normal.js';
export type { OptionAverage, Poll, PollAverageOptions, PollParseError, PollParseResult } from './polls.js';
export { parsePolls, weightedPollAverage } from './polls.js';
