import { candidateSlant, candidateStrokeWidth, type GlyphCandidate, writerSlant } from './glyph-candidate.js';

/**
 * The classifier's view of one glyph candidate, as a fixed-length vector:
 * - 16 × 16 ink coverage of the glyph, deslanted by the writer's slant and scaled to fit (shape);
 * - 8 gradient directions pooled over 4 × 4 zones of a 32 × 32 rendering (stroke directions:
 *   the classic features for handwritten digits, robust to pen width);
 * - 10 measures of size, place and pen relative to the cell: a dot and a 0 have the same shape
 *   and only size tells them apart; a bar left by a ruling sits at the crop's edge where a 1
 *   does not; a correction written over a digit has a heavier stroke than its neighbours.
 */
export const NORMALISED_SIZE = 32;
const FIT = 28;
export const PIXEL_GRID = 16;
const ZONES = 4;
const DIRECTIONS = 8;
export const GEOMETRY_FEATURES = 10;
export const FEATURE_LENGTH = PIXEL_GRID * PIXEL_GRID + ZONES * ZONES * DIRECTIONS + GEOMETRY_FEATURES;

/** What the features judge a glyph against: its cell and the writing around it. */
export interface GlyphContext {
  /** Expected digit height, in pixels. */
  referenceHeight: number;
  /** Height of the tallest candidate in the same cell. */
  tallestHeight: number;
  cellWidth: number;
  cellHeight: number;
  /** Median pen width of the cell's digit-sized candidates (0 when there is none). */
  strokeWidth: number;
  /** The writer's slant in this cell (shear, dx per dy), which every glyph is straightened by. */
  slant: number;
}

/**
 * Context for a glyph seen on its own (an MNIST digit, a reviewed glyph): far from any edge,
 * written with the same pen as its neighbours.
 */
export function isolatedGlyphContext(
  candidate: GlyphCandidate,
  referenceHeight: number,
  tallestHeight: number,
): GlyphContext {
  return {
    referenceHeight,
    tallestHeight,
    cellWidth: candidate.box.width + 4 * referenceHeight,
    cellHeight: candidate.box.height + 4 * referenceHeight,
    strokeWidth: candidateStrokeWidth(candidate),
    slant: writerSlant([candidate]),
  };
}

/** Sub-sample offsets: each target pixel averages a 2 × 2 grid of source samples. */
const SUB = 2;
const subRowY = new Float32Array(NORMALISED_SIZE * SUB);
const subColumnX = new Float32Array(NORMALISED_SIZE * SUB);

/**
 * Renders the candidate's ink sheared by `slant` (the writer's slant, so that it stands upright)
 * and scaled (aspect kept) into a NORMALISED_SIZE square, as coverage in 0..1 sampled 2 × 2 per
 * pixel. The slant is the writer's, not the glyph's own: a 7's stem leans more than a 1's, and
 * straightening each glyph by itself would erase that difference.
 */
export function normaliseGlyph(
  candidate: GlyphCandidate,
  slant: number,
  out = new Float32Array(NORMALISED_SIZE * NORMALISED_SIZE),
): Float32Array {
  const { mask } = candidate;
  const { width, height } = candidate.box;
  const centerY = (height - 1) / 2;
  // Extent after deslanting: x' = x + slant·(y − centerY).
  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  for (let y = 0; y < height; y++) {
    const shift = slant * (y - centerY);
    const row = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (mask[row + x] !== 1) continue;
      if (first < 0) first = x;
      last = x;
    }
    if (first < 0) continue;
    minX = Math.min(minX, first + shift);
    maxX = Math.max(maxX, last + shift);
  }
  out.fill(0);
  if (maxX < minX) return out;
  const spanX = maxX - minX + 1;
  const scale = FIT / Math.max(spanX, height);
  const originX = (NORMALISED_SIZE - spanX * scale) / 2;
  const originY = (NORMALISED_SIZE - height * scale) / 2;
  const step = 1 / scale;
  for (let k = 0; k < NORMALISED_SIZE * SUB; k++) {
    const offset = (k + 0.5) / SUB;
    subRowY[k] = (offset - originY) * step;
    subColumnX[k] = (offset - originX) * step + minX;
  }
  const weight = 1 / (SUB * SUB);
  for (let ty = 0; ty < NORMALISED_SIZE * SUB; ty++) {
    const sy = subRowY[ty] as number;
    const y = Math.floor(sy);
    if (y < 0 || y >= height) continue;
    const row = y * width;
    // Undo the deslant: source x = x' − slant·(y − centerY).
    const shift = slant * (sy - 0.5 - centerY);
    const outRow = ((ty / SUB) | 0) * NORMALISED_SIZE;
    for (let tx = 0; tx < NORMALISED_SIZE * SUB; tx++) {
      const x = Math.floor((subColumnX[tx] as number) - shift);
      if (x < 0 || x >= width || mask[row + x] !== 1) continue;
      const target = outRow + ((tx / SUB) | 0);
      out[target] = (out[target] as number) + weight;
    }
  }
  return out;
}

