import type { Rng } from '@castor/seeded-random';

const ELASTIC_GRID = 4;

/**
 * A smooth random displacement field: random vectors on a coarse grid, interpolated bilinearly
 * to every pixel of a width × height canvas. Returns the x and y displacement planes.
 */
export function elasticField(width: number, height: number, amplitude: number, rng: Rng): [Float32Array, Float32Array] {
  const grid = ELASTIC_GRID;
  const planes: [Float32Array, Float32Array] = [new Float32Array(width * height), new Float32Array(width * height)];
  if (amplitude <= 0) return planes;
  for (const plane of planes) {
    const knots = Float32Array.from({ length: grid * grid }, () => rng.gaussian(0, amplitude));
    for (let y = 0; y < height; y++) {
      const gy = Math.min(grid - 1.001, (y / height) * (grid - 1));
      const iy = Math.floor(gy);
      const ty = gy - iy;
      for (let x = 0; x < width; x++) {
        const gx = Math.min(grid - 1.001, (x / width) * (grid - 1));
        const ix = Math.floor(gx);
        const tx = gx - ix;
        const k = iy * grid + ix;
        plane[y * width + x] =
          ((knots[k] as number) * (1 - tx) + (knots[k + 1] as number) * tx) * (1 - ty) +
          ((knots[k + grid] as number) * (1 - tx) + (knots[k + grid + 1] as number) * tx) * ty;
      }
    }
  }
  return planes;
}
