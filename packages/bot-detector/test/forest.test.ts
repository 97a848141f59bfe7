import { describe, expect, it } from 'vitest';
import { attributeForest, type FlatTree, predictForest } from '../src/index.js';

// A hand-built tree over two features: feature 0 (say, a default image) raises the bot likelihood,
// feature 1 (say, followers) lowers it. Node values are the means over the rows each node sees.
//            node 0: f0 < 0.5, value 0.5
//        /                          \
//   node 1: f1 < 100, value 0.3    node 2: leaf 0.9
//     /            \
//  node 3: leaf 0.6  node 4: leaf 0.1
const tree: FlatTree = {
  feature: [0, 1, -1, -1, -1],
  threshold: [0.5, 100, 0, 0, 0],
  left: [1, 3, 0, 0, 0],
  right: [2, 4, 0, 0, 0],
  value: [0.5, 0.3, 0.9, 0.6, 0.1],
};

describe('attributeForest', () => {
  it('credits each split’s change in value to the feature that split', () => {
    const withDefaultImage = attributeForest([tree], [1, 5_000], 2);
    expect(withDefaultImage.prediction).toBeCloseTo(0.9, 12);
    expect(withDefaultImage.contributions[0]).toBeCloseTo(0.4, 12);
    expect(withDefaultImage.contributions[1]).toBe(0);

    const popular = attributeForest([tree], [0, 5_000], 2);
    expect(popular.prediction).toBeCloseTo(0.1, 12);
    expect(popular.contributions[0]).toBeCloseTo(-0.2, 12);
    expect(popular.contributions[1]).toBeCloseTo(-0.2, 12);

    const unknown = attributeForest([tree], [0, 10], 2);
    expect(unknown.contributions[1]).toBeCloseTo(0.3, 12);
  });

  it('adds up to the prediction over a forest, the bias being the mean root value', () => {
    const flipped: FlatTree = { ...tree, value: tree.value.map((value) => 1 - value) };
    for (const row of [
      [0, 10],
      [0, 5_000],
      [1, 10],
    ]) {
      const attribution = attributeForest([tree, flipped], row, 2);
      expect(attribution.bias).toBeCloseTo(0.5, 12);
      expect(attribution.prediction).toBeCloseTo(predictForest([tree, flipped], row), 12);
      const sum =
        attribution.bias + (attribution.contributions[0] as number) + (attribution.contributions[1] as number);
      expect(sum).toBeCloseTo(attribution.prediction, 12);
    }
  });
});
