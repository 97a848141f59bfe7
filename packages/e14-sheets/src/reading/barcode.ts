import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BARCODE_CORPORATION_DIGIT, type Copy, type Corporation } from '@castor/contracts';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { applyHomography, type Homography } from '../raster/geometry.js';
import {
  despeckle,
  type GrayImage,
  grayToRgba,
  type PageRaster,
  type Rect,
  sampleLevel,
  warpRegion,
} from '../raster/raster.js';
import { readCode39Digits } from './code39.js';
import type { PrintedDigitReader } from './printed-digits.js';

/**
 * The 15-digit Code 39 barcode `7 C KKKKKK T VV PP NN` at the top of every page (corporation digit,
 * kit, copy, form version "Ver: 01", page, page count), and the QR code. zxing-wasm's wasm is read
 * from the installed package (the library's default would fetch it from a CDN).
 */

let zxingReady: Promise<unknown> | undefined;

export function prepareBarcodeReader(): Promise<unknown> {
  if (!zxingReady) {
    const require = createRequire(import.meta.url);
    const wasm = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
    zxingReady = prepareZXingModule({
      overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer },
      fireImmediately: true,
    });
  }
  return zxingReady;
}

export const COPY_BY_DIGIT: Record<string, Copy> = { '1': 'claveros', '2': 'delegados', '3': 'transmision' };

export interface ParsedBarcode {
  digits: string;
  corporationDigit: number;
  kit: string;
  copyDigit: number;
  copy: Copy | null;
  /** The form version printed as "Ver: 01" (always 01 so far). */
  version: string;
  page: number;
  pageCount: number;
}

export function parseBarcode(digits: string): ParsedBarcode | null {
  const match = /^7(\d)(\d{6})(\d)(\d{2})(\d{2})(\d{2})$/.exec(digits);
  if (!match) return null;
  const [, corporation, kit, copy, version, page, pageCount] = match as unknown as string[] as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    digits,
    corporationDigit: Number(corporation),
    kit,
    copyDigit: Number(copy),
    copy: COPY_BY_DIGIT[copy] ?? null,
    version,
    page: Number(page),
    pageCount: Number(pageCount),
  };
}

export interface BarcodeCheck {
  /** Every check passed. */
  ok: boolean;
  problems: string[];
}

/** Checks a parsed barcode against the page it is printed on and the corporation expected. */
export function checkBarcode(
  parsed: ParsedBarcode,
  expected: { pageNumber: number; pageCount: number; corporation: Corporation },
): BarcodeCheck {
  const problems: string[] = [];
  if (parsed.page !== expected.pageNumber)
    problems.push(`barcode says page ${parsed.page}, found on page ${expected.pageNumber}`);
  if (parsed.pageCount !== expected.pageCount) {
    problems.push(`barcode says ${parsed.pageCount} pages, the document has ${expected.pageCount}`);
  }
  const digit = BARCODE_CORPORATION_DIGIT[expected.corporation];
  if (parsed.corporationDigit !== digit) {
    problems.push(`barcode corporation digit ${parsed.corporationDigit}, ${expected.corporation} is ${digit}`);
  }
  if (!parsed.copy) problems.push(`unknown copy digit ${parsed.copyDigit}`);
  return { ok: problems.length === 0, problems };
}

export interface BarcodeReading {
  digits: string | null;
  /** Which readings produced the digits: the bars, the digits printed under them, or both agreeing. */
  source: 'bars+printed' | 'bars' | 'printed-digits' | 'zxing' | 'none';
  confidence: number;
  /** The bars and the printed digits were both read and disagree. */
  conflict: boolean;
  parsed: ParsedBarcode | null;
}

/** Axis-aligned crop of the image pixels under a template region, without resampling. */
function imageCrop(raster: PageRaster, toImage: Homography, region: Rect): GrayImage {
  const corners = [
    applyHomography(toImage, region.x, region.y),
    applyHomography(toImage, region.x + region.width, region.y),
    applyHomography(toImage, region.x, region.y + region.height),
    applyHomography(toImage, region.x + region.width, region.y + region.height),
  ];
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.x))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.y))));
  const x1 = Math.min(raster.width, Math.ceil(Math.max(...corners.map((c) => c.x))));
  const y1 = Math.min(raster.height, Math.ceil(Math.max(...corners.map((c) => c.y))));
  const width = Math.max(1, x1 - x0);
  const height = Math.max(1, y1 - y0);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = Math.round(sampleLevel(raster, x0 + x + 0.5, y0 + y + 0.5));
  }
  return { width, height, data };
}

