import { naiveForecast, naiveScale, seasonalNaiveForecast, smapeTerm } from './accuracy.js';
import { type ForecastOptions, forecastSeries, MINIMUM_POINTS } from './ets.js';

export interface BacktestOptions {
  /** Steps forecast from each origin. */
  horizon: number;
  /** Values in the first training window (at least the forecaster's minimum). */
  minTrain: number;
  /** Season period for the model, the seasonal naive forecast and the MASE scale. Default 7. */
  seasonPeriod?: number;
  /** Origins advance by this many steps (1 = every possible origin). Default 1. */
  step?: number;
  /** Restrict the ETS model search, as in forecastSeries. */
  candidates?: ForecastOptions['candidates'];
}

/** Accuracy of one method over every forecast made in a backtest. */
export interface MethodScore {
  /** Mean of |error| / scale, the scale being each origin's in-sample (seasonal) naive MAE. */
  mase: number;
  /** Mean symmetric absolute percentage error, in percent (0..200). */
  smape: number;
  /** Mean absolute error, in the series' units. */
  mae: number;
}

export interface BacktestSuccess {
  ok: true;
  origins: number;
  /** Forecasts scored (origins × horizon). */
  forecasts: number;
  model: MethodScore;
  naive: MethodScore;
  seasonalNaive: MethodScore;
  /** Share of actual values inside the model's 95 % interval (nominal 0.95). */
  coverage95: number;
  /** Share inside the 80 % interval (nominal 0.80). */
  coverage80: number;
  /** How often each ETS model was chosen across origins. */
  modelsChosen: Record<string, number>;
}

export interface BacktestInsufficient {
  ok: false;
  reason: 'insufficient-data';
  minimum: number;
  received: number;
}

export type BacktestResult = BacktestSuccess | BacktestInsufficient;

class ScoreSum {
  private scaled = 0;
  private percent = 0;
  private absolute = 0;
  private count = 0;

  add(actual: number, forecast: number, scale: number): void {
    const error = Math.abs(actual - forecast);
    this.scaled += error / scale;
    this.percent += smapeTerm(actual, forecast);
    this.absolute += error;
    this.count++;
  }

  result(): MethodScore {
    return { mase: this.scaled / this.count, smape: this.percent / this.count, mae: this.absolute / this.count };
  }
}

/**
 * Rolling-origin evaluation (Tashman 2000; fpp3 §5.10 "time series cross-validation"): for each
 * origin o = minTrain, minTrain + step, … while o + horizon ≤ n, fit on values[0, o) and forecast
 * values[o, o + horizon), comparing the chosen ETS model with the naive and seasonal naive forecasts.
 * Errors are scaled per origin by that origin's training-set naive scale (see naiveScale), so MASE < 1
 * means better than the in-sample one-step (seasonal) naive forecast.
 */
export function backtest(values: readonly number[], options: BacktestOptions): BacktestResult {
  const { horizon, minTrain, seasonPeriod = 7, step = 1 } = options;
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`step must be a positive integer, got ${step}`);
  if (!Number.isInteger(minTrain)) throw new RangeError(`minTrain must be an integer, got ${minTrain}`);
  const firstTrain = Math.max(minTrain, MINIMUM_POINTS);
  const minimum = firstTrain + horizon;
  if (values.length < minimum) return { ok: false, reason: 'insufficient-data', minimum, received: values.length };

  const model = new ScoreSum();
  const naive = new ScoreSum();
  const seasonalNaive = new ScoreSum();
  let inside95 = 0;
  let inside80 = 0;
  let forecasts = 0;
  let origins = 0;
  const modelsChosen: Record<string, number> = {};
  for (let origin = firstTrain; origin + horizon <= values.length; origin += step) {
    const train = values.slice(0, origin);
    const result = forecastSeries(train, {
      horizon,
      seasonPeriod,
      levels: [0.8, 0.95],
      ...(options.candidates ? { candidates: options.candidates } : {}),
    });
    if (!result.ok) throw new Error(`unreachable: ${origin} training values are enough to forecast`);
    modelsChosen[result.model] = (modelsChosen[result.model] ?? 0) + 1;
    const [interval80, interval95] = result.intervals as [
      (typeof result.intervals)[number],
      (typeof result.intervals)[number],
    ];
    // A flat training window has no naive error to scale by: skip scoring it rather than divide by zero.
    const scale = naiveScale(train, seasonPeriod);
    if (!(scale > 0)) continue;
    const naivePoints = naiveForecast(train, horizon);
    const seasonalPoints = seasonalNaiveForecast(train, horizon, seasonPeriod);
    for (let h = 0; h < horizon; h++) {
      const actual = values[origin + h] as number;
      model.add(actual, result.point[h] as number, scale);
      naive.add(actual, naivePoints[h] as number, scale);
      seasonalNaive.add(actual, seasonalPoints[h] as number, scale);
      if (actual >= (interval95.lower[h] as number) && actual <= (interval95.upper[h] as number)) inside95++;
      if (actual >= (interval80.lower[h] as number) && actual <= (interval80.upper[h] as number)) inside80++;
      forecasts++;
    }
    origins++;
  }
  if (forecasts === 0) return { ok: false, reason: 'insufficient-data', minimum, received: values.length };
  return {
    ok: true,
    origins,
    forecasts,
    model: model.result(),
    naive: naive.result(),
    seasonalNaive: seasonalNaive.result(),
    coverage95: inside95 / forecasts,
    coverage80: inside80 / forecasts,
    modelsChosen,
  };
}
