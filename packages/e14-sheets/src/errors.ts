/**
 * Stable codes for every way a sheet can be refused or fail to read. Clients branch on them, so a
 * code is never renamed or reused for another meaning; add new ones instead. Each error also
 * carries a message a person understands (Spanish text belongs to the web layer, not here).
 */
export const SHEET_ERROR_CODES = [
  // intake: refused before any heavy work
  'FILE_EMPTY',
  'FILE_TOO_LARGE',
  'FILE_TYPE_UNSUPPORTED',
  'HTML_INSTEAD_OF_PDF',
  'TOO_MANY_PAGES',
  'PDF_ENCRYPTED',
  'PDF_ACTIVE_CONTENT',
  'PDF_BROKEN',
  'DECOMPRESSION_BOMB',
  'IMAGE_TOO_LARGE',
  'IMAGE_BROKEN',
  // reading
  'IMAGE_RESOLUTION_TOO_LOW',
  'PAGE_NOT_REGISTERED',
  'TEMPLATE_NOT_FOUND',
  'HEADER_UNREAD',
] as const;
export type SheetErrorCode = (typeof SHEET_ERROR_CODES)[number];

export class SheetError extends Error {
  override readonly name = 'SheetError';
  constructor(
    readonly code: SheetErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isSheetError(error: unknown): error is SheetError {
  return error instanceof SheetError;
}
