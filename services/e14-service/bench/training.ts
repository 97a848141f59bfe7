/**
 * What continuous training costs the pipeline (issue 15, "Measures"): the time of one training
 * cycle (fine-tuning and the gate, in the service's own low-priority training thread), and the
 * service's sheet reading throughput (its read threads, as many as the pipeline runs by default)
 * while that cycle runs, against reading alone in the same run. The budget: over the minimum
 * interval between cycles, training takes at most 5 % of the reading capacity.
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

/** The share of reading capacity training may take, over the minimum interval between cycles. */
const READING_BUDGET = 0.05;

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

// The read threads do not hold the process open (the service's server does): this run does.
const keepAlive = setInterval(() => undefined, 60_000);
await readAll(); // warm the threads (pdf.js, models, JIT)
/** Reads the sheets over and over for at least `seconds` (or until `until` says stop); sheets per second. */
async function readFor(seconds: number, until: () => boolean = () => false) {
  const started = performance.now();
  let read = 0;
  while (!until() && (performance.now() - started) / 1000 < seconds) read += await readAll();
  const elapsed = (performance.now() - started) / 1000;
  return { sheets: read, seconds: elapsed, sheetsPerSecond: read / elapsed };
}
// Reading alone before and after the cycle (their mean is the reference: the machine drifts).
const before = await readFor(20);
const trainedAlone = await train();
let trainingDone = false;
const together = train().finally(() => {
  trainingDone = true;
});
const during = await readFor(Number.POSITIVE_INFINITY, () => trainingDone);
const trainedWhileReading = await together;
const after = await readFor(20);
await threads.close();
clearInterval(keepAlive);

const readingAlone = (before.sheetsPerSecond + after.sheetsPerSecond) / 2;
const readingWhileTraining = during.sheetsPerSecond;
// While a cycle runs, reading loses (1 − ratio) of its throughput; cycles start at most once per
// minimum interval, so that loss is spread over it.
const readingLostPerInterval =
  ((1 - readingWhileTraining / readingAlone) * trainedWhileReading.seconds) /
  (defaults.E14_TRAINING_MIN_INTERVAL_MINUTES * 60);
const result = {
  benchmark: 'e14-training',
  measuredAt: new Date().toISOString(),
  machine: machine(),
  corpus: {
    sheets: `${options.sheets} second-round Presidente sheets (seed 1515), read through ${defaults.E14_PIPELINE_READ_THREADS} read threads`,
    labels: `${options.labels} labelled cells in caveat-brush and mansalva (held-out faces): ${split.train.length} train, ${split.calibration.length} calibration, ${split.held_back.length} held back`,
    cycle: `fine-tune model v${version} (${defaults.E14_TRAINING_REHEARSAL_CELLS} rehearsal cells) and judge it on the held-back cells and ${GATE_SYNTHETIC_CELLS} synthetic cells, in the training thread (nice 19)`,
  },
  budget: `a cycle may take at most ${READING_BUDGET * 100} % of the reading capacity of the interval it starts (E14_TRAINING_MIN_INTERVAL_MINUTES, ${defaults.E14_TRAINING_MIN_INTERVAL_MINUTES} min by default)`,
  readingAlone: { before, after, sheetsPerSecond: readingAlone },
  readingWhileTraining: during,
  ratio: { readingWhileTrainingToAlone: readingWhileTraining / readingAlone },
  trainingCycleSeconds: {
    alone: trainedAlone.seconds,
    whileReading: trainedWhileReading.seconds,
    ratioWhileReadingToAlone: trainedWhileReading.seconds / trainedAlone.seconds,
  },
  gate: trainedAlone.reply.evaluation,
  readingCapacityUsedPerInterval: readingLostPerInterval,
  withinBudget: readingLostPerInterval <= READING_BUDGET,
};
console.log(JSON.stringify({ ...result, gate: undefined }, null, 2));
if (options.out) writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
