/**
 * What continuous training buys (issue 15): the review share on a fresh synthetic election written
 * in a hand no model has seen, as agreed review values accumulate, with the wrong readings that
 * skip review at every point (the ≤ 0.1 % budget), and the same on the real cells in the
 * repository as far as their labels allow.
 *
 * - Hands: first-round Presidente sheets (template and model v4 of the first-round hand), each
 *   written by one jurado (`hand: 'sheet'`) in the training kit's EVALUATION_FACES only, which no
 *   committed model was trained or calibrated on.
 * - The night: night sheets are read with the base model; every field sent to review becomes a
 *   labelled cell (its crop, the value the sheet was written with), in the order sheets arrive,
 *   keyed `night-<sheet>-<field>` so that `reviewedCellSplit` files it under train, calibration or
 *   held back as the review desk would.
 * - For each number k of labels: the first k, split by key; k = 0 is the base model; otherwise
 *   `fineTuneModel` from the base and `judgeCandidate` (held-back cells and 600 synthetic cells,
 *   at least 30 held back). The model in use is the candidate if promoted, else the base. Fixed
 *   fresh test sheets (another election, other seeds, the same faces) are read with the model in
 *   use and with the candidate, scored as e14-service routes fields (sheet-scoring.ts).
 * - Real cells: leave one sheet out of the 4 labelled real sheets; fine-tune on the others, route
 *   the left-out sheet's cells with the base and the candidate.
 *
 *   npx tsx packages/e14-synth-sheets/bench/learning-curve.ts --out bench/results/e14-learning.json [--night-sheets N] [--test-sheets N] [--labels 0,200,1000,5000]
 */
import { writeFileSync } from 'node:fs';
import { cpus, platform } from 'node:os';
import { parseArgs } from 'node:util';
import type { E14Submission } from '@castor/contracts';
import { CellRecognizer, type DigitModel, grayImageFromEncoded, loadModel } from '@castor/digit-recognizer';
import {
  EVALUATION_FACES,
  fineTuneModel,
  judgeCandidate,
  type LabelledCell,
  loadHandwritingRenderer,
  loadRealCells,
  REVIEW_THRESHOLD,
  type RoutingFigures,
  reviewedCellSplit,
  routeCells,
  syntheticTestCells,
  WRONG_UNREVIEWED_TARGET,
} from '@castor/digit-recognizer-training';
import { loadLocalRecognizer, readSheet, type SheetReading } from '@castor/e14-sheets';
import { generateElection, NO_FAULTS, type SyntheticElection } from '@castor/e14-synth';
import { createRng } from '@castor/seeded-random';
import { z } from 'zod';
import { type RenderedSheet, renderSheetPdf } from '../src/index.js';
import { emptyTally, REVIEW_CONFIDENCE_THRESHOLD, score, type Tally, type Truth } from './sheet-scoring.js';

const ELECTION_CODE = 'PRE-2026-1V';

export const learningCurveBenchOptionsSchema = z.object({
  out: z.string().min(1).optional(),
  /** At most this many night sheets are read; the night stops once the largest label count is reached. */
  nightSheets: z.number().int().min(1).max(5_000).default(1_500),
  /** 150 sheets are 3,000 fields: enough for no wrong reading skipping review to bound the share at 0.1 %. */
  testSheets: z.number().int().min(1).max(2_000).default(150),
  labels: z.array(z.number().int().min(0)).min(1).default([0, 200, 1_000, 5_000]),
  seed: z.number().int().min(0).default(1515),
  syntheticCells: z.number().int().min(1).default(600),
  minHeldBack: z.number().int().min(1).default(30),
});
export type LearningCurveBenchOptions = z.output<typeof learningCurveBenchOptionsSchema>;

interface Sheet {
  name: string;
  submission: E14Submission;
  rendered: RenderedSheet;
}

const truthsOf = (rendered: RenderedSheet) =>
  new Map<string, Truth>(rendered.truth.fields.map((field) => [field.field, { value: field.value }]));

