import type { GlyphContext } from './features.js';
import { candidateStrokeWidth, type GlyphCandidate, writerSlant } from './glyph-candidate.js';
import { assertGrayImage, type GrayImage, INK_THRESHOLD } from './gray-image.js';

/**
 * Segmentation of a value cell into glyph candidates: connected components of the ink, cleaned of
 * ruling lines and specks, merged when they stack (a broken stroke, a correction written over a
 * digit), and, when that gives an implausible count, cut into thirds of the ink's extent.
 * Candidates too wide for one glyph (touching digits) are left whole here: `cutHypotheses` offers
 * ways to cut them and the recognizer keeps the one whose pieces its classifier reads best.
 */

export interface CellSegmentation {
  width: number;
  height: number;
  /** The digit height the sizes are judged against, in pixels. */
  referenceHeight: number;
  /** What the classifier judges each glyph against. */
  context: GlyphContext;
  /** Left to right. */
  glyphs: GlyphCandidate[];
  method: 'components' | 'thirds';
  /** Ink pixels removed as ruling lines (table borders caught in the crop). */
  rulingPixels: number;
}

export interface SegmentOptions {
  /**
   * Expected height of a handwritten digit in this image, in pixels. Sizes are judged against it
   * (a filler dot is a third of a digit). Default: 60 % of the cell height, right for crops that
   * follow a row's borders; pass it when the crop is much taller than the writing.
   */
  digitHeight?: number;
  /** Gray level at or below which a pixel is ink (default 127; scans are already 1-bit). */
  threshold?: number;
}

/** Default digit height as a fraction of the cell height, for crops that follow the row borders. */
export const DEFAULT_DIGIT_HEIGHT_RATIO = 0.6;

/** At most this many glyph candidates are kept: 3 positions, plus room for noise the classifier rejects. */
const MAX_CANDIDATES = 6;

/** A set of ink pixels: ranges of the shared pixel list that flood fill produced. */
interface Component {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  area: number;
  /** [start, end) ranges into the pixel list. */
  ranges: number[];
}

function inkMask(image: GrayImage, threshold: number): Uint8Array {
  const { data } = image;
  const mask = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) mask[i] = (data[i] as number) <= threshold ? 1 : 0;
  return mask;
}

/**
 * Finds straight horizontal ruling lines crossing at least 75 % of the crop (table borders caught
 * by a registration a few pixels off, possibly tilted by a degree or so) and clears them. Along the
 * line only thin ink is cleared, so a digit stroke crossing the line keeps its pixels. Handwriting
 * never covers three quarters of a three-digit cell along a straight line. Returns the pixels
 * cleared. Vertical rulings go through the same code on the transposed mask.
 */
/** Largest drift (in rows over the crop's width) of a ruling line searched for: about 1.1°. */
function maxRulingDrift(width: number): number {
  return Math.max(2, Math.round(width * 0.02));
}

/**
 * Columns a ruling must cover within ±1 row of some row: a tilted ruling still covers a good share
 * of its band, handwriting only the few strokes crossing it. Only such bands are searched.
 */
function rulingBandCover(width: number): number {
  return 0.6 * width * Math.min(1, 3 / (maxRulingDrift(width) + 1));
}

