/**
 * Plane transforms between a template's coordinate frame and a page image. A scan is an affine
 * image of the form (rotation, scale, shift, a little shear); a photo is a perspective one. Both
 * are kept as a 3×3 homography in row-major order, so every consumer maps points the same way.
 */

export interface Point {
  x: number;
  y: number;
}

/** Row-major 3×3 matrix [a b c; d e f; g h 1] mapping (x, y) → ((ax+by+c)/w, (dx+ey+f)/w), w = gx+hy+1. */
export type Homography = readonly [number, number, number, number, number, number, number, number, number];

export function applyHomography(h: Homography, x: number, y: number): Point {
  const w = h[6] * x + h[7] * y + h[8];
  return { x: (h[0] * x + h[1] * y + h[2]) / w, y: (h[3] * x + h[4] * y + h[5]) / w };
}

/** Solves A·x = b in place by Gaussian elimination with partial pivoting; null when singular. */
function solveLinear(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) {
      if (Math.abs((a[row] as number[])[col] as number) > Math.abs((a[pivot] as number[])[col] as number)) pivot = row;
    }
    const pivotRow = a[pivot] as number[];
    if (Math.abs(pivotRow[col] as number) < 1e-12) return null;
    [a[col], a[pivot]] = [pivotRow, a[col] as number[]];
    [b[col], b[pivot]] = [b[pivot] as number, b[col] as number];
    const top = a[col] as number[];
    for (let row = col + 1; row < n; row++) {
      const current = a[row] as number[];
      const factor = (current[col] as number) / (top[col] as number);
      if (factor === 0) continue;
      for (let k = col; k < n; k++) current[k] = (current[k] as number) - factor * (top[k] as number);
      b[row] = (b[row] as number) - factor * (b[col] as number);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    const current = a[row] as number[];
    let sum = b[row] as number;
    for (let k = row + 1; k < n; k++) sum -= (current[k] as number) * (x[k] as number);
    x[row] = sum / (current[row] as number);
  }
  return x;
}

/** The exact perspective transform taking four source points onto four destination points. */
export function homographyFromPoints(source: readonly Point[], destination: readonly Point[]): Homography | null {
  if (source.length !== 4 || destination.length !== 4) throw new Error('a homography needs exactly 4 point pairs');
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const { x, y } = source[i] as Point;
    const { x: u, y: v } = destination[i] as Point;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  }
  const solution = solveLinear(a, b);
  if (!solution) return null;
  const [h0, h1, h2, h3, h4, h5, h6, h7] = solution as [number, number, number, number, number, number, number, number];
  return [h0, h1, h2, h3, h4, h5, h6, h7, 1];
}

/** Least-squares affine transform (as a homography) from three or more point pairs. */
export function affineFromPoints(source: readonly Point[], destination: readonly Point[]): Homography | null {
  if (source.length < 3 || source.length !== destination.length) throw new Error('an affine fit needs ≥ 3 point pairs');
  // Normal equations of [x y 1]·[a b c]ᵀ = u and [x y 1]·[d e f]ᵀ = v share one 3×3 matrix.
  const m = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const ru = [0, 0, 0];
  const rv = [0, 0, 0];
  for (let i = 0; i < source.length; i++) {
    const { x, y } = source[i] as Point;
    const { x: u, y: v } = destination[i] as Point;
    const row = [x, y, 1];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++)
        (m[r] as number[])[c] = ((m[r] as number[])[c] as number) + (row[r] as number) * (row[c] as number);
      ru[r] = (ru[r] as number) + (row[r] as number) * u;
      rv[r] = (rv[r] as number) + (row[r] as number) * v;
    }
  }
  const first = solveLinear(
    m.map((row) => [...row]),
    [...ru],
  );
  const second = solveLinear(
    m.map((row) => [...row]),
    [...rv],
  );
  if (!first || !second) return null;
  return [
    first[0] as number,
    first[1] as number,
    first[2] as number,
    second[0] as number,
    second[1] as number,
    second[2] as number,
    0,
    0,
    1,
  ];
}

/** Mean and maximum distance between mapped source points and their destinations. */
export function residuals(
  h: Homography,
  source: readonly Point[],
  destination: readonly Point[],
): { mean: number; max: number } {
  let total = 0;
  let max = 0;
  for (let i = 0; i < source.length; i++) {
    const { x, y } = source[i] as Point;
    const mapped = applyHomography(h, x, y);
    const target = destination[i] as Point;
    const distance = Math.hypot(mapped.x - target.x, mapped.y - target.y);
    total += distance;
    max = Math.max(max, distance);
  }
  return { mean: source.length === 0 ? 0 : total / source.length, max };
}

/** Rotation (degrees) and mean scale of the linear part of a transform at a point. */
export function describeTransform(
  h: Homography,
  at: Point = { x: 0, y: 0 },
): { rotationDeg: number; scaleX: number; scaleY: number } {
  const origin = applyHomography(h, at.x, at.y);
  const alongX = applyHomography(h, at.x + 100, at.y);
  const alongY = applyHomography(h, at.x, at.y + 100);
  return {
    rotationDeg: (Math.atan2(alongX.y - origin.y, alongX.x - origin.x) * 180) / Math.PI,
    scaleX: Math.hypot(alongX.x - origin.x, alongX.y - origin.y) / 100,
    scaleY: Math.hypot(alongY.x - origin.x, alongY.y - origin.y) / 100,
  };
}
