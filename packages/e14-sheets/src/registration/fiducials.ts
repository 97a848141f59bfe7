import type { Point } from '../raster/geometry.js';
import { type Component, connectedComponents, inkWindow, type PageRaster, type Rect } from '../raster/raster.js';

/**
 * The four black corner squares printed on every E-14 page. A scan keeps them near the image
 * corners, so each is looked for in a small window first (a few tens of thousands of pixels, not
 * the page); a photo, where the sheet can sit anywhere in the frame, falls back to the quadrants.
 */

export type CornerName = 'topLeft' | 'topRight' | 'bottomRight' | 'bottomLeft';
export const CORNERS: readonly CornerName[] = ['topLeft', 'topRight', 'bottomRight', 'bottomLeft'];

export interface FoundFiducial {
  corner: CornerName;
  center: Point;
  side: number;
  fill: number;
}

export interface FiducialSearchOptions {
  /** Expected side of a square in image pixels; derived from the image width when absent. */
  expectedSide?: number;
}

/** A scanned square is square within a few degrees of rotation. */
const SCAN_MAX_ASPECT = 1.43;
/**
 * A photographed one is foreshortened: the far corners of a sheet shot at an angle (each moved
 * inwards by a fifth of its width) draw the squares half as wide as they are high.
 */
const PHOTO_MAX_ASPECT = 2;

/** Side of a corner square relative to the image width on published scans (24 px of 868). */
export const SCAN_SIDE_RATIO = 24 / 868;

function squareLike(
  component: Component,
  minSide: number,
  maxSide: number,
  maxAspect: number,
): { side: number; fill: number } | null {
  const width = component.maxX - component.minX + 1;
  const height = component.maxY - component.minY + 1;
  const aspect = width / height;
  // A square rotated by a few degrees has a slightly larger, less filled bounding box.
  if (aspect < 1 / maxAspect || aspect > maxAspect) return null;
  if (width < minSide || height < minSide || width > maxSide || height > maxSide) return null;
  const fill = component.area / (width * height);
  if (fill < 0.72) return null;
  return { side: Math.sqrt(component.area), fill };
}

function cornerScore(corner: CornerName, point: Point, raster: PageRaster): number {
  const right = raster.width - point.x;
  const bottom = raster.height - point.y;
  switch (corner) {
    case 'topLeft':
      return point.x + point.y;
    case 'topRight':
      return right + point.y;
    case 'bottomRight':
      return right + bottom;
    case 'bottomLeft':
      return point.x + bottom;
  }
}

function windowFor(corner: CornerName, raster: PageRaster, fractionX: number, fractionY: number): Rect {
  const width = raster.width * fractionX;
  const height = raster.height * fractionY;
  return {
    x: corner === 'topLeft' || corner === 'bottomLeft' ? 0 : raster.width - width,
    y: corner === 'topLeft' || corner === 'topRight' ? 0 : raster.height - height,
    width,
    height,
  };
}

/**
 * Square-like components of a window, most corner-like first. With `step` > 1 the window is
 * searched on every step-th pixel (a quadrant of a 300-dpi page is 20 M pixels) and each square
 * found is measured again at full resolution around where it was seen.
 */
function searchCorner(
  raster: PageRaster,
  corner: CornerName,
  window: Rect,
  minSide: number,
  maxSide: number,
  maxAspect: number,
  step = 1,
): FoundFiducial[] {
  const { mask, rect } = inkWindow(raster, window, step);
  const maskWidth = Math.ceil(rect.width / step);
  const maskHeight = Math.ceil(rect.height / step);
  const minArea = Math.floor(((minSide * minSide) / (step * step)) * 0.72);
  const found: { fiducial: FoundFiducial; score: number }[] = [];
  for (const component of connectedComponents(mask, maskWidth, maskHeight, minArea)) {
    const square = squareLike(component, minSide / step, maxSide / step, maxAspect);
    if (!square) continue;
    const seen: FoundFiducial = {
      corner,
      center: { x: rect.x + component.centroidX * step, y: rect.y + component.centroidY * step },
      side: square.side * step,
      fill: square.fill,
    };
    const fiducial =
      step === 1 ? seen : (measureAgain(raster, corner, component, rect, step, minSide, maxSide, maxAspect) ?? seen);
    found.push({ fiducial, score: cornerScore(corner, fiducial.center, raster) });
  }
  return found.sort((a, b) => a.score - b.score).map((entry) => entry.fiducial);
}

/** A square seen on a sampled mask, found again at full resolution within its box (and a step around). */
function measureAgain(
  raster: PageRaster,
  corner: CornerName,
  seen: Component,
  rect: Rect,
  step: number,
  minSide: number,
  maxSide: number,
  maxAspect: number,
): FoundFiducial | null {
  const box = {
    x: rect.x + (seen.minX - 1) * step,
    y: rect.y + (seen.minY - 1) * step,
    width: (seen.maxX - seen.minX + 3) * step,
    height: (seen.maxY - seen.minY + 3) * step,
  };
  const [square] = searchCorner(raster, corner, box, minSide, maxSide, maxAspect);
  return square ?? null;
}

/**
 * Candidate squares per corner, best first (at most `perCorner`): in the small corner window of a
 * scan, and also in the whole quadrant when `wide` or when the window has none (photos: the sheet
 * may sit anywhere in the frame, among other dark things).
 */
export function findFiducialCandidates(
  raster: PageRaster,
  options: FiducialSearchOptions = {},
  perCorner = 3,
  wide = false,
): Map<CornerName, FoundFiducial[]> {
  const expected = options.expectedSide ?? raster.width * SCAN_SIDE_RATIO;
  const candidates = new Map<CornerName, FoundFiducial[]>();
  for (const corner of CORNERS) {
    let hits = searchCorner(
      raster,
      corner,
      windowFor(corner, raster, 0.2, 0.08),
      expected * 0.6,
      expected * 1.6,
      SCAN_MAX_ASPECT,
    );
    if (wide || hits.length === 0) {
      const minSide = Math.max(6, raster.width * 0.006);
      const quadrant = searchCorner(
        raster,
        corner,
        windowFor(corner, raster, 0.5, 0.5),
        minSide,
        raster.width * 0.06,
        PHOTO_MAX_ASPECT,
        // The smallest square searched keeps at least 6 samples a side.
        Math.max(1, Math.floor(minSide / 6)),
      );
      const known = (hit: FoundFiducial) =>
        hits.some((h) => Math.hypot(h.center.x - hit.center.x, h.center.y - hit.center.y) < 2);
      hits = [...hits, ...quadrant.filter((hit) => !known(hit))];
    }
    if (hits.length > 0) candidates.set(corner, hits.slice(0, perCorner));
  }
  return candidates;
}

/** The most corner-like square of each corner; a corner that cannot be found is absent. */
export function findFiducials(raster: PageRaster, options: FiducialSearchOptions = {}): FoundFiducial[] {
  return [...findFiducialCandidates(raster, options, 1).values()].map((hits) => hits[0] as FoundFiducial);
}
