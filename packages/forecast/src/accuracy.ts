/**
 * Point-forecast accuracy measures as Hyndman & Koehler (2006) and fpp3 §5.8 define them.
 */

/**
 * Scale of MASE: the in-sample mean absolute error of the one-step (seasonal) naive forecast,
 * mean |y_t − y_{t−lag}| over the training values. lag = the season period for seasonal data, 1
 * otherwise; the lag falls back to 1 when the training part is not longer than one season.
 */
export function naiveScale(train: readonly number[], lag: number): number {
  const usedLag = train.length > lag ? lag : 1;
  let sum = 0;
  for (let t = usedLag; t < train.length; t++) sum += Math.abs((train[t] as number) - (train[t - usedLag] as number));
  return sum / (train.length - usedLag);
}

/** Symmetric MAPE term in percent, 200·|y − f| / (|y| + |f|); 0 when both are 0. */
export function smapeTerm(actual: number, forecast: number): number {
  const denominator = Math.abs(actual) + Math.abs(forecast);
  return denominator === 0 ? 0 : (200 * Math.abs(actual - forecast)) / denominator;
}

/** The naive forecast: the last value, repeated. */
export function naiveForecast(train: readonly number[], horizon: number): number[] {
  const last = train[train.length - 1] as number;
  return Array.from({ length: horizon }, () => last);
}

/** The seasonal naive forecast: the value one season (or whole seasons) earlier. */
export function seasonalNaiveForecast(train: readonly number[], horizon: number, period: number): number[] {
  const n = train.length;
  if (n < period) return naiveForecast(train, horizon);
  return Array.from({ length: horizon }, (_, i) => train[n - period + (i % period)] as number);
}
