import { describe, expect, it } from 'vitest';
import { adaptiveBinarize } from '../src/raster/raster.js';

/** Bradley–Roth computed the slow way, window by window, as the reference. */
function reference(width: number, height: number, data: Uint8Array, windowSize: number, darkerBy: number) {
  const half = Math.max(1, Math.floor(windowSize / 2));
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      const [x0, x1, y0, y1] = [
        Math.max(0, x - half),
        Math.min(width, x + half + 1),
        Math.max(0, y - half),
        Math.min(height, y + half + 1),
      ];
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += data[yy * width + xx] as number;
      out[y * width + x] = (data[y * width + x] as number) < (sum / ((x1 - x0) * (y1 - y0))) * (1 - darkerBy) ? 0 : 255;
    }
  }
  return out;
}

describe('adaptiveBinarize', () => {
  it('matches the window-by-window reference on a noisy page', () => {
    const [width, height] = [97, 61];
    const data = new Uint8Array(width * height).map((_, i) => (i * 7919) % 251);
    const fast = adaptiveBinarize({ width, height, data }, 15);
    expect(Buffer.from(fast.data).equals(Buffer.from(reference(width, height, data, 15, 0.15)))).toBe(true);
  });

  it('stays exact when the sum of the whole image passes 2^32 (the table wraps, windows do not)', () => {
    // 5,000 × 3,500 white pixels sum to 4.46e9 > 2^32; one dark stroke in the last rows.
    const [width, height] = [5_000, 3_500];
    const data = new Uint8Array(width * height).fill(255);
    for (let x = 100; x < 200; x++) data[(height - 10) * width + x] = 40;
    const { data: out } = adaptiveBinarize({ width, height, data }, 31);
    expect(out[(height - 10) * width + 150]).toBe(0);
    expect(out[(height - 10) * width + 400]).toBe(255);
    expect(out[(height - 20) * width + 150]).toBe(255);
    expect(out.filter((value) => value === 0).length).toBe(100);
  });
});
