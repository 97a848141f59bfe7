/**
 * Trains the handwritten-digit model and writes @castor/digit-recognizer's models/digits-v<N>.json.
 *
 *   pnpm --filter @castor/digit-recognizer-training train [--version N] [--seed S] [--cells 30000]
 *     [--epochs 14] [--hidden 128] [--mnist-copies 3] [--dropout 0.2] [--overwritten-weight 0.5]
 *     [--strong-augment] [--first-round-habits] [--reviewed <folder>] [--out <file>]
 *
 * Deterministic for a seed on a given Node version (same data, same weights; only the date in the
 * metadata differs). --reviewed adds the reviewed cells of a folder (format in reviewed-samples.ts),
 * aligned with the current committed model.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CellRecognizer,
  labelReviewedSamples,
  latestModelVersion,
  loadModel,
  MODELS_DIRECTORY,
  modelFileName,
  readReviewedSamples,
  saveModel,
} from '@castor/digit-recognizer';
import { z } from 'zod';
import { evaluateCells, evaluateGlyphs } from '../src/evaluation.js';
import { loadHandwritingRenderer } from '../src/handwriting.js';
import { DEFAULT_TRAINING_CONFIG, EVALUATION_FACES, trainDigitModel } from '../src/training.js';

const { values } = parseArgs({
  options: {
    version: { type: 'string' },
    seed: { type: 'string' },
    cells: { type: 'string' },
    epochs: { type: 'string' },
    hidden: { type: 'string' },
    'mnist-copies': { type: 'string' },
    dropout: { type: 'string' },
    'overwritten-weight': { type: 'string' },
    'strong-augment': { type: 'boolean' },
    'first-round-habits': { type: 'boolean' },
    reviewed: { type: 'string' },
    out: { type: 'string' },
  },
});

const positiveInt = z.coerce.number().int().min(1);
const args = z
  .object({
    version: positiveInt.optional(),
    seed: z.string().min(1).default(DEFAULT_TRAINING_CONFIG.seed),
    cells: positiveInt.default(DEFAULT_TRAINING_CONFIG.cells),
    epochs: positiveInt.default(DEFAULT_TRAINING_CONFIG.epochs),
    hidden: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'comma-separated layer sizes, e.g. 128 or 128,64')
      .transform((text) => text.split(',').map(Number))
      .optional(),
    'mnist-copies': z.coerce.number().int().min(0).default(DEFAULT_TRAINING_CONFIG.mnistCopies),
    dropout: z.coerce.number().min(0).max(0.8).default(DEFAULT_TRAINING_CONFIG.dropout),
    'overwritten-weight': z.coerce.number().min(0).max(10).default(DEFAULT_TRAINING_CONFIG.overwrittenWeight),
    'strong-augment': z.boolean().default(DEFAULT_TRAINING_CONFIG.strongAugment),
    'first-round-habits': z.boolean().default(DEFAULT_TRAINING_CONFIG.firstRoundHabits),
    reviewed: z.string().optional(),
    out: z.string().optional(),
  })
  .parse(values);

const log = (message: string) => console.log(`[train ${new Date().toISOString().slice(11, 19)}] ${message}`);
const version = args.version ?? latestModelVersion('handwritten') + 1;
const out = args.out ?? join(MODELS_DIRECTORY, modelFileName('handwritten', version));
if (existsSync(out) && args.out === undefined) throw new Error(`${out} exists: pass --version to choose a new one`);

let reviewed: ReturnType<typeof labelReviewedSamples> = { glyphs: [], skippedCells: 0 };
if (args.reviewed) {
  const samples = await readReviewedSamples(args.reviewed);
  const current = latestModelVersion('handwritten') > 0 ? new CellRecognizer(await loadModel()) : null;
  reviewed = labelReviewedSamples(samples, current);
  log(`reviewed: ${samples.length} samples → ${reviewed.glyphs.length} glyphs, ${reviewed.skippedCells} skipped`);
}

const renderer = await loadHandwritingRenderer();
const model = trainDigitModel(
  {
    ...DEFAULT_TRAINING_CONFIG,
    version,
    seed: args.seed,
    cells: args.cells,
    epochs: args.epochs,
    hiddenLayers: args.hidden ?? DEFAULT_TRAINING_CONFIG.hiddenLayers,
    mnistCopies: args['mnist-copies'],
    dropout: args.dropout,
    overwrittenWeight: args['overwritten-weight'],
    strongAugment: args['strong-augment'],
    firstRoundHabits: args['first-round-habits'],
    reviewed: reviewed.glyphs,
    reviewedCellsSkipped: reviewed.skippedCells,
    onProgress: log,
  },
  renderer,
);

// Held-out figures for the metadata; `pnpm evaluate` writes the full report.
const recognizer = new CellRecognizer(model);
const glyphs = evaluateGlyphs(recognizer, renderer, {
  cells: 2_000,
  seed: `${args.seed}/held-out`,
  faces: EVALUATION_FACES,
  mnist: true,
});
const cells = evaluateCells(recognizer, renderer, {
  cells: 2_000,
  seed: `${args.seed}/held-out`,
  faces: EVALUATION_FACES,
});
model.metadata.evaluation = {
  ...model.metadata.evaluation,
  heldOutGlyphAccuracy: glyphs.accuracy,
  heldOutGlyphAccuracyBySource: glyphs.accuracyBySource,
  heldOutCellAccuracy: cells.accuracy,
  heldOutWrongAboveReviewThreshold: cells.wrongAboveReviewThreshold,
  heldOutFaces: EVALUATION_FACES,
};
log(
  `held-out glyph accuracy ${(100 * glyphs.accuracy).toFixed(2)} %, cell accuracy ${(100 * cells.accuracy).toFixed(2)} %`,
);
await saveModel(model, out);
log(`wrote ${out}`);
