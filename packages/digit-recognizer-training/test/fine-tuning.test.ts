import { createDigitModel, type DigitModel, loadModel } from '@castor/digit-recognizer';
import { describe, expect, it } from 'vitest';
import {
  fineTuneModel,
  judgeCandidate,
  loadHandwritingRenderer,
  reviewedCellSplit,
  syntheticTestCells,
} from '../src/index.js';

/** The committed first-round model with another confidence map (same weights, other routing). */
const withConfidence = (model: DigitModel, calibrated: [number, number]) =>
  createDigitModel(model.metadata, model.network, model.inputScale, { raw: [0, 1], calibrated });

describe('the gate', () => {
  it('promotes a candidate no worse on both sets, and rejects more confident mistakes, more review, or too few held-back cells', async () => {
    const renderer = await loadHandwritingRenderer();
    const base = await loadModel({ kind: 'handwritten', handwriting: 'first-round-2026' });
    const heldBack = syntheticTestCells(renderer, { cells: 80, seed: 'gate-test-held-back' });
    const synthetic = syntheticTestCells(renderer, { cells: 120, seed: 'gate-test-synthetic' });
    const judge = (candidate: DigitModel, minHeldBack = 10) =>
      judgeCandidate({ previous: base, candidate, heldBack, synthetic, minHeldBack });

    // The same model is no worse than itself: equal counts pass.
    const same = judge(base);
    expect(same.promote).toBe(true);
    expect(same.synthetic.candidate).toEqual(same.synthetic.previous);
    expect(same.synthetic.previous.reviewed).toBeGreaterThan(0);

    // Everything confident: fewer cells to review, but the doubtful wrong readings now skip it.
    const overconfident = judge(withConfidence(base, [0.99, 0.99]));
    expect(overconfident.promote).toBe(false);
    expect(overconfident.synthetic.candidate.wrongUnreviewed).toBeGreaterThan(
      overconfident.synthetic.previous.wrongUnreviewed,
    );
    expect(overconfident.reasons.join('; ')).toContain('wrong readings would skip review');

    // Everything to review: no mistake gets through, but the review load grows.
    const cautious = judge(withConfidence(base, [0.5, 0.5]));
    expect(cautious.promote).toBe(false);
    expect(cautious.synthetic.candidate.reviewed).toBe(120);
    expect(cautious.reasons.join('; ')).toContain('cells to review');

    expect(judge(base, 81).reasons).toEqual(['only 80 held-back reviewed cells (at least 81 are needed)']);
  }, 120_000);

  it('fine-tunes from the base weights and records what it learned from', async () => {
    const renderer = await loadHandwritingRenderer();
    const base = await loadModel({ kind: 'handwritten', handwriting: 'first-round-2026' });
    const cells = syntheticTestCells(renderer, { cells: 60, seed: 'fine-tune-test' });
    const { model, alignedCells, skippedCells } = fineTuneModel({
      base,
      version: base.metadata.version + 1,
      train: cells.slice(0, 40),
      calibration: cells.slice(40),
      renderer,
      seed: 'fine-tune-test',
      replayCells: 100,
      syntheticCalibrationCells: 100,
      epochs: 1,
    });
    expect(alignedCells + skippedCells).toBe(40);
    expect(alignedCells).toBeGreaterThan(20);
    expect(model.metadata.version).toBe(base.metadata.version + 1);
    expect(model.metadata.training.perSource.reviewed).toBeGreaterThan(0);
    expect(model.metadata.training.description).toContain(`from model v${base.metadata.version}`);
    // Its own weights (the base's are untouched), the base's feature scaling.
    expect(model.network.layers[0]?.weights).not.toEqual(base.network.layers[0]?.weights);
    expect(model.inputScale).toBe(base.inputScale);
  }, 120_000);
});

describe('the split of reviewed cells', () => {
  it('is fixed by the key and holds back about a quarter', () => {
    const keys = Array.from({ length: 4_000 }, (_, i) => `task-${i + 1}`);
    const splits = keys.map(reviewedCellSplit);
    expect(keys.map(reviewedCellSplit)).toEqual(splits);
    const share = (split: string) => splits.filter((s) => s === split).length / keys.length;
    expect(share('train')).toBeGreaterThan(0.57);
    expect(share('train')).toBeLessThan(0.63);
    expect(share('calibration')).toBeGreaterThan(0.13);
    expect(share('calibration')).toBeLessThan(0.17);
    expect(share('held_back')).toBeGreaterThan(0.22);
    expect(share('held_back')).toBeLessThan(0.28);
  });
});
