/**
 * Confidence calibration by isotonic regression: a non-decreasing map from the recognizer's raw
 * score to the observed rate of correct readings, fitted on held-out synthetic cells. After it, a
 * confidence of 0.9 means about 90 % of such readings were right on data the model never saw.
 */

export interface CalibrationTable {
  /** Raw scores, increasing. */
  raw: number[];
  /** Calibrated confidence at each raw score, non-decreasing, in 0..1. */
  calibrated: number[];
}

/** The identity map, for a model not yet calibrated. */
export const IDENTITY_CALIBRATION: CalibrationTable = { raw: [0, 1], calibrated: [0, 1] };

/**
 * Pool-adjacent-violators: sorts by score, then merges neighbouring blocks until their mean
 * correctness never decreases. Returns one point per block (its mean score and rate), with the
 * scores strictly increasing.
 */
export function fitIsotonic(samples: readonly { score: number; correct: boolean }[]): CalibrationTable {
  if (samples.length === 0) return IDENTITY_CALIBRATION;
  const sorted = [...samples].sort((a, b) => a.score - b.score);
  const blocks: { scoreSum: number; correctSum: number; count: number; lastScore: number }[] = [];
  for (const sample of sorted) {
    const last = blocks[blocks.length - 1];
    // Equal scores form one block from the start: the map cannot tell them apart.
    if (last && last.lastScore === sample.score) {
      last.scoreSum += sample.score;
      last.correctSum += sample.correct ? 1 : 0;
      last.count++;
    } else {
      blocks.push({ scoreSum: sample.score, correctSum: sample.correct ? 1 : 0, count: 1, lastScore: sample.score });
    }
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1] as (typeof blocks)[number];
      const previous = blocks[blocks.length - 2] as (typeof blocks)[number];
      if (previous.correctSum / previous.count < last.correctSum / last.count) break;
      previous.scoreSum += last.scoreSum;
      previous.correctSum += last.correctSum;
      previous.count += last.count;
      previous.lastScore = last.lastScore;
      blocks.pop();
    }
  }
  return {
    raw: blocks.map((block) => block.scoreSum / block.count),
    calibrated: blocks.map((block) => block.correctSum / block.count),
  };
}

/** Calibrated confidence for a raw score: linear between the table's points, flat beyond them. */
export function calibrate(table: CalibrationTable, score: number): number {
  const { raw, calibrated } = table;
  const n = raw.length;
  if (n === 0) return score;
  if (score <= (raw[0] as number)) return calibrated[0] as number;
  if (score >= (raw[n - 1] as number)) return calibrated[n - 1] as number;
  let low = 0;
  let high = n - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if ((raw[middle] as number) <= score) low = middle;
    else high = middle;
  }
  const x0 = raw[low] as number;
  const x1 = raw[high] as number;
  const t = x1 === x0 ? 1 : (score - x0) / (x1 - x0);
  return (calibrated[low] as number) + t * ((calibrated[high] as number) - (calibrated[low] as number));
}

/** Accuracy per confidence bin: how well the stated confidence matches the observed rate. */
export function reliabilityBins(
  samples: readonly { confidence: number; correct: boolean }[],
  edges: readonly number[] = [0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001],
): { from: number; to: number; count: number; meanConfidence: number; accuracy: number | null }[] {
  const bins = [];
  for (let b = 0; b + 1 < edges.length; b++) {
    const from = edges[b] as number;
    const to = edges[b + 1] as number;
    const inside = samples.filter((sample) => sample.confidence >= from && sample.confidence < to);
    bins.push({
      from,
      to: Math.min(1, to),
      count: inside.length,
      meanConfidence: inside.length ? inside.reduce((sum, s) => sum + s.confidence, 0) / inside.length : 0,
      accuracy: inside.length ? inside.filter((s) => s.correct).length / inside.length : null,
    });
  }
  return bins;
}

/** Expected calibration error: the count-weighted gap between confidence and accuracy per bin. */
export function expectedCalibrationError(samples: readonly { confidence: number; correct: boolean }[]): number {
  const bins = reliabilityBins(samples, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001]);
  const total = samples.length || 1;
  return bins.reduce(
    (sum, bin) => sum + (bin.accuracy === null ? 0 : (bin.count / total) * Math.abs(bin.accuracy - bin.meanConfidence)),
    0,
  );
}
