export {
  type PhotoOptions,
  type PhotoOptionsInput,
  photoOptionsSchema,
  type RenderedPhoto,
  renderSheetPhoto,
  renderSheetPhotoWithTruth,
} from './render-photo.js';
export {
  type FieldTruth,
  type PageTruth,
  type RenderedSheet,
  type RenderOptions,
  type RenderOptionsInput,
  renderOptionsSchema,
  renderSheetPdf,
  SCAN_KINDS,
  type ScanKind,
  type SheetDetails,
} from './render-sheet.js';
export { imagesToPdf, photosToPdf, type ScanImage, type ScanPage, scanPdf } from './scan-pdf.js';
