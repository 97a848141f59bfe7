export {
  type FieldTruth,
  type PageTruth,
  type RenderedSheet,
  type RenderOptions,
  type RenderOptionsInput,
  renderOptionsSchema,
  renderSheetPdf,
  renderSheetPhoto,
  type SheetDetails,
} from './render-sheet.js';
