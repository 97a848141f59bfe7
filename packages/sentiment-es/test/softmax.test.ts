import { describe, expect, it } from 'vitest';
import { lossAndGradient, type SoftmaxExample, type SoftmaxWeights, trainSoftmax } from '../src/index.js';

/** Three classes told apart by which of three dense features is on, plus one sparse column each. */
function toyExamples(): SoftmaxExample[] {
  const examples: SoftmaxExample[] = [];
  for (let label = 0; label < 3; label++) {
    for (let copy = 0; copy < 4; copy++) {
      const dense = new Float64Array(3);
      dense[label] = 1 + copy * 0.1;
      examples.push({
        dense,
        sparse: { columns: Int32Array.of(label, 3), values: Float64Array.of(0.8, 0.6) },
        label,
        weight: copy === 0 ? 2 : 1,
      });
    }
  }
  return examples;
}

const options = {
  classes: 3,
  denseSize: 3,
  sparseSize: 4,
  denseL2: 0.1,
  sparseL2: 0.05,
  iterations: 200,
  learningRate: 0.05,
};

describe('lossAndGradient', () => {
  it('matches a numerical gradient, penalties and prior included', () => {
    const { weights } = trainSoftmax(toyExamples(), { ...options, iterations: 3 });
    const densePrior = Float64Array.from({ length: 9 }, (_, i) => (i % 4) * 0.3 - 0.4);
    const penalties = { denseL2: 0.1, sparseL2: 0.05, densePrior };
    const { gradient } = lossAndGradient(weights, toyExamples(), penalties);
    const step = 1e-6;
    for (const block of ['bias', 'dense', 'sparse'] as const) {
      for (let i = 0; i < weights[block].length; i++) {
        const nudged = (delta: number): SoftmaxWeights => {
          const copy = { ...weights, [block]: Float64Array.from(weights[block]) };
          copy[block][i] = (copy[block][i] as number) + delta;
          return copy;
        };
        const numerical =
          (lossAndGradient(nudged(step), toyExamples(), penalties).loss -
            lossAndGradient(nudged(-step), toyExamples(), penalties).loss) /
          (2 * step);
        expect(gradient[block][i], `${block}[${i}]`).toBeCloseTo(numerical, 6);
      }
    }
  });
});

describe('trainSoftmax', () => {
  it('lowers the loss and separates separable classes', () => {
    const { weights, losses } = trainSoftmax(toyExamples(), { ...options, denseL2: 0.001, sparseL2: 0.001 });
    expect(losses.at(-1)).toBeLessThan((losses[0] as number) / 3);
    const { loss } = lossAndGradient(weights, toyExamples(), { denseL2: 0, sparseL2: 0 });
    expect(loss).toBeLessThan(0.3);
  });

  it('gives the same weights bit for bit on every run', () => {
    const first = trainSoftmax(toyExamples(), options).weights;
    const second = trainSoftmax(toyExamples(), options).weights;
    expect(Array.from(second.dense)).toEqual(Array.from(first.dense));
    expect(Array.from(second.sparse)).toEqual(Array.from(first.sparse));
  });

  it('keeps dense weights at their prior when the penalty dominates', () => {
    const densePrior = Float64Array.from({ length: 9 }, (_, i) => i / 10);
    const { weights } = trainSoftmax(toyExamples(), { ...options, denseL2: 1e4, densePrior });
    Array.from(weights.dense).forEach((value, i) => {
      expect(value).toBeCloseTo(densePrior[i] as number, 2);
    });
  });
});
