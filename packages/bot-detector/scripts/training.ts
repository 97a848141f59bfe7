// Training kit of the bot model: reads the Colombia 2014 spammer data, trains ml-random-forest's
// regression forest on the 0/1 bot label (its mean over trees is a probability), flattens the
// trees into the model file's form, and measures ROC AUC, precision and recall.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomForestRegression } from 'ml-random-forest';
import { type FlatTree, MODEL_FEATURES } from '../src/index.js';

export const DEFAULT_DATA_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  ...['..', 'data', 'colombia-2014-spammers'],
);
/** The held-out split: training and tests derive the same rows from the same seed. */
export const SPLIT_SEED = 'bot-detector/colombia-2014/split-v1';
export const TEST_SHARE = 0.2;

/** The data's 14 columns; the first (v1.1 `default_profile`) has no X API v2 counterpart. */
const DATA_COLUMNS = ['default_profile', ...MODEL_FEATURES] as const;

export interface LabelledAccounts {
  /** One row per account, in MODEL_FEATURES order. */
  rows: number[][];
  /** 1 = spammer (the data's label 0), 0 = not. */
  bot: number[];
}

/** Reads train_features.dat and train_labels.dat (whitespace-separated numbers, one account a line). */
export function readSpammerData(folder: string): LabelledAccounts {
  const lines = (file: string) =>
    readFileSync(join(folder, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
  const features = lines('train_features.dat').map((line, index) => {
    const values = line.trim().split(/\s+/).map(Number);
    if (values.length !== DATA_COLUMNS.length || values.some(Number.isNaN))
      throw new Error(`train_features.dat line ${index + 1}: expected ${DATA_COLUMNS.length} numbers`);
    return values.slice(1);
  });
  const labels = lines('train_labels.dat').map((line, index) => {
    const label = line.trim();
    if (label !== '0' && label !== '1') throw new Error(`train_labels.dat line ${index + 1}: expected 0 or 1`);
    return label === '0' ? 1 : 0;
  });
  if (labels.length !== features.length) throw new Error(`${features.length} feature rows but ${labels.length} labels`);
  return { rows: features, bot: labels };
}

export interface ForestOptions {
  trees: number;
  /** Share of the features each tree may split on (ml-random-forest bags features per tree). */
  featureShare: number;
  maxDepth: number;
  /** A node with this many rows or fewer becomes a leaf. */
  minLeafRows: number;
  seed: number;
}

/** ml-cart's serialised node: a leaf has `distribution` (its mean), an inner node a split. */
interface CartNode {
  splitColumn?: number;
  splitValue?: number;
  left?: CartNode;
  right?: CartNode;
  distribution?: number;
}

interface ForestJson {
  baseModel: { indexes: number[][]; estimators: Array<{ root: CartNode }> };
}

/**
 * Flattens one ml-cart tree, mapping its columns (a per-tree bag of features) back to MODEL_FEATURES
 * through `columns`, and gives inner nodes the mean leaf value over the training rows they see.
 */
function flattenTree(root: CartNode, columns: readonly number[], rows: readonly number[][]): FlatTree {
  const tree: FlatTree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const visit = (node: CartNode, reaching: readonly number[][]): number => {
    const id = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(0);
    tree.right.push(0);
    tree.value.push(0);
    if (node.distribution !== undefined || node.left === undefined || node.right === undefined) {
      tree.value[id] = node.distribution as number;
      return id;
    }
    const feature = columns[node.splitColumn as number] as number;
    const threshold = node.splitValue as number;
    tree.feature[id] = feature;
    tree.threshold[id] = threshold;
    const goLeft = (row: readonly number[]) => (row[feature] as number) < threshold;
    const left = visit(node.left, reaching.filter(goLeft));
    const right = visit(
      node.right,
      reaching.filter((row) => !goLeft(row)),
    );
    tree.left[id] = left;
    tree.right[id] = right;
    return id;
  };
  visit(root, rows);
  // Cover-weighted node values, bottom-up: children come after their parent in the arrays.
  const cover = new Array<number>(tree.feature.length).fill(0);
  for (const row of rows) {
    let node = 0;
    cover[0] = (cover[0] as number) + 1;
    while ((tree.feature[node] as number) >= 0) {
      node =
        (row[tree.feature[node] as number] as number) < (tree.threshold[node] as number)
          ? (tree.left[node] as number)
          : (tree.right[node] as number);
      cover[node] = (cover[node] as number) + 1;
    }
  }
  for (let node = tree.feature.length - 1; node >= 0; node--) {
    if ((tree.feature[node] as number) < 0) continue;
    const left = tree.left[node] as number;
    const right = tree.right[node] as number;
    const total = (cover[left] as number) + (cover[right] as number);
    tree.value[node] =
      total === 0
        ? ((tree.value[left] as number) + (tree.value[right] as number)) / 2
        : ((cover[left] as number) * (tree.value[left] as number) +
            (cover[right] as number) * (tree.value[right] as number)) /
          total;
  }
  return tree;
}

export interface TrainedForest {
  /** The library's model, kept to check that the flat trees predict what it predicts. */
  forest: RandomForestRegression;
  trees: FlatTree[];
}

export function trainForest(data: LabelledAccounts, options: ForestOptions): TrainedForest {
  const forest = new RandomForestRegression({
    nEstimators: options.trees,
    maxFeatures: options.featureShare,
    replacement: false,
    useSampleBagging: true,
    noOOB: true,
    seed: options.seed,
    selectionMethod: 'mean',
    treeOptions: { maxDepth: options.maxDepth, minNumSamples: options.minLeafRows },
  } as ConstructorParameters<typeof RandomForestRegression>[0]);
  forest.train(data.rows, data.bot);
  const json = forest.toJSON() as unknown as ForestJson;
  const trees = json.baseModel.estimators.map((estimator, index) =>
    flattenTree(estimator.root, json.baseModel.indexes[index] as number[], data.rows),
  );
  return { forest, trees };
}

/** Column medians (each feature's training median, to stand in for a value a user object lacks). */
export function columnMedians(rows: readonly number[][]): number[] {
  return MODEL_FEATURES.map((_, column) => {
    const values = rows.map((row) => row[column] as number).sort((a, b) => a - b);
    const middle = Math.floor(values.length / 2);
    return values.length % 2 === 1
      ? (values[middle] as number)
      : ((values[middle - 1] as number) + (values[middle] as number)) / 2;
  });
}

export interface RocPoint {
  threshold: number;
  falsePositiveRate: number;
  truePositiveRate: number;
}

/** The ROC curve (one point per distinct score, highest first) and the area under it (ties count half). */
export function rocCurve(scores: readonly number[], positive: readonly number[]): { auc: number; points: RocPoint[] } {
  const order = scores
    .map((score, index) => ({ score, positive: positive[index] === 1 }))
    .sort((a, b) => b.score - a.score);
  const positives = order.filter((entry) => entry.positive).length;
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) throw new Error('ROC needs both classes');
  const points: RocPoint[] = [{ threshold: Number.POSITIVE_INFINITY, falsePositiveRate: 0, truePositiveRate: 0 }];
  let truePositives = 0;
  let falsePositives = 0;
  let auc = 0;
  for (let i = 0; i < order.length; ) {
    const threshold = (order[i] as (typeof order)[number]).score;
    const [previousTp, previousFp] = [truePositives, falsePositives];
    for (; i < order.length && (order[i] as (typeof order)[number]).score === threshold; i++) {
      if ((order[i] as (typeof order)[number]).positive) truePositives++;
      else falsePositives++;
    }
    // Trapezoid over this step: ties between a positive and a negative count one half.
    auc += ((falsePositives - previousFp) * (truePositives + previousTp)) / 2;
    points.push({
      threshold,
      falsePositiveRate: falsePositives / negatives,
      truePositiveRate: truePositives / positives,
    });
  }
  return { auc: auc / (positives * negatives), points };
}

export interface ThresholdMetrics {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  falsePositiveRate: number;
}

export function metricsAt(scores: readonly number[], positive: readonly number[], threshold: number): ThresholdMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  scores.forEach((score, index) => {
    const flagged = score >= threshold;
    if (positive[index] === 1) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
  });
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { threshold, precision, recall, f1, falsePositiveRate: fp + tn > 0 ? fp / (fp + tn) : 0 };
}

/**
 * The threshold a model flags at: the one of highest Youden's J (recall minus false-positive rate)
 * on out-of-fold scores, so it is chosen on rows the scoring forest never trained on and never on
 * the held-out rows. J weighs both classes alike whatever their shares; F1 on the spammer class
 * would favour recall on this spammer-heavy data at the cost of flagging a quarter of real people.
 */
export function bestYoudenThreshold(scores: readonly number[], positive: readonly number[]): ThresholdMetrics {
  let best = metricsAt(scores, positive, 0.5);
  for (const threshold of new Set(scores)) {
    const candidate = metricsAt(scores, positive, threshold);
    if (candidate.recall - candidate.falsePositiveRate > best.recall - best.falsePositiveRate) best = candidate;
  }
  return best;
}

export function subset(data: LabelledAccounts, indices: readonly number[]): LabelledAccounts {
  return { rows: indices.map((i) => data.rows[i] as number[]), bot: indices.map((i) => data.bot[i] as number) };
}
