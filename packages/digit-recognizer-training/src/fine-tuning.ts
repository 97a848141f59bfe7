import { hash } from 'node:crypto';
import {
  type CellReading,
  CellRecognizer,
  type CellValue,
  createDigitModel,
  type DigitModel,
  fitIsotonic,
  type GrayImage,
  labelReviewedSamples,
  type ModelMetadata,
  type Network,
  type ReviewedSample,
  trainNetwork,
} from '@castor/digit-recognizer';
import { createRng } from '@castor/seeded-random';
import { cellOutcome, REVIEW_THRESHOLD } from './evaluation.js';
import type { HandwritingRenderer } from './handwriting.js';
import { renderSyntheticCell } from './synthetic-cells.js';
import {
  addSyntheticCells,
  applyScale,
  CALIBRATION_FACES,
  EVALUATION_FACES,
  SampleBuffer,
  TRAINING_FACES,
} from './training.js';

/**
 * Learning from the review desk while an election is read: a model that reads is fine-tuned on the
 * cells reviewers agreed on, then judged by a gate against the model it would replace. This is the
 * part that runs inside e14-service (in a low-priority thread); training from scratch stays in
 * training.ts and the `train` script.
 */

/** A cell with its agreed value, as a reviewer's crop or a synthetic cell. */
export interface LabelledCell {
  image: GrayImage;
  value: CellValue;
  /** As readCell takes it; undefined for real crops (the recognizer uses the cell's height). */
  digitHeight?: number;
}

/** What a reviewed cell is used for. Held-back cells judge candidates and are never trained on. */
export type ReviewedCellSplit = 'train' | 'calibration' | 'held_back';

/**
 * The split of a reviewed cell, fixed by its key (the review task's id), so a cell held back once is
 * held back in every later cycle: 60 % train, 15 % calibrate the confidence, 25 % held back.
 */
export function reviewedCellSplit(key: string): ReviewedCellSplit {
  const bucket = Number.parseInt(hash('sha256', `castor-reviewed-cell:${key}`, 'hex').slice(0, 8), 16) % 100;
  if (bucket < 60) return 'train';
  if (bucket < 75) return 'calibration';
  return 'held_back';
}

/** How a model routes a set of cells at a review threshold (as e14-service routes fields). */
export interface RoutingFigures {
  cells: number;
  /** Sent to a person: illegible, under the threshold, or marked over-written. */
  reviewed: number;
  /** Read wrong with enough confidence to skip review: what must never grow. */
  wrongUnreviewed: number;
  reviewShare: number;
  wrongUnreviewedShare: number;
}

export const isReviewed = (reading: CellReading, threshold: number) =>
  reading.state === 'illegible' || reading.confidence < threshold || reading.overwritten;

export function routeCells(
  recognizer: CellRecognizer,
  cells: readonly LabelledCell[],
  threshold = REVIEW_THRESHOLD,
): RoutingFigures {
  let reviewed = 0;
  let wrongUnreviewed = 0;
  for (const cell of cells) {
    const reading = recognizer.readCell(cell.image, readOptions(cell));
    if (isReviewed(reading, threshold)) reviewed++;
    else if (cellOutcome(reading, cell.value) === 'wrong') wrongUnreviewed++;
  }
  const total = Math.max(1, cells.length);
  return {
    cells: cells.length,
    reviewed,
    wrongUnreviewed,
    reviewShare: reviewed / total,
    wrongUnreviewedShare: wrongUnreviewed / total,
  };
}

const readOptions = (cell: LabelledCell) => (cell.digitHeight === undefined ? {} : { digitHeight: cell.digitHeight });

/**
 * The gate's synthetic test set: cells written in the evaluation faces (never trained on by any
 * model), half of them with the first-round 2026 habits. Fixed by its seed, so every candidate is
 * judged on the same cells.
 */
export function syntheticTestCells(
  renderer: HandwritingRenderer,
  options: { cells: number; seed?: string },
): LabelledCell[] {
  const rng = createRng(options.seed ?? 'castor-gate-synthetic');
  return Array.from({ length: options.cells }, (_, i) => {
    const cell = renderSyntheticCell(renderer, { faces: EVALUATION_FACES, firstRoundHabits: i % 2 === 1 }, rng);
    return toLabelledCell(cell);
  });
}

