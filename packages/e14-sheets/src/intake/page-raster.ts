import { Readable } from 'node:stream';
import { constants, createInflate } from 'node:zlib';
import { loadPdfJs, untrustedPdfSource } from '@castor/untrusted-pdf';
import { PDFRawStream, PDFRef } from 'pdf-lib';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { SheetError } from '../errors.js';
import { adaptiveBinarize, type GrayImage, type PageRaster } from '../raster/raster.js';
import {
  type InspectedDocument,
  type InspectedPdfState,
  type IntakeLimits,
  type IntakeLimitsInput,
  intakeLimitsSchema,
  type PagePlan,
  pdfStateOf,
} from './inspect.js';
import { IMAGE_STREAM_SLACK_BYTES, inflateCapped } from './pdf-streams.js';

/**
 * Page images out of an inspected document, cheapest way first: a scanned page's embedded 1-bit
 * image is taken as it is (inflated once, in intake, and never re-rendered), and so are 8-bit gray
 * samples; RGB and JPEG page images are decoded by sharp, reduced as they are decoded when they are
 * far above a scan's size; only pages that are not a single image go through pdf.js and a canvas.
 * Photos are scaled to about a scan's resolution and binarised adaptively.
 */

export interface ExtractedPage {
  pageNumber: number;
  raster: PageRaster;
  source: PagePlan['source'];
  extractMs: number;
}

/** Long side a photo is reduced to: a little above a published scan's 2,613 px, enough for digits. */
export const PHOTO_LONG_SIDE = 2_800;
/**
 * Long side above which a page image embedded in a PDF is reduced as it is decoded: twice a
 * photo's, so scans of any sensible resolution pass untouched, while a 100 MP page is held at
 * 31 MP instead of 100 (a JPEG is then decoded at a reduced scale, never at full size).
 */
const EMBEDDED_LONG_SIDE = 2 * PHOTO_LONG_SIDE;

function invertInPlace(data: Uint8Array): void {
  for (let i = 0; i < data.length; i++) data[i] = ~(data[i] as number) & 0xff;
}

function grayRaster(width: number, height: number, data: Uint8Array): PageRaster {
  return { kind: 'gray', width, height, data, inkThreshold: 127 };
}

/** An 8-bit gray page out of sharp, reduced to EMBEDDED_LONG_SIDE when it is larger. */
async function decodedGray(image: Sharp, width: number, height: number): Promise<PageRaster> {
  const reduced =
    Math.max(width, height) > EMBEDDED_LONG_SIDE
      ? image.resize({ width: EMBEDDED_LONG_SIDE, height: EMBEDDED_LONG_SIDE, fit: 'inside' })
      : image;
  const { data, info } = await reduced.greyscale().raw().toBuffer({ resolveWithObject: true });
  return grayRaster(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.length));
}

function rawContents(state: InspectedPdfState, objectNumber: number): Uint8Array | undefined {
  const object = state.document.context.lookup(PDFRef.of(objectNumber));
  return object instanceof PDFRawStream ? object.contents : undefined;
}

/** Bytes of a page image's samples by its plan. */
function declaredBytes(plan: Extract<PagePlan, { source: 'embedded-image' }>): number {
  const channels = plan.colorSpace === 'DeviceRGB' ? 3 : 1;
  return Math.ceil((plan.width * plan.bitsPerComponent * channels) / 8) * plan.height;
}

/**
 * A Flate page image's samples, taken from the inspection (which inflated them once, within its
 * budget) so that they are freed with the page raster instead of living as long as the
 * inspection. A page image the budget did not hold, or extracted a second time, is inflated here,
 * capped at its declared size; an RGB one is turned to gray as it inflates, so its page holds a
 * third of its samples (39 MB instead of 117 for a 300-dpi colour scan of the form).
 */
async function pageSamples(
  state: InspectedPdfState,
  plan: Extract<PagePlan, { source: 'embedded-image' }>,
): Promise<{ samples: Uint8Array; channels: 1 | 3 } | undefined> {
  const channels = plan.colorSpace === 'DeviceRGB' ? 3 : 1;
  const stream = state.streams.get(plan.objectNumber);
  const inflated = stream?.inflated;
  if (stream && inflated) {
    stream.inflated = undefined;
    return { samples: inflated, channels };
  }
  const compressed = rawContents(state, plan.objectNumber);
  if (!compressed) return undefined;
  const declared = declaredBytes(plan);
  if (channels === 1) {
    return {
      samples: inflateCapped(compressed, declared + IMAGE_STREAM_SLACK_BYTES, declared, plan.objectNumber),
      channels,
    };
  }
  return { samples: await inflateRgbToGray(compressed, plan), channels: 1 };
}