/** The test sheets' figures with one model: the tally plus the shares a reader compares. */
function testFigures(tally: Tally) {
  const fields = Math.max(1, tally.fields);
  return {
    ...tally,
    reviewShare: tally.reviewed / fields,
    wrongNotReviewedShare: tally.wrongNotReviewed / fields,
    withinWrongNotReviewedBudget: tally.wrongNotReviewed / fields <= WRONG_UNREVIEWED_TARGET,
    wrongNotReviewedShareUpper95: round(binomialUpper95(tally.wrongNotReviewed, tally.fields), 5),
    sheetsFullyConfirmedShare: tally.sheetsFullyConfirmed / Math.max(1, tally.sheets),
  };
}

/**
 * The one-sided 95 % upper bound of a share seen `k` times in `n` (Clopper–Pearson): zero wrong
 * readings in 1,200 fields only say the share is below 0.25 %, in 3,000 below 0.1 %.
 */
function binomialUpper95(k: number, n: number) {
  if (n === 0) return 1;
  const cdf = (p: number) => {
    let term = (1 - p) ** n;
    let sum = term;
    for (let i = 1; i <= k; i++) {
      term *= ((n - i + 1) / i) * (p / (1 - p));
      sum += term;
    }
    return sum;
  };
  let low = k / n;
  let high = 1;
  for (let step = 0; step < 60; step++) {
    const mid = (low + high) / 2;
    if (cdf(mid) > 0.05) low = mid;
    else high = mid;
  }
  return high;
}

