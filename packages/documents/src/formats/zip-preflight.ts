import { DocumentError } from '../errors.js';
import { tooLarge } from '../limits.js';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const ZIP64_MARKER = 0xffffffff;

function unreadable(reason: string): DocumentError {
  return new DocumentError('DOCUMENT_UNREADABLE', 'The DOCX is not a readable ZIP archive.', { reason });
}

/**
 * Reads a ZIP's central directory and refuses the archive when its entries declare more
 * uncompressed bytes than `maxUncompressedBytes`: mammoth inflates every part it needs in memory,
 * so a small DOCX that inflates to gigabytes is stopped here, before any inflation. (An entry
 * that lies about its size is caught by JSZip's own size check as it inflates.)
 */
export function checkZipDirectory(bytes: Uint8Array, maxUncompressedBytes: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const earliest = Math.max(0, bytes.length - 22 - 0xffff);
  let end = -1;
  for (let offset = bytes.length - 22; offset >= earliest; offset--) {
    if (view.getUint32(offset, true) === END_OF_CENTRAL_DIRECTORY) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw unreadable('no ZIP end-of-central-directory record (truncated or not a ZIP)');
  const entries = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  let total = 0;
  for (let entry = 0; entry < entries; entry++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== CENTRAL_DIRECTORY_ENTRY) {
      throw unreadable('corrupt ZIP central directory');
    }
    const uncompressed = view.getUint32(offset + 24, true);
    if (uncompressed === ZIP64_MARKER) throw unreadable('ZIP64 archives are not DOCX files this reader accepts');
    total += uncompressed;
    if (total > maxUncompressedBytes) throw tooLarge('uncompressedBytes', maxUncompressedBytes, total);
    offset +=
      46 + view.getUint16(offset + 28, true) + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
  }
}
