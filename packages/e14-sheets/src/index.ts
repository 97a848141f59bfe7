export { isSheetError, SHEET_ERROR_CODES, SheetError, type SheetErrorCode } from './errors.js';
export {
  type DocumentKind,
  type InspectedDocument,
  type InspectedPage,
  type IntakeLimits,
  type IntakeLimitsInput,
  inspectDocument,
  intakeLimitsSchema,
  type PagePlan,
} from './intake/inspect.js';
export { type ExtractedPage, extractPages, photoRaster } from './intake/page-raster.js';
export { photosAsPdf } from './intake/photo-pages.js';
export { applyHomography, type Homography, homographyFromPoints, type Point } from './raster/geometry.js';
export type { BitRaster, GrayImage, GrayRaster, PageRaster, Rect } from './raster/raster.js';
export { warpRegion } from './raster/raster.js';
export {
  type CellGlyph,
  type CellReader,
  type CellReading,
  type CodeReading,
  type HeaderCodes,
  mesaFromHeader,
  type PageTimings,
  type ReadField,
  type ReadPage,
  type ReadSheetOptions,
  readSheet,
  type SheetReading,
} from './read-sheet.js';
export {
  ARITHMETIC_DECODING_DEFAULTS,
  type ArithmeticDecodingOptions,
  type DecodedField,
  decodeSheetArithmetic,
  type SheetCells,
} from './reading/arithmetic-decoding.js';
export {
  type BarcodeCheck,
  type BarcodeReading,
  COPY_BY_DIGIT,
  checkBarcode,
  type ParsedBarcode,
  parseBarcode,
} from './reading/barcode.js';
export {
  CONSULADO_DEPARTAMENTO,
  type LayoutCheck,
  MIN_LAYOUT_RULE_HITS,
} from './reading/layout-check.js';
export {
  PRINTED_SYMBOLS,
  PrintedDigitReader,
  type PrintedReading,
  type PrintedSymbol,
} from './reading/printed-digits.js';
export {
  adaptToWriter,
  rereadCell,
  WRITER_ADAPTATION_DEFAULTS,
  type WriterAdaptationOptions,
  type WriterPrototype,
  writerPrototypes,
} from './reading/writer-adaptation.js';
export { type LocalRecognizer, loadLocalRecognizer } from './recognizer.js';
export { type FoundFiducial, findFiducials } from './registration/fiducials.js';
export { type Registration, type RegistrationQuality, registerPage } from './registration/register.js';
export { consulateTemplate, PRESIDENTE_2026_TEMPLATE_IDS } from './template/consulado.js';
export { draftTemplate } from './template/draft.js';
export {
  type BallotBlock,
  ballotBlocks,
  type DrawnPage,
  genericTemplate,
  type LaidOutSheet,
  layOutGeneric,
  layOutPresidente2026,
  type PresidentialRound,
  presidente2026TemplateId,
  REFERENCE_PAGE,
  type Shape,
  type SheetText,
} from './template/layout.js';
export { loadShippedTemplate, parseTemplate } from './template/load.js';
export { accountPages, numberedPages, type PageAccounting } from './template/pages.js';
export {
  FIELD_KEY_PATTERN,
  HEADER_KINDS,
  type HeaderKind,
  type SheetTemplate,
  sheetTemplateSchema,
  type TemplateCell,
  type TemplateRect,
} from './template/schema.js';
export { LOCAL_READER, type SubmissionContext, sheetToSubmission } from './to-submission.js';