function removeHorizontalRulings(mask: Uint8Array, width: number, height: number, maxThickness: number): number {
  const maxDrift = maxRulingDrift(width);
  const minBandCover = rulingBandCover(width);
  const rowInk = new Int32Array(height);
  for (let y = 0; y < height; y++) {
    let ink = 0;
    for (let x = 0; x < width; x++) ink += mask[y * width + x] as number;
    rowInk[y] = ink;
  }
  const candidates: number[] = [];
  for (let y = 0; y < height; y++) {
    // The band's cover is at most the ink of its three rows: most rows stop here.
    const bandInk =
      (rowInk[y] as number) +
      (y > 0 ? (rowInk[y - 1] as number) : 0) +
      (y + 1 < height ? (rowInk[y + 1] as number) : 0);
    if (bandInk < minBandCover) continue;
    const row = y * width;
    const above = y > 0 ? row - width : row;
    const below = y + 1 < height ? row + width : row;
    let cover = 0;
    for (let x = 0; x < width; x++)
      cover += (mask[row + x] as number) | (mask[above + x] as number) | (mask[below + x] as number);
    if (cover >= minBandCover) candidates.push(y);
  }
  if (candidates.length === 0) return 0;
  /** How well the line y = y0 + drift·x/width lies on ink: exact hits count 1, hits a row off ½. */
  const measure = (y0: number, drift: number) => {
    let tolerant = 0;
    let score = 0;
    for (let x = 0; x < width; x++) {
      const y = Math.round(y0 + (drift * x) / width);
      if (y < 0 || y >= height) continue;
      if (mask[y * width + x] === 1) {
        tolerant++;
        score++;
      } else if ((y > 0 && mask[(y - 1) * width + x] === 1) || (y + 1 < height && mask[(y + 1) * width + x] === 1)) {
        tolerant++;
        score += 0.5;
      }
    }
    return { tolerant, score };
  };
  const lines: { y0: number; drift: number; score: number }[] = [];
  for (const y0 of candidates) {
    for (let drift = -maxDrift; drift <= maxDrift; drift++) {
      const { tolerant, score } = measure(y0, drift);
      if (tolerant >= 0.75 * width) lines.push({ y0, drift, score });
    }
  }
  // Best-fitting lines first; a shifted or tilted copy of a cleared line no longer fits.
  lines.sort((a, b) => b.score - a.score);
  let cleared = 0;
  for (const { y0, drift } of lines) {
    if (measure(y0, drift).tolerant < 0.75 * width) continue;
    for (let x = 0; x < width; x++) {
      const center = Math.round(y0 + (drift * x) / width);
      let from = -1;
      for (const y of [center, center - 1, center + 1]) {
        if (y >= 0 && y < height && mask[y * width + x] === 1) {
          from = y;
          break;
        }
      }
      if (from < 0) continue;
      let low = from;
      let high = from;
      while (low > 0 && mask[(low - 1) * width + x] === 1) low--;
      while (high + 1 < height && mask[(high + 1) * width + x] === 1) high++;
      if (high - low + 1 > maxThickness) continue;
      for (let y = low; y <= high; y++) mask[y * width + x] = 0;
      cleared += high - low + 1;
    }
  }
  return cleared;
}

function transpose(mask: Uint8Array, width: number, height: number, into: Uint8Array): Uint8Array {
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) into[x * height + y] = mask[y * width + x] as number;
  return into;
}

/** Clears horizontal and vertical rulings; returns the pixels cleared. */
function removeRulings(mask: Uint8Array, width: number, height: number, maxThickness: number): number {
  const horizontal = removeHorizontalRulings(mask, width, height, maxThickness);
  // Transposing costs a pass over the cell: skip it unless three neighbouring columns hold enough
  // ink for a vertical ruling.
  const columnInk = new Int32Array(width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) columnInk[x] = (columnInk[x] as number) + (mask[y * width + x] as number);
  }
  const minBandCover = rulingBandCover(height);
  let possible = false;
  for (let x = 0; x < width && !possible; x++) {
    const band =
      (columnInk[x] as number) +
      (x > 0 ? (columnInk[x - 1] as number) : 0) +
      (x + 1 < width ? (columnInk[x + 1] as number) : 0);
    possible = band >= minBandCover;
  }
  if (!possible) return horizontal;
  const transposed = transpose(mask, width, height, new Uint8Array(mask.length));
  const vertical = removeHorizontalRulings(transposed, height, width, maxThickness);
  if (vertical > 0) transpose(transposed, height, width, mask);
  return horizontal + vertical;
}

/**
 * A piece of ruling too short for removeRulingLines (a border only partly inside the crop) is
 * still a long thin component on its own: half the cell wide and thin, or as tall as the cell and
 * thin along a side edge.
 */
