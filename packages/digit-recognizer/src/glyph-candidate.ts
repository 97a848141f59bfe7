import type { Box } from './gray-image.js';
import { maskStrokeWidth } from './morphology.js';

/*
 * A glyph candidate and what is measured on its ink alone (pen width, slant). Segmentation cuts a
 * cell into candidates with these measures and the features describe each one with them, so they
 * live here rather than in either, which would make the two import each other.
 */

/** One glyph candidate: its ink, as a mask over its bounding box in cell coordinates. */
export interface GlyphCandidate {
  box: Box;
  /** 1 = ink, row-major over box.width × box.height. */
  mask: Uint8Array;
  area: number;
}

/** All the ink of a mask as one candidate, cropped to its extent (an empty mask gives a 1 × 1 blank). */
export function candidateFromMask(mask: Uint8Array, width: number, height: number): GlyphCandidate {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  let area = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] !== 1) continue;
      area++;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (area === 0) return { box: { x: 0, y: 0, width: 1, height: 1 }, mask: new Uint8Array(1), area: 0 };
  const box = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  const cropped = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) cropped[y * box.width + x] = mask[(y + y0) * width + x + x0] as number;
  }
  return { box, mask: cropped, area };
}

/**
 * The writer's slant from the cell's digit-sized candidates: their median slant when there are
 * two or more, half the slant of a lone one (its own lean is partly its shape: a 7 leans).
 */
export function writerSlant(candidates: readonly GlyphCandidate[]): number {
  const slants = candidates.map(candidateSlant).sort((a, b) => a - b);
  if (slants.length === 0) return 0;
  if (slants.length === 1) return 0.5 * (slants[0] as number);
  const middle = slants.length / 2;
  return slants.length % 2 === 1
    ? (slants[Math.floor(middle)] as number)
    : ((slants[middle - 1] as number) + (slants[middle] as number)) / 2;
}

/** Pen width of a candidate's ink (2·area / perimeter). */
export function candidateStrokeWidth(candidate: GlyphCandidate): number {
  return maskStrokeWidth(candidate.mask, candidate.box.width, candidate.box.height);
}

/** Largest slant measured, as a shear factor (about 31°). */
const MAX_SLANT = 0.6;

/**
 * Shear (dx per dy) of a candidate's principal axis from vertical, from second moments. Glyphs
 * only a few pixels high (dashes, specks) have no writing slant: 0.
 */
export function candidateSlant(candidate: GlyphCandidate): number {
  const { width, height } = candidate.box;
  return height >= 8 ? inkSlant(candidate.mask, width, height) : 0;
}

function inkSlant(mask: Uint8Array, width: number, height: number): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] !== 1) continue;
      n++;
      sx += x;
      sy += y;
    }
  }
  if (n < 3) return 0;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let syy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] !== 1) continue;
      sxy += (x - mx) * (y - my);
      syy += (y - my) * (y - my);
    }
  }
  if (syy === 0) return 0;
  // x grows right and y down: a glyph leaning right has x decreasing as y grows.
  return Math.max(-MAX_SLANT, Math.min(MAX_SLANT, -sxy / syy));
}
