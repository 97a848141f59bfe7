import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import { PDFDocument, PDFName, PDFNumber } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  type InspectedDocument,
  inspectDocument,
  loadShippedTemplate,
  type PageRaster,
  registerPage,
  type SheetError,
  type SheetErrorCode,
} from '../src/index.js';
import { extractPages } from '../src/intake/page-raster.js';

/** 8-bit gray samples of a white page with a black bar over its left tenth. */
function barredPage(width: number, height: number): Buffer {
  const samples = Buffer.alloc(width * height, 255);
  for (let y = 0; y < height; y++) samples.fill(0, y * width, y * width + Math.floor(width / 10));
  return samples;
}

/** A one-page PDF whose page is one DeviceGray (8- or 1-bit) or RGB image of `samples` (inverted by /Decode when asked). */
async function imagePdf(
  samples: Buffer,
  width: number,
  height: number,
  filter: 'FlateDecode' | 'DCTDecode',
  inverted = false,
  format: { bits: 1 | 8; colorSpace: 'DeviceGray' | 'DeviceRGB' } = { bits: 8, colorSpace: 'DeviceGray' },
): Promise<Uint8Array> {
  const data =
    filter === 'FlateDecode'
      ? deflateSync(samples, { level: 1 })
      : await sharp(samples, { raw: { width, height, channels: 1 } })
          .jpeg({ quality: 90 })
          .toBuffer();
  const doc = await PDFDocument.create();
  const page = doc.addPage([width / 4, height / 4]);
  const image = doc.context.stream(data, {
    Type: 'XObject',
    Subtype: 'Image',
    Width: PDFNumber.of(width),
    Height: PDFNumber.of(height),
    BitsPerComponent: format.bits,
    ColorSpace: format.colorSpace,
    Filter: filter,
    ...(inverted ? { Decode: [1, 0] } : {}),
  });
  page.node.setXObject(PDFName.of('Im0'), doc.context.register(image));
  const content = doc.context.stream(`q ${width / 4} 0 0 ${height / 4} 0 0 cm /Im0 Do Q`);
  page.node.set(PDFName.of('Contents'), doc.context.register(content));
  return doc.save({ useObjectStreams: false });
}

/** The raster of the document's one page. */
async function pageRaster(bytes: Uint8Array, inspected?: InspectedDocument): Promise<PageRaster> {
  const [page] = await extractPages(bytes, inspected ?? (await inspectDocument(bytes)));
  if (!page) throw new Error('no page extracted');
  return page.raster;
}

function grayAt(raster: PageRaster, x: number, y: number): number {
  if (raster.kind !== 'gray') throw new Error('expected a gray raster');
  return raster.data[y * raster.width + x] as number;
}

describe('extractPages on page images embedded in a PDF', () => {
  it.each(['FlateDecode', 'DCTDecode'] as const)(
    'reduces a %s page image longer than 5,600 px to 5,600 px as it decodes it, ink where it was',
    async (filter) => {
      const bytes = await imagePdf(barredPage(8_000, 400), 8_000, 400, filter);
      const raster = await pageRaster(bytes);
      expect(raster).toMatchObject({ kind: 'gray', width: 5_600, height: 280 });
      expect(grayAt(raster, 280, 140)).toBeLessThan(64);
      expect(grayAt(raster, 4_000, 140)).toBeGreaterThan(192);
    },
  );

  it('keeps a page image of scan size pixel for pixel', async () => {
    const samples = barredPage(3_000, 200);
    const bytes = await imagePdf(samples, 3_000, 200, 'FlateDecode');
    const raster = await pageRaster(bytes);
    expect(raster).toMatchObject({ kind: 'gray', width: 3_000, height: 200 });
    expect(Buffer.compare(raster.data, samples)).toBe(0);
  });

  it('extracts the same inverted page twice from one inspection (the first takes the inflated samples)', async () => {
    const samples = barredPage(1_200, 100);
    const bytes = await imagePdf(samples, 1_200, 100, 'FlateDecode', true);
    const inspected = await inspectDocument(bytes);
    const first = await pageRaster(bytes, inspected);
    const second = await pageRaster(bytes, inspected);
    // /Decode [1 0]: the bar's 0 samples are white, the rest black.
    expect(grayAt(first, 60, 50)).toBe(255);
    expect(grayAt(first, 600, 50)).toBe(0);
    const { data: firstData, ...firstSize } = first;
    const { data: secondData, ...secondSize } = second;
    expect(secondSize).toEqual(firstSize);
    expect(Buffer.compare(secondData, firstData)).toBe(0);
  });
});

/** Page 1 of the Anzá scan (866 × 2575, 1 bit) resampled to `scale` as 8-bit gray. */
async function anzaGray(scale: number): Promise<{ gray: Buffer; width: number; height: number }> {
  const anza = new Uint8Array(readFileSync(`${E14_REAL_DIR}/2026-presidente-anza.pdf`));
  const [page] = await extractPages(anza, await inspectDocument(anza), { pages: [1] });
  const raster = page?.raster;
  if (raster?.kind !== 'bits') throw new Error('the Anzá scan is 1-bit');
  const ink = Buffer.alloc(raster.width * raster.height, 255);
  for (let y = 0; y < raster.height; y++) {
    for (let x = 0; x < raster.width; x++) {
      if (((raster.data[y * raster.rowBytes + (x >> 3)] as number) >> (7 - (x & 7))) & 1) ink[y * raster.width + x] = 0;
    }
  }
  const width = Math.round(raster.width * scale);
  const height = Math.round(raster.height * scale);
  const gray = await sharp(ink, { raw: { width: raster.width, height: raster.height, channels: 1 } })
    .resize({ width, height, kernel: 'linear' })
    .greyscale()
    .raw()
    .toBuffer();
  return { gray, width, height };
}

