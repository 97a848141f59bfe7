import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFNumber } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type InspectedDocument, inspectDocument, type PageRaster } from '../src/index.js';
import { extractPages } from '../src/intake/page-raster.js';

/** 8-bit gray samples of a white page with a black bar over its left tenth. */
function barredPage(width: number, height: number): Buffer {
  const samples = Buffer.alloc(width * height, 255);
  for (let y = 0; y < height; y++) samples.fill(0, y * width, y * width + Math.floor(width / 10));
  return samples;
}

/** A one-page PDF whose page is one 8-bit DeviceGray image of `samples` (inverted by /Decode when asked). */
async function imagePdf(
  samples: Buffer,
  width: number,
  height: number,
  filter: 'FlateDecode' | 'DCTDecode',
  inverted = false,
): Promise<Uint8Array> {
  const data =
    filter === 'FlateDecode'
      ? deflateSync(samples)
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
    BitsPerComponent: 8,
    ColorSpace: 'DeviceGray',
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
