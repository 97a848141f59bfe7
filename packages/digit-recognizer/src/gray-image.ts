import sharp, { type Sharp } from 'sharp';
import { z } from 'zod';

/**
 * A grayscale image with one byte per pixel, row-major: 0 is black ink, 255 is white paper.
 * E-14 scans are 1-bit, so most images here hold only 0 and 255, but every function accepts
 * intermediate grays (photos, anti-aliased renders).
 */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Pixel rectangle, in the coordinates of the image it refers to. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Values at or below this are ink when an image is read as black and white. */
export const INK_THRESHOLD = 127;

export const grayImageSchema = z
  .object({
    width: z.number().int().min(1).max(20_000),
    height: z.number().int().min(1).max(20_000),
    data: z.instanceof(Uint8Array),
  })
  .refine((image) => image.data.length === image.width * image.height, {
    message: 'data must hold exactly width × height bytes',
  });

export function createGrayImage(width: number, height: number, fill = 255): GrayImage {
  return { width, height, data: new Uint8Array(width * height).fill(fill) };
}

/** Throws when an image's buffer does not match its size (a mismatched buffer reads garbage). */
export function assertGrayImage(image: GrayImage): void {
  if (
    !Number.isInteger(image.width) ||
    !Number.isInteger(image.height) ||
    image.width < 1 ||
    image.height < 1 ||
    image.data.length !== image.width * image.height
  ) {
    throw new Error(`invalid GrayImage ${image.width}×${image.height} with ${image.data.length} bytes`);
  }
}

/** Decodes any image sharp reads (PNG, JPEG, TIFF, WebP, raw via options) into a GrayImage. */
export async function grayImageFromEncoded(input: Uint8Array | string): Promise<GrayImage> {
  const { data, info } = await sharp(input).greyscale().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected one channel after greyscale(), got ${info.channels}`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** A sharp pipeline over the image, for resizing, compositing or encoding. */
export function grayImageToSharp(image: GrayImage): Sharp {
  assertGrayImage(image);
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } });
}

export async function grayImageToPng(image: GrayImage): Promise<Buffer> {
  return grayImageToSharp(image).png({ compressionLevel: 9, palette: false }).toBuffer();
}

/** Copies a rectangle out of an image; parts outside the source read as white paper. */
export function cropGrayImage(image: GrayImage, box: Box): GrayImage {
  const out = createGrayImage(box.width, box.height);
  const x0 = Math.max(0, box.x);
  const x1 = Math.min(image.width, box.x + box.width);
  if (x1 <= x0) return out;
  for (let y = Math.max(0, box.y); y < Math.min(image.height, box.y + box.height); y++) {
    const source = y * image.width;
    out.data.set(image.data.subarray(source + x0, source + x1), (y - box.y) * box.width + (x0 - box.x));
  }
  return out;
}

/** Black/white copy: 0 where the pixel is at or below `threshold`, 255 elsewhere. */
export function binarize(image: GrayImage, threshold = INK_THRESHOLD): GrayImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = (image.data[i] as number) <= threshold ? 0 : 255;
  return { width: image.width, height: image.height, data };
}

/** Draws `source` onto `target` at (x, y), keeping the darker pixel (ink over ink stays ink). */
export function drawDarkest(target: GrayImage, source: GrayImage, x: number, y: number): void {
  for (let sy = 0; sy < source.height; sy++) {
    const ty = y + sy;
    if (ty < 0 || ty >= target.height) continue;
    for (let sx = 0; sx < source.width; sx++) {
      const tx = x + sx;
      if (tx < 0 || tx >= target.width) continue;
      const value = source.data[sy * source.width + sx] as number;
      const index = ty * target.width + tx;
      if (value < (target.data[index] as number)) target.data[index] = value;
    }
  }
}

/** Number of ink pixels (at or below the threshold). */
export function countInk(image: GrayImage, threshold = INK_THRESHOLD): number {
  let count = 0;
  for (let i = 0; i < image.data.length; i++) if ((image.data[i] as number) <= threshold) count++;
  return count;
}
