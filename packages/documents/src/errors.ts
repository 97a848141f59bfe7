/**
 * Stable codes for every way a document can be refused. The service maps each to one 4xx status,
 * and clients branch on them, so a code is never renamed or reused for another meaning; add new
 * ones instead. Messages are English for operators; Spanish wording belongs to the web layer.
 */
export const DOCUMENT_ERROR_CODES = [
  /** Neither the declared type, the extension nor the bytes name a format this package reads. */
  'DOCUMENT_FORMAT_UNSUPPORTED',
  /** The bytes claim a supported format but cannot be parsed (truncated, corrupt, encrypted, not UTF-8). */
  'DOCUMENT_UNREADABLE',
  /** Parsed, but holds no text at all (an empty file, a scanned PDF without a text layer). */
  'DOCUMENT_EMPTY',
  /** Over a byte, page or character limit (`details` says which, the limit and the size found). */
  'DOCUMENT_TOO_LARGE',
] as const;
export type DocumentErrorCode = (typeof DOCUMENT_ERROR_CODES)[number];

export class DocumentError extends Error {
  override readonly name = 'DocumentError';
  constructor(
    readonly code: DocumentErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isDocumentError(error: unknown): error is DocumentError {
  return error instanceof DocumentError;
}
