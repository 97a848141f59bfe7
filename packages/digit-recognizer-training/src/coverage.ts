/**
 * Float ink-coverage canvases (0 = paper, 1 = ink) and the few drawing primitives the glyph
 * renderer needs: round-capped strokes and blobs, anti-aliased so that a later warp and threshold
 * produce natural 1-bit edges.
 */
export interface Coverage {
  width: number;
  height: number;
  data: Float32Array;
}

export function createCoverage(width: number, height: number): Coverage {
  return { width, height, data: new Float32Array(width * height) };
}

export function cloneCoverage(source: Coverage): Coverage {
  return { width: source.width, height: source.height, data: source.data.slice() };
}

/** Ink bounding box of a coverage canvas (cells with coverage ≥ 0.5), or null when empty. */
export function coverageInkBox(canvas: Coverage): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = canvas.width;
  let y0 = canvas.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      if ((canvas.data[y * canvas.width + x] as number) < 0.5) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : { x0, y0, x1, y1 };
}

/** Adds a straight stroke with round caps, `radius` = half the pen width. */
export function strokeSegment(canvas: Coverage, ax: number, ay: number, bx: number, by: number, radius: number): void {
  const minX = Math.max(0, Math.floor(Math.min(ax, bx) - radius - 1));
  const maxX = Math.min(canvas.width - 1, Math.ceil(Math.max(ax, bx) + radius + 1));
  const minY = Math.max(0, Math.floor(Math.min(ay, by) - radius - 1));
  const maxY = Math.min(canvas.height - 1, Math.ceil(Math.max(ay, by) + radius + 1));
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const px = x + 0.5 - ax;
      const py = y + 0.5 - ay;
      const t = lengthSquared === 0 ? 0 : Math.min(1, Math.max(0, (px * dx + py * dy) / lengthSquared));
      const distance = Math.hypot(px - t * dx, py - t * dy);
      const ink = Math.min(1, Math.max(0, radius - distance + 0.5));
      const index = y * canvas.width + x;
      if (ink > (canvas.data[index] as number)) canvas.data[index] = ink;
    }
  }
}

/** A stroke through a list of points (a hand-drawn curve approximated by short segments). */
export function strokePolyline(canvas: Coverage, points: readonly (readonly [number, number])[], radius: number): void {
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1] as readonly [number, number];
    const [bx, by] = points[i] as readonly [number, number];
    strokeSegment(canvas, ax, ay, bx, by, radius);
  }
}

/** Points of a quadratic Bézier curve, enough of them to look smooth at master scale. */
export function quadraticCurve(
  from: readonly [number, number],
  control: readonly [number, number],
  to: readonly [number, number],
  steps = 16,
): [number, number][] {
  const points: [number, number][] = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const u = 1 - t;
    points.push([
      u * u * from[0] + 2 * u * t * control[0] + t * t * to[0],
      u * u * from[1] + 2 * u * t * control[1] + t * t * to[1],
    ]);
  }
  return points;
}

/**
 * A blob whose radius varies with the angle: `radiusAt(θ)` gives the outline. `ringWidth`
 * null fills it; a number draws only a band of that width along the outline (a small "o").
 */
export function drawBlob(
  canvas: Coverage,
  centerX: number,
  centerY: number,
  radiusAt: (angle: number) => number,
  maxRadius: number,
  ringWidth: number | null,
): void {
  const minX = Math.max(0, Math.floor(centerX - maxRadius - 2));
  const maxX = Math.min(canvas.width - 1, Math.ceil(centerX + maxRadius + 2));
  const minY = Math.max(0, Math.floor(centerY - maxRadius - 2));
  const maxY = Math.min(canvas.height - 1, Math.ceil(centerY + maxRadius + 2));
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const px = x + 0.5 - centerX;
      const py = y + 0.5 - centerY;
      const distance = Math.hypot(px, py);
      const outline = radiusAt(Math.atan2(py, px));
      const ink =
        ringWidth === null
          ? outline - distance + 0.5
          : ringWidth / 2 - Math.abs(distance - (outline - ringWidth / 2)) + 0.5;
      const clamped = Math.min(1, Math.max(0, ink));
      const index = y * canvas.width + x;
      if (clamped > (canvas.data[index] as number)) canvas.data[index] = clamped;
    }
  }
}