/** Inflates RGB samples chunk by chunk into one gray byte per pixel (the weights of the pdf.js path below). */
async function inflateRgbToGray(
  compressed: Uint8Array,
  plan: Extract<PagePlan, { source: 'embedded-image' }>,
): Promise<Uint8Array> {
  const pixels = plan.width * plan.height;
  const gray = new Uint8Array(pixels);
  const pending = new Uint8Array(3);
  let pendingLength = 0;
  let pixel = 0;
  let received = 0;
  const inflate = createInflate({ finishFlush: constants.Z_SYNC_FLUSH, chunkSize: 1 << 20 });
  try {
    for await (const chunk of Readable.from([compressed]).pipe(inflate) as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > pixels * 3 + IMAGE_STREAM_SLACK_BYTES) {
        inflate.destroy();
        throw new SheetError(
          'DECOMPRESSION_BOMB',
          `An image of the PDF expands beyond the ${Math.round((pixels * 3) / 1_048_576)} MB of pixels it declares; it is refused as a decompression bomb.`,
          { object: plan.objectNumber, limitBytes: pixels * 3 },
        );
      }
      let i = 0;
      while (pendingLength > 0 && pendingLength < 3 && i < chunk.length)
        pending[pendingLength++] = chunk[i++] as number;
      if (pendingLength === 3) {
        if (pixel < pixels) gray[pixel++] = toGray(pending[0] as number, pending[1] as number, pending[2] as number);
        pendingLength = 0;
      }
      const whole = i + Math.floor((chunk.length - i) / 3) * 3;
      for (; i < whole && pixel < pixels; i += 3) {
        gray[pixel++] = toGray(chunk[i] as number, chunk[i + 1] as number, chunk[i + 2] as number);
      }
      if (pixel >= pixels) continue;
      while (i < chunk.length) pending[pendingLength++] = chunk[i++] as number;
    }
  } catch (error) {
    if (error instanceof SheetError) throw error;
    throw new SheetError('PDF_BROKEN', 'A compressed page image of the PDF is damaged.', {
      object: plan.objectNumber,
      zlib: (error as { code?: string }).code,
    });
  }
  if (pixel < pixels) {
    throw new SheetError('PDF_BROKEN', 'A page image of the PDF is shorter than its declared size (cut short?).', {
      object: plan.objectNumber,
      expected: pixels * 3,
      actual: received,
    });
  }
  return gray;
}

function toGray(r: number, g: number, b: number): number {
  return (r * 306 + g * 601 + b * 117 + 512) >> 10;
}

async function decodeEmbedded(
  inspected: InspectedDocument,
  plan: Extract<PagePlan, { source: 'embedded-image' }>,
  limits: IntakeLimits,
): Promise<PageRaster> {
  const limitPixels = limits.maxImagePixels;
  const state = pdfStateOf(inspected);
  if (!state) throw new Error('inspected document has no parsed PDF state');
  const { width, height } = plan;
  const taken =
    plan.filter === 'FlateDecode'
      ? await pageSamples(state, plan)
      : {
          samples: rawContents(state, plan.objectNumber),
          channels: plan.colorSpace === 'DeviceRGB' ? (3 as const) : (1 as const),
        };
  const samples = taken?.samples;
  if (!taken || !samples)
    throw new SheetError('PDF_BROKEN', 'A page image of the PDF has no data.', { object: plan.objectNumber });
  if (plan.filter === 'DCTDecode') {
    try {
      return await decodedGray(sharp(samples, { limitInputPixels: limitPixels }), width, height);
    } catch (error) {
      throw new SheetError('IMAGE_BROKEN', 'A JPEG page image inside the PDF is damaged.', {
        cause: (error as Error).message,
      });
    }
  }
  if (plan.bitsPerComponent === 1) {
    const rowBytes = Math.ceil(width / 8);
    if (samples.length < rowBytes * height) {
      throw new SheetError('PDF_BROKEN', 'A page image of the PDF is shorter than its declared size (cut short?).', {
        object: plan.objectNumber,
        expected: rowBytes * height,
        actual: samples.length,
      });
    }
    // In DeviceGray and in image masks a 0 sample is black, so ink is the inverted bit unless /Decode flips it.
    const data = samples.slice(0, rowBytes * height);
    if (!plan.inverted) invertInPlace(data);
    return { kind: 'bits', width, height, rowBytes, data };
  }
  const { channels } = taken;
  if (samples.length < width * height * channels) {
    throw new SheetError('PDF_BROKEN', 'A page image of the PDF is shorter than its declared size (cut short?).', {
      object: plan.objectNumber,
    });
  }
  if (channels === 1 && Math.max(width, height) <= EMBEDDED_LONG_SIDE) {
    // The samples are the page: inflated ones were taken from the inspection and are used as they
    // are; raw ones belong to the parsed document and are copied to be inverted.
    const gray =
      plan.inverted && plan.filter === 'none' ? samples.slice(0, width * height) : samples.subarray(0, width * height);
    if (plan.inverted) invertInPlace(gray);
    return grayRaster(width, height, gray);
  }
  const raster = await decodedGray(
    sharp(samples, { raw: { width, height, channels }, limitInputPixels: limitPixels }),
    width,
    height,
  );
  if (plan.inverted) invertInPlace(raster.data);
  return raster;
}

