import { DocumentError } from '../errors.js';

/**
 * Text formats must be UTF-8 (a BOM is dropped). Invalid sequences or NUL bytes mean a binary
 * file or another encoding: refused rather than read as mojibake.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DocumentError('DOCUMENT_UNREADABLE', 'The text is not valid UTF-8.', { reason: 'encoding' });
  }
  if (text.includes('\u0000')) {
    throw new DocumentError('DOCUMENT_UNREADABLE', 'The text holds NUL bytes: a binary file.', { reason: 'binary' });
  }
  return text.replace(/\r\n?/g, '\n');
}
