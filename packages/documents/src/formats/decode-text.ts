import { DocumentError } from '../errors.js';

/** Share of control characters (other than tabs, line and page breaks) above which bytes are not text. */
const MAX_CONTROL_SHARE = 0.01;
/** Tab, line feed, form feed and carriage return: the control characters text holds. */
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0c, 0x0d]);

/**
 * Text formats are read as UTF-8 (a BOM is dropped). Bytes that are not valid UTF-8 are read as
 * Windows-1252, what Notepad and older Office save Spanish text in on Colombian Windows machines,
 * provided they look like text: no NUL bytes and almost no control characters. Anything else is a
 * binary file and refused rather than stored as mojibake.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.includes(0)) {
    throw new DocumentError('DOCUMENT_UNREADABLE', 'The text holds NUL bytes: a binary file.', { reason: 'binary' });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
    let controls = 0;
    for (const byte of bytes) if ((byte < 0x20 && !TEXT_CONTROLS.has(byte)) || byte === 0x7f) controls++;
    if (controls > text.length * MAX_CONTROL_SHARE) {
      throw new DocumentError('DOCUMENT_UNREADABLE', 'The bytes are neither UTF-8 nor Windows-1252 text.', {
        reason: 'encoding',
      });
    }
  }
  return text.replace(/\r\n?/g, '\n');
}
