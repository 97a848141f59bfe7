export {
  type CalibrationTable,
  calibrate,
  expectedCalibrationError,
  fitIsotonic,
  reliabilityBins,
} from './calibration.js';
export {
  FEATURE_LENGTH,
  type GlyphContext,
  glyphFeatures,
  isolatedGlyphContext,
  normaliseGlyph,
} from './features.js';
export { candidateFromMask, type GlyphCandidate } from './glyph-candidate.js';
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
  createDigitModel,
  DIGITS,
  type Digit,
  type DigitModel,
  FEATURE_SPEC,
  GLYPH_CLASSES,
  type GlyphClass,
  HANDWRITINGS,
  type Handwriting,
  latestModelVersion,
  loadModel,
  loadModelFile,
  MODEL_FOR_HANDWRITING,
  MODELS_DIRECTORY,
  type ModelMetadata,
  modelFileName,
  parseModel,
  saveModel,
  serializeModel,
} from './model.js';
export { dilateMask, erodeMask, maskStrokeWidth } from './morphology.js';
export { createActivations, createNetwork, forward, type Network, type TrainingSet, trainNetwork } from './network.js';
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
  isWide,
  type SegmentOptions,
  segmentCell,
} from './segmentation.js';