function round(value: number, digits = 4) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export async function runLearningCurveBenchmark(input: z.input<typeof learningCurveBenchOptionsSchema> = {}) {
  const options = learningCurveBenchOptionsSchema.parse(input);
  const started = performance.now();
  const labelPoints = [...new Set(options.labels)].sort((a, b) => a - b);
  const wantedLabels = labelPoints.at(-1) ?? 0;
  const base = await loadModel({ kind: 'handwritten', handwriting: 'first-round-2026' });
  const baseReader = await loadLocalRecognizer({ model: base });
  const renderer = await loadHandwritingRenderer();
  const timings = { renderSeconds: 0, nightReadSeconds: 0, testReadSeconds: 0, fineTuneSeconds: 0, gateSeconds: 0 };
  const lap = async <T>(key: keyof typeof timings, run: () => Promise<T> | T): Promise<T> => {
    const at = performance.now();
    const result = await run();
    timings[key] += (performance.now() - at) / 1000;
    return result;
  };

  /** Renders the election's sheets lazily, each in one hand of the evaluation faces. */
  const sheetsOf = async function* (election: SyntheticElection, name: string, count: number) {
    const submissions = [...election.submissions({ copies: ['delegados'] })].slice(0, count);
    for (const [index, submission] of submissions.entries()) {
      const rendered = await lap('renderSeconds', () =>
        renderSheetPdf(
          submission,
          { candidates: election.divipol.candidates },
          { hand: 'sheet', faces: [...EVALUATION_FACES] },
          createRng(`learning-${name}-${options.seed}-${index}`),
        ),
      );
      yield { name: `${name}-${index}`, submission, rendered } satisfies Sheet;
    }
  };
  const electionOf = (seed: number, mesas: number, electionCode: string) =>
    generateElection({
      seed,
      scale: { departamentos: ['01', '16'], mesas },
      corporations: ['PRESIDENTE'],
      presidentialRound: 1,
      faultRates: NO_FAULTS,
      electionCode,
    });
  const read = (sheet: Sheet, reader: typeof baseReader, cropImages: boolean) =>
    readSheet(sheet.rendered.pdf, {
      templates: [sheet.rendered.template],
      recognizer: reader,
      readQr: false,
      cropImages,
    });
  const scoreSheet = (tally: Tally, sheet: Sheet, reading: SheetReading) =>
    score(tally, reading, truthsOf(sheet.rendered), { electionCode: ELECTION_CODE, mesa: sheet.submission.mesa });

  // The night: the base model reads, reviewers label what it sends them.
  const night = emptyTally();
  const labelled: Array<{ key: string; cell: LabelledCell }> = [];
  let fieldsWithoutCrop = 0;
  for await (const sheet of sheetsOf(
    electionOf(options.seed, options.nightSheets, 'LEARNING-NIGHT'),
    'night',
    options.nightSheets,
  )) {
    const reading = await lap('nightReadSeconds', () => read(sheet, baseReader, true));
    const crops = new Map(reading.fields.map((field) => [field.field, field.cropPng]));
    const written = new Map(sheet.rendered.truth.fields.map((field) => [field.field, field]));
    for (const outcome of scoreSheet(night, sheet, reading)) {
      if (!outcome.reviewed) continue;
      const crop = crops.get(outcome.path);
      const truth = written.get(outcome.path);
      if (!crop || !truth) {
        fieldsWithoutCrop++;
        continue;
      }
      labelled.push({
        key: `${sheet.name}-${outcome.path}`,
        cell: { image: await grayImageFromEncoded(crop), value: truth.state === 'empty' ? 'empty' : truth.value },
      });
    }
    if (labelled.length >= wantedLabels) break;
  }
  const available = labelled.length;

  // The fresh test sheets, rendered once and read by every model.
  const testSheets: Sheet[] = [];
  for await (const sheet of sheetsOf(
    electionOf(options.seed + 1, options.testSheets, 'LEARNING-TEST'),
    'test',
    options.testSheets,
  )) {
    testSheets.push(sheet);
  }
  const measureTest = async (model: DigitModel) => {
    const reader = model === base ? baseReader : await loadLocalRecognizer({ model });
    const tally = emptyTally();
    for (const sheet of testSheets) {
      const reading = await lap('testReadSeconds', () => read(sheet, reader, false));
      scoreSheet(tally, sheet, reading);
    }
    return testFigures(tally);
  };

  const synthetic = syntheticTestCells(renderer, { cells: options.syntheticCells });
  const baseTest = await measureTest(base);
  const points = [];
  for (const wanted of labelPoints) {
    const labels = labelled.slice(0, wanted);
    if (wanted === 0) {
      points.push({ labelsWanted: 0, labelsUsed: 0, inUse: 'base' as const, test: baseTest });
      continue;
    }
    const split = { train: [] as LabelledCell[], calibration: [] as LabelledCell[], heldBack: [] as LabelledCell[] };
    for (const { key, cell } of labels) {
      const part = reviewedCellSplit(key);
      (part === 'held_back' ? split.heldBack : split[part]).push(cell);
    }
    const tuned = await lap('fineTuneSeconds', () =>
      fineTuneModel({
        base,
        version: base.metadata.version + 1,
        train: split.train,
        calibration: split.calibration,
        renderer,
        seed: `learning-${options.seed}-${labels.length}`,
      }),
    );
    const trainingSeconds = tuned.model.metadata.training.seconds;
    const gate = await lap('gateSeconds', () =>
      judgeCandidate({
        previous: base,
        candidate: tuned.model,
        heldBack: split.heldBack,
        synthetic,
        minHeldBack: options.minHeldBack,
      }),
    );
    const candidateTest = await measureTest(tuned.model);
    points.push({
      labelsWanted: wanted,
      labelsUsed: labels.length,
      split: { train: split.train.length, calibration: split.calibration.length, heldBack: split.heldBack.length },
      training: { seconds: trainingSeconds, alignedCells: tuned.alignedCells, skippedCells: tuned.skippedCells },
      gate: { promote: gate.promote, reasons: gate.reasons, heldBack: gate.heldBack, synthetic: gate.synthetic },
      inUse: gate.promote ? ('candidate' as const) : ('base' as const),
      test: gate.promote ? candidateTest : baseTest,
      candidateTest,
    });
  }
  const withRatios = points.map((point) => ({
    ...point,
    reviewShareVsNoLabels: round(point.test.reviewShare / Math.max(1e-9, baseTest.reviewShare)),
    ...(point.candidateTest
      ? {
          candidateReviewShareVsNoLabels: round(point.candidateTest.reviewShare / Math.max(1e-9, baseTest.reviewShare)),
        }
      : {}),
  }));

  const real = await lap('fineTuneSeconds', () => realSheetsLeaveOneOut(base, renderer, synthetic, options));

  const result = {
    benchmark: 'e14-learning',
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, platform: platform(), node: process.version },
    corpus: {
      generator: '@castor/e14-synth',
      form: 'first-round Presidente sheets (template of the first round, 2026), no faults',
      night: `election seed ${options.seed}, rng learning-night-${options.seed}-<index>`,
      test: `${testSheets.length} sheets of election seed ${options.seed + 1}, rng learning-test-${options.seed}-<index>`,
      render:
        "renderSheetPdf defaults with hand: 'sheet' (one jurado writes every cell of a sheet) and faces: EVALUATION_FACES",
      faces: EVALUATION_FACES,
      reader: `readSheet with the base model ${base.metadata.kind}-v${base.metadata.version} (first-round-2026) or a fine-tuned candidate; sheetToSubmission with the arithmetic, as e14-service`,
      reviewed: `illegible, over-written or confidence below ${REVIEW_CONFIDENCE_THRESHOLD}`,
      labels:
        'each field of a night sheet sent to review, in the order sheets arrive: its crop (8-bit gray) and the value written (empty when no digit was), keyed night-<sheet>-<field>, split by reviewedCellSplit',
      gate: `judgeCandidate against the base: held-back labels and ${options.syntheticCells} synthetic cells in the evaluation faces (syntheticTestCells), at least ${options.minHeldBack} held back, threshold ${REVIEW_THRESHOLD}; the gate routes cells one by one (routeCells: no sheet arithmetic, no writer adaptation), so its figures are not the sheets' routing`,
      wrongNotReviewedBudget: WRONG_UNREVIEWED_TARGET,
    },
    options: { ...options, labels: labelPoints },
    night: {
      sheetsRead: night.sheets,
      fields: night.fields,
      labelsAvailable: available,
      labelsPerSheet: round(available / Math.max(1, night.sheets), 2),
      fieldsWithoutCrop,
      base: testFigures(night),
      ...(available < wantedLabels
        ? { shortOfLabels: `only ${available} labels from ${night.sheets} night sheets (--night-sheets)` }
        : {}),
    },
    points: withRatios,
    real,
    timings: Object.fromEntries(
      Object.entries({ ...timings, totalSeconds: (performance.now() - started) / 1000 }).map(([key, seconds]) => [
        key,
        round(seconds, 1),
      ]),
    ),
  };
  if (options.out) writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/**
 * The 4 real sheets' labelled cells, one sheet left out at a time: the others' cells are split by
 * key as the review desk splits them, the base is fine-tuned on them, and the left-out sheet is
 * routed by the base and by the candidate. The gate sees the others' held-back cells.
 */
