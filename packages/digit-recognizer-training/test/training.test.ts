import {
  createActivations,
  createNetwork,
  FEATURE_LENGTH,
  forward,
  GLYPH_CLASSES,
  glyphFeatures,
  parseModel,
  segmentCell,
  serializeModel,
  type TrainingSet,
  trainNetwork,
} from '@castor/digit-recognizer';
import { createRng } from '@castor/seeded-random';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_CONFIG, loadHandwritingRenderer, TRAINING_FACES, trainDigitModel } from '../src/index.js';
import { loadMnistDigits, mnistCandidate } from '../src/mnist.js';
import { candidatesToClassify, labelCandidates, renderSyntheticCell } from '../src/synthetic-cells.js';

async function glyphSet(cells: number, seed: string): Promise<TrainingSet> {
  const renderer = await loadHandwritingRenderer();
  const rng = createRng(seed);
  const features: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < cells; i++) {
    const cell = renderSyntheticCell(renderer, { faces: TRAINING_FACES }, rng);
    const segmentation = segmentCell(cell.image, { digitHeight: cell.digitHeightHint });
    const { context } = segmentation;
    for (const sample of labelCandidates(candidatesToClassify(segmentation), cell.rendered)) {
      const vector = new Float32Array(FEATURE_LENGTH);
      glyphFeatures(sample.candidate, context, vector);
      features.push([...vector]);
      labels.push(GLYPH_CLASSES.indexOf(sample.label));
    }
  }
  return {
    features: Float32Array.from(features.flat()),
    featureLength: FEATURE_LENGTH,
    labels: Uint8Array.from(labels),
    overwritten: new Uint8Array(labels.length),
    count: labels.length,
  };
}

function accuracy(network: ReturnType<typeof createNetwork>, set: TrainingSet): number {
  const activations = createActivations(network);
  let correct = 0;
  for (let s = 0; s < set.count; s++) {
    const outputs = forward(network, set.features, activations, s * set.featureLength);
    let top = 0;
    for (let c = 1; c < network.classCount; c++) if ((outputs[c] as number) > (outputs[top] as number)) top = c;
    if (top === set.labels[s]) correct++;
  }
  return correct / set.count;
}

describe('training', () => {
  it('learns glyph classes from a small synthetic set, well above the majority class', async () => {
    const train = await glyphSet(250, 'tiny train');
    const test = await glyphSet(100, 'tiny test');
    const counts = new Map<number, number>();
    for (const label of test.labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    const majority = Math.max(...counts.values()) / test.count;
    const rng = createRng('tiny network');
    const network = createNetwork([FEATURE_LENGTH, 32, GLYPH_CLASSES.length + 1], GLYPH_CLASSES.length, () =>
      rng.next(),
    );
    const before = accuracy(network, test);
    const losses: number[] = [];
    trainNetwork(network, train, {
      epochs: 8,
      batchSize: 32,
      learningRate: 0.003,
      weightDecay: 1e-4,
      overwrittenWeight: 0.5,
      dropout: 0,
      random: () => rng.next(),
      onEpoch: (_, loss) => losses.push(loss),
    });
    expect(losses[losses.length - 1]).toBeLessThan((losses[0] as number) * 0.6);
    const after = accuracy(network, test);
    expect(after).toBeGreaterThan(Math.max(before, majority) + 0.25);
  });

  it('runs the whole train command on a tiny configuration, deterministically', async () => {
    const renderer = await loadHandwritingRenderer();
    const config = {
      ...DEFAULT_TRAINING_CONFIG,
      version: 99,
      seed: 'tiny',
      cells: 120,
      mnistCopies: 0,
      calibrationCells: 60,
      hiddenLayers: [16],
      epochs: 2,
      reviewed: [],
      reviewedCellsSkipped: 0,
    };
    const model = trainDigitModel(config, renderer);
    const again = trainDigitModel(config, renderer);
    expect(again.network.layers.map((layer) => [...layer.weights])).toEqual(
      model.network.layers.map((layer) => [...layer.weights]),
    );
    expect(model.metadata).toMatchObject({ version: 99, kind: 'handwritten', seed: 'tiny', hiddenLayers: [16] });
    expect(model.metadata.training.perSource['synthetic-cells']).toBe(model.metadata.training.samples);
    expect(model.calibration.raw.length).toBeGreaterThan(0);
    const restored = parseModel(JSON.parse(serializeModel(model)));
    expect(restored.metadata.training.samples).toBe(model.metadata.training.samples);
  });
});

describe('synthetic cells with the first-round habits', () => {
  it('write zero rows, digits as tall as the cell, and label every mark as the recognizer reads it', async () => {
    const renderer = await loadHandwritingRenderer();
    const rng = createRng('first-round cells');
    let zeroRows = 0;
    let oversized = 0;
    const labelsByMark = new Map<string, Set<string>>();
    for (let i = 0; i < 200; i++) {
      const { rendered } = renderSyntheticCell(renderer, { faces: TRAINING_FACES, firstRoundHabits: true }, rng);
      if (rendered.state === 'read' && rendered.value === 0) zeroRows++;
      const tallest = Math.max(...rendered.positions.map((p) => (p.box && !p.filler ? p.box.height : 0)));
      if (tallest >= rendered.image.height) oversized++;
      for (const { mark, label } of rendered.positions) {
        if (mark === null || label === null) continue;
        labelsByMark.set(mark, (labelsByMark.get(mark) ?? new Set()).add(label));
      }
      // Every labelled piece carries a class the network has.
      const segmentation = segmentCell(rendered.image);
      for (const sample of labelCandidates(candidatesToClassify(segmentation), rendered))
        expect(GLYPH_CLASSES).toContain(sample.label);
    }
    expect(zeroRows).toBeGreaterThan(10);
    expect(oversized).toBeGreaterThan(5);
    expect([...(labelsByMark.get('slashed-zero') ?? [])]).toEqual(['0']);
    expect([...(labelsByMark.get('crossed-zero') ?? [])]).toEqual(['dot']);
    expect([...(labelsByMark.get('cross') ?? [])]).toEqual(['dash']);
  });
});

describe('mnist augmentation', () => {
  it('warps training copies deterministically and leaves the evaluation copies as they were', () => {
    const sample = loadMnistDigits('4')[0];
    if (!sample) throw new Error('no mnist 4');
    const plain = mnistCandidate(sample, createRng('mnist'));
    expect(mnistCandidate(sample, createRng('mnist'), { augment: false })).toEqual(plain);
    const warped = mnistCandidate(sample, createRng('mnist'), { augment: true });
    expect(mnistCandidate(sample, createRng('mnist'), { augment: true })).toEqual(warped);
    expect([...warped.candidate.mask]).not.toEqual([...plain.candidate.mask]);
    // Still one digit of about the same size: a warp, not a different glyph.
    expect(warped.candidate.box.height).toBeGreaterThan(plain.candidate.box.height * 0.7);
    expect(warped.candidate.box.height).toBeLessThan(plain.candidate.box.height * 1.3);
  });
});
