import { NelderMead } from './nelder-mead.js';
import { twoSidedZ } from './normal.js';

/**
 * ETS models with additive errors (class 1 of Hyndman, Koehler, Ord & Snyder, "Forecasting with
 * Exponential Smoothing: The State Space Approach", 2008, ch. 2 and 6; fpp3 §8.5–8.7):
 *
 *   ŷ_t = ℓ_{t−1} + φ·b_{t−1} + s_{t−m}      e_t = y_t − ŷ_t
 *   ℓ_t = ℓ_{t−1} + φ·b_{t−1} + α·e_t
 *   b_t = φ·b_{t−1} + β·e_t
 *   s_t = s_{t−m} + γ·e_t
 *
 * Trend N has b ≡ 0, trend A has φ = 1, trend Ad estimates φ; season N has s ≡ 0.
 */
export type EtsTrend = 'N' | 'A' | 'Ad';
export type EtsSeason = 'N' | 'A';

export interface EtsModelSpec {
  trend: EtsTrend;
  season: EtsSeason;
}

/** The six additive-error models, in the order ties are broken (simplest first). */
export const ETS_CANDIDATES: readonly EtsModelSpec[] = [
  { trend: 'N', season: 'N' },
  { trend: 'A', season: 'N' },
  { trend: 'Ad', season: 'N' },
  { trend: 'N', season: 'A' },
  { trend: 'A', season: 'A' },
  { trend: 'Ad', season: 'A' },
];

/** Fewer points than this and no model is fitted: ETS(A,N,N) has 3 parameters and needs some left over. */
export const MINIMUM_POINTS = 8;

export interface ForecastOptions {
  /** Steps ahead to forecast (days for daily series). */
  horizon: number;
  /** Length of the seasonal cycle (7 for a weekly pattern in daily data); 1 turns seasonality off. */
  seasonPeriod?: number;
  /** Coverage of the prediction intervals, each in (0, 1). */
  levels?: readonly number[];
  /** Restrict the model search (all six by default). */
  candidates?: readonly EtsModelSpec[];
}

export interface PredictionInterval {
  level: number;
  lower: number[];
  upper: number[];
}

export interface EtsParameters {
  alpha: number;
  /** null when the model has no trend. */
  beta: number | null;
  /** null when the model has no season. */
  gamma: number | null;
  /** null unless the trend is damped. */
  phi: number | null;
}

export interface EtsInitialState {
  level: number;
  trend: number | null;
  /** Seasonal states of the first `seasonPeriod` observations (they sum to zero), null without season. */
  season: number[] | null;
}

export interface ForecastSuccess {
  ok: true;
  /** e.g. "ETS(A,Ad,A)". */
  model: string;
  trend: EtsTrend;
  season: EtsSeason;
  /** The period the seasonal model used, or 1 when the chosen model has no season. */
  seasonPeriod: number;
  /** Forecast means for steps 1..horizon after the last value. */
  point: number[];
  /** One interval per requested level, in the order given. */
  intervals: PredictionInterval[];
  /** Standard deviation of the h-step forecast error, h = 1..horizon. */
  forecastSd: number[];
  aicc: number;
  aic: number;
  logLikelihood: number;
  /** Residual variance: sum of squared one-step errors over (n − estimated parameters). */
  sigma2: number;
  /** Estimated parameters, counting smoothing parameters, initial states and σ (as AICc counts them). */
  parameterCount: number;
  params: EtsParameters;
  initialState: EtsInitialState;
  /** One-step-ahead fitted values over the input. */
  fitted: number[];
  /** Every model that was fitted, with its AICc, best first. */
  candidates: { model: string; aicc: number }[];
}

export interface InsufficientData {
  ok: false;
  reason: 'insufficient-data';
  /** Points needed. */
  minimum: number;
  received: number;
}

export type ForecastResult = ForecastSuccess | InsufficientData;

export function etsModelName(spec: EtsModelSpec): string {
  return `ETS(A,${spec.trend},${spec.season})`;
}

const ALPHA_LOW = 1e-4;
const ALPHA_HIGH = 0.9999;
const PHI_LOW = 0.8;
const PHI_HIGH = 0.98;
const MAX_SMOOTHING = 4;
const OPTIMISER = { initialStep: 1, relativeTolerance: 1e-7, maxEvaluations: 400 };
const MAX_ALTERNATIONS = 4;
/** A logit this far out puts a smoothing parameter on its bound to within ~3e-7 of its range. */
const BOUND_LOGIT = 15;
/** Parameters whose logit is beyond this (within ~5 % of their range from a bound) are tried on the bound. */
const PROBE_FROM_LOGIT = 3;

