/**
 * What continuous training costs the pipeline (issue 15, "Measures"): the time of one training
 * cycle (fine-tuning and the gate, in the service's own low-priority training thread), and the
 * service's sheet reading throughput (its read threads, as many as the pipeline runs by default)
 * while that cycle runs, against reading alone in the same run.
 *
 * The cycle learns from 1,000 labelled cells written in two held-out handwriting faces (split as
 * the service splits reviewed cells), from the committed model; the sheets are second-round
 * Presidente sheets of a synthetic election.
 *
 *   npx tsx services/e14-service/bench/training.ts --out bench/results/e14-training.json [--sheets N] [--labels N]
 */
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { latestModelVersion, MODELS_DIRECTORY, modelFileName } from '@castor/digit-recognizer';
import { loadHandwritingRenderer, renderSyntheticCell, reviewedCellSplit } from '@castor/digit-recognizer-training';
import { loadShippedTemplate } from '@castor/e14-sheets';
import { generateElection, NO_FAULTS } from '@castor/e14-synth';
import { renderSheetPdf } from '@castor/e14-synth-sheets';
import { createRng } from '@castor/seeded-random';
import { z } from 'zod';
import { e14EnvSchema } from '../src/config.js';
import { GATE_SYNTHETIC_CELLS } from '../src/features/models/training.service.js';
import type { LabelledThreadCell, TrainReply } from '../src/features/models/training-protocol.js';
import { TrainingThread } from '../src/features/models/training-thread.js';
import { SheetThreads } from '../src/shared/sheet-threads/sheet-threads.js';
import { machine } from './harness.js';

const optionsSchema = z.object({
  out: z.string().min(1).optional(),
  sheets: z.number().int().min(2).max(500).default(24),
  labels: z.number().int().min(100).max(20_000).default(1_000),
});

const { values } = parseArgs({
  options: { out: { type: 'string' }, sheets: { type: 'string' }, labels: { type: 'string' } },
});
const options = optionsSchema.parse({
  ...(values.out ? { out: values.out } : {}),
  ...(values.sheets ? { sheets: Number(values.sheets) } : {}),
  ...(values.labels ? { labels: Number(values.labels) } : {}),
});
const defaults = e14EnvSchema.parse({ DATABASE_URL: 'postgres://unused', JWKS_URL: 'http://unused' });

// The sheets: rendered before anything is timed.
const election = generateElection({
  seed: 1515,
  scale: { departamentos: ['01', '16'], mesas: options.sheets },
  corporations: ['PRESIDENTE'],
  presidentialRound: 2,
  faultRates: NO_FAULTS,
  electionCode: 'TRAINING-BENCH',
});
const template = loadShippedTemplate('presidente-2026-2v');
const sheets: Uint8Array[] = [];
for (const [index, submission] of [...election.submissions({ copies: ['delegados'] })]
  .slice(0, options.sheets)
  .entries()) {
  const { pdf } = await renderSheetPdf(
    submission,
    { candidates: election.divipol.candidates },
    {},
    createRng(`training-bench-${index}`),
  );
  sheets.push(pdf);
}

// The labels: cells in faces no model trained on, split as the service splits reviewed cells.
const renderer = await loadHandwritingRenderer();
const rng = createRng('training-bench-labels');
const split = {
  train: [] as LabelledThreadCell[],
  calibration: [] as LabelledThreadCell[],
  held_back: [] as LabelledThreadCell[],
};
for (let i = 0; i < options.labels; i++) {
  const cell = renderSyntheticCell(renderer, { faces: ['caveat-brush', 'mansalva'], firstRoundHabits: true }, rng);
  const value = cell.rendered.state === 'empty' ? ('empty' as const) : cell.rendered.value;
  split[reviewedCellSplit(`bench-${i}`)].push({ ...cell.image, value });
}
const version = latestModelVersion('handwritten');
const baseJson = await readFile(join(MODELS_DIRECTORY, modelFileName('handwritten', version)), 'utf8');

