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
export { HANDWRITING_FACE_IDS, HANDWRITING_FACES, type HandwritingFaceId } from './fonts.js';
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
  evaluateRealCells,
  loadRealCells,
  REAL_CELLS_DIRECTORY,
  type RealCell,
  type RealCellResult,
} from './real-cells.js';
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
