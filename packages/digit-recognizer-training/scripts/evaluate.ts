/**
 * Evaluates a model and writes reports/eval-v<N>.json and reports/eval-v<N>.md.
 *
 *   pnpm --filter @castor/digit-recognizer-training evaluate [--model ../digit-recognizer/models/digits-vN.json]
 *     [--cells 5000] [--seed evaluation-vN] [--first-round-habits] [--out reports]
 *
 * Held-out synthetic glyphs and cells (faces never seen in training, another seed), the held-out
 * tenth of MNIST, calibration per confidence bin, single-threaded throughput, and every value cell
 * of the real sheets. `--first-round-habits` writes the synthetic cells with the habits of the
 * first-round 2026 sheets (zeros, 'Ø', '⊗' and X as fillers, …). Each version is evaluated on its own sample (seed `evaluation-v<N>`);
 * `--seed` draws another, e.g. to compare an older model on a newer one's sample (with `--out`
 * elsewhere, so that its committed report stays as it was).
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CellRecognizer,
  latestModelVersion,
  loadModelFile,
  MODELS_DIRECTORY,
  modelFileName,
} from '@castor/digit-recognizer';
import { z } from 'zod';
import {
  evaluateCells,
  evaluateGlyphs,
  measureThroughput,
  REVIEW_THRESHOLD,
  WRONG_UNREVIEWED_TARGET,
} from '../src/evaluation.js';
import { loadHandwritingRenderer } from '../src/handwriting.js';
import { evaluateRealCells, loadRealCells } from '../src/real-cells.js';
import { type EvaluationReport, formatEvaluationMarkdown } from '../src/report.js';
import { EVALUATION_FACES } from '../src/training.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    cells: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'first-round-habits': { type: 'boolean' },
  },
});
const args = z
  .object({
    model: z.string().default(join(MODELS_DIRECTORY, modelFileName('handwritten', latestModelVersion('handwritten')))),
    cells: z.coerce.number().int().min(100).default(5_000),
    seed: z.string().min(1).optional(),
    // The reports sit next to this kit's sources, not next to the models it measures.
    out: z.string().default(fileURLToPath(new URL('../reports', import.meta.url))),
    'first-round-habits': z.boolean().default(false),
  })
  .parse(values);

const log = (message: string) => console.log(`[evaluate ${new Date().toISOString().slice(11, 19)}] ${message}`);
const model = await loadModelFile(args.model);
const version = model.metadata.version;
const recognizer = new CellRecognizer(model);
const renderer = await loadHandwritingRenderer();
const seed = args.seed ?? `evaluation-v${version}`;
const firstRoundHabits = args['first-round-habits'];

const loadBefore = loadavg();
const throughput = measureThroughput(recognizer, renderer, {
  cells: 3_000,
  seed: `${seed}/speed`,
  faces: EVALUATION_FACES,
});
log(`throughput: ${Math.round(throughput.glyphsPerSecond)} glyphs/s, ${Math.round(throughput.cellsPerSecond)} cells/s`);
const glyphs = evaluateGlyphs(recognizer, renderer, {
  cells: args.cells,
  seed,
  faces: EVALUATION_FACES,
  mnist: true,
  firstRoundHabits,
});
log(`glyphs: ${glyphs.samples}, accuracy ${(100 * glyphs.accuracy).toFixed(2)} %`);
const cells = evaluateCells(recognizer, renderer, {
  cells: args.cells,
  seed,
  faces: EVALUATION_FACES,
  firstRoundHabits,
});
log(
  `cells: ${cells.cells}, accuracy ${(100 * cells.accuracy).toFixed(2)} %, wrong with confidence ≥ ${REVIEW_THRESHOLD} ` +
    `${(100 * cells.wrongAboveReviewThreshold).toFixed(2)} %, reviewed ${(100 * cells.review.reviewRate).toFixed(1)} %`,
);
const real = evaluateRealCells(recognizer, await loadRealCells());
log(
  `real cells: ${real.filter((r) => r.outcome === 'correct').length}/${real.length} correct, ${real.filter((r) => r.safe).length} safe`,
);

const report: EvaluationReport = {
  model: { file: args.model, version, createdAt: model.metadata.createdAt, seed: model.metadata.seed },
  evaluatedAt: new Date().toISOString(),
  sample: { seed, firstRoundHabits },
  heldOutFaces: EVALUATION_FACES,
  reviewThreshold: REVIEW_THRESHOLD,
  wrongUnreviewedTarget: WRONG_UNREVIEWED_TARGET,
  glyphs,
  cells,
  realCells: {
    cells: real.length,
    correct: real.filter((result) => result.outcome === 'correct').length,
    safe: real.filter((result) => result.safe).length,
    wrongAboveReviewThreshold: real.filter((result) => !result.safe).length,
    results: real,
  },
  throughput: {
    ...throughput,
    note: 'single thread, one process; indicative only on a shared machine',
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverage: loadBefore,
      node: process.version,
    },
  },
};
await mkdir(args.out, { recursive: true });
const base = join(args.out, `eval-v${version}`);
await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
await writeFile(`${base}.md`, formatEvaluationMarkdown(report));
log(`wrote ${base}.json and ${base}.md`);
