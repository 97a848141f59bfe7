import { SENTIMENT_LABELS, type SentimentLabel } from './model.js';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  macroF1: number;
  accuracy: number;
  perClass: Record<SentimentLabel, ClassMetrics>;
  /** confusion[actual][predicted], in SENTIMENT_LABELS order. */
  confusion: number[][];
}

/** Macro-F1, accuracy, per-class precision, recall and F1, and the confusion matrix. */
export function evaluate(actual: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): Evaluation {
  if (actual.length !== predicted.length)
    throw new Error(`${actual.length} labels but ${predicted.length} predictions`);
  const index = (label: SentimentLabel) => SENTIMENT_LABELS.indexOf(label);
  const confusion = SENTIMENT_LABELS.map(() => SENTIMENT_LABELS.map(() => 0));
  actual.forEach((label, i) => {
    const row = confusion[index(label)] as number[];
    const column = index(predicted[i] as SentimentLabel);
    row[column] = (row[column] as number) + 1;
  });
  const perClass = {} as Record<SentimentLabel, ClassMetrics>;
  let correct = 0;
  SENTIMENT_LABELS.forEach((label, c) => {
    const truePositives = confusion[c]?.[c] ?? 0;
    correct += truePositives;
    const support = (confusion[c] as number[]).reduce((sum, count) => sum + count, 0);
    const predictedCount = confusion.reduce((sum, row) => sum + (row[c] as number), 0);
    const precision = predictedCount > 0 ? truePositives / predictedCount : 0;
    const recall = support > 0 ? truePositives / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[label] = { precision, recall, f1, support };
  });
  const macroF1 = SENTIMENT_LABELS.reduce((sum, label) => sum + perClass[label].f1, 0) / SENTIMENT_LABELS.length;
  return { macroF1, accuracy: actual.length > 0 ? correct / actual.length : 0, perClass, confusion };
}

export function meanAndDeviation(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(values.length - 1, 1);
  return { mean, sd: Math.sqrt(variance) };
}

/**
 * Cohen's kappa between two labellings of the same posts: their agreement beyond what their label
 * shares would give by chance (1 the same labels, 0 chance level).
 */
export function cohenKappa(first: readonly SentimentLabel[], second: readonly SentimentLabel[]): number {
  const { accuracy: observed, confusion } = evaluate(first, second);
  const total = first.length;
  if (total === 0) return 0;
  let expected = 0;
  SENTIMENT_LABELS.forEach((_, c) => {
    const firstShare = (confusion[c] as number[]).reduce((sum, count) => sum + count, 0) / total;
    const secondShare = confusion.reduce((sum, row) => sum + (row[c] as number), 0) / total;
    expected += firstShare * secondShare;
  });
  return expected === 1 ? (observed === 1 ? 1 : 0) : (observed - expected) / (1 - expected);
}
