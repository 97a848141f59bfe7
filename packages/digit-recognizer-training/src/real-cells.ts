import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CellReading, type CellRecognizer, type GrayImage, grayImageFromEncoded } from '@castor/digit-recognizer';
import { z } from 'zod';
import { type CellOutcome, cellOutcome, REVIEW_THRESHOLD } from './evaluation.js';

/**
 * The value cells of the four real E-14 sheets (two second-round, two first-round), cropped at
 * fixed coordinates (see scripts/extract-real-cells.ts) and stored as PNG with the readings of
 * labels.json and labels-first-round.json. They measure the recognizer on real jurado
 * handwriting; they are never used for training.
 */
export const REAL_CELLS_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'real-cells');

export const realCellFixtureSchema = z.object({
  about: z.string(),
  cells: z.array(
    z.object({
      sheet: z.string(),
      field: z.string(),
      page: z.number().int().min(1),
      pageSize: z.object({ width: z.number().int(), height: z.number().int() }),
      box: z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int(), height: z.number().int() }),
      file: z.string().regex(/^[\w.-]+\.png$/),
      expected: z.union([
        z.object({ state: z.literal('read'), value: z.number().int().min(0).max(999) }),
        z.object({ state: z.literal('empty'), value: z.literal(0) }),
      ]),
      overwritten: z.boolean(),
    }),
  ),
});
export type RealCellFixture = z.infer<typeof realCellFixtureSchema>;
export type RealCell = RealCellFixture['cells'][number];

export async function loadRealCells(directory = REAL_CELLS_DIRECTORY): Promise<{ cell: RealCell; image: GrayImage }[]> {
  const fixture = realCellFixtureSchema.parse(JSON.parse(await readFile(join(directory, 'cells.json'), 'utf8')));
  return Promise.all(
    fixture.cells.map(async (cell) => ({ cell, image: await grayImageFromEncoded(join(directory, cell.file)) })),
  );
}

export interface RealCellResult {
  sheet: string;
  field: string;
  expected: RealCell['expected'];
  reading: Pick<CellReading, 'state' | 'value' | 'confidence' | 'overwritten' | 'alternatives'>;
  outcome: CellOutcome;
  /** Right, or at least sent to a person (illegible or under the review threshold). */
  safe: boolean;
  overwrittenExpected: boolean;
}

/** Reads every real cell (with the default digit height: the crops follow the row borders). */
export function evaluateRealCells(
  recognizer: CellRecognizer,
  cells: { cell: RealCell; image: GrayImage }[],
): RealCellResult[] {
  return cells.map(({ cell, image }) => {
    const reading = recognizer.readCell(image);
    const truth = cell.expected.state === 'empty' ? 'empty' : cell.expected.value;
    const outcome = cellOutcome(reading, truth);
    return {
      sheet: cell.sheet,
      field: cell.field,
      expected: cell.expected,
      reading: {
        state: reading.state,
        value: reading.value,
        confidence: reading.confidence,
        overwritten: reading.overwritten,
        alternatives: reading.alternatives,
      },
      outcome,
      safe: outcome === 'correct' || outcome === 'illegible' || reading.confidence < REVIEW_THRESHOLD,
      overwrittenExpected: cell.overwritten,
    };
  });
}