function toLabelledCell(cell: ReturnType<typeof renderSyntheticCell>): LabelledCell {
  const value: CellValue = cell.rendered.state === 'empty' ? 'empty' : cell.rendered.value;
  return {
    image: cell.image,
    value,
    ...(cell.digitHeightHint === undefined ? {} : { digitHeight: cell.digitHeightHint }),
  };
}

export interface FineTuneOptions {
  /** The model that reads now: its weights are the starting point, its feature scaling is kept. */
  base: DigitModel;
  version: number;
  /** Reviewed cells to learn from (the `train` split). */
  train: readonly LabelledCell[];
  /** Reviewed cells that fit the confidence map with the synthetic calibration cells (the `calibration` split). */
  calibration: readonly LabelledCell[];
  renderer: HandwritingRenderer;
  seed: string;
  /**
   * Synthetic cells in the training faces rehearsed with the reviewed ones, so the model keeps what
   * it knew (without them a few hundred cells of one hand pull it towards that hand alone).
   */
  replayCells?: number;
  /** Synthetic cells in the calibration faces for the confidence map. */
  syntheticCalibrationCells?: number;
  epochs?: number;
  learningRate?: number;
  onProgress?: (message: string) => void;
}

/** Below this many reviewed glyphs, each is repeated so that they weigh as much as the rehearsal. */
const REVIEWED_SHARE = 0.5;
const MAX_REVIEWED_COPIES = 8;

/**
 * Fine-tunes `base` on reviewed cells: each cell is cut and aligned with its agreed value as at
 * inference (forced alignment, reviewed-samples.ts), its glyphs are trained on together with a
 * rehearsal of synthetic cells, at a small learning rate from the base weights; then the
 * confidence map is fitted again on synthetic calibration cells plus the reviewed calibration split.
 */
export function fineTuneModel(options: FineTuneOptions): {
  model: DigitModel;
  alignedCells: number;
  skippedCells: number;
} {
  const started = performance.now();
  const log = options.onProgress ?? (() => undefined);
  const rng = createRng(options.seed);
  const baseRecognizer = new CellRecognizer(options.base);
  const samples: ReviewedSample[] = options.train.map((cell) => reviewedSampleOf(cell));
  const { glyphs, skippedCells } = labelReviewedSamples(samples, baseRecognizer);
  const buffer = new SampleBuffer();
  addSyntheticCells(buffer, options.renderer, TRAINING_FACES, options.replayCells ?? 1_500, rng.fork(), true, true);
  const rehearsal = buffer.count;
  const copies = Math.max(
    1,
    Math.min(MAX_REVIEWED_COPIES, Math.round((REVIEWED_SHARE * rehearsal) / Math.max(1, glyphs.length))),
  );
  for (let copy = 0; copy < copies; copy++) {
    for (const glyph of glyphs) buffer.add(glyph.candidate, glyph.context, glyph.label, glyph.overwritten, 'reviewed');
  }
  log(`fine-tuning set: ${rehearsal} rehearsal glyphs, ${glyphs.length} reviewed glyphs × ${copies}`);
  const set = buffer.toTrainingSet();
  const scale = options.base.inputScale;
  applyScale(set, scale);
  const network = copyNetwork(options.base.network);
  const networkRng = rng.fork();
  const epochs = options.epochs ?? 4;
  trainNetwork(network, set, {
    epochs,
    batchSize: 64,
    learningRate: options.learningRate ?? 5e-4,
    weightDecay: 1e-4,
    overwrittenWeight: 0.5,
    dropout: 0.2,
    random: () => networkRng.next(),
    onEpoch: (epoch, loss) => log(`epoch ${epoch + 1}/${epochs}: loss ${loss.toFixed(4)}`),
  });
  const alignedCells = options.train.length - skippedCells;
  const metadata: ModelMetadata = {
    ...options.base.metadata,
    version: options.version,
    createdAt: new Date().toISOString(),
    seed: options.seed,
    training: {
      ...options.base.metadata.training,
      description: `Fine-tuned from model v${options.base.metadata.version} on ${alignedCells} reviewed cells (agreed review values; ${skippedCells} could not be aligned with their value), rehearsing ${options.replayCells ?? 1_500} synthetic cells in the training faces; confidence refitted on synthetic cells in ${CALIBRATION_FACES.join(', ')} and ${options.calibration.length} reviewed calibration cells.`,
      samples: set.count,
      perSource: buffer.perSource,
      perClass: buffer.perClass,
      epochs,
      seconds: 0,
    },
    evaluation: { reviewedCellsSkipped: skippedCells },
  };
  const uncalibrated = createDigitModel(metadata, network, scale);
  const calibrationCells = [
    ...Array.from({ length: options.syntheticCalibrationCells ?? 1_000 }, () =>
      toLabelledCell(renderSyntheticCell(options.renderer, { faces: CALIBRATION_FACES, firstRoundHabits: true }, rng)),
    ),
    ...options.calibration,
  ];
  const table = fitIsotonic(calibrationScores(new CellRecognizer(uncalibrated), calibrationCells));
  metadata.training.seconds = Math.round((performance.now() - started) / 1000);
  return { model: createDigitModel(metadata, network, scale, table), alignedCells, skippedCells };
}

