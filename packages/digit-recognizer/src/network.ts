/**
 * A small multilayer perceptron in typed arrays: dense layers with ReLU between them, and an output
 * layer holding the class logits followed by one logit for "this glyph is over-written". Inference
 * and training (minibatch backpropagation with AdamW) both live here; nothing leaves the process.
 *
 * Weights are stored input-major (`weights[i * outputs + o]`): each input owns a contiguous row of
 * weights, so a pass only touches the rows of non-zero inputs. Glyph features are mostly zeros
 * (paper around the ink, zones without strokes) and so are half the ReLU outputs, which makes
 * skipping them the largest saving available without SIMD.
 */

export interface DenseLayer {
  inputs: number;
  outputs: number;
  /** Input-major: weights[i * outputs + o]. */
  weights: Float32Array;
  bias: Float32Array;
}

export interface Network {
  layers: DenseLayer[];
  /** Number of class logits at the front of the last layer's outputs; one more logit follows. */
  classCount: number;
}

export function createNetwork(sizes: readonly number[], classCount: number, random: () => number): Network {
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l] as number;
    const outputs = sizes[l + 1] as number;
    // He initialisation (uniform with the same variance) suits ReLU layers.
    const limit = Math.sqrt(6 / inputs);
    const weights = new Float32Array(inputs * outputs);
    for (let i = 0; i < weights.length; i++) weights[i] = (random() * 2 - 1) * limit;
    layers.push({ inputs, outputs, weights, bias: new Float32Array(outputs) });
  }
  const last = layers[layers.length - 1];
  if (!last || last.outputs !== classCount + 1) throw new Error('the last layer must have classCount + 1 outputs');
  return { layers, classCount };
}

/** Working buffers for one forward pass, reused across calls. */
export interface Activations {
  values: Float32Array[];
}

export function createActivations(network: Network): Activations {
  return {
    values: [
      new Float32Array((network.layers[0] as DenseLayer).inputs),
      ...network.layers.map((layer) => new Float32Array(layer.outputs)),
    ],
  };
}

/**
 * Forward pass of `input[inputOffset ..]` (copied into the activations); returns the last layer's
 * raw outputs (class logits, then the over-writing logit).
 */
/** Training-time dropout of hidden units: each is zeroed with probability `rate`, the rest scaled up. */
export interface Dropout {
  rate: number;
  random: () => number;
}

export function forward(
  network: Network,
  input: Float32Array,
  activations: Activations,
  inputOffset = 0,
  dropout?: Dropout,
): Float32Array {
  const layers = network.layers;
  (activations.values[0] as Float32Array).set(
    input.subarray(inputOffset, inputOffset + (layers[0] as DenseLayer).inputs),
  );
  for (let l = 0; l < layers.length; l++) {
    const { weights, bias, inputs, outputs } = layers[l] as DenseLayer;
    const x = activations.values[l] as Float32Array;
    const y = activations.values[l + 1] as Float32Array;
    y.set(bias);
    for (let i = 0; i < inputs; i++) {
      const xi = x[i] as number;
      if (xi === 0) continue;
      const row = i * outputs;
      for (let o = 0; o < outputs; o++) y[o] = (y[o] as number) + xi * (weights[row + o] as number);
    }
    if (l === layers.length - 1) continue;
    for (let o = 0; o < outputs; o++) if ((y[o] as number) < 0) y[o] = 0;
    if (dropout) {
      const keep = 1 / (1 - dropout.rate);
      for (let o = 0; o < outputs; o++) {
        if (y[o] === 0) continue;
        y[o] = dropout.random() < dropout.rate ? 0 : (y[o] as number) * keep;
      }
    }
  }
  return activations.values[layers.length] as Float32Array;
}

/** Softmax of the class logits into `probabilities`; returns the over-writing probability (sigmoid). */
export function readOutputs(network: Network, outputs: Float32Array, probabilities: Float32Array): number {
  const n = network.classCount;
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < n; c++) max = Math.max(max, outputs[c] as number);
  let total = 0;
  for (let c = 0; c < n; c++) {
    const e = Math.exp((outputs[c] as number) - max);
    probabilities[c] = e;
    total += e;
  }
  for (let c = 0; c < n; c++) probabilities[c] = (probabilities[c] as number) / total;
  return 1 / (1 + Math.exp(-(outputs[n] as number)));
}

/** Multiplies each input's weights by a factor: folds a per-feature input scaling into the network. */
export function scaleInputs(network: Network, scale: Float32Array): Network {
  const [first, ...rest] = network.layers as [DenseLayer, ...DenseLayer[]];
  const weights = first.weights.slice();
  for (let i = 0; i < first.inputs; i++) {
    const factor = scale[i] as number;
    for (let o = 0; o < first.outputs; o++)
      weights[i * first.outputs + o] = (weights[i * first.outputs + o] as number) * factor;
  }
  return { classCount: network.classCount, layers: [{ ...first, weights }, ...rest] };
}

