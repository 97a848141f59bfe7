import { type LabelledPost, stratifiedSplit } from './training.js';

/**
 * The one split of SentiMP-21 into training and held-out test posts: the train command fits on
 * the first, and its report and the benchmarks measure on the second, never trained on.
 */
export const SENTIMP_SPLIT = { seed: 'sentiment-es/sentimp21/split-v1', testShare: 0.2 } as const;

export function sentimpSplit(posts: readonly LabelledPost[]): { train: LabelledPost[]; test: LabelledPost[] } {
  const split = stratifiedSplit(
    posts.map((post) => post.label),
    SENTIMP_SPLIT.testShare,
    SENTIMP_SPLIT.seed,
  );
  return {
    train: split.train.map((index) => posts[index] as LabelledPost),
    test: split.test.map((index) => posts[index] as LabelledPost),
  };
}
