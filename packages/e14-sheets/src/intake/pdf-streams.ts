import { constants, inflateSync } from 'node:zlib';
import { SheetError } from '../errors.js';

/**
 * A bounded first pass over a PDF's raw bytes, before any PDF library parses it. PDF libraries
 * inflate object streams and content streams without limit, so a 10 MB file of zeros deflated
 * 1000:1 would take 10 GB of memory; here every Flate stream is inflated with a hard output cap
 * and a budget for the whole document. The inflated streams are kept (by object number) so that
 * extracting a page image does not inflate it twice.
 *
 * An image stream is capped by the size its own dictionary declares (whose pixels intake judges
 * against `maxImagePixels`): samples past it are never used, so a stream inflating further is a
 * bomb, whatever the budget. Images are inflated after the other streams (which the parser needs)
 * and only into what those leave of the budget; a page image that does not fit is inflated when
 * its page is extracted, one page at a time: a 300-dpi colour scan of the 12 × 36 inch form is
 * 117 MB of samples, a normal input that no sensible budget holds twice.
 */

export interface StreamScanLimits {
  /** Most bytes one stream that is not an image of declared size may inflate to. */
  maxStreamBytes: number;
  /** Most inflated bytes kept for the whole document. */
  maxDocumentBytes: number;
}

export interface ScannedStream {
  objectNumber: number;
  filters: string[];
  hasDecodeParms: boolean;
  /** The inflated bytes, for streams whose only filter is FlateDecode (page images: when they fit the budget). */
  inflated?: Uint8Array;
}

/** Bytes an image stream may inflate to past its declared samples (padding some encoders add). */
export const IMAGE_STREAM_SLACK_BYTES = 65_536;

const OBJECT_HEADER = /(\d+)\s+(\d+)\s+obj\b/g;
const STREAM_KEYWORD = /\bstream(?:\r\n|\n|\r)/g;

/** Decodes `#xx` escapes in names, so `/J#61vaScript` reads as `/JavaScript`. */
export function decodeNameEscapes(text: string): string {
  return text.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function filtersOf(dictionary: string): string[] {
  const match = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/.exec(dictionary);
  if (!match?.[1]) return [];
  return [...match[1].matchAll(/\/([A-Za-z0-9]+)/g)].map((name) => name[1] as string);
}

/** Bytes an image stream's samples take by its dictionary (0 when it does not say). */
function declaredImageBytes(dictionary: string): number {
  if (!/\/Subtype\s*\/Image\b/.test(dictionary)) return 0;
  const numberOf = (key: string) =>
    Number(new RegExp(`/${key}\\s+(\\d+)\\b(?!\\s+\\d+\\s+R)`).exec(dictionary)?.[1] ?? 0);
  const channels = /\/ColorSpace\s*\/DeviceRGB\b/.test(dictionary) ? 3 : 1;
  const bits = /\/ImageMask\s+true\b/.test(dictionary) ? 1 : numberOf('BitsPerComponent');
  return Math.ceil((numberOf('Width') * bits * channels) / 8) * numberOf('Height');
}

/** True when the bytes declare an /Encrypt dictionary in a trailer or cross-reference stream. */
export function declaresEncryption(latin1: string): boolean {
  return /\/Encrypt\s*(\d+\s+\d+\s+R|<<)/.test(
    decodeNameEscapes(latin1.replace(/stream(?:\r\n|\n|\r)[\s\S]*?endstream/g, '')),
  );
}

export function scanStreams(bytes: Uint8Array, latin1: string, limits: StreamScanLimits): Map<number, ScannedStream> {
  const headers: { index: number; end: number; objectNumber: number }[] = [];
  for (const match of latin1.matchAll(OBJECT_HEADER)) {
    headers.push({ index: match.index, end: match.index + match[0].length, objectNumber: Number(match[1]) });
  }
  const streams = new Map<number, ScannedStream>();
  const images: { stream: ScannedStream; data: Uint8Array; declared: number }[] = [];
  let budget = limits.maxDocumentBytes;
  let headerCursor = 0;
  for (const match of latin1.matchAll(STREAM_KEYWORD)) {
    const dataStart = match.index + match[0].length;
    while (headerCursor + 1 < headers.length && (headers[headerCursor + 1] as { index: number }).index < match.index) {
      headerCursor++;
    }
    const header = headers[headerCursor];
    if (!header || header.index > match.index) {
      throw new SheetError('PDF_BROKEN', 'The PDF has a stream outside any object.', { offset: match.index });
    }
    const dictionary = decodeNameEscapes(latin1.slice(header.end, match.index));
    const dataEnd = latin1.indexOf('endstream', dataStart);
    if (dataEnd < 0) {
      throw new SheetError('PDF_BROKEN', 'The PDF is cut short: a stream never ends.', { object: header.objectNumber });
    }
    const filters = filtersOf(dictionary);
    const stream: ScannedStream = {
      objectNumber: header.objectNumber,
      filters,
      hasDecodeParms: /\/DecodeParms\b/.test(dictionary),
    };
    if (filters.length === 1 && filters[0] === 'FlateDecode') {
      const declared = declaredImageBytes(dictionary);
      if (declared > 0) images.push({ stream, data: bytes.subarray(dataStart, dataEnd), declared });
      else {
        const cap = Math.min(limits.maxStreamBytes, budget);
        const inflated = inflateCapped(bytes.subarray(dataStart, dataEnd), cap, 0, header.objectNumber);
        budget -= inflated.length;
        stream.inflated = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
      }
    }
    streams.set(header.objectNumber, stream);
  }
  // Images last: the streams the parser needs come first, and images only take what they leave.
  for (const { stream, data, declared } of images) {
    // A page image beyond what is left of the budget is inflated when its page is extracted.
    if (declared > budget) continue;
    const inflated = inflateCapped(data, declared + IMAGE_STREAM_SLACK_BYTES, declared, stream.objectNumber);
    budget -= inflated.length;
    stream.inflated = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
  }
  return streams;
}

/**
 * Inflates one stream, refusing it as a bomb past `cap` bytes. Trailing bytes after the end of a
 * deflate stream are common and harmless and are tolerated; any other damage is PDF_BROKEN. An
 * image is inflated in one chunk of its declared size: chunks are copied into one buffer at the
 * end, twice the image at the peak, while one chunk is the image alone.
 */
export function inflateCapped(compressed: Uint8Array, cap: number, declared: number, objectNumber: number): Buffer {
  const chunkSize = declared > 0 ? Math.max(constants.Z_MIN_CHUNK, Math.min(declared, cap)) : undefined;
  const inflate = (finishFlush?: number) =>
    inflateSync(compressed, { maxOutputLength: Math.max(1, cap), chunkSize, ...(finishFlush ? { finishFlush } : {}) });
  try {
    try {
      return inflate();
    } catch (error) {
      if ((error as { code?: string }).code !== 'Z_BUF_ERROR') throw error;
      return inflate(constants.Z_SYNC_FLUSH);
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new SheetError(
        'DECOMPRESSION_BOMB',
        declared > 0
          ? `An image of the PDF expands beyond the ${Math.round(declared / 1_048_576)} MB of pixels it declares; it is refused as a decompression bomb.`
          : `A compressed stream of the PDF expands beyond the ${Math.round(cap / 1_048_576)} MB allowed; it is refused as a decompression bomb.`,
        { object: objectNumber, limitBytes: cap },
      );
    }
    throw new SheetError('PDF_BROKEN', 'A compressed stream of the PDF is damaged.', {
      object: objectNumber,
      zlib: code,
    });
  }
}