async function decodeWithZxing(image: GrayImage): Promise<string | null> {
  const results = await readBarcodes(
    { data: grayToRgba(image), width: image.width, height: image.height, colorSpace: 'srgb' } as unknown as Parameters<
      typeof readBarcodes
    >[0],
    {
      formats: ['Code39'],
      tryHarder: true,
      tryRotate: false,
      tryInvert: false,
      tryDownscale: false,
      maxNumberOfSymbols: 1,
    },
  );
  const text = results.find((result) => result.isValid)?.text ?? null;
  return text && /^7\d{14}$/.test(text) ? text : null;
}

const FIFTEEN_DIGITS = /^7\d{14}$/;

/**
 * Two independent readings of the same 15 digits: the bars (model-based Code 39 fit) and the
 * printed digits under them. Agreement is strong evidence; disagreement keeps the more confident
 * one and says so. zxing-wasm can be asked to try the bars first (`zxing: true`); on published
 * 1-bit scans it has not decoded a single page, so it is off by default.
 */
export async function readBarcode(
  raster: PageRaster,
  toImage: Homography,
  regions: { barcode: Rect; barcodeText: Rect },
  printed: PrintedDigitReader,
  options: { zxing?: boolean } = {},
): Promise<BarcodeReading> {
  if (options.zxing) {
    await prepareBarcodeReader();
    const zxing = await decodeWithZxing(imageCrop(raster, toImage, regions.barcode));
    if (zxing) return { digits: zxing, source: 'zxing', confidence: 1, conflict: false, parsed: parseBarcode(zxing) };
  }
  const barsReading = readCode39Digits(raster, toImage, regions.barcode);
  const bars = barsReading && FIFTEEN_DIGITS.test(barsReading.text) ? barsReading : null;
  const text = printed.read(raster, toImage, regions.barcodeText, { scale: 2 });
  const textDigits = FIFTEEN_DIGITS.test(text.text) ? text.text : null;
  if (bars && textDigits) {
    if (bars.text === textDigits) {
      return {
        digits: bars.text,
        source: 'bars+printed',
        confidence: Math.max(0.95, bars.confidence, text.confidence),
        conflict: false,
        parsed: parseBarcode(bars.text),
      };
    }
    const digits = bars.confidence >= text.confidence ? bars.text : textDigits;
    return {
      digits,
      source: digits === bars.text ? 'bars' : 'printed-digits',
      confidence: Math.min(0.5, Math.max(bars.confidence, text.confidence)),
      conflict: true,
      parsed: parseBarcode(digits),
    };
  }
  if (bars)
    return {
      digits: bars.text,
      source: 'bars',
      confidence: bars.confidence,
      conflict: false,
      parsed: parseBarcode(bars.text),
    };
  if (textDigits) {
    return {
      digits: textDigits,
      source: 'printed-digits',
      confidence: text.confidence,
      conflict: false,
      parsed: parseBarcode(textDigits),
    };
  }
  return { digits: null, source: 'none', confidence: 0, conflict: false, parsed: null };
}

/** The QR code's payload (base64 of 32 opaque bytes on real sheets), kept as an identifier only. */
export async function readQrPayload(raster: PageRaster, toImage: Homography, region: Rect): Promise<string | null> {
  await prepareBarcodeReader();
  const decode = async (image: GrayImage, binarizer: 'FixedThreshold' | 'LocalAverage') => {
    const results = await readBarcodes(
      {
        data: grayToRgba(image),
        width: image.width,
        height: image.height,
        colorSpace: 'srgb',
      } as unknown as Parameters<typeof readBarcodes>[0],
      {
        formats: ['QRCode'],
        binarizer,
        tryHarder: true,
        tryRotate: false,
        tryInvert: false,
        tryDownscale: false,
        maxNumberOfSymbols: 1,
      },
    );
    return results.find((result) => result.isValid)?.text ?? null;
  };
  // Upright through the registration; the scan is already black and white, so a fixed threshold
  // first, then zxing's local binariser, then a despeckled image when specks defeat the finder.
  const upright = warpRegion(raster, toImage, region, 1);
  return (
    (await decode(upright, 'FixedThreshold')) ??
    (await decode(upright, 'LocalAverage')) ??
    (await decode(despeckle(upright), 'FixedThreshold'))
  );
}
