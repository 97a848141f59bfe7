import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName } from 'pdf-lib';
import sharp from 'sharp';

/**
 * A scanned document as the Registraduría and scanners publish it: one page per image, the image
 * filling the page, stored losslessly (Flate) or as JPEG (DCT).
 */

export type ScanImage =
  /** 1 bit a pixel, rows padded to whole bytes, 1 = ink (stored inverted: DeviceGray 0 is black). */
  | { kind: 'bits'; width: number; height: number; ink: Uint8Array }
  /** 8-bit samples, one (DeviceGray) or three (DeviceRGB) channels a pixel. */
  | { kind: 'samples'; width: number; height: number; channels: 1 | 3; data: Uint8Array }
  | { kind: 'jpeg'; width: number; height: number; channels: 1 | 3; jpeg: Uint8Array };

export interface ScanPage {
  image: ScanImage;
  /** The scan's resolution: the page is `width / dpi` inches wide (72 = one point a pixel, as published). */
  dpi?: number;
}

/** DeviceGray 1-bit: a 0 sample is black, so the stored bits are the inverse of the ink mask. */
function inverted(ink: Uint8Array): Uint8Array {
  const stored = new Uint8Array(ink.length);
  for (let i = 0; i < stored.length; i++) stored[i] = ~(ink[i] as number) & 0xff;
  return stored;
}

export async function scanPdf(pages: readonly ScanPage[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  for (const { image, dpi = 72 } of pages) {
    const colorSpace = image.kind !== 'bits' && image.channels === 3 ? 'DeviceRGB' : 'DeviceGray';
    const dictionary = {
      Type: 'XObject',
      Subtype: 'Image',
      Width: image.width,
      Height: image.height,
      BitsPerComponent: image.kind === 'bits' ? 1 : 8,
      ColorSpace: colorSpace,
    };
    // Node's zlib rather than pdf-lib's JavaScript deflate: an 8-bit page with scan noise is megabytes.
    const stream =
      image.kind === 'jpeg'
        ? pdf.context.stream(image.jpeg, { ...dictionary, Filter: 'DCTDecode' })
        : pdf.context.stream(deflateSync(image.kind === 'bits' ? inverted(image.ink) : image.data), {
            ...dictionary,
            Filter: 'FlateDecode',
          });
    const width = (image.width * 72) / dpi;
    const height = (image.height * 72) / dpi;
    const page = pdf.addPage([width, height]);
    page.node.setXObject(PDFName.of('Im0'), pdf.context.register(stream));
    const content = pdf.context.flateStream(`q ${width} 0 0 ${height} 0 0 cm /Im0 Do Q`);
    page.node.set(PDFName.of('Contents'), pdf.context.register(content));
  }
  return pdf.save({ useObjectStreams: true });
}

/**
 * Page images (PNG or JPEG files, e.g. renders of a published PDF) assembled into one PDF at
 * `dpi`, losslessly: a bilevel image (only black and white, as a render of a 1-bit scan is) as
 * 1 bit a pixel, like the published scans, anything else as 8-bit gray.
 */
export async function imagesToPdf(files: readonly string[], dpi: number): Promise<Uint8Array> {
  const pages: ScanPage[] = [];
  for (const file of files) {
    const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    const bilevel = data.every((value) => value === 0 || value === 255);
    if (!bilevel) {
      pages.push({ image: { kind: 'samples', width, height, channels: 1, data: new Uint8Array(data) }, dpi });
      continue;
    }
    const rowBytes = Math.ceil(width / 8);
    const ink = new Uint8Array(rowBytes * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (data[y * width + x] === 0)
          ink[y * rowBytes + (x >> 3)] = (ink[y * rowBytes + (x >> 3)] as number) | (0x80 >> (x & 7));
      }
    }
    pages.push({ image: { kind: 'bits', width, height, ink }, dpi });
  }
  return scanPdf(pages);
}

/** Phone photos (JPEG) of a sheet's pages in one PDF, as a scanning app saves them: one page a photo. */
export async function photosToPdf(photos: readonly Uint8Array[]): Promise<Uint8Array> {
  const pages: ScanPage[] = [];
  for (const jpeg of photos) {
    const { width = 0, height = 0, channels = 1 } = await sharp(jpeg).metadata();
    pages.push({ image: { kind: 'jpeg', width, height, channels: channels === 1 ? 1 : 3, jpeg } });
  }
  return scanPdf(pages);
}