function isRulingPiece(component: Component, width: number, height: number, referenceHeight: number): boolean {
  const w = component.x1 - component.x0 + 1;
  const h = component.y1 - component.y0 + 1;
  if (w >= 0.5 * width && h <= Math.max(3, 0.15 * referenceHeight)) return true;
  const nearSide = component.x0 < 0.12 * width || component.x1 >= 0.88 * width;
  return nearSide && h >= 0.75 * height && w <= Math.max(3, 0.15 * referenceHeight);
}

/**
 * 8-connected components by flood fill. Each component's pixels end up contiguous in one shared
 * list (a flood fill finishes a component before starting the next), so no per-pixel objects.
 * Marks visited ink in the mask itself (1 becomes 2).
 */
function connectedComponents(
  mask: Uint8Array,
  width: number,
  height: number,
): { pixels: Int32Array; components: Component[] } {
  let inkCount = 0;
  for (let i = 0; i < mask.length; i++) inkCount += mask[i] as number;
  const pixels = new Int32Array(inkCount);
  const components: Component[] = [];
  let filled = 0;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] !== 1) continue;
    const first = filled;
    const component: Component = { x0: width, y0: height, x1: -1, y1: -1, area: 0, ranges: [] };
    // Visited ink is marked 2 in the mask itself.
    mask[start] = 2;
    pixels[filled++] = start;
    // The list doubles as the queue: everything after `next` is still to visit.
    for (let next = first; next < filled; next++) {
      const index = pixels[next] as number;
      const x = index % width;
      const y = (index - x) / width;
      if (x < component.x0) component.x0 = x;
      if (x > component.x1) component.x1 = x;
      if (y < component.y0) component.y0 = y;
      if (y > component.y1) component.y1 = y;
      const xFrom = x > 0 ? -1 : 0;
      const xTo = x < width - 1 ? 1 : 0;
      const yFrom = y > 0 ? -1 : 0;
      const yTo = y < height - 1 ? 1 : 0;
      for (let dy = yFrom; dy <= yTo; dy++) {
        for (let dx = xFrom; dx <= xTo; dx++) {
          const neighbour = index + dy * width + dx;
          if (mask[neighbour] === 1) {
            mask[neighbour] = 2;
            pixels[filled++] = neighbour;
          }
        }
      }
    }
    component.area = filled - first;
    component.ranges.push(first, filled);
    components.push(component);
  }
  return { pixels, components };
}

function mergeComponents(a: Component, b: Component): Component {
  return {
    x0: Math.min(a.x0, b.x0),
    y0: Math.min(a.y0, b.y0),
    x1: Math.max(a.x1, b.x1),
    y1: Math.max(a.y1, b.y1),
    area: a.area + b.area,
    ranges: a.ranges.concat(b.ranges),
  };
}

/** Gap between two boxes (0 when they touch or overlap), in pixels, by the larger of the axes. */
function boxGap(a: Component, b: Component): number {
  const gapX = Math.max(0, Math.max(a.x0, b.x0) - Math.min(a.x1, b.x1) - 1);
  const gapY = Math.max(0, Math.max(a.y0, b.y0) - Math.min(a.y1, b.y1) - 1);
  return Math.max(gapX, gapY);
}

function horizontalOverlap(a: Component, b: Component): number {
  return Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) + 1);
}

/**
 * Joins pieces of one glyph: components that share most of their horizontal extent (stacked
 * pieces, a correction over a digit), and small fragments almost touching a larger neighbour
 * (a stroke broken by ink dropout).
 */
function mergePieces(components: Component[], referenceHeight: number): Component[] {
  const pieces = [...components];
  const touching = Math.max(2, 0.06 * referenceHeight);
  let merged = true;
  while (merged) {
    merged = false;
    outer: for (let i = 0; i < pieces.length; i++) {
      for (let j = i + 1; j < pieces.length; j++) {
        const a = pieces[i] as Component;
        const b = pieces[j] as Component;
        const narrower = Math.min(a.x1 - a.x0 + 1, b.x1 - b.x0 + 1);
        const stacked = horizontalOverlap(a, b) >= 0.5 * narrower;
        const smaller = a.area < b.area ? a : b;
        const fragment = smaller.y1 - smaller.y0 + 1 < 0.45 * referenceHeight && boxGap(a, b) <= touching;
        if (stacked || fragment) {
          pieces[i] = mergeComponents(a, b);
          pieces.splice(j, 1);
          merged = true;
          break outer;
        }
      }
    }
  }
  return pieces;
}

