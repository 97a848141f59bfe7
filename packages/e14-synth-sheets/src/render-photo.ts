import { applyHomography, type GrayImage, type Homography, homographyFromPoints, type Point } from '@castor/e14-sheets';
import type { Rng } from '@castor/seeded-random';
import sharp from 'sharp';
import { z } from 'zod';

/** What a photo is taken of: the upright printed and filled pages of a rendered sheet. */
export interface PhotographedSheet {
  referencePages: readonly GrayImage[];
}

/**
 * Phone photos of a rendered page: the upright page placed on a table through a perspective
 * transform, lit unevenly, blurred, noisy and saved as JPEG, the way a witness photographs a
 * sheet pinned to a wall or lying on a desk.
 */

export const photoOptionsSchema = z.object({
  /**
   * A camera tilted towards the top or the bottom of the sheet (at random): each corner of the far
   * edge moves inwards by this fraction of the sheet's width, so that edge is narrower by twice it.
   */
  keystone: z.number().min(0).max(0.2).default(0),
  /** A camera turned towards one side: the far side's corners move inwards (vertically) by this fraction of the sheet's width. */
  sideKeystone: z.number().min(0).max(0.2).default(0),
  /** Random displacement of each corner, as a fraction of the frame (a hand-held shot, a sheet not quite flat). */
  cornerJitter: z.number().min(0).max(0.05).default(0.025),
  /** Light falling off linearly across the frame, in a random direction, by up to this fraction (a shadow). */
  gradient: z.number().min(0).max(0.6).default(0),
  /**
   * The picture's shape: 'fitted' to the sheet (a narrow frame, the sheet 86 % of its width), or a
   * phone's 3:4 portrait frame (2,268 × 3,024) with the table wide on both sides of the sheet.
   */
  frame: z.enum(['fitted', 'phone']).default('fitted'),
  /** What lies around the sheet: a plain dark surface, or a wood-grain table. */
  background: z.enum(['plain', 'wood']).default('plain'),
});
export type PhotoOptions = z.output<typeof photoOptionsSchema>;
export type PhotoOptionsInput = z.input<typeof photoOptionsSchema>;

/** Where the sheet's corners land in the frame (top-left, top-right, bottom-right, bottom-left). */
function sheetCorners(rng: Rng, options: PhotoOptions, width: number, height: number, sheetWidth: number): Point[] {
  const margin = { x: (width - sheetWidth) / 2, y: height * 0.06 };
  const jitter = () => rng.uniform(-options.cornerJitter, options.cornerJitter);
  const corners = [
    { x: margin.x + jitter() * width, y: margin.y + jitter() * height },
    { x: width - margin.x + jitter() * width, y: margin.y + jitter() * height },
    { x: width - margin.x + jitter() * width, y: height - margin.y + jitter() * height },
    { x: margin.x + jitter() * width, y: height - margin.y + jitter() * height },
  ] as [Point, Point, Point, Point];
  const [topLeft, topRight, bottomRight, bottomLeft] = corners;
  if (options.keystone > 0) {
    const inwards = options.keystone * sheetWidth;
    const [left, right] = rng.chance(0.5) ? [topLeft, topRight] : [bottomLeft, bottomRight];
    left.x += inwards;
    right.x -= inwards;
  }
  if (options.sideKeystone > 0) {
    const inwards = options.sideKeystone * sheetWidth;
    const [top, bottom] = rng.chance(0.5) ? [topLeft, bottomLeft] : [topRight, bottomRight];
    top.y += inwards;
    bottom.y -= inwards;
  }
  return corners;
}

/** Level of the surface around the sheet at a pixel (before lighting). */
function backgroundLevel(options: PhotoOptions, grain: { angle: number; period: number; base: number }) {
  if (options.background === 'plain') return () => 95;
  const cos = Math.cos(grain.angle);
  const sin = Math.sin(grain.angle);
  return (x: number, y: number) => {
    const along = x * cos + y * sin;
    const across = -x * sin + y * cos;
    // Wavy bands across the grain, with a slower swell: a varnished wooden desk.
    const wave = Math.sin((2 * Math.PI * (across + 9 * Math.sin(along / 140))) / grain.period);
    return grain.base + 28 * wave + 14 * Math.sin(along / 420 + across / 260);
  };
}