const logistic = (u: number): number => 1 / (1 + Math.exp(-u));
const logit = (p: number): number => Math.log(p / (1 - p));

/** Smoothing parameters after decoding; beta = 0 without trend, gamma = 0 without season, phi = 1 undamped. */
interface Smoothing {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

/**
 * Runs the state-space recursions over `y` (all zeros give the error response to the initial
 * state alone), from `init` = [ℓ0, b0, s_0 … s_{m−1}] where s_j is the
 * seasonal state used by observation j. Returns the sum of squared one-step errors; writes each error
 * into `errors` at `offset` when given, and the final state (same layout) into `finalState`.
 * Hot path: no allocation.
 */
function runFilter(
  y: Float64Array,
  n: number,
  m: number,
  hasSeason: boolean,
  s: Smoothing,
  init: Float64Array,
  season: Float64Array,
  errors: Float64Array | null,
  offset: number,
  finalState: Float64Array | null,
): number {
  let level = init[0] as number;
  let trend = init[1] as number;
  if (hasSeason) for (let j = 0; j < m; j++) season[j] = init[2 + j] as number;
  const { alpha, beta, gamma, phi } = s;
  let sse = 0;
  // Two copies of the loop so that the hot one carries no per-step test for the season.
  if (hasSeason) {
    let phase = 0;
    for (let t = 0; t < n; t++) {
      const seasonal = season[phase] as number;
      const dampedTrend = phi * trend;
      const e = (y[t] as number) - (level + dampedTrend + seasonal);
      level = level + dampedTrend + alpha * e;
      trend = dampedTrend + beta * e;
      season[phase] = seasonal + gamma * e;
      phase = phase + 1 === m ? 0 : phase + 1;
      sse += e * e;
      if (errors !== null) errors[offset + t] = e;
    }
  } else {
    for (let t = 0; t < n; t++) {
      const dampedTrend = phi * trend;
      const e = (y[t] as number) - (level + dampedTrend);
      level = level + dampedTrend + alpha * e;
      trend = dampedTrend + beta * e;
      sse += e * e;
      if (errors !== null) errors[offset + t] = e;
    }
  }
  if (finalState !== null) {
    finalState[0] = level;
    finalState[1] = trend;
    if (hasSeason) for (let j = 0; j < m; j++) finalState[2 + j] = season[j] as number;
  }
  return sse;
}

/** Buffers for fitting every candidate model to one series, allocated once per series. */
class SeriesWorkspace {
  readonly n: number;
  readonly zeros: Float64Array;
  readonly season: Float64Array;
  readonly init: Float64Array;
  readonly unitInit: Float64Array;
  readonly responses: Float64Array;
  readonly normal: Float64Array;
  readonly rhs: Float64Array;
  readonly theta: Float64Array;
  readonly optimiser = new NelderMead(MAX_SMOOTHING);

