export { type ChunkedDocument, type ChunkOptions, chunkDocument, type DocumentChunk } from './chunk.js';
export {
  DOCUMENT_FORMATS,
  type DocumentBlock,
  type DocumentFormat,
  type DocumentSection,
  type ParsedDocument,
} from './document.js';
export { DOCUMENT_ERROR_CODES, DocumentError, type DocumentErrorCode, isDocumentError } from './errors.js';
export { type DocumentLimits, type DocumentLimitsInput, documentLimitsSchema } from './limits.js';
export { declaredFormat, type ReadDocumentOptions, readDocument } from './read.js';
export { cleanText, countWords, estimateTokens, foldSpanish } from './text.js';