/**
 * Splits a gradient vector between the two nearest of eight compass directions (0 = east, counted
 * towards south), by decomposing it on that pair of unit vectors: no trigonometry per pixel.
 */
function addDirections(out: Float32Array, base: number, gx: number, gy: number): void {
  const ax = Math.abs(gx);
  const ay = Math.abs(gy);
  // Octant of the vector: which axis it is nearest to, and on which side of the diagonal.
  let axis: number;
  let diagonal: number;
  let along: number;
  let across: number;
  if (ax >= ay) {
    axis = gx >= 0 ? 0 : 4;
    diagonal = gx >= 0 ? (gy >= 0 ? 1 : 7) : gy >= 0 ? 3 : 5;
    along = ax - ay;
    across = ay * Math.SQRT2;
  } else {
    axis = gy >= 0 ? 2 : 6;
    diagonal = gy >= 0 ? (gx >= 0 ? 1 : 3) : gx >= 0 ? 7 : 5;
    along = ay - ax;
    across = ax * Math.SQRT2;
  }
  out[base + axis] = (out[base + axis] as number) + along;
  out[base + diagonal] = (out[base + diagonal] as number) + across;
}

const scratch = new Float32Array(NORMALISED_SIZE * NORMALISED_SIZE);

/** Writes the feature vector of a candidate into `out` (length FEATURE_LENGTH) at `offset`. */
export function glyphFeatures(candidate: GlyphCandidate, context: GlyphContext, out: Float32Array, offset = 0): void {
  const image = normaliseGlyph(candidate, context.slant, scratch);
  const n = NORMALISED_SIZE;
  const pool = n / PIXEL_GRID;
  let k = offset;
  for (let py = 0; py < PIXEL_GRID; py++) {
    for (let px = 0; px < PIXEL_GRID; px++) {
      let sum = 0;
      for (let dy = 0; dy < pool; dy++) {
        for (let dx = 0; dx < pool; dx++) sum += image[(py * pool + dy) * n + px * pool + dx] as number;
      }
      out[k++] = sum / (pool * pool);
    }
  }
  const directionStart = k;
  out.fill(0, directionStart, directionStart + ZONES * ZONES * DIRECTIONS);
  const zoneShift = Math.log2(n / ZONES);
  for (let y = 1; y < n - 1; y++) {
    for (let x = 1; x < n - 1; x++) {
      const i = y * n + x;
      const nw = image[i - n - 1] as number;
      const north = image[i - n] as number;
      const ne = image[i - n + 1] as number;
      const west = image[i - 1] as number;
      const east = image[i + 1] as number;
      const sw = image[i + n - 1] as number;
      const south = image[i + n] as number;
      const se = image[i + n + 1] as number;
      // Sobel gradient, y pointing down.
      const gx = ne + 2 * east + se - nw - 2 * west - sw;
      const gy = sw + 2 * south + se - nw - 2 * north - ne;
      if (gx === 0 && gy === 0) continue;
      const base = directionStart + ((y >> zoneShift) * ZONES + (x >> zoneShift)) * DIRECTIONS;
      addDirections(out, base, gx, gy);
    }
  }
  // Square root tames the heavy tail of gradient energy (strong edges of thick pens).
  for (let i = directionStart; i < directionStart + ZONES * ZONES * DIRECTIONS; i++)
    out[i] = Math.sqrt((out[i] as number) / 16);
  k = directionStart + ZONES * ZONES * DIRECTIONS;
  const { x, y, width, height } = candidate.box;
  const reference = Math.max(1, context.referenceHeight);
  const stroke = candidateStrokeWidth(candidate);
  out[k++] = Math.min(3, height / reference);
  out[k++] = Math.min(3, width / reference);
  out[k++] = context.tallestHeight > 0 ? height / context.tallestHeight : 1;
  out[k++] = Math.max(-3, Math.min(3, Math.log(width / height)));
  out[k++] = candidate.area / (width * height);
  out[k++] = candidateSlant(candidate) - context.slant;
  out[k++] = Math.min(1, Math.min(x, context.cellWidth - x - width) / reference);
  out[k++] = y <= 0 || y + height >= context.cellHeight ? 1 : 0;
  out[k++] = context.strokeWidth > 0 ? Math.min(3, stroke / context.strokeWidth) : 1;
  out[k++] = Math.min(1, stroke / reference);
}