async function realSheetsLeaveOneOut(
  base: DigitModel,
  renderer: Awaited<ReturnType<typeof loadHandwritingRenderer>>,
  synthetic: readonly LabelledCell[],
  options: LearningCurveBenchOptions,
) {
  const cells = (await loadRealCells()).map(({ cell, image }) => ({
    sheet: cell.sheet,
    key: `real-${cell.sheet}-${cell.field}`,
    cell: { image, value: cell.expected.state === 'empty' ? 'empty' : cell.expected.value } satisfies LabelledCell,
  }));
  const sheets = [...new Set(cells.map((cell) => cell.sheet))];
  const baseRecognizer = new CellRecognizer(base);
  const perSheet = [];
  const totals = {
    cells: 0,
    base: { reviewed: 0, wrongUnreviewed: 0 },
    candidate: { reviewed: 0, wrongUnreviewed: 0 },
  };
  for (const sheet of sheets) {
    const others = cells.filter((cell) => cell.sheet !== sheet);
    const leftOut = cells.filter((cell) => cell.sheet === sheet).map((cell) => cell.cell);
    const split = { train: [] as LabelledCell[], calibration: [] as LabelledCell[], heldBack: [] as LabelledCell[] };
    for (const { key, cell } of others) {
      const part = reviewedCellSplit(key);
      (part === 'held_back' ? split.heldBack : split[part]).push(cell);
    }
    const tuned = fineTuneModel({
      base,
      version: base.metadata.version + 1,
      train: split.train,
      calibration: split.calibration,
      renderer,
      seed: `learning-real-${options.seed}-${sheet}`,
    });
    const gate = judgeCandidate({
      previous: base,
      candidate: tuned.model,
      heldBack: split.heldBack,
      synthetic,
      minHeldBack: options.minHeldBack,
    });
    const figures = {
      base: routeCells(baseRecognizer, leftOut, REVIEW_THRESHOLD),
      candidate: routeCells(new CellRecognizer(tuned.model), leftOut, REVIEW_THRESHOLD),
    };
    totals.cells += leftOut.length;
    for (const who of ['base', 'candidate'] as const) {
      totals[who].reviewed += figures[who].reviewed;
      totals[who].wrongUnreviewed += figures[who].wrongUnreviewed;
    }
    perSheet.push({
      leftOut: sheet,
      cells: leftOut.length,
      split: { train: split.train.length, calibration: split.calibration.length, heldBack: split.heldBack.length },
      training: {
        seconds: tuned.model.metadata.training.seconds,
        alignedCells: tuned.alignedCells,
        skippedCells: tuned.skippedCells,
      },
      ...figures,
      gate: { promote: gate.promote, reasons: gate.reasons, heldBack: gate.heldBack, synthetic: gate.synthetic },
    });
  }
  const share = (n: number) => round(n / Math.max(1, totals.cells));
  const summary = (who: 'base' | 'candidate'): RoutingFigures => ({
    cells: totals.cells,
    ...totals[who],
    reviewShare: share(totals[who].reviewed),
    wrongUnreviewedShare: share(totals[who].wrongUnreviewed),
  });
  return {
    about:
      "The labelled cells of the 4 real sheets (packages/digit-recognizer-training/fixtures/real-cells: 2 second-round, 2 first-round), one sheet left out at a time: v4 fine-tuned on the other sheets' cells (train and calibration splits of reviewedCellSplit; their held-back split goes to the gate), the left-out sheet's cells routed by routeCells at the review threshold. Cells are routed one by one (no sheet arithmetic). With 58 cells in all, the held-back split is far below the gate's minimum, so the gate refuses every candidate for want of held-back cells: the figures show what the candidate would do, not what would be promoted.",
    cells: cells.length,
    perSheet,
    totals: { base: summary('base'), candidate: summary('candidate') },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'night-sheets': { type: 'string' },
      'test-sheets': { type: 'string' },
      labels: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const result = await runLearningCurveBenchmark({
    ...(values.out ? { out: values.out } : {}),
    ...(values['night-sheets'] ? { nightSheets: Number(values['night-sheets']) } : {}),
    ...(values['test-sheets'] ? { testSheets: Number(values['test-sheets']) } : {}),
    ...(values.labels ? { labels: values.labels.split(',').map(Number) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
  });
  const { night, points, real, timings } = result;
  console.log(
    JSON.stringify(
      {
        night: { sheetsRead: night.sheetsRead, labelsAvailable: night.labelsAvailable },
        points: points.map((point) => ({
          labels: point.labelsUsed,
          inUse: point.inUse,
          reviewShare: point.test.reviewShare,
          wrongNotReviewed: point.test.wrongNotReviewed,
          ...(point.gate && point.candidateTest
            ? { gate: point.gate.reasons, candidateReviewShare: point.candidateTest.reviewShare }
            : {}),
        })),
        real: real.totals,
        timings,
      },
      null,
      2,
    ),
  );
}
