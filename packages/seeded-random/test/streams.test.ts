import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyedRng } from '../src/index.js';

const key = fc.array(fc.nat({ max: 0xffff_ffff }), { minLength: 1, maxLength: 4 });

describe('random streams', () => {
  it('are pure functions of their key, and differ between keys', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        const draw = (k: number[]) => {
          const random = createKeyedRng(k);
          return Array.from({ length: 8 }, () => random.uint32());
        };
        expect(draw(a)).toEqual(draw(a));
        if (a.join() !== b.join()) expect(draw(b)).not.toEqual(draw(a));
      }),
    );
  });

  it('draw binomials, multinomials and Dirichlets with the right support', () => {
    fc.assert(
      fc.property(
        key,
        fc.nat({ max: 3_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (k, n, p, weights) => {
          const random = createKeyedRng(k);
          const x = random.binomial(n, p);
          expect(Number.isInteger(x) && x >= 0 && x <= n).toBe(true);
          if (p === 0) expect(x).toBe(0);
          if (p === 1) expect(x).toBe(n);
          const counts = new Int32Array(weights.length);
          const total = weights.reduce((a, b) => a + b, 0);
          random.multinomial(n, weights, counts);
          expect(counts.reduce((a, b) => a + b, 0)).toBe(total > 0 ? n : 0);
          weights.forEach((weight, i) => {
            if (weight === 0) expect(counts[i]).toBe(0);
          });
          if (total > 0) {
            const mean = weights.map((w) => w / total);
            const shares = random.dirichlet(mean, 50);
            expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
            expect(shares.every((share) => share >= 0)).toBe(true);
          }
        },
      ),
    );
  });

  it('center binomials on np', () => {
    const random = createKeyedRng([42]);
    for (const [n, p] of [
      [400, 0.55],
      [999, 0.03],
      [2_500, 0.9],
    ] as const) {
      let sum = 0;
      for (let i = 0; i < 4_000; i++) sum += random.binomial(n, p);
      const sd = Math.sqrt((n * p * (1 - p)) / 4_000);
      expect(Math.abs(sum / 4_000 - n * p)).toBeLessThan(5 * sd);
    }
  });
});
