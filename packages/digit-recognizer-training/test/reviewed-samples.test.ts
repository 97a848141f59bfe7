import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CellRecognizer,
  labelReviewedSamples,
  loadModel,
  readReviewedSamples,
  reviewedCellLine,
} from '@castor/digit-recognizer';
import { createRng } from '@castor/seeded-random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_TRAINING_CONFIG,
  type HandwritingRenderer,
  loadHandwritingRenderer,
  trainDigitModel,
} from '../src/index.js';

let directory: string;
let renderer: HandwritingRenderer;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'reviewed-'));
  renderer = await loadHandwritingRenderer();
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('reviewed samples', () => {
  it('reads cells and glyphs from NDJSON, aligns cells with their agreed value, and trains on them', async () => {
    const rng = createRng('reviewed');
    const hand = { face: 'kalam-700' as const, slant: 0, widthScale: 1 };
    const cell = renderer.renderNumber(
      47,
      { ...hand, cellWidth: 200, cellHeight: 80, filler: 'dot', overwrite: 0 },
      rng,
    );
    const glyph = renderer.renderGlyph('7', { ...hand, digitHeight: 48 }, rng);
    const glyphLine = JSON.stringify({
      kind: 'glyph',
      id: 'g-1',
      label: '7',
      width: glyph.width,
      height: glyph.height,
      dataBase64: Buffer.from(glyph.data).toString('base64'),
      digitHeight: 48,
    });
    await writeFile(
      join(directory, 'desk-2026-06-21.ndjson'),
      `${reviewedCellLine(cell.image, 47, { id: 'c-1' })}\n\n${glyphLine}\n`,
    );
    const samples = await readReviewedSamples(directory);
    expect(samples.map((sample) => sample.kind)).toEqual(['cell', 'glyph']);

    const recognizer = new CellRecognizer(await loadModel());
    const { glyphs, skippedCells } = labelReviewedSamples(samples, recognizer);
    expect(skippedCells).toBe(0);
    expect(glyphs.map((sample) => sample.label)).toEqual(['dot', '4', '7', '7']);

    const model = trainDigitModel(
      {
        ...DEFAULT_TRAINING_CONFIG,
        version: 98,
        cells: 30,
        mnistCopies: 0,
        calibrationCells: 20,
        hiddenLayers: [8],
        epochs: 1,
        reviewed: glyphs,
        reviewedCellsSkipped: skippedCells,
      },
      renderer,
    );
    expect(model.metadata.training.perSource.reviewed).toBe(4);
  });

  it('skips a reviewed cell whose glyphs cannot give the agreed value', async () => {
    const cell = renderer.renderNumber(
      5,
      { cellWidth: 200, cellHeight: 80, filler: 'dot', face: 'kalam-700' },
      createRng('mismatch'),
    );
    const folder = join(directory, 'mismatch');
    await mkdir(folder);
    // More digits than the cell holds glyphs: no reading explains the value.
    await writeFile(join(folder, 'cells.ndjson'), `${reviewedCellLine(cell.image, 555)}\n`);
    const samples = await readReviewedSamples(folder);
    const { glyphs, skippedCells } = labelReviewedSamples(samples, new CellRecognizer(await loadModel()));
    expect(glyphs).toEqual([]);
    expect(skippedCells).toBe(1);
  });

  it('names the file and line of an invalid record', async () => {
    const bad = join(directory, 'bad');
    await mkdir(bad);
    await writeFile(
      join(bad, 'a.ndjson'),
      `${JSON.stringify({ kind: 'glyph', label: '7', width: 2, height: 2, dataBase64: 'AAAA', digitHeight: 40 })}\n{"kind":"cell","value":1000}\n`,
    );
    await expect(readReviewedSamples(bad)).rejects.toThrow(/a\.ndjson:1: dataBase64 holds 3 bytes/);
    await writeFile(join(bad, 'a.ndjson'), '{"kind":"cell","value":1000,"width":1,"height":1,"dataBase64":"AA=="}\n');
    await expect(readReviewedSamples(bad)).rejects.toThrow(/a\.ndjson:1:/);
  });
});
