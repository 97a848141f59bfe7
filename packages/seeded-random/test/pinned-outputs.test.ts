import { describe, expect, it } from 'vitest';
import { createKeyedRng, createRng } from '../src/index.js';

/*
 * The first outputs of a few seeds, as the two generators this package replaced produced them
 * (e14-synth's keyed streams, digit-recognizer's string and number seeds). Synthetic elections,
 * handwriting, training sets, committed models and benchmark figures are all reproduced from seeds:
 * any change here changes them too, so these numbers must never move.
 */

describe('keyed streams (synthetic elections)', () => {
  it('draw the same numbers as ever for a key', () => {
    const rng = createKeyedRng([2026, 7, 3]);
    expect(Array.from({ length: 6 }, () => rng.uint32())).toEqual([
      3764894712, 2972132063, 2922859586, 1138931281, 2597339394, 1199296045,
    ]);
    expect(Array.from({ length: 3 }, () => rng.next())).toEqual([
      0.955498663475737, 0.4733699304051697, 0.8200687626376748,
    ]);
    expect(Array.from({ length: 3 }, () => rng.int(1, 100))).toEqual([71, 15, 74]);
    expect(Array.from({ length: 3 }, () => rng.normal())).toEqual([
      -0.436374775522124, 0.03863644812354613, 0.8985106170688179,
    ]);
    expect([rng.gamma(0.5), rng.gamma(2.5)]).toEqual([0.00012594739023422005, 1.8489654534079816]);
    expect(rng.beta(2, 3)).toBe(0.46813042196845045);
    expect([...rng.dirichlet([0.2, 0.3, 0.5], 10)]).toEqual([
      0.32027529442931363, 0.17658348446336902, 0.5031412211073174,
    ]);
    expect([rng.binomial(300, 0.4), rng.binomial(5000, 0.7), rng.binomial(40, 0.01)]).toEqual([117, 3545, 0]);
    const counts = new Int32Array(4);
    rng.multinomial(500, [1, 2, 3, 4], counts);
    expect([...counts]).toEqual([47, 101, 150, 202]);
    expect(rng.weightedIndex([0.1, 0.5, 0.4])).toBe(1);
    expect(rng.shuffle([1, 2, 3, 4, 5, 6])).toEqual([4, 5, 3, 6, 1, 2]);
    expect(rng.pick(['a', 'b', 'c', 'd'])).toBe('b');
    expect(rng.chance(0.5)).toBe(true);
    expect(rng.uniform(-2, 3)).toBe(2.7157311637420207);
  });

  it('fold seeds wider than 32 bits into the key', () => {
    const rng = createKeyedRng([2 ** 40 + 5]);
    expect(Array.from({ length: 3 }, () => rng.uint32())).toEqual([3913507985, 3409356639, 2454043955]);
  });
});

describe('seeded generators (handwriting, training, rendered sheets)', () => {
  it.each([
    {
      seed: 'castor-digits',
      uint32: [4139892756, 3149804270, 4124258021, 492230533, 4000603455, 434321893],
      next: [0.03543258551508188, 0.9336861055344343, 0.2921277235727757],
      uniform: 6.0063778487965465,
      int: 713,
      chance: false,
      gaussian: [-0.7696701555919949, 6.620854915508977],
      pick: 'z',
      pickWeighted: ['b', 'a'],
      shuffle: [1, 3, 2, 5, 4],
      fork: [3672652902, 2836820566, 2485435540],
      afterFork: 3680043932,
    },
    {
      seed: 42,
      uint32: [3825871779, 1851418855, 1383259262, 890322987, 2796912455, 4258306155],
      next: [0.2893015253357589, 0.41498349350877106, 0.48398855002596974],
      uniform: 5.468749166466296,
      int: 814,
      chance: false,
      gaussian: [-0.4950323763064341, 8.076659169292997],
      pick: 'z',
      pickWeighted: ['c', 'a'],
      shuffle: [3, 4, 5, 2, 1],
      fork: [473538683, 1058982176, 4218730439],
      afterFork: 806835580,
    },
  ])('draw the same numbers as ever for seed $seed', (expected) => {
    const rng = createRng(expected.seed);
    expect(Array.from({ length: 6 }, () => rng.uint32())).toEqual(expected.uint32);
    expect(Array.from({ length: 3 }, () => rng.next())).toEqual(expected.next);
    expect(rng.uniform(5, 9)).toBe(expected.uniform);
    expect(rng.int(0, 999)).toBe(expected.int);
    expect(rng.chance(0.3)).toBe(expected.chance);
    expect([rng.gaussian(), rng.gaussian(10, 2)]).toEqual(expected.gaussian);
    expect(rng.pick(['x', 'y', 'z'])).toBe(expected.pick);
    expect([rng.pickWeighted({ a: 1, b: 2, c: 7 }), rng.pickWeighted({ a: 5, b: 0.5 })]).toEqual(expected.pickWeighted);
    expect(rng.shuffle([1, 2, 3, 4, 5])).toEqual(expected.shuffle);
    const fork = rng.fork();
    expect(Array.from({ length: 3 }, () => fork.uint32())).toEqual(expected.fork);
    expect(rng.uint32()).toBe(expected.afterFork);
  });
});
