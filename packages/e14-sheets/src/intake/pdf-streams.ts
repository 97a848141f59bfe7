import { constants, inflateSync } from 'node:zlib';
import { SheetError } from '../errors.js';

/**
 * A bounded first pass over a PDF's raw bytes, before any PDF library parses it. PDF libraries
 * inflate object streams and content streams without limit, so a 10 MB file of zeros deflated
 * 1000:1 would take 10 GB of memory; here every Flate stream is inflated with a hard output cap
 * and a budget for the whole document. The inflated streams are kept (by object number) so that
 * extracting a page image does not inflate it twice.
 */

export interface StreamScanLimits {
  /** Most bytes one stream may inflate to. */
  maxStreamBytes: number;
  /** Most bytes all streams of the document together may inflate to. */
  maxDocumentBytes: number;
}

export interface ScannedStream {
  objectNumber: number;
  filters: string[];
  hasDecodeParms: boolean;
  /** The inflated bytes, for streams whose only filter is FlateDecode. */
  inflated?: Uint8Array;
}

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

/**
 * Bytes an image stream's samples take by its dictionary (0 when it does not say). A stream is
 * inflated into chunks that are copied into one buffer at the end, twice its size at the peak;
 * one chunk of the declared size makes that peak its size alone.
 */
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
      const cap = Math.min(limits.maxStreamBytes, budget);
      const declared = declaredImageBytes(dictionary);
      const chunkSize = declared > 0 ? Math.max(constants.Z_MIN_CHUNK, Math.min(declared, cap)) : undefined;
      let inflated: Buffer;
      try {
        inflated = inflateSync(bytes.subarray(dataStart, dataEnd), { maxOutputLength: Math.max(1, cap), chunkSize });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
          throw new SheetError(
            'DECOMPRESSION_BOMB',
            `A compressed stream of the PDF expands beyond the ${Math.round(cap / 1_048_576)} MB allowed; it is refused as a decompression bomb.`,
            { object: header.objectNumber, limitBytes: cap },
          );
        }
        // Trailing bytes after the end of a deflate stream are common and harmless; anything else is not.
        if (code !== 'Z_BUF_ERROR') {
          throw new SheetError('PDF_BROKEN', 'A compressed stream of the PDF is damaged.', {
            object: header.objectNumber,
            zlib: code,
          });
        }
        inflated = inflateSync(bytes.subarray(dataStart, dataEnd), {
          maxOutputLength: Math.max(1, cap),
          chunkSize,
          finishFlush: 2 /* Z_SYNC_FLUSH */,
        });
      }
      budget -= inflated.length;
      stream.inflated = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
    }
    streams.set(header.objectNumber, stream);
  }
  return streams;
}
