import {
  type CellReading,
  type CellRecognizer,
  type CellValue,
  DIGITS,
  expectedCalibrationError,
  GLYPH_CLASSES,
  type GlyphClass,
  reliabilityBins,
  segmentCell,
} from '@castor/digit-recognizer';
import { createRng } from '@castor/seeded-random';
import type { HandwritingFaceId } from './fonts.js';
import type { HandwritingRenderer } from './handwriting.js';
import { isHeldOutMnist, loadAllMnist, mnistCandidate } from './mnist.js';
import { labelCandidates, renderSyntheticCell } from './synthetic-cells.js';

/** The review threshold of the original system: fields below it go to a person. */
export const REVIEW_THRESHOLD = 0.7;

/** The end-to-end bound: wrong fields that skip review, as a share of all fields. */
export const WRONG_UNREVIEWED_TARGET = 0.001;

export interface GlyphEvaluation {
  samples: number;
  accuracy: number;
  accuracyBySource: Record<string, { samples: number; accuracy: number }>;
  classes: readonly GlyphClass[];
  /** confusion[truth][predicted], in `classes` order. */
  confusion: number[][];
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/**
 * Glyph accuracy on cells written in held-out faces (every candidate the segmentation produced,
 * labelled from the renderer's truth) and on the held-out tenth of the MNIST digits.
 */
export function evaluateGlyphs(
  recognizer: CellRecognizer,
  renderer: HandwritingRenderer,
  options: {
    cells: number;
    seed: string;
    faces: readonly HandwritingFaceId[];
    mnist: boolean;
    firstRoundHabits?: boolean;
  },
): GlyphEvaluation {
  const rng = createRng(options.seed);
  const confusion = GLYPH_CLASSES.map(() => GLYPH_CLASSES.map(() => 0));
  const bySource: Record<string, { samples: number; correct: number }> = {};
  const record = (source: string, truth: number, predicted: number) => {
    (confusion[truth] as number[])[predicted] = ((confusion[truth] as number[])[predicted] as number) + 1;
    bySource[source] ??= { samples: 0, correct: 0 };
    const entry = bySource[source];
    entry.samples++;
    if (truth === predicted) entry.correct++;
  };
  for (let i = 0; i < options.cells; i++) {
    const cell = renderSyntheticCell(
      renderer,
      { faces: options.faces, firstRoundHabits: options.firstRoundHabits ?? false },
      rng,
    );
    const segmentation = segmentCell(cell.image, { digitHeight: cell.digitHeightHint });
    const { context } = segmentation;
    for (const sample of labelCandidates(segmentation.glyphs, cell.rendered)) {
      const prediction = recognizer.classify(sample.candidate, context);
      record('synthetic', GLYPH_CLASSES.indexOf(sample.label), argmax(prediction.probabilities));
    }
  }
  if (options.mnist) {
    for (const [digit, samples] of loadAllMnist().entries()) {
      for (const sample of samples) {
        if (!isHeldOutMnist(sample, samples.length)) continue;
        const { candidate, context } = mnistCandidate(sample, rng);
        record(
          'mnist',
          GLYPH_CLASSES.indexOf(DIGITS[digit] as GlyphClass),
          argmax(recognizer.classify(candidate, context).probabilities),
        );
      }
    }
  }
  const total = Object.values(bySource).reduce((sum, entry) => sum + entry.samples, 0);
  const correct = Object.values(bySource).reduce((sum, entry) => sum + entry.correct, 0);
  return {
    samples: total,
    accuracy: correct / Math.max(1, total),
    accuracyBySource: Object.fromEntries(
      Object.entries(bySource).map(([source, entry]) => [
        source,
        { samples: entry.samples, accuracy: entry.correct / Math.max(1, entry.samples) },
      ]),
    ),
    classes: GLYPH_CLASSES,
    confusion,
  };
}

/** How a reading compares with the truth. */
export type CellOutcome = 'correct' | 'wrong' | 'illegible';

export function cellOutcome(reading: CellReading, truth: CellValue): CellOutcome {
  if (reading.state === 'illegible') return 'illegible';
  if (truth === 'empty') return reading.state === 'empty' ? 'correct' : 'wrong';
  return reading.state === 'read' && reading.value === truth ? 'correct' : 'wrong';
}

export interface CellEvaluation {
  cells: number;
  /** Share of cells written with a correction over a digit. */
  overwriteRate: number;
  /** Share of cells read right (value and state). */
  accuracy: number;
  illegibleRate: number;
  wrongRate: number;
  /** Wrong readings that would skip review (confidence ≥ REVIEW_THRESHOLD), as a share of all cells. */
  wrongAboveReviewThreshold: number;
  /** Wrong readings with confidence ≥ 0.9, as a share of all cells. */
  wrongAbove90: number;
  /** The same on cells without corrections. */
  clean: { cells: number; accuracy: number; wrongAboveReviewThreshold: number };
  /**
   * Cells with a correction: which digit is meant is often unclear even to a person, so what
   * matters is that they reach one: flagged = marked over-written, illegible, or under the threshold.
   */
  overwritten: { cells: number; accuracy: number; flagged: number; markedOverwritten: number; falseMarks: number };
  /** Cells that skip review (read with confidence ≥ threshold) and how often those are right. */
  automation: { threshold: number; share: number; accuracy: number }[];
  reliability: ReturnType<typeof reliabilityBins>;
  expectedCalibrationError: number;
  /** Accuracy by what the cell held. */
  byKind: Record<string, { cells: number; accuracy: number }>;
  /** Per handwriting face: how unevenly the model generalises to hands it never saw. */
  byFace: Record<string, { cells: number; accuracy: number; wrongAboveReviewThreshold: number }>;
  /**
   * Routing as e14-service does it (illegible, under the threshold, or marked over-written go to a
   * person): the share of cells reviewed and of cells wrong yet not reviewed, at REVIEW_THRESHOLD
   * and at the lowest threshold that keeps wrong-and-unreviewed within WRONG_UNREVIEWED_TARGET.
   */
  review: ReviewFigures;
  safeReview: ReviewFigures | null;
}

export interface ReviewFigures {
  threshold: number;
  reviewRate: number;
  wrongUnreviewed: number;
}

/** Thresholds tried for `safeReview`: hundredths, then thousandths where confidence crowds near 1. */
const THRESHOLD_GRID = [
  ...Array.from({ length: 99 }, (_, i) => (i + 1) / 100),
  ...Array.from({ length: 10 }, (_, i) => 0.99 + i / 1000),
];

function kindOf(truth: CellValue): string {
  if (truth === 'empty') return 'empty';
  if (truth < 10) return 'one digit';
  if (truth < 100) return 'two digits';
  return 'three digits';
}

/**
 * Cell-level accuracy, confidence calibration and over-writing detection on synthetic cells, with
 * corrections in `overwrite` of them (default 5 %: training uses more, to learn them).
 */
export function evaluateCells(
  recognizer: CellRecognizer,
  renderer: HandwritingRenderer,
  options: {
    cells: number;
    seed: string;
    faces: readonly HandwritingFaceId[];
    overwrite?: number;
    /** Cells written with the habits of the first-round 2026 sheets (`SyntheticCellOptions`). */
    firstRoundHabits?: boolean;
  },
): CellEvaluation {
  const rng = createRng(options.seed);
  const results: {
    outcome: CellOutcome;
    confidence: number;
    kind: string;
    face: string;
    overwritten: boolean;
    marked: boolean;
  }[] = [];
  for (let i = 0; i < options.cells; i++) {
    const cell = renderSyntheticCell(
      renderer,
      {
        faces: options.faces,
        overwrite: options.overwrite ?? 0.05,
        firstRoundHabits: options.firstRoundHabits ?? false,
      },
      rng,
    );
    const truth: CellValue = cell.rendered.state === 'empty' ? 'empty' : cell.rendered.value;
    const reading = recognizer.readCell(cell.image, { digitHeight: cell.digitHeightHint });
    results.push({
      outcome: cellOutcome(reading, truth),
      confidence: reading.confidence,
      kind: kindOf(truth),
      face: cell.rendered.hand.face,
      overwritten: cell.rendered.overwritten,
      marked: reading.overwritten,
    });
  }
  const share = (subset: typeof results, total = results.length) => subset.length / Math.max(1, total);
  const correct = (subset: typeof results) => subset.filter((result) => result.outcome === 'correct');
  const confidentlyWrong = (subset: typeof results, threshold: number) =>
    subset.filter((result) => result.outcome === 'wrong' && result.confidence >= threshold);
  const answered = results.filter((result) => result.outcome !== 'illegible');
  const calibrationSamples = answered.map((result) => ({
    confidence: result.confidence,
    correct: result.outcome === 'correct',
  }));
  const byKind: CellEvaluation['byKind'] = {};
  for (const kind of ['empty', 'one digit', 'two digits', 'three digits']) {
    const inKind = results.filter((result) => result.kind === kind);
    byKind[kind] = { cells: inKind.length, accuracy: share(correct(inKind), inKind.length) };
  }
  const byFace: CellEvaluation['byFace'] = {};
  for (const face of options.faces) {
    const inFace = results.filter((result) => result.face === face);
    byFace[face] = {
      cells: inFace.length,
      accuracy: share(correct(inFace), inFace.length),
      wrongAboveReviewThreshold: share(confidentlyWrong(inFace, REVIEW_THRESHOLD), inFace.length),
    };
  }
  const reviewAt = (threshold: number): ReviewFigures => {
    const reviewed = (result: (typeof results)[number]) =>
      result.outcome === 'illegible' || result.confidence < threshold || result.marked;
    return {
      threshold,
      reviewRate: share(results.filter(reviewed)),
      wrongUnreviewed: share(results.filter((result) => result.outcome === 'wrong' && !reviewed(result))),
    };
  };
  const clean = results.filter((result) => !result.overwritten);
  const corrected = results.filter((result) => result.overwritten);
  return {
    cells: results.length,
    overwriteRate: share(corrected),
    accuracy: share(correct(results)),
    illegibleRate: share(results.filter((result) => result.outcome === 'illegible')),
    wrongRate: share(results.filter((result) => result.outcome === 'wrong')),
    wrongAboveReviewThreshold: share(confidentlyWrong(results, REVIEW_THRESHOLD)),
    wrongAbove90: share(confidentlyWrong(results, 0.9)),
    clean: {
      cells: clean.length,
      accuracy: share(correct(clean), clean.length),
      wrongAboveReviewThreshold: share(confidentlyWrong(clean, REVIEW_THRESHOLD), clean.length),
    },
    overwritten: {
      cells: corrected.length,
      accuracy: share(correct(corrected), corrected.length),
      flagged: corrected.filter(
        (result) => result.marked || result.outcome === 'illegible' || result.confidence < REVIEW_THRESHOLD,
      ).length,
      markedOverwritten: corrected.filter((result) => result.marked).length,
      falseMarks: clean.filter((result) => result.marked).length,
    },
    automation: [0.5, REVIEW_THRESHOLD, 0.9, 0.95, 0.99].map((threshold) => {
      const automatic = answered.filter((result) => result.confidence >= threshold);
      return { threshold, share: share(automatic), accuracy: share(correct(automatic), automatic.length) };
    }),
    reliability: reliabilityBins(calibrationSamples),
    expectedCalibrationError: expectedCalibrationError(calibrationSamples),
    byKind,
    byFace,
    review: reviewAt(REVIEW_THRESHOLD),
    safeReview:
      THRESHOLD_GRID.map(reviewAt).find((figures) => figures.wrongUnreviewed <= WRONG_UNREVIEWED_TARGET) ?? null,
  };
}

/** CPU time of this process: unlike wall time, not inflated by other processes sharing the cores. */
function cpuMilliseconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Single-threaded speed, in CPU time: glyphs classified per second (features + network) and whole cells read
 * per second (segmentation, cut choice, classification, decoding), on pre-rendered cells.
 */
export function measureThroughput(
  recognizer: CellRecognizer,
  renderer: HandwritingRenderer,
  options: { cells: number; seed: string; faces: readonly HandwritingFaceId[] },
): { glyphsPerSecond: number; cellsPerSecond: number; glyphsPerCell: number } {
  const rng = createRng(options.seed);
  const cells = Array.from({ length: options.cells }, () =>
    renderSyntheticCell(renderer, { faces: options.faces }, rng),
  );
  const segmented = cells.map((cell) => segmentCell(cell.image, { digitHeight: cell.digitHeightHint }));
  // Warm the JIT before timing.
  for (const cell of cells.slice(0, 200)) recognizer.readCell(cell.image);
  let glyphs = 0;
  const glyphStart = cpuMilliseconds();
  for (const segmentation of segmented) {
    const { context } = segmentation;
    for (const candidate of segmentation.glyphs) {
      recognizer.classify(candidate, context);
      glyphs++;
    }
  }
  const glyphSeconds = (cpuMilliseconds() - glyphStart) / 1000;
  const cellStart = cpuMilliseconds();
  for (const cell of cells) recognizer.readCell(cell.image, { digitHeight: cell.digitHeightHint });
  const cellSeconds = (cpuMilliseconds() - cellStart) / 1000;
  return {
    glyphsPerSecond: glyphs / glyphSeconds,
    cellsPerSecond: cells.length / cellSeconds,
    glyphsPerCell: glyphs / Math.max(1, cells.length),
  };
}
