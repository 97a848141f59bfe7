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

/** Side of a corner square relative to the image width on published scans (24 px of 868). */
export const SCAN_SIDE_RATIO = 24 / 868;

function squareLike(component: Component, minSide: number, maxSide: number): { side: number; fill: number } | null {
  const width = component.maxX - component.minX + 1;
  const height = component.maxY - component.minY + 1;
  const aspect = width / height;
  // A square rotated by a few degrees has a slightly larger, less filled bounding box.
  if (aspect < 0.7 || aspect > 1.43) return null;
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

/** Square-like components of a window, most corner-like first. */
function searchCorner(
  raster: PageRaster,
  corner: CornerName,
  window: Rect,
  minSide: number,
  maxSide: number,
): FoundFiducial[] {
  const { mask, rect } = inkWindow(raster, window);
  const minArea = Math.floor(minSide * minSide * 0.72);
  const found: { fiducial: FoundFiducial; score: number }[] = [];
  for (const component of connectedComponents(mask, rect.width, rect.height, minArea)) {
    const square = squareLike(component, minSide, maxSide);
    if (!square) continue;
    const center = { x: rect.x + component.centroidX, y: rect.y + component.centroidY };
    found.push({
      fiducial: { corner, center, side: square.side, fill: square.fill },
      score: cornerScore(corner, center, raster),
    });
  }
  return found.sort((a, b) => a.score - b.score).map((entry) => entry.fiducial);
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
    let hits = searchCorner(raster, corner, windowFor(corner, raster, 0.2, 0.08), expected * 0.6, expected * 1.6);
    if (wide || hits.length === 0) {
      const quadrant = searchCorner(
        raster,
        corner,
        windowFor(corner, raster, 0.5, 0.5),
        Math.max(6, raster.width * 0.006),
        raster.width * 0.06,
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