  constructor(
    readonly y: Float64Array,
    readonly m: number,
  ) {
    this.n = y.length;
    this.zeros = new Float64Array(this.n);
    const stateLength = 2 + m;
    this.season = new Float64Array(m);
    this.init = new Float64Array(stateLength);
    this.unitInit = new Float64Array(stateLength);
    // One row for the data's errors from a zero initial state, one per free initial state.
    const freeStates = 1 + 1 + (m - 1);
    this.responses = new Float64Array((freeStates + 1) * this.n);
    this.normal = new Float64Array(freeStates * freeStates);
    this.rhs = new Float64Array(freeStates);
    this.theta = new Float64Array(MAX_SMOOTHING);
  }
}

interface ModelFit {
  spec: EtsModelSpec;
  smoothing: Smoothing;
  init: Float64Array;
  sse: number;
}

function decode(spec: EtsModelSpec, theta: Float64Array, out: Smoothing): void {
  let i = 0;
  out.alpha = ALPHA_LOW + (ALPHA_HIGH - ALPHA_LOW) * logistic(theta[i++] as number);
  out.beta = spec.trend === 'N' ? 0 : out.alpha * logistic(theta[i++] as number);
  out.phi = spec.trend === 'Ad' ? PHI_LOW + (PHI_HIGH - PHI_LOW) * logistic(theta[i++] as number) : 1;
  out.gamma = spec.season === 'A' ? (1 - out.alpha) * logistic(theta[i++] as number) : 0;
}

/** Starting values as R's forecast::ets picks them (initparam): small α for seasonal data, β = 0.1α, γ = 0.05(1 − α), φ ≈ 0.978. */
function startTheta(spec: EtsModelSpec, m: number, theta: Float64Array): number {
  const period = spec.season === 'A' ? m : 1;
  const alpha = ALPHA_LOW + (0.2 * (ALPHA_HIGH - ALPHA_LOW)) / period;
  let i = 0;
  theta[i++] = logit((alpha - ALPHA_LOW) / (ALPHA_HIGH - ALPHA_LOW));
  if (spec.trend !== 'N') theta[i++] = logit(0.1);
  if (spec.trend === 'Ad') theta[i++] = logit(0.99);
  if (spec.season === 'A') theta[i++] = logit(0.05);
  return i;
}

/**
 * Heuristic initial states (as forecast::ets's initstate): seasonal indices from a classical
 * decomposition of the first three cycles, then level and slope from a line through the first
 * max(10, 2m) deseasonalised values. Only the optimiser's starting point: the states are then
 * re-estimated by least squares.
 */
function heuristicInit(ws: SeriesWorkspace, spec: EtsModelSpec, init: Float64Array): void {
  const { y, n, m } = ws;
  init.fill(0);
  const hasSeason = spec.season === 'A';
  if (hasSeason) {
    const used = Math.min(n, 3 * m);
    const sums = new Float64Array(m);
    const counts = new Float64Array(m);
    const half = Math.floor(m / 2);
    for (let t = half; t + half < used; t++) {
      let sum = 0;
      if (m % 2 === 1) {
        for (let k = -half; k <= half; k++) sum += y[t + k] as number;
      } else {
        // 2×m centred moving average for an even period.
        sum = 0.5 * ((y[t - half] as number) + (y[t + half] as number));
        for (let k = -half + 1; k < half; k++) sum += y[t + k] as number;
      }
      const average = sum / m;
      sums[t % m] = (sums[t % m] as number) + (y[t] as number) - average;
      counts[t % m] = (counts[t % m] as number) + 1;
    }
    let mean = 0;
    for (let j = 0; j < m; j++) {
      sums[j] = (counts[j] as number) > 0 ? (sums[j] as number) / (counts[j] as number) : 0;
      mean += (sums[j] as number) / m;
    }
    for (let j = 0; j < m; j++) init[2 + j] = (sums[j] as number) - mean;
  }
  const fitLength = Math.min(Math.max(10, 2 * m), n);
  const deseasonalised = (t: number): number => (y[t] as number) - (hasSeason ? (init[2 + (t % m)] as number) : 0);
  if (spec.trend === 'N') {
    let sum = 0;
    for (let t = 0; t < fitLength; t++) sum += deseasonalised(t);
    init[0] = sum / fitLength;
    return;
  }
  // Least-squares line over times 1..fitLength, so the intercept is the state at time 0.
  const meanTime = (fitLength + 1) / 2;
  let meanValue = 0;
  for (let t = 0; t < fitLength; t++) meanValue += deseasonalised(t) / fitLength;
  let covariance = 0;
  let variance = 0;
  for (let t = 0; t < fitLength; t++) {
    covariance += (t + 1 - meanTime) * (deseasonalised(t) - meanValue);
    variance += (t + 1 - meanTime) * (t + 1 - meanTime);
  }
  const slope = covariance / variance;
  init[0] = meanValue - slope * meanTime;
  init[1] = slope;
}

/**
 * The initial states that minimise the sum of squared errors for fixed smoothing parameters. The
 * errors are linear in the initial state, so this is a least-squares problem: e = e₀ + E·x, where e₀
 * are the errors from a zero state and column j of E is the error response to unit state j.
 * Seasonal states are parametrised with the last one equal to minus the sum of the others (the
 * normalisation that makes level and season identifiable). Writes the solution into `init`.
 */
function leastSquaresInit(ws: SeriesWorkspace, spec: EtsModelSpec, s: Smoothing, init: Float64Array): void {
  const { y, zeros, n, m, season, unitInit, responses, normal, rhs } = ws;
  const hasSeason = spec.season === 'A';
  const hasTrend = spec.trend !== 'N';
  const free = 1 + (hasTrend ? 1 : 0) + (hasSeason ? m - 1 : 0);
  unitInit.fill(0);
  runFilter(y, n, m, hasSeason, s, unitInit, season, responses, 0, null);
  for (let j = 0; j < free; j++) {
    unitInit.fill(0);
    setFreeState(unitInit, j, 1, hasTrend, m);
    runFilter(zeros, n, m, hasSeason, s, unitInit, season, responses, (j + 1) * n, null);
  }
  let trace = 0;
  for (let j = 0; j < free; j++) {
    const rowJ = (j + 1) * n;
    let b = 0;
    for (let t = 0; t < n; t++) b -= (responses[rowJ + t] as number) * (responses[t] as number);
    rhs[j] = b;
    for (let k = 0; k <= j; k++) {
      const rowK = (k + 1) * n;
      let a = 0;
      for (let t = 0; t < n; t++) a += (responses[rowJ + t] as number) * (responses[rowK + t] as number);
      normal[j * free + k] = a;
      normal[k * free + j] = a;
    }
    trace += normal[j * free + j] as number;
  }
  // A whisper of ridge keeps the system solvable when a state barely influences the errors (α ≈ 1).
  const ridge = 1e-10 * (trace / free) + 1e-300;
  for (let j = 0; j < free; j++) normal[j * free + j] = (normal[j * free + j] as number) + ridge;
  choleskySolveInPlace(normal, rhs, free);
  init.fill(0);
  for (let j = 0; j < free; j++) setFreeState(init, j, rhs[j] as number, hasTrend, m);
}

/** Adds `value` of free state `j` (level, then trend if any, then seasonal phases 0..m−2) to `state`. */
function setFreeState(state: Float64Array, j: number, value: number, hasTrend: boolean, m: number): void {
  if (j === 0) {
    state[0] = (state[0] as number) + value;
    return;
  }
  if (hasTrend && j === 1) {
    state[1] = (state[1] as number) + value;
    return;
  }
  const phase = j - (hasTrend ? 2 : 1);
  state[2 + phase] = (state[2 + phase] as number) + value;
  state[2 + m - 1] = (state[2 + m - 1] as number) - value;
}

/** Solves A·x = b for symmetric positive-definite A (row-major, size k); x overwrites b, A is destroyed. */
function choleskySolveInPlace(a: Float64Array, b: Float64Array, k: number): void {
  for (let j = 0; j < k; j++) {
    let diagonal = a[j * k + j] as number;
    for (let p = 0; p < j; p++) diagonal -= (a[j * k + p] as number) ** 2;
    const root = Math.sqrt(Math.max(diagonal, 1e-300));
    a[j * k + j] = root;
    for (let i = j + 1; i < k; i++) {
      let value = a[i * k + j] as number;
      for (let p = 0; p < j; p++) value -= (a[i * k + p] as number) * (a[j * k + p] as number);
      a[i * k + j] = value / root;
    }
  }
  for (let i = 0; i < k; i++) {
    let value = b[i] as number;
    for (let p = 0; p < i; p++) value -= (a[i * k + p] as number) * (b[p] as number);
    b[i] = value / (a[i * k + i] as number);
  }
  for (let i = k - 1; i >= 0; i--) {
    let value = b[i] as number;
    for (let p = i + 1; p < k; p++) value -= (a[p * k + i] as number) * (b[p] as number);
    b[i] = value / (a[i * k + i] as number);
  }
}

/**
 * Maximum-likelihood fit of one model. With additive Gaussian errors the likelihood, concentrated
 * over σ, is a decreasing function of the sum of squared one-step errors, so the fit minimises that
 * sum over smoothing parameters and initial states jointly, alternating two exact-or-local steps that
 * never increase it: Nelder–Mead over the (bounded, logit-transformed) smoothing parameters with the
 * initial states fixed, then the least-squares initial states for those parameters.
 */
function fitModel(ws: SeriesWorkspace, spec: EtsModelSpec): ModelFit {
  const { y, n, m, season, theta, optimiser } = ws;
  const hasSeason = spec.season === 'A';
  const init = new Float64Array(2 + m);
  const probeInit = new Float64Array(2 + m);
  heuristicInit(ws, spec, init);
  const smoothingCount = startTheta(spec, m, theta);
  const smoothing: Smoothing = { alpha: 0, beta: 0, gamma: 0, phi: 1 };
  const trial: Smoothing = { alpha: 0, beta: 0, gamma: 0, phi: 1 };
  const objective = (x: Float64Array): number => {
    decode(spec, x, trial);
    return runFilter(y, n, m, hasSeason, trial, init, season, null, 0, null);
  };
  let sse = Number.POSITIVE_INFINITY;
  for (let round = 0; round < MAX_ALTERNATIONS; round++) {
    optimiser.minimize(objective, theta, smoothingCount, OPTIMISER);
    decode(spec, theta, smoothing);
    leastSquaresInit(ws, spec, smoothing, init);
    let next = runFilter(y, n, m, hasSeason, smoothing, init, season, null, 0, null);
    // The optimum often lies on a bound (α → 0 for a deterministic level, γ → 0 for a fixed weekly
    // shape), where the logit makes the objective so flat that the simplex stops short, and where
    // the initial states must move with the parameter: a parameter already heading for a bound is
    // tried on it, with the states re-solved.
    for (let j = 0; j < smoothingCount; j++) {
      const kept = theta[j] as number;
      if (Math.abs(kept) < PROBE_FROM_LOGIT) continue;
      theta[j] = Math.sign(kept) * BOUND_LOGIT;
      decode(spec, theta, trial);
      leastSquaresInit(ws, spec, trial, probeInit);
      const value = runFilter(y, n, m, hasSeason, trial, probeInit, season, null, 0, null);
      if (value < next) {
        next = value;
        init.set(probeInit);
      } else theta[j] = kept;
    }
    decode(spec, theta, smoothing);
    const improved = sse - next > 1e-7 * next;
    sse = Math.min(sse, next);
    if (!improved) break;
  }
  return { spec, smoothing: { ...smoothing }, init, sse };
}

/** Parameters AICc counts, as forecast::ets does: smoothing parameters, free initial states and σ. */
function parameterCountOf(spec: EtsModelSpec, m: number): number {
  const smoothing = 1 + (spec.trend === 'N' ? 0 : 1) + (spec.trend === 'Ad' ? 1 : 0) + (spec.season === 'A' ? 1 : 0);
  const initial = 1 + (spec.trend === 'N' ? 0 : 1) + (spec.season === 'A' ? m - 1 : 0);
  return smoothing + initial + 1;
}

/** Seasonal models need two full cycles and a little more, so the seasonal states rest on repeated evidence. */
export function minimumSeasonalPoints(seasonPeriod: number): number {
  return 2 * seasonPeriod + 2;
}

/** Whether a model may be fitted to n points: seasonal ones need ≥ 2m + 2, and every model n ≥ k + 4 (k parameters incl. σ). */
function eligible(spec: EtsModelSpec, n: number, m: number): boolean {
  if (spec.season === 'A' && (m < 2 || n < minimumSeasonalPoints(m))) return false;
  return n >= parameterCountOf(spec, m) + 4;
}

function validateOptions(options: ForecastOptions): { horizon: number; m: number; levels: readonly number[] } {
  const { horizon, seasonPeriod = 7, levels = [0.8, 0.95] } = options;
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  if (!Number.isInteger(seasonPeriod) || seasonPeriod < 1) {
    throw new RangeError(`seasonPeriod must be a positive integer, got ${seasonPeriod}`);
  }
  for (const level of levels)
    if (!(level > 0 && level < 1)) throw new RangeError(`levels must lie in (0, 1), got ${level}`);
  return { horizon, m: seasonPeriod, levels };
}

/**
 * Forecasts a regularly spaced series with the additive-error ETS model (of N/A/Ad trend × N/A
 * season) that has the lowest AICc, each fitted by maximum likelihood. Intervals are the analytic
 * ones of the class-1 models (Hyndman et al. 2008, Table 6.1): Var(h) = σ²·(1 + Σ_{j<h} c_j²), with
 * c_j = α + β·(φ + … + φ^j) + γ·[j mod m = 0], normal quantiles, and no allowance for parameter
 * uncertainty (so they run slightly narrow on short series).
 *
 * Fewer than {@link MINIMUM_POINTS} values → `{ ok: false, reason: 'insufficient-data' }`.
 * Values must be finite (missing days are the caller's to fill or refuse).
 */
export function forecastSeries(values: readonly number[], options: ForecastOptions): ForecastResult {
  const { horizon, m, levels } = validateOptions(options);
  const n = values.length;
  if (n < MINIMUM_POINTS) return { ok: false, reason: 'insufficient-data', minimum: MINIMUM_POINTS, received: n };
  const y = new Float64Array(n);
  let largest = 0;
  for (let t = 0; t < n; t++) {
    const value = values[t] as number;
    if (!Number.isFinite(value)) throw new RangeError(`values[${t}] is not a finite number`);
    y[t] = value;
    largest = Math.max(largest, Math.abs(value));
  }
  const ws = new SeriesWorkspace(y, m);
  // A perfect fit (a constant series) would make the log-likelihood infinite: floor the error variance.
  const sseFloor = n * (1e-9 * Math.max(largest, 1)) ** 2;

  const candidates = (options.candidates ?? ETS_CANDIDATES).filter((spec) => eligible(spec, n, m));
  if (candidates.length === 0) {
    const needed = Math.min(
      ...(options.candidates ?? ETS_CANDIDATES).map((spec) =>
        Math.max(parameterCountOf(spec, m) + 4, spec.season === 'A' ? minimumSeasonalPoints(m) : 0),
      ),
    );
    return { ok: false, reason: 'insufficient-data', minimum: Math.max(needed, MINIMUM_POINTS), received: n };
  }
  let best: { fit: ModelFit; aicc: number; aic: number; logLikelihood: number; k: number } | null = null;
  const scored: { model: string; aicc: number }[] = [];
  for (const spec of candidates) {
    const fit = fitModel(ws, spec);
    const k = parameterCountOf(spec, m);
    const logLikelihood = -0.5 * n * (Math.log((2 * Math.PI * Math.max(fit.sse, sseFloor)) / n) + 1);
    const aic = -2 * logLikelihood + 2 * k;
    const aicc = aic + (2 * k * (k + 1)) / (n - k - 1);
    scored.push({ model: etsModelName(spec), aicc });
    if (best === null || aicc < best.aicc) best = { fit, aicc, aic, logLikelihood, k };
  }
  if (best === null) throw new Error('unreachable: at least one candidate was fitted');
  scored.sort((a, b) => a.aicc - b.aicc);
  return describeForecast(ws, best.fit, { ...best, horizon, levels, candidates: scored });
}

function describeForecast(
  ws: SeriesWorkspace,
  fit: ModelFit,
  summary: {
    aicc: number;
    aic: number;
    logLikelihood: number;
    k: number;
    horizon: number;
    levels: readonly number[];
    candidates: { model: string; aicc: number }[];
  },
): ForecastSuccess {
  const { y, n, m, season } = ws;
  const { spec, smoothing } = fit;
  const hasSeason = spec.season === 'A';
  const errors = new Float64Array(n);
  const finalState = new Float64Array(2 + m);
  const sse = runFilter(y, n, m, hasSeason, smoothing, fit.init, season, errors, 0, finalState);
  const estimated = summary.k - 1;
  const sigma2 = sse / (n - estimated);
  const { alpha, beta, gamma, phi } = smoothing;

  const point: number[] = [];
  const forecastSd: number[] = [];
  let dampedSum = 0; // φ + φ² + … + φ^h
  let phiPower = 1;
  let varianceFactor = 1; // 1 + Σ_{j<h} c_j²
  for (let h = 1; h <= summary.horizon; h++) {
    if (h > 1) {
      const j = h - 1;
      const c = alpha + beta * dampedSum + (hasSeason && j % m === 0 ? gamma : 0);
      varianceFactor += c * c;
    }
    phiPower *= phi;
    dampedSum += phiPower;
    const seasonal = hasSeason ? (finalState[2 + ((n + h - 1) % m)] as number) : 0;
    point.push((finalState[0] as number) + dampedSum * (finalState[1] as number) + seasonal);
    forecastSd.push(Math.sqrt(sigma2 * varianceFactor));
  }
  const intervals = summary.levels.map((level) => {
    const z = twoSidedZ(level);
    return {
      level,
      lower: point.map((mean, i) => mean - z * (forecastSd[i] as number)),
      upper: point.map((mean, i) => mean + z * (forecastSd[i] as number)),
    };
  });
  const fitted = Array.from(y, (value, t) => value - (errors[t] as number));
  return {
    ok: true,
    model: etsModelName(spec),
    trend: spec.trend,
    season: spec.season,
    seasonPeriod: hasSeason ? m : 1,
    point,
    intervals,
    forecastSd,
    aicc: summary.aicc,
    aic: summary.aic,
    logLikelihood: summary.logLikelihood,
    sigma2,
    parameterCount: summary.k,
    params: {
      alpha,
      beta: spec.trend === 'N' ? null : beta,
      gamma: hasSeason ? gamma : null,
      phi: spec.trend === 'Ad' ? phi : null,
    },
    initialState: {
      level: fit.init[0] as number,
      trend: spec.trend === 'N' ? null : (fit.init[1] as number),
      season: hasSeason ? Array.from(fit.init.subarray(2, 2 + m)) : null,
    },
    fitted,
    candidates: summary.candidates,
  };
}
