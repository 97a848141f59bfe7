export {
  type CalibrationTable,
  calibrate,
  expectedCalibrationError,
  fitIsotonic,
  reliabilityBins,
} from './calibration.js';
export {
  type CellEvaluation,
  type CellOutcome,
  cellOutcome,
  evaluateCells,
  evaluateGlyphs,
  type GlyphEvaluation,
  measureThroughput,
  REVIEW_THRESHOLD,
  type ReviewFigures,
  WRONG_UNREVIEWED_TARGET,
} from './evaluation.js';
export { FEATURE_LENGTH, type GlyphContext, glyphFeatures, normaliseGlyph } from './features.js';
export { HANDWRITING_FACE_IDS, HANDWRITING_FACES, type HandwritingFaceId } from './fonts.js';
export { DIGITS, type Digit } from './glyph-masters.js';
export {
  assertGrayImage,
  type Box,
  binarize,
  countInk,
  createGrayImage,
  cropGrayImage,
  drawDarkest,
  type GrayImage,
  grayImageFromEncoded,
  grayImageSchema,
  grayImageToPng,
  grayImageToSharp,
  INK_THRESHOLD,
} from './gray-image.js';
export {
  DEFAULT_DIGIT_HEIGHT,
  type DotStyle,
  drawGlyphNoise,
  drawHandStyle,
  type FourStyle,
  GLYPH_LABELS,
  type GlyphLabel,
  type GlyphNoise,
  type GlyphRenderOptions,
  type HandStyle,
  HandwritingRenderer,
  loadHandwritingRenderer,
  type NumberRenderOptions,
  type OneStyle,
  type RenderedNumber,
  type RenderedPosition,
  renderHandwrittenGlyph,
  renderHandwrittenNumber,
  type SevenStyle,
} from './handwriting.js';
export {
  type DigitModel,
  GLYPH_CLASSES,
  type GlyphClass,
  latestModelVersion,
  loadModel,
  loadModelFile,
  MODELS_DIRECTORY,
  type ModelMetadata,
  modelFileName,
  parseModel,
  saveModel,
  serializeModel,
} from './model.js';
export {
  chance,
  createRng,
  gaussian,
  pick,
  pickWeighted,
  type Rng,
  randomInt,
  SeededRng,
  shuffleInPlace,
  uniform,
} from './random.js';
export {
  evaluateRealCells,
  loadRealCells,
  REAL_CELLS_DIRECTORY,
  type RealCell,
  type RealCellResult,
} from './real-cells.js';
export {
  type CellAlternative,
  type CellReading,
  CellRecognizer,
  type CellValue,
  type ClassifiedCell,
  type DecodedCell,
  decodeGlyphs,
  type GlyphPrediction,
  type GlyphReading,
  type ReadCellOptions,
} from './recognizer.js';
export {
  alignReviewedCell,
  type LabelledReviewedGlyph,
  labelReviewedSamples,
  type ReviewedSample,
  readReviewedSamples,
  reviewedCellLine,
  reviewedSampleSchema,
} from './reviewed-samples.js';
export {
  type CellSegmentation,
  cutHypotheses,
  DEFAULT_DIGIT_HEIGHT_RATIO,
  type GlyphCandidate,
  isWide,
  type SegmentOptions,
  segmentCell,
} from './segmentation.js';
export { renderSyntheticCell, type SyntheticCell } from './synthetic-cells.js';
export {
  CALIBRATION_FACES,
  DEFAULT_TRAINING_CONFIG,
  EVALUATION_FACES,
  fitCalibration,
  TRAINING_FACES,
  type TrainingConfig,
  trainDigitModel,
} from './training.js';
