/**
 * Binary morphology on ink masks (1 = ink, 0 = paper) with a continuous radius, through a chamfer
 * distance transform: the 3-4 chamfer is within ~8 % of the Euclidean distance, plenty to
 * thicken or thin a pen stroke by a fraction of a pixel.
 */

const STRAIGHT = 1;
const DIAGONAL = 4 / 3;

/** Distance from every pixel to the nearest pixel where `mask === target`, in pixels. */
export function chamferDistance(mask: Uint8Array, width: number, height: number, target: 0 | 1): Float32Array {
  const far = width + height;
  const distance = new Float32Array(width * height);
  for (let i = 0; i < distance.length; i++) distance[i] = mask[i] === target ? 0 : far;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let d = distance[i] as number;
      if (d === 0) continue;
      if (x > 0) d = Math.min(d, (distance[i - 1] as number) + STRAIGHT);
      if (y > 0) {
        d = Math.min(d, (distance[i - width] as number) + STRAIGHT);
        if (x > 0) d = Math.min(d, (distance[i - width - 1] as number) + DIAGONAL);
        if (x < width - 1) d = Math.min(d, (distance[i - width + 1] as number) + DIAGONAL);
      }
      distance[i] = d;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      let d = distance[i] as number;
      if (d === 0) continue;
      if (x < width - 1) d = Math.min(d, (distance[i + 1] as number) + STRAIGHT);
      if (y < height - 1) {
        d = Math.min(d, (distance[i + width] as number) + STRAIGHT);
        if (x < width - 1) d = Math.min(d, (distance[i + width + 1] as number) + DIAGONAL);
        if (x > 0) d = Math.min(d, (distance[i + width - 1] as number) + DIAGONAL);
      }
      distance[i] = d;
    }
  }
  return distance;
}

/** Grows ink by `radius` pixels (a wider pen). */
export function dilateMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const distance = chamferDistance(mask, width, height, 1);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = (distance[i] as number) <= radius ? 1 : 0;
  return out;
}

/** Shrinks ink by `radius` pixels (a finer pen); strokes thinner than 2·radius vanish. */
export function erodeMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const distance = chamferDistance(mask, width, height, 0);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = (distance[i] as number) > radius ? 1 : 0;
  return out;
}

/** Stroke width of a mask estimated as 2·area / perimeter (exact for long uniform strokes). */
export function maskStrokeWidth(mask: Uint8Array, width: number, height: number): number {
  let area = 0;
  let perimeter = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (mask[i] !== 1) continue;
      area++;
      if (x === 0 || mask[i - 1] !== 1) perimeter++;
      if (x === width - 1 || mask[i + 1] !== 1) perimeter++;
      if (y === 0 || mask[i - width] !== 1) perimeter++;
      if (y === height - 1 || mask[i + width] !== 1) perimeter++;
    }
  }
  // Pixel-edge perimeters overestimate slanted contours by ~4/π on average.
  return perimeter === 0 ? 0 : (2 * area) / (perimeter * (Math.PI / 4));
}