function calibrationScores(recognizer: CellRecognizer, cells: readonly LabelledCell[]) {
  return cells.map((cell) => {
    const reading = recognizer.readCell(cell.image, { ...readOptions(cell), illegibleBelow: 0 });
    return { score: reading.rawScore, correct: reading.alternatives[0]?.value === cell.value };
  });
}

function reviewedSampleOf(cell: LabelledCell): ReviewedSample {
  return {
    kind: 'cell',
    value: cell.value,
    width: cell.image.width,
    height: cell.image.height,
    dataBase64: Buffer.from(cell.image.data).toString('base64'),
    ...(cell.digitHeight === undefined ? {} : { digitHeight: cell.digitHeight }),
  };
}

function copyNetwork(network: Network): Network {
  return {
    classCount: network.classCount,
    layers: network.layers.map((layer) => ({ ...layer, weights: layer.weights.slice(), bias: layer.bias.slice() })),
  };
}

/** One evaluation set: the model it would replace against the candidate. */
export interface GateSet {
  cells: number;
  previous: RoutingFigures;
  candidate: RoutingFigures;
}

export interface GateDecision {
  promote: boolean;
  reasons: string[];
  threshold: number;
  heldBack: GateSet;
  synthetic: GateSet;
}

/**
 * The gate: the candidate replaces `previous` only if, on the held-back reviewed cells and on the
 * synthetic test set alike, it lets no more wrong readings skip review and sends no larger share
 * to review, at the review threshold; and only when enough held-back cells exist to say so.
 */
export function judgeCandidate(input: {
  previous: DigitModel;
  candidate: DigitModel;
  heldBack: readonly LabelledCell[];
  synthetic: readonly LabelledCell[];
  minHeldBack: number;
  threshold?: number;
}): GateDecision {
  const threshold = input.threshold ?? REVIEW_THRESHOLD;
  const previous = new CellRecognizer(input.previous);
  const candidate = new CellRecognizer(input.candidate);
  const compare = (cells: readonly LabelledCell[]): GateSet => ({
    cells: cells.length,
    previous: routeCells(previous, cells, threshold),
    candidate: routeCells(candidate, cells, threshold),
  });
  const heldBack = compare(input.heldBack);
  const synthetic = compare(input.synthetic);
  const reasons: string[] = [];
  if (input.heldBack.length < input.minHeldBack) {
    reasons.push(`only ${input.heldBack.length} held-back reviewed cells (at least ${input.minHeldBack} are needed)`);
  }
  for (const [name, set] of [
    ['held-back reviewed cells', heldBack],
    ['synthetic test set', synthetic],
  ] as const) {
    if (set.candidate.wrongUnreviewed > set.previous.wrongUnreviewed) {
      reasons.push(
        `${name}: ${set.candidate.wrongUnreviewed} wrong readings would skip review (${set.previous.wrongUnreviewed} now)`,
      );
    }
    if (set.candidate.reviewed > set.previous.reviewed) {
      reasons.push(`${name}: ${set.candidate.reviewed} cells to review (${set.previous.reviewed} now)`);
    }
  }
  return { promote: reasons.length === 0, reasons, threshold, heldBack, synthetic };
}