export interface TrainingSet {
  features: Float32Array;
  featureLength: number;
  labels: Uint8Array;
  overwritten: Uint8Array;
  count: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on weights (decoupled, as in AdamW). */
  weightDecay: number;
  /** Weight of the over-writing loss relative to the class loss. */
  overwrittenWeight: number;
  /** Share of hidden units dropped at each training step (0 disables dropout). */
  dropout: number;
  random: () => number;
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Trains in place with AdamW over shuffled minibatches and a cosine learning-rate decay. */
export function trainNetwork(network: Network, data: TrainingSet, options: TrainOptions): void {
  const layers = network.layers;
  const state = layers.map((layer) => ({
    gradientWeights: new Float32Array(layer.weights.length),
    gradientBias: new Float32Array(layer.bias.length),
    adamWeights: new AdamMoments(layer.weights.length),
    adamBias: new AdamMoments(layer.bias.length),
  }));
  const activations = createActivations(network);
  const deltas = layers.map((layer) => new Float32Array(layer.outputs));
  const probabilities = new Float32Array(network.classCount);
  const order = Uint32Array.from({ length: data.count }, (_, i) => i);
  const totalSteps = options.epochs * Math.ceil(data.count / options.batchSize);
  const dropout = options.dropout > 0 ? { rate: options.dropout, random: options.random } : undefined;
  const keepScale = dropout ? 1 / (1 - dropout.rate) : 1;
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(options.random() * (i + 1));
      const held = order[i] as number;
      order[i] = order[j] as number;
      order[j] = held;
    }
    let epochLoss = 0;
    for (let start = 0; start < data.count; start += options.batchSize) {
      const end = Math.min(data.count, start + options.batchSize);
      for (const layerState of state) {
        layerState.gradientWeights.fill(0);
        layerState.gradientBias.fill(0);
      }
      for (let b = start; b < end; b++) {
        const sample = order[b] as number;
        const outputs = forward(network, data.features, activations, sample * data.featureLength, dropout);
        const pOverwritten = readOutputs(network, outputs, probabilities);
        const label = data.labels[sample] as number;
        epochLoss -= Math.log(Math.max(1e-7, probabilities[label] as number));
        const last = deltas[layers.length - 1] as Float32Array;
        for (let c = 0; c < network.classCount; c++) last[c] = (probabilities[c] as number) - (c === label ? 1 : 0);
        last[network.classCount] = options.overwrittenWeight * (pOverwritten - (data.overwritten[sample] as number));
        backward(network, activations, deltas, state, keepScale);
      }
      step++;
      const rate = options.learningRate * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps));
      const scale = 1 / (end - start);
      layers.forEach((layer, l) => {
        const layerState = state[l] as (typeof state)[number];
        layerState.adamWeights.update(
          layer.weights,
          layerState.gradientWeights,
          scale,
          rate,
          step,
          options.weightDecay,
        );
        layerState.adamBias.update(layer.bias, layerState.gradientBias, scale, rate, step, 0);
      });
    }
    options.onEpoch?.(epoch, epochLoss / data.count);
  }
}

/** Accumulates one sample's gradients, given the output deltas already in `deltas`' last entry. */
function backward(
  network: Network,
  activations: Activations,
  deltas: Float32Array[],
  state: { gradientWeights: Float32Array; gradientBias: Float32Array }[],
  keepScale: number,
): void {
  const layers = network.layers;
  for (let l = layers.length - 1; l >= 0; l--) {
    const { weights, inputs, outputs } = layers[l] as DenseLayer;
    const delta = deltas[l] as Float32Array;
    const x = activations.values[l] as Float32Array;
    const { gradientWeights, gradientBias } = state[l] as (typeof state)[number];
    for (let o = 0; o < outputs; o++) gradientBias[o] = (gradientBias[o] as number) + (delta[o] as number);
    const previous = l > 0 ? (deltas[l - 1] as Float32Array) : null;
    for (let i = 0; i < inputs; i++) {
      const xi = x[i] as number;
      // A zero input has no weight gradient, and (after ReLU) passes no gradient back either.
      if (xi === 0) {
        if (previous) previous[i] = 0;
        continue;
      }
      const row = i * outputs;
      let back = 0;
      for (let o = 0; o < outputs; o++) {
        const d = delta[o] as number;
        gradientWeights[row + o] = (gradientWeights[row + o] as number) + xi * d;
        back += (weights[row + o] as number) * d;
      }
      // A kept hidden unit was scaled up by dropout: so is its gradient.
      if (previous) previous[i] = back * keepScale;
    }
  }
}

/** AdamW moment estimates for one parameter array. */
class AdamMoments {
  private readonly first: Float32Array;
  private readonly second: Float32Array;

  constructor(size: number) {
    this.first = new Float32Array(size);
    this.second = new Float32Array(size);
  }

  update(
    parameters: Float32Array,
    gradients: Float32Array,
    scale: number,
    rate: number,
    step: number,
    weightDecay: number,
  ) {
    const correction1 = 1 - 0.9 ** step;
    const correction2 = 1 - 0.999 ** step;
    for (let i = 0; i < parameters.length; i++) {
      const g = (gradients[i] as number) * scale;
      const m = 0.9 * (this.first[i] as number) + 0.1 * g;
      const v = 0.999 * (this.second[i] as number) + 0.001 * g * g;
      this.first[i] = m;
      this.second[i] = v;
      const update = m / correction1 / (Math.sqrt(v / correction2) + 1e-8);
      parameters[i] = (parameters[i] as number) - rate * (update + weightDecay * (parameters[i] as number));
    }
  }
}
