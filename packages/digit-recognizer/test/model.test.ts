import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DigitModel,
  FEATURE_LENGTH,
  latestModelVersion,
  loadModel,
  MODELS_DIRECTORY,
  modelFileName,
  parseModel,
  serializeModel,
} from '../src/index.js';
import { encodeFloats } from '../src/model.js';

let model: DigitModel;

beforeAll(async () => {
  model = await loadModel();
});

describe('model files', () => {
  it('loads the highest committed version by default, small enough to ship', () => {
    const version = latestModelVersion('handwritten');
    expect(version).toBeGreaterThanOrEqual(1);
    expect(model.metadata.version).toBe(version);
    expect(model.metadata.kind).toBe('handwritten');
    expect(model.metadata.featureLength).toBe(FEATURE_LENGTH);
    expect(model.metadata.training.samples).toBeGreaterThan(10_000);
    expect(statSync(join(MODELS_DIRECTORY, modelFileName('handwritten', version))).size).toBeLessThan(5 * 1024 * 1024);
  });

  it('refuses files that are not a usable model', () => {
    const good = JSON.parse(serializeModel(model));
    const variants: [string, (file: typeof good) => void, RegExp][] = [
      ['another format', (file) => (file.format = 'onnx'), /format/],
      ['other features', (file) => (file.metadata.featureSpec = 'pixels28'), /trained on features/],
      [
        'truncated weights',
        (file) => (file.layers[0].weights = file.layers[0].weights.slice(0, 400)),
        /expected \d+ floats/,
      ],
      [
        'a non-finite weight',
        (file) => (file.layers[1].bias = encodeFloats(new Float32Array(file.layers[1].outputs).fill(Number.NaN))),
        /non-finite/,
      ],
      ['a missing class', (file) => file.metadata.classes.pop(), /class logits/],
      ['a broken calibration', (file) => file.calibration.raw.pop(), /calibration/],
    ];
    for (const [what, corrupt, message] of variants) {
      const file = structuredClone(good);
      corrupt(file);
      expect(() => parseModel(file), what).toThrow(message);
    }
  });
});
