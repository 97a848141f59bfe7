import { describe, expect, it } from 'vitest';
import { EVALUATION_FACES, evaluateCells, REVIEW_THRESHOLD, WRONG_UNREVIEWED_TARGET } from '../src/index.js';
import { committedModel } from './committed-model.js';

const model = committedModel();

describe('evaluateCells', () => {
  it('routes cells as e14-service does and finds the threshold that keeps unreviewed mistakes within the target', () => {
    const evaluation = evaluateCells(model.recognizer, model.renderer, {
      cells: 300,
      seed: 'evaluation test',
      faces: EVALUATION_FACES,
      overwrite: 0.2,
    });
    const { review, safeReview, clean, overwritten, byFace } = evaluation;
    expect(clean.cells + overwritten.cells).toBe(300);
    expect(Object.values(byFace).reduce((sum, face) => sum + face.cells, 0)).toBe(300);
    expect(Object.keys(byFace)).toEqual([...EVALUATION_FACES]);
    // Review catches at least what the confidence threshold alone catches (illegible and marked cells too).
    expect(review.threshold).toBe(REVIEW_THRESHOLD);
    expect(review.wrongUnreviewed).toBeLessThanOrEqual(evaluation.wrongAboveReviewThreshold);
    const automatic = evaluation.automation.find((row) => row.threshold === REVIEW_THRESHOLD);
    expect(automatic).toBeDefined();
    expect(review.reviewRate).toBeGreaterThanOrEqual(1 - (automatic?.share ?? 0) - 1e-9);
    // Every over-written cell counted as sent to review is marked, illegible or under the threshold.
    expect(overwritten.flagged).toBeGreaterThanOrEqual(overwritten.markedOverwritten);
    // A stricter threshold never reviews less, and the one found meets the target.
    expect(safeReview).not.toBeNull();
    if (safeReview) {
      expect(safeReview.wrongUnreviewed).toBeLessThanOrEqual(WRONG_UNREVIEWED_TARGET);
      if (review.wrongUnreviewed > WRONG_UNREVIEWED_TARGET) {
        expect(safeReview.threshold).toBeGreaterThan(review.threshold);
        expect(safeReview.reviewRate).toBeGreaterThanOrEqual(review.reviewRate);
      }
    }
  });
});
