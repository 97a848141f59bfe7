/** Options of {@link NelderMead.minimize}. */
export interface NelderMeadOptions {
  /** Edge of the starting simplex along each axis, in the units of the (unconstrained) coordinates. */
  initialStep: number;
  /** Stop when the spread of the simplex's values falls below this, relative to the best value. */
  relativeTolerance: number;
  /** Stop after this many objective evaluations. */
  maxEvaluations: number;
}

/**
 * Nelder–Mead simplex minimiser for small unconstrained problems (the 1–4 smoothing parameters of
 * an ETS model), reusable without allocating: the simplex and trial points live in buffers sized
 * once for the largest dimension, because the ETS search calls it thousands of times per bench run.
 * Standard coefficients: reflection 1, expansion 2, contraction 0.5, shrink 0.5.
 */
export class NelderMead {
  private readonly simplex: Float64Array;
  private readonly values: Float64Array;
  private readonly centroid: Float64Array;
  private readonly reflected: Float64Array;
  private readonly trial: Float64Array;

  constructor(private readonly maxDimension: number) {
    this.simplex = new Float64Array((maxDimension + 1) * maxDimension);
    this.values = new Float64Array(maxDimension + 1);
    this.centroid = new Float64Array(maxDimension);
    this.reflected = new Float64Array(maxDimension);
    this.trial = new Float64Array(maxDimension);
  }

  /**
   * Minimises `objective` over the first `dimension` coordinates of `point`, starting there, and
   * writes the best point found back into `point`. Returns the best value.
   * `objective` must not keep the array it is handed: it is a reused buffer.
   */
  minimize(
    objective: (x: Float64Array) => number,
    point: Float64Array,
    dimension: number,
    options: NelderMeadOptions,
  ): number {
    if (dimension > this.maxDimension) throw new RangeError(`dimension ${dimension} > ${this.maxDimension}`);
    const { simplex, values, centroid, reflected, trial } = this;
    const d = dimension;
    const vertexCount = d + 1;
    // Vertices are stored in rows of length maxDimension; the objective receives a row copy in `trial`.
    const stride = this.maxDimension;
    // A non-finite value (a diverging filter) counts as the worst possible, never as a comparison that is false.
    const finite = (value: number): number => (Number.isFinite(value) ? value : Number.POSITIVE_INFINITY);
    const evaluate = (source: Float64Array, offset: number): number => {
      for (let j = 0; j < d; j++) trial[j] = source[offset + j] as number;
      return finite(objective(trial));
    };
    for (let i = 0; i < vertexCount; i++) {
      for (let j = 0; j < d; j++)
        simplex[i * stride + j] = (point[j] as number) + (i === j + 1 ? options.initialStep : 0);
      values[i] = evaluate(simplex, i * stride);
    }
    let evaluations = vertexCount;
    while (evaluations < options.maxEvaluations) {
      // Find best, worst and second-worst vertices (no sort: d is at most 4).
      let best = 0;
      let worst = 0;
      for (let i = 1; i < vertexCount; i++) {
        if ((values[i] as number) < (values[best] as number)) best = i;
        if ((values[i] as number) > (values[worst] as number)) worst = i;
      }
      let secondWorst = best;
      for (let i = 0; i < vertexCount; i++) {
        if (i !== worst && (values[i] as number) > (values[secondWorst] as number)) secondWorst = i;
      }
      const bestValue = values[best] as number;
      const worstValue = values[worst] as number;
      if (worstValue - bestValue <= options.relativeTolerance * (Math.abs(bestValue) + 1e-300)) break;

      for (let j = 0; j < d; j++) {
        let sum = 0;
        for (let i = 0; i < vertexCount; i++) if (i !== worst) sum += simplex[i * stride + j] as number;
        centroid[j] = sum / d;
      }
      const worstOffset = worst * stride;
      for (let j = 0; j < d; j++) {
        reflected[j] = 2 * (centroid[j] as number) - (simplex[worstOffset + j] as number);
      }
      const reflectedValue = evaluate(reflected, 0);
      evaluations++;
      if (reflectedValue < bestValue) {
        // Try going further in the same direction.
        for (let j = 0; j < d; j++) {
          trial[j] = 3 * (centroid[j] as number) - 2 * (simplex[worstOffset + j] as number);
        }
        const expandedValue = finite(objective(trial));
        evaluations++;
        if (expandedValue < reflectedValue) {
          for (let j = 0; j < d; j++) simplex[worstOffset + j] = trial[j] as number;
          values[worst] = expandedValue;
        } else {
          for (let j = 0; j < d; j++) simplex[worstOffset + j] = reflected[j] as number;
          values[worst] = reflectedValue;
        }
        continue;
      }
      if (reflectedValue < (values[secondWorst] as number)) {
        for (let j = 0; j < d; j++) simplex[worstOffset + j] = reflected[j] as number;
        values[worst] = reflectedValue;
        continue;
      }
      // Contract towards the better of the worst vertex and its reflection.
      const outside = reflectedValue < worstValue;
      for (let j = 0; j < d; j++) {
        const from = outside ? (reflected[j] as number) : (simplex[worstOffset + j] as number);
        trial[j] = (centroid[j] as number) + 0.5 * (from - (centroid[j] as number));
      }
      const contractedValue = finite(objective(trial));
      evaluations++;
      if (contractedValue < Math.min(reflectedValue, worstValue)) {
        for (let j = 0; j < d; j++) simplex[worstOffset + j] = trial[j] as number;
        values[worst] = contractedValue;
        continue;
      }
      // Shrink every vertex towards the best one.
      const bestOffset = best * stride;
      for (let i = 0; i < vertexCount; i++) {
        if (i === best) continue;
        for (let j = 0; j < d; j++) {
          const b = simplex[bestOffset + j] as number;
          simplex[i * stride + j] = b + 0.5 * ((simplex[i * stride + j] as number) - b);
        }
        values[i] = evaluate(simplex, i * stride);
        evaluations++;
      }
    }
    let best = 0;
    for (let i = 1; i < vertexCount; i++) if ((values[i] as number) < (values[best] as number)) best = i;
    for (let j = 0; j < d; j++) point[j] = simplex[best * stride + j] as number;
    return values[best] as number;
  }
}