function toCandidate(component: Component, pixels: Int32Array, width: number): GlyphCandidate {
  const box = {
    x: component.x0,
    y: component.y0,
    width: component.x1 - component.x0 + 1,
    height: component.y1 - component.y0 + 1,
  };
  const mask = new Uint8Array(box.width * box.height);
  for (let r = 0; r < component.ranges.length; r += 2) {
    for (let p = component.ranges[r] as number; p < (component.ranges[r + 1] as number); p++) {
      const index = pixels[p] as number;
      const x = index % width;
      const y = (index - x) / width;
      mask[(y - box.y) * box.width + (x - box.x)] = 1;
    }
  }
  return { box, mask, area: component.area };
}

/** The ink of a candidate at the box positions `inside` keeps, trimmed to its extent; null if none. */
function sliceWhere(candidate: GlyphCandidate, inside: (x: number, y: number) => boolean): GlyphCandidate | null {
  const { box, mask } = candidate;
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = -1;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = -1;
  let area = 0;
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      if (mask[y * box.width + x] !== 1 || !inside(x, y)) continue;
      area++;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (area === 0) return null;
  const width = x1 - x0 + 1;
  const height = y1 - y0 + 1;
  const sliced = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (inside(x + x0, y + y0)) sliced[y * width + x] = mask[(y + y0) * box.width + (x + x0)] as number;
    }
  }
  return { box: { x: box.x + x0, y: box.y + y0, width, height }, mask: sliced, area };
}

/** Restricts a candidate to columns [from, to) of its box. */
const sliceColumns = (candidate: GlyphCandidate, from: number, to: number) =>
  sliceWhere(candidate, (x) => x >= from && x < to);

/**
 * A cut is the column where each row of the box is divided: the ink left of it, or from it on.
 */
const sliceAlong = (candidate: GlyphCandidate, cut: Int32Array, side: 'left' | 'right') =>
  sliceWhere(candidate, side === 'left' ? (x, y) => x < (cut[y] as number) : (x, y) => x >= (cut[y] as number));

/** A diagonal step of a curved cut costs this much ink: a straight cut is preferred when both cross as little. */
const CUT_STEP_COST = 0.1;

/**
 * The cut from top to bottom within columns [low, high], moving at most one column per row, that
 * crosses the least ink (dynamic programming over rows): it can pass between digits that overlap
 * in x, as a 3 leaning into a 0, where no straight column is free of ink.
 */
function leastInkCut(candidate: GlyphCandidate, low: number, high: number, ideal: number): Int32Array {
  const { box, mask } = candidate;
  const span = high - low + 1;
  const steps = new Int8Array(box.height * span);
  let cost = new Float64Array(span);
  for (let y = 0; y < box.height; y++) {
    const next = new Float64Array(span);
    for (let i = 0; i < span; i++) {
      let best = cost[i] as number;
      let step = 0;
      if (y > 0 && i > 0 && (cost[i - 1] as number) + CUT_STEP_COST < best) {
        best = (cost[i - 1] as number) + CUT_STEP_COST;
        step = -1;
      }
      if (y > 0 && i < span - 1 && (cost[i + 1] as number) + CUT_STEP_COST < best) {
        best = (cost[i + 1] as number) + CUT_STEP_COST;
        step = 1;
      }
      const x = low + i;
      next[i] = best + (mask[y * box.width + x] as number) + (2 * Math.abs(x - ideal)) / ideal / box.height;
      steps[y * span + i] = step;
    }
    cost = next;
  }
  let i = 0;
  for (let k = 1; k < span; k++) if ((cost[k] as number) < (cost[i] as number)) i = k;
  const cut = new Int32Array(box.height);
  for (let y = box.height - 1; y >= 0; y--) {
    cut[y] = low + i;
    i += steps[y * span + i] as number;
  }
  return cut;
}

