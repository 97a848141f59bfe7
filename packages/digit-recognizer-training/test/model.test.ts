import { CellRecognizer, type DigitModel, loadModel, parseModel, serializeModel } from '@castor/digit-recognizer';
import { createRng } from '@castor/seeded-random';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHandwritingRenderer, renderSyntheticCell, TRAINING_FACES } from '../src/index.js';

let model: DigitModel;

beforeAll(async () => {
  model = await loadModel();
});

describe('model files', () => {
  it('round-trips through its JSON form with identical readings', async () => {
    const copy = parseModel(JSON.parse(serializeModel(model)));
    expect(copy.metadata).toEqual(model.metadata);
    expect(copy.calibration).toEqual(model.calibration);
    for (const [l, layer] of copy.network.layers.entries()) {
      expect(layer.weights).toEqual(model.network.layers[l]?.weights);
    }
    const original = new CellRecognizer(model);
    const restored = new CellRecognizer(copy);
    const renderer = await loadHandwritingRenderer();
    const rng = createRng('round trip');
    for (let i = 0; i < 20; i++) {
      const cell = renderSyntheticCell(renderer, { faces: TRAINING_FACES }, rng);
      expect(restored.readCell(cell.image)).toEqual(original.readCell(cell.image));
    }
  });
});