const threads = new SheetThreads({
  size: defaults.E14_PIPELINE_READ_THREADS,
  timeoutMs: { inspect: defaults.E14_SHEET_CHECK_TIMEOUT_MS, read: defaults.E14_SHEET_READ_TIMEOUT_MS },
  heapMb: defaults.E14_SHEET_THREAD_HEAP_MB,
  maxJobsPerThread: defaults.E14_SHEET_THREAD_MAX_JOBS,
  maxWaitingChecks: defaults.E14_SHEET_CHECKS_WAITING,
  idleMs: 60_000,
});

/** Reads every sheet through the read threads, as many at once as there are threads. */
async function readAll(): Promise<number> {
  let next = 0;
  let read = 0;
  const lane = async () => {
    for (let i = next++; i < sheets.length; i = next++) {
      const result = await threads.read({
        bytes: sheets[i] as Uint8Array,
        templates: [template],
        limits: {},
        mode: 'full',
        pageImages: false,
      });
      if (!result.ok) throw new Error(`sheet ${i}: ${result.error.code} ${result.error.message}`);
      read++;
    }
  };
  await Promise.all(Array.from({ length: defaults.E14_PIPELINE_READ_THREADS }, lane));
  return read;
}

const train = async (): Promise<{ reply: TrainReply; seconds: number }> => {
  const thread = new TrainingThread(defaults.E14_TRAINING_THREAD_HEAP_MB);
  const started = performance.now();
  try {
    const reply = await thread.train({
      baseJson,
      version: version + 1,
      seed: 'training-bench',
      train: split.train,
      calibration: split.calibration,
      heldBack: split.held_back,
      minHeldBack: defaults.E14_TRAINING_MIN_HELD_BACK,
      threshold: 0.7,
      syntheticCells: GATE_SYNTHETIC_CELLS,
      rehearsalCells: defaults.E14_TRAINING_REHEARSAL_CELLS,
    });
    return { reply, seconds: (performance.now() - started) / 1000 };
  } finally {
    await thread.close();
  }
};

await readAll(); // warm the threads (pdf.js, models, JIT)
const aloneStarted = performance.now();
const aloneSheets = (await readAll()) + (await readAll());
const aloneSeconds = (performance.now() - aloneStarted) / 1000;
const trainedAlone = await train();

// Reading goes on for as long as the cycle runs.
let trainingDone = false;
const together = train().finally(() => {
  trainingDone = true;
});
const whileStarted = performance.now();
let whileSheets = 0;
while (!trainingDone) whileSheets += await readAll();
const whileSeconds = (performance.now() - whileStarted) / 1000;
const trainedWhileReading = await together;
await threads.close();

const readingAlone = aloneSheets / aloneSeconds;
const readingWhileTraining = whileSheets / whileSeconds;
const result = {
  benchmark: 'e14-training',
  measuredAt: new Date().toISOString(),
  machine: machine(),
  corpus: {
    sheets: `${options.sheets} second-round Presidente sheets (seed 1515), read through ${defaults.E14_PIPELINE_READ_THREADS} read threads`,
    labels: `${options.labels} labelled cells in caveat-brush and mansalva (held-out faces): ${split.train.length} train, ${split.calibration.length} calibration, ${split.held_back.length} held back`,
    cycle: `fine-tune model v${version} (${defaults.E14_TRAINING_REHEARSAL_CELLS} rehearsal cells) and judge it on the held-back cells and ${GATE_SYNTHETIC_CELLS} synthetic cells, in the training thread (nice 19)`,
  },
  budget: 'reading while a cycle runs keeps at least 80 % of its throughput alone',
  readingAlone: { sheets: aloneSheets, seconds: aloneSeconds, sheetsPerSecond: readingAlone },
  readingWhileTraining: { sheets: whileSheets, seconds: whileSeconds, sheetsPerSecond: readingWhileTraining },
  ratio: { readingWhileTrainingToAlone: readingWhileTraining / readingAlone },
  trainingCycleSeconds: {
    alone: trainedAlone.seconds,
    whileReading: trainedWhileReading.seconds,
    ratioWhileReadingToAlone: trainedWhileReading.seconds / trainedAlone.seconds,
  },
  gate: trainedAlone.reply.evaluation,
  withinBudget: readingWhileTraining / readingAlone >= 0.8,
};
console.log(JSON.stringify({ ...result, gate: undefined }, null, 2));
if (options.out) writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
