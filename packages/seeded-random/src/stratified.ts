import { createRng } from './rng.js';

/**
 * Row indices of each distinct label (labels in sorted order), each list shuffled by the seed: the
 * basis of stratified splits and folds, so the same labels and seed always give the same rows.
 */
function shuffledByLabel<Label extends string | number>(labels: readonly Label[], seed: string): number[][] {
  const rng = createRng(seed);
  const distinct = [...new Set(labels)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return distinct.map((label) =>
    rng.shuffle(labels.flatMap((candidate, index) => (candidate === label ? [index] : []))),
  );
}

/** A stratified, seeded split of row indices: `share` of each label's rows goes to the test side. */
export function stratifiedSplit<Label extends string | number>(
  labels: readonly Label[],
  share: number,
  seed: string,
): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (const indices of shuffledByLabel(labels, seed)) {
    const testCount = Math.round(indices.length * share);
    test.push(...indices.slice(0, testCount));
    train.push(...indices.slice(testCount));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/** k stratified, seeded folds of row indices: each label's rows dealt round-robin. */
export function stratifiedFolds<Label extends string | number>(
  labels: readonly Label[],
  folds: number,
  seed: string,
): number[][] {
  const result: number[][] = Array.from({ length: folds }, () => []);
  for (const indices of shuffledByLabel(labels, seed)) {
    indices.forEach((index, position) => {
      result[position % folds]?.push(index);
    });
  }
  return result.map((fold) => fold.sort((a, b) => a - b));
}