/** Two candidates as one glyph (the pieces of a stroke broken by ink dropout), on the union of their boxes. */
export function joinCandidates(a: GlyphCandidate, b: GlyphCandidate): GlyphCandidate {
  const x0 = Math.min(a.box.x, b.box.x);
  const y0 = Math.min(a.box.y, b.box.y);
  const width = Math.max(a.box.x + a.box.width, b.box.x + b.box.width) - x0;
  const height = Math.max(a.box.y + a.box.height, b.box.y + b.box.height) - y0;
  const mask = new Uint8Array(width * height);
  for (const { box, mask: source } of [a, b]) {
    for (let y = 0; y < box.height; y++) {
      for (let x = 0; x < box.width; x++) {
        if (source[y * box.width + x] === 1) mask[(y + box.y - y0) * width + (x + box.x - x0)] = 1;
      }
    }
  }
  return { box: { x: x0, y: y0, width, height }, mask, area: a.area + b.area };
}

/** Columns of empty space between two candidates side by side (0 when their extents overlap). */
export function horizontalGap(a: GlyphCandidate, b: GlyphCandidate): number {
  return Math.max(0, Math.max(a.box.x, b.box.x) - Math.min(a.box.x + a.box.width, b.box.x + b.box.width));
}

/**
 * Whether a candidate may be two touching glyphs: wider than tall and wider than most single
 * digits. Generous on purpose: the recognizer keeps it whole if that reads better than any cut.
 */
export function isWide(candidate: GlyphCandidate, referenceHeight: number): boolean {
  const { width, height } = candidate.box;
  return width > 0.8 * referenceHeight && width > 0.9 * height && height > 0.5 * referenceHeight;
}

/**
 * Ways to cut a wide candidate into glyphs (touching digits written in one go): at the columns with
 * the least ink near each ideal cut, a few per cut so that the classifier can pick the one whose
 * pieces read best. Each hypothesis lists its pieces left to right. The width alone does not say
 * how many digits touch (two broad digits are as wide as three narrow ones), so a width between
 * two counts is cut both ways.
 */
export function cutHypotheses(candidate: GlyphCandidate, referenceHeight: number, perCut = 3): GlyphCandidate[][] {
  const digits = candidate.box.width / (0.75 * referenceHeight);
  const counts = new Set([Math.floor(digits), Math.ceil(digits)].map((n) => Math.max(2, Math.min(3, n))));
  return [...counts].flatMap((parts) => cutsInto(candidate, referenceHeight, parts, perCut));
}

/** Up to `perCut` ways to cut a candidate into `parts` pieces (2 or 3). */
function cutsInto(
  candidate: GlyphCandidate,
  referenceHeight: number,
  parts: number,
  perCut: number,
): GlyphCandidate[][] {
  const { box, mask } = candidate;
  const columnInk = new Float32Array(box.width);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) columnInk[x] = (columnInk[x] as number) + (mask[y * box.width + x] as number);
  }
  const ideal = box.width / parts;
  // Local minima of the column ink inside the window around the first ideal cut, best first.
  const low = Math.max(1, Math.round(ideal * 0.55));
  const high = Math.min(box.width - 2, Math.round(ideal * 1.45));
  const columns: { x: number; score: number }[] = [];
  for (let x = low; x <= high; x++) {
    const ink = columnInk[x] as number;
    const isMinimum = ink <= (columnInk[x - 1] as number) && ink <= (columnInk[x + 1] as number);
    if (isMinimum) columns.push({ x, score: ink + (2 * Math.abs(x - ideal)) / ideal });
  }
  columns.sort((a, b) => a.score - b.score);
  const straight = (x: number) => new Int32Array(box.height).fill(x);
  const cuts: Int32Array[] = [];
  for (const { x } of columns) {
    if (cuts.length >= perCut) break;
    // Neighbouring minima give the same pieces; keep cuts a few pixels apart.
    if (cuts.some((other) => Math.abs((other[0] as number) - x) < Math.max(2, 0.08 * referenceHeight))) continue;
    cuts.push(straight(x));
  }
  if (high > low) cuts.push(leastInkCut(candidate, low, high, ideal));
  const hypotheses: GlyphCandidate[][] = [];
  for (const cut of cuts) {
    const left = sliceAlong(candidate, cut, 'left');
    const right = sliceAlong(candidate, cut, 'right');
    if (!left || !right) continue;
    const rest = parts === 3 ? cutsInto(right, referenceHeight, 2, 1)[0] : undefined;
    hypotheses.push([left, ...(rest ?? [right])]);
  }
  return hypotheses;
}