/**
 * Page 1 of the Anzá scan as a 300-dpi scanner gives it: 3,608 × 10,729 pixels, the 12 × 36 inch
 * form at 300 / 72 the published 72-ppi scale, as 8-bit gray, RGB (117 MB of samples) or 1 bit.
 */
async function anzaAt300Dpi(format: 'gray' | 'rgb' | 'bits'): Promise<{ bytes: Uint8Array; samplesMb: number }> {
  const { gray: upscaled, width, height } = await anzaGray(300 / 72);
  if (format === 'gray') {
    return { bytes: await imagePdf(upscaled, width, height, 'FlateDecode'), samplesMb: upscaled.length / 1_048_576 };
  }
  if (format === 'rgb') {
    const rgb = await sharp(upscaled, { raw: { width, height, channels: 1 } })
      .toColourspace('srgb')
      .raw()
      .toBuffer();
    const bytes = await imagePdf(rgb, width, height, 'FlateDecode', false, { bits: 8, colorSpace: 'DeviceRGB' });
    return { bytes, samplesMb: rgb.length / 1_048_576 };
  }
  // DeviceGray 1-bit: a set bit is white.
  const rowBytes = Math.ceil(width / 8);
  const packed = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * rowBytes + (x >> 3);
      if ((upscaled[y * width + x] as number) >= 128) packed[at] = (packed[at] as number) | (0x80 >> (x & 7));
    }
  }
  const bytes = await imagePdf(packed, width, height, 'FlateDecode', false, { bits: 1, colorSpace: 'DeviceGray' });
  return { bytes, samplesMb: packed.length / 1_048_576 };
}

describe('300-dpi scans of the form', () => {
  const template = loadShippedTemplate('presidente-2026-2v');
  // The e14-service's budget (E14_MAX_DECODED_MB): below one 300-dpi colour page.
  const limits = { maxDecodedMb: 64 };

  it.each(['rgb', 'gray', 'bits'] as const)(
    'accepts a 300-dpi %s page image as a normal scan and registers it on the template',
    async (format) => {
      const { bytes, samplesMb } = await anzaAt300Dpi(format);
      if (format === 'rgb') expect(samplesMb).toBeGreaterThan(limits.maxDecodedMb);
      const inspected = await inspectDocument(bytes, limits);
      expect(inspected.pages[0]?.plan).toMatchObject({ source: 'embedded-image', width: 3_608, height: 10_729 });
      const [page] = await extractPages(bytes, inspected, { limits });
      if (!page) throw new Error('no page extracted');
      const registration = registerPage(page.raster, template, 1);
      expect(registration.quality.fiducialsFound).toBe(4);
      expect(registration.quality.score).toBeGreaterThan(0.9);
    },
  );

  it('still refuses an image stream that inflates past the size it declares, kept or left to extraction', async () => {
    // A 1,000 × 1,000 gray image (1 MB of samples) whose stream inflates to 40 MB.
    const bytes = await imagePdf(Buffer.alloc(40 * 1_048_576, 255), 1_000, 1_000, 'FlateDecode');
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: { code: SheetErrorCode }) => error.code,
      );
    // Within the budget, intake inflates it and stops at the declared size.
    expect(await code(inspectDocument(bytes))).toBe('DECOMPRESSION_BOMB');
    // Beyond what is left of the budget, its page's extraction does.
    const inspected = await inspectDocument(bytes, { maxDecodedMb: 0.5 });
    expect(await code(extractPages(bytes, inspected, { limits: { maxDecodedMb: 0.5 } }))).toBe('DECOMPRESSION_BOMB');
  });
});

describe('the smallest form read', () => {
  const template = loadShippedTemplate('presidente-2026-2v');

  /** The registration of Anzá page 1 sent as a gray PNG at `scale` of the published scan. */
  async function registerAt(scale: number) {
    const { gray, width, height } = await anzaGray(scale);
    const png = new Uint8Array(
      await sharp(gray, { raw: { width, height, channels: 1 } })
        .png()
        .toBuffer(),
    );
    const [page] = await extractPages(png, await inspectDocument(png));
    if (!page) throw new Error('no page extracted');
    return registerPage(page.raster, template, 1);
  }

  it('refuses a form drawn at 0.4 of a 72-ppi scan, saying how large it must be', async () => {
    const refusal = await registerAt(0.4).then(
      () => null,
      (error: SheetError) => error,
    );
    expect(refusal?.code).toBe('IMAGE_RESOLUTION_TOO_LOW');
    expect(refusal?.message).toContain('at least 434 × 1,307 pixels');
  });

  it('reads one at 0.55 of a 72-ppi scan (478 × 1,416 pixels) and the published scans themselves', async () => {
    expect((await registerAt(0.55)).quality.score).toBeGreaterThan(0.85);
    expect((await registerAt(1)).quality.score).toBeGreaterThan(0.9);
  });
});
