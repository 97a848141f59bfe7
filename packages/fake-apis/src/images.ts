/** What an image's own bytes say it is: enough to check a declared media type and size it. */
export interface SniffedImage {
  mediaType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  return prefix.every((byte, index) => bytes[offset + index] === byte);
}

/** JPEG size from the first start-of-frame segment (SOF0..SOF15 except DHT, JPG and DAC markers). */
function jpegSize(view: DataView): { width: number; height: number } | null {
  let offset = 2;
  while (offset + 9 < view.byteLength) {
    if (view.getUint8(offset) !== 0xff) return null;
    const marker = view.getUint8(offset + 1);
    const length = view.getUint16(offset + 2);
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
    offset += 2 + length;
  }
  return null;
}

export function sniffImage(bytes: Uint8Array): SniffedImage | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && startsWith(bytes, PNG_SIGNATURE)) {
    return { mediaType: 'image/png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 4 && startsWith(bytes, [0xff, 0xd8, 0xff])) {
    const size = jpegSize(view);
    return size ? { mediaType: 'image/jpeg', ...size } : null;
  }
  if (bytes.length >= 10 && startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) {
    return { mediaType: 'image/gif', width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (
    bytes.length >= 30 &&
    startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) &&
    startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)
  ) {
    const fourCc = String.fromCharCode(...bytes.subarray(12, 16));
    if (fourCc === 'VP8X') {
      const read24 = (at: number) => view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getUint8(at + 2) << 16);
      return { mediaType: 'image/webp', width: read24(24) + 1, height: read24(27) + 1 };
    }
    if (fourCc === 'VP8L') {
      const bits = view.getUint32(21, true);
      return { mediaType: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (fourCc === 'VP8 ') {
      return {
        mediaType: 'image/webp',
        width: view.getUint16(26, true) & 0x3fff,
        height: view.getUint16(28, true) & 0x3fff,
      };
    }
  }
  return null;
}

/**
 * Tokens the Messages API bills for an image, per Anthropic's published rule: the image is scaled
 * down to fit 1568 px on its long edge and about 1.15 megapixels, then costs width × height / 750.
 */
export function imageTokens({ width, height }: { width: number; height: number }): number {
  const scale = Math.min(1, 1568 / Math.max(width, height), Math.sqrt(1_150_000 / (width * height)));
  return Math.ceil((Math.round(width * scale) * Math.round(height * scale)) / 750);
}