/** The ink of all candidates cut into three equal columns of their joint extent. */
function cutIntoThirds(candidates: GlyphCandidate[], width: number, height: number): GlyphCandidate[] {
  const mask = new Uint8Array(width * height);
  let x0 = width;
  let x1 = -1;
  let y0 = height;
  let y1 = -1;
  for (const candidate of candidates) {
    const { box } = candidate;
    x0 = Math.min(x0, box.x);
    x1 = Math.max(x1, box.x + box.width - 1);
    y0 = Math.min(y0, box.y);
    y1 = Math.max(y1, box.y + box.height - 1);
    for (let y = 0; y < box.height; y++) {
      for (let x = 0; x < box.width; x++) {
        if (candidate.mask[y * box.width + x] === 1) mask[(box.y + y) * width + box.x + x] = 1;
      }
    }
  }
  if (x1 < 0) return [];
  const whole: GlyphCandidate = {
    box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 },
    mask: new Uint8Array((x1 - x0 + 1) * (y1 - y0 + 1)),
    area: 0,
  };
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const ink = mask[y * width + x] as number;
      whole.mask[(y - y0) * whole.box.width + (x - x0)] = ink;
      whole.area += ink;
    }
  }
  const third = whole.box.width / 3;
  return [0, 1, 2].flatMap((k) => {
    const slice = sliceColumns(whole, Math.round(k * third), Math.round((k + 1) * third));
    return slice ? [slice] : [];
  });
}

/** Median pen width over the candidates at least half a digit tall (0 when there is none). */
function medianStrokeWidth(glyphs: readonly GlyphCandidate[], referenceHeight: number): number {
  const widths = glyphs
    .filter((glyph) => glyph.box.height >= 0.5 * referenceHeight)
    .map(candidateStrokeWidth)
    .sort((a, b) => a - b);
  return widths.length === 0 ? 0 : (widths[Math.floor(widths.length / 2)] as number);
}

export function segmentCell(image: GrayImage, options: SegmentOptions = {}): CellSegmentation {
  assertGrayImage(image);
  const { width, height } = image;
  const referenceHeight = options.digitHeight ?? height * DEFAULT_DIGIT_HEIGHT_RATIO;
  const mask = inkMask(image, options.threshold ?? INK_THRESHOLD);
  const maxThickness = Math.max(3, Math.round(0.12 * referenceHeight));
  const rulingPixels = removeRulings(mask, width, height, maxThickness);
  const minArea = Math.max(4, 0.0025 * referenceHeight * referenceHeight);
  const { pixels, components } = connectedComponents(mask, width, height);
  const kept = components.filter(
    (component) => component.area >= minArea && !isRulingPiece(component, width, height, referenceHeight),
  );
  let glyphs = mergePieces(kept, referenceHeight).map((component) => toCandidate(component, pixels, width));
  let method: CellSegmentation['method'] = 'components';
  if (glyphs.length > MAX_CANDIDATES) {
    glyphs = cutIntoThirds(glyphs, width, height);
    method = 'thirds';
  }
  glyphs.sort((a, b) => a.box.x + a.box.width / 2 - (b.box.x + b.box.width / 2));
  return {
    width,
    height,
    referenceHeight,
    context: {
      referenceHeight,
      tallestHeight: glyphs.reduce((tallest, glyph) => Math.max(tallest, glyph.box.height), 0),
      cellWidth: width,
      cellHeight: height,
      strokeWidth: medianStrokeWidth(glyphs, referenceHeight),
      slant: writerSlant(glyphs.filter((glyph) => glyph.box.height >= 0.5 * referenceHeight)),
    },
    glyphs,
    method,
    rulingPixels,
  };
}
