/**
 * Multinomial logistic regression (softmax) over two blocks of features: a few dense rule features
 * and many sparse n-gram columns. Trained full-batch with Adam, so training is deterministic: the
 * same examples give the same weights bit for bit. The loss is the class-weighted cross-entropy plus
 * an L2 penalty per block; the dense block is pulled towards a prior (the rules' meaning), the
 * sparse block towards zero. The biases are free: they carry the register's calibration.
 */

export interface SparseRow {
  columns: Int32Array;
  values: Float64Array;
}

export interface SoftmaxExample {
  dense: Float64Array;
  sparse: SparseRow;
  label: number;
  /** Weight of this example in the loss (classes are balanced this way). */
  weight: number;
}

export interface SoftmaxWeights {
  classes: number;
  denseSize: number;
  sparseSize: number;
  bias: Float64Array;
  /** classes × denseSize, row-major by class. */
  dense: Float64Array;
  /** classes × sparseSize, row-major by class. */
  sparse: Float64Array;
}

export interface SoftmaxTrainingOptions {
  classes: number;
  denseSize: number;
  sparseSize: number;
  denseL2: number;
  sparseL2: number;
  /** classes × denseSize; zeros when absent. */
  densePrior?: Float64Array;
  iterations: number;
  learningRate: number;
}

export function createWeights(classes: number, denseSize: number, sparseSize: number): SoftmaxWeights {
  return {
    classes,
    denseSize,
    sparseSize,
    bias: new Float64Array(classes),
    dense: new Float64Array(classes * denseSize),
    sparse: new Float64Array(classes * sparseSize),
  };
}

/** Class probabilities of one example, written into `out`. */
export function predictInto(
  weights: SoftmaxWeights,
  dense: ArrayLike<number>,
  sparse: SparseRow,
  out: Float64Array,
): void {
  const { classes, denseSize, sparseSize } = weights;
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < classes; c++) {
    let logit = weights.bias[c] as number;
    const denseOffset = c * denseSize;
    for (let d = 0; d < denseSize; d++) logit += (weights.dense[denseOffset + d] as number) * (dense[d] as number);
    const sparseOffset = c * sparseSize;
    for (let k = 0; k < sparse.columns.length; k++) {
      logit += (weights.sparse[sparseOffset + (sparse.columns[k] as number)] as number) * (sparse.values[k] as number);
    }
    out[c] = logit;
    if (logit > max) max = logit;
  }
  let total = 0;
  for (let c = 0; c < classes; c++) {
    const exp = Math.exp((out[c] as number) - max);
    out[c] = exp;
    total += exp;
  }
  for (let c = 0; c < classes; c++) out[c] = (out[c] as number) / total;
}

/** The penalised loss and its gradient (same layout as the weights). */
export function lossAndGradient(
  weights: SoftmaxWeights,
  examples: readonly SoftmaxExample[],
  options: Pick<SoftmaxTrainingOptions, 'denseL2' | 'sparseL2' | 'densePrior'>,
): { loss: number; gradient: SoftmaxWeights } {
  const { classes, denseSize, sparseSize } = weights;
  const gradient = createWeights(classes, denseSize, sparseSize);
  const probabilities = new Float64Array(classes);
  let totalWeight = 0;
  for (const example of examples) totalWeight += example.weight;
  let loss = 0;
  for (const example of examples) {
    predictInto(weights, example.dense, example.sparse, probabilities);
    const share = example.weight / totalWeight;
    loss -= share * Math.log(Math.max(probabilities[example.label] as number, 1e-300));
    for (let c = 0; c < classes; c++) {
      const error = share * ((probabilities[c] as number) - (c === example.label ? 1 : 0));
      gradient.bias[c] = (gradient.bias[c] as number) + error;
      const denseOffset = c * denseSize;
      for (let d = 0; d < denseSize; d++) {
        gradient.dense[denseOffset + d] =
          (gradient.dense[denseOffset + d] as number) + error * (example.dense[d] as number);
      }
      const sparseOffset = c * sparseSize;
      const { columns, values } = example.sparse;
      for (let k = 0; k < columns.length; k++) {
        const at = sparseOffset + (columns[k] as number);
        gradient.sparse[at] = (gradient.sparse[at] as number) + error * (values[k] as number);
      }
    }
  }
  for (let i = 0; i < weights.dense.length; i++) {
    const offset = (weights.dense[i] as number) - (options.densePrior?.[i] ?? 0);
    loss += 0.5 * options.denseL2 * offset * offset;
    gradient.dense[i] = (gradient.dense[i] as number) + options.denseL2 * offset;
  }
  for (let i = 0; i < weights.sparse.length; i++) {
    const value = weights.sparse[i] as number;
    loss += 0.5 * options.sparseL2 * value * value;
    gradient.sparse[i] = (gradient.sparse[i] as number) + options.sparseL2 * value;
  }
  return { loss, gradient };
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/** Full-batch Adam from the prior (dense) and zeros (bias, sparse). */
export function trainSoftmax(
  examples: readonly SoftmaxExample[],
  options: SoftmaxTrainingOptions,
): { weights: SoftmaxWeights; losses: number[] } {
  const weights = createWeights(options.classes, options.denseSize, options.sparseSize);
  if (options.densePrior) weights.dense.set(options.densePrior);
  const blocks = ['bias', 'dense', 'sparse'] as const;
  const moments = blocks.map((block) => ({
    block,
    first: new Float64Array(weights[block].length),
    second: new Float64Array(weights[block].length),
  }));
  const losses: number[] = [];
  for (let step = 1; step <= options.iterations; step++) {
    const { loss, gradient } = lossAndGradient(weights, examples, options);
    losses.push(loss);
    const firstCorrection = 1 - ADAM_BETA1 ** step;
    const secondCorrection = 1 - ADAM_BETA2 ** step;
    for (const { block, first, second } of moments) {
      const values = weights[block];
      const grad = gradient[block];
      for (let i = 0; i < values.length; i++) {
        const g = grad[i] as number;
        first[i] = ADAM_BETA1 * (first[i] as number) + (1 - ADAM_BETA1) * g;
        second[i] = ADAM_BETA2 * (second[i] as number) + (1 - ADAM_BETA2) * g * g;
        const update =
          (first[i] as number) / firstCorrection / (Math.sqrt((second[i] as number) / secondCorrection) + ADAM_EPSILON);
        values[i] = (values[i] as number) - options.learningRate * update;
      }
    }
  }
  return { weights, losses };
}