/** Decodes a photo (JPEG/PNG) to a binarised page raster at about scan resolution. */
export async function photoRaster(bytes: Uint8Array, limitPixels: number): Promise<PageRaster> {
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(bytes, { limitInputPixels: limitPixels, failOn: 'error' })
      .rotate()
      .greyscale()
      .resize({ width: PHOTO_LONG_SIDE, height: PHOTO_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new SheetError('IMAGE_BROKEN', 'The image cannot be decoded: it is damaged.', {
      cause: (error as Error).message,
    });
  }
  const gray: GrayImage = {
    width: decoded.info.width,
    height: decoded.info.height,
    data: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length),
  };
  const binary = adaptiveBinarize(gray, Math.max(15, Math.round(Math.min(gray.width, gray.height) / 30)));
  return { kind: 'gray', ...binary, inkThreshold: 127 };
}

/**
 * Rasterises pages with pdf.js onto a @napi-rs/canvas at 150 DPI, only for pages that are not one
 * image, opened as every untrusted PDF is (see @castor/untrusted-pdf).
 */
async function renderWithPdfJs(bytes: Uint8Array, pageNumbers: number[], dpi = 150): Promise<Map<number, PageRaster>> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument(untrustedPdfSource(bytes));
  const rasters = new Map<number, PageRaster>();
  try {
    const document = await task.promise;
    for (const pageNumber of pageNumbers) {
      const page = await document.getPage(pageNumber);
      const viewport = page.getViewport({ scale: dpi / 72 });
      const width = Math.ceil(viewport.width);
      const height = Math.ceil(viewport.height);
      const factory = document.canvasFactory as {
        create(w: number, h: number): { canvas: unknown; context: CanvasRenderingContext2DLike };
      };
      const { canvas, context } = factory.create(width, height);
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, width, height);
      await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise;
      const rgba = context.getImageData(0, 0, width, height).data;
      const data = new Uint8Array(width * height);
      for (let i = 0; i < data.length; i++) {
        const o = i * 4;
        data[i] =
          ((rgba[o] as number) * 306 + (rgba[o + 1] as number) * 601 + (rgba[o + 2] as number) * 117 + 512) >> 10;
      }
      rasters.set(pageNumber, { kind: 'gray', width, height, data, inkThreshold: 127 });
      page.cleanup();
    }
  } catch (error) {
    if (error instanceof SheetError) throw error;
    throw new SheetError('PDF_BROKEN', 'The PDF page cannot be rendered.', { cause: (error as Error).message });
  } finally {
    await task.destroy();
  }
  return rasters;
}

interface CanvasRenderingContext2DLike {
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}

/** Page rasters of an inspected document, for the requested pages (all by default). */
export async function extractPages(
  bytes: Uint8Array,
  inspected: InspectedDocument,
  options: { pages?: number[]; limits?: IntakeLimitsInput } = {},
): Promise<ExtractedPage[]> {
  const limits = intakeLimitsSchema.parse(options.limits ?? {});
  const wanted = options.pages ?? inspected.pages.map((page) => page.pageNumber);
  const out: ExtractedPage[] = [];
  const needRenderer: number[] = [];
  for (const pageNumber of wanted) {
    const page = inspected.pages[pageNumber - 1];
    if (!page) throw new RangeError(`page ${pageNumber} is not in the document`);
    const started = performance.now();
    const { plan } = page;
    if (plan.source === 'photo') {
      out.push({
        pageNumber,
        raster: await photoRaster(bytes, limits.maxImagePixels),
        source: 'photo',
        extractMs: performance.now() - started,
      });
    } else if (plan.source === 'embedded-image') {
      const raster = await decodeEmbedded(inspected, plan, limits);
      out.push({ pageNumber, raster, source: plan.source, extractMs: performance.now() - started });
    } else {
      needRenderer.push(pageNumber);
    }
  }
  if (needRenderer.length > 0) {
    const started = performance.now();
    const rendered = await renderWithPdfJs(bytes, needRenderer);
    const each = (performance.now() - started) / needRenderer.length;
    for (const pageNumber of needRenderer) {
      const raster = rendered.get(pageNumber);
      const plan = inspected.pages[pageNumber - 1]?.plan;
      if (!raster || !plan) throw new SheetError('PDF_BROKEN', `Page ${pageNumber} could not be rendered.`);
      out.push({ pageNumber, raster, source: plan.source, extractMs: each });
    }
    out.sort((a, b) => a.pageNumber - b.pageNumber);
  }
  return out;
}