export interface RenderedPhoto {
  jpeg: Uint8Array;
  width: number;
  height: number;
  /** Template coordinates → pixels of the photo (the exact perspective the page was placed with). */
  toImage: Homography;
}

/** A phone photo of one page: perspective, a table around the sheet, uneven light, blur, JPEG. */
export async function renderSheetPhoto(
  sheet: PhotographedSheet,
  rng: Rng,
  pageNumber = 1,
  optionsInput: PhotoOptionsInput = {},
): Promise<Uint8Array> {
  return (await renderSheetPhotoWithTruth(sheet, rng, pageNumber, optionsInput)).jpeg;
}

/** `renderSheetPhoto` with the transform it used, to check a registration against. */
export async function renderSheetPhotoWithTruth(
  sheet: PhotographedSheet,
  rng: Rng,
  pageNumber = 1,
  optionsInput: PhotoOptionsInput = {},
): Promise<RenderedPhoto> {
  const options = photoOptionsSchema.parse(optionsInput);
  const page = sheet.referencePages[pageNumber - 1];
  if (!page) throw new RangeError(`no page ${pageNumber}`);
  // A camera keeps the sheet's proportions (perspective aside): the sheet fills ~88 % of the height.
  const phone = options.frame === 'phone';
  const height = phone ? 3024 : 3300;
  const width = phone ? (height * 3) / 4 : Math.round((height * 0.88 * page.width) / page.height / 0.86);
  const sheetWidth = phone ? (height * 0.88 * page.width) / page.height : width * 0.86;
  const corners = sheetCorners(rng, options, width, height, sheetWidth);
  const reference = [
    { x: 0, y: 0 },
    { x: page.width, y: 0 },
    { x: page.width, y: page.height },
    { x: 0, y: page.height },
  ];
  const toReference = homographyFromPoints(corners, reference);
  // Template units are the reference page's pixels: the page is drawn at the template's frame.
  const toImage = homographyFromPoints(reference, corners);
  if (!toReference || !toImage) throw new Error('degenerate photo geometry');
  const light = { x: rng.uniform(0, width), y: rng.uniform(0, height), strength: rng.uniform(0.15, 0.3) };
  const shadowAngle = options.gradient > 0 ? rng.uniform(0, 2 * Math.PI) : 0;
  const grain =
    options.background === 'wood'
      ? { angle: rng.uniform(-0.3, 0.3), period: rng.uniform(18, 40), base: rng.uniform(105, 140) }
      : { angle: 0, period: 1, base: 95 };
  const surface = backgroundLevel(options, grain);
  // The shadow's darkening runs 0 → gradient along its direction across the frame.
  const shadow = { x: Math.cos(shadowAngle), y: Math.sin(shadowAngle) };
  const span = Math.abs(shadow.x) * width + Math.abs(shadow.y) * height;
  const shadowOrigin = (shadow.x < 0 ? -shadow.x * width : 0) + (shadow.y < 0 ? -shadow.y * height : 0);
  const level = (x: number, y: number) =>
    x < 0 || y < 0 || x >= page.width || y >= page.height ? 255 : (page.data[y * page.width + x] as number);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = applyHomography(toReference, x + 0.5, y + 0.5);
      const onSheet = p.x >= 0 && p.y >= 0 && p.x < page.width && p.y < page.height;
      const paper = onSheet ? level(Math.floor(p.x), Math.floor(p.y)) * 0.82 + 30 : surface(x, y);
      let shade = 1 - light.strength * (Math.hypot(x - light.x, y - light.y) / Math.hypot(width, height));
      if (options.gradient > 0) shade *= 1 - (options.gradient * (x * shadow.x + y * shadow.y + shadowOrigin)) / span;
      data[y * width + x] = Math.max(0, Math.min(255, paper * shade + (rng.next() - 0.5) * 16));
    }
  }
  const jpeg = await sharp(data, { raw: { width, height, channels: 1 } })
    .blur(0.8)
    .jpeg({ quality: 82 })
    .toBuffer();
  return { jpeg: new Uint8Array(jpeg), width, height, toImage };
}
