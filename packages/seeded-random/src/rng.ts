/**
 * Seeded pseudo-random numbers. Everything random in CASTOR's synthetic data (elections, handwriting,
 * training sets, rendered scans) draws from an `Rng`, so that a seed reproduces the same output bit
 * for bit, on any machine.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator: 128 bits of state,
 * passes PractRand, far faster than a cryptographic generator, which matters when augmenting 100k+
 * glyphs or drawing the votes of 100k mesas). Two seedings fill its state:
 * - `createRng(seed)`: one number or string ("train-v1");
 * - `createKeyedRng(key)`: a tuple of non-negative integers (seed first, then purpose and ids), so
 *   that every decision draws from its own stream, a pure function of its key: any part can be
 *   regenerated on its own, in any order.
 */

const TWO_POW_32 = 0x1_0000_0000;

/** murmur3's 32-bit finaliser: a cheap bijective mix with full avalanche. */
function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashKey(key: readonly number[], salt: number): number {
  let h = fmix32(salt);
  for (const part of key) {
    // Seeds may use up to 53 bits: fold the high word in as well.
    const high = Math.floor(part / TWO_POW_32);
    h = fmix32(Math.imul(h ^ (part >>> 0), 0x9e3779b1) + high);
  }
  return h;
}

/** SplitMix32 step: spreads any 32-bit seed over the generator state. */
function splitMix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return [next, (z ^ (z >>> 15)) >>> 0];
}

/** FNV-1a hash so that string seeds ("train-v1") work as well as numbers. */
function hashSeed(seed: number | string): number {
  if (typeof seed === 'number') return seed >>> 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A generator seeded by a number or a string. */
export function createRng(seed: number | string): Rng {
  let state = hashSeed(seed);
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [nextState, word] = splitMix32(state);
    state = nextState;
    words.push(word);
  }
  const [a, b, c, d] = words as [number, number, number, number];
  return new Rng(a, b, c, d);
}

/** A stream keyed by any tuple of non-negative integers (seed first, then purpose and ids). */
export function createKeyedRng(key: readonly number[]): Rng {
  return new Rng(
    hashKey(key, 0x243f6a88),
    hashKey(key, 0x85a308d3),
    hashKey(key, 0x13198a2e),
    hashKey(key, 0x03707344),
  );
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** The raw 128-bit state; `createRng` and `createKeyedRng` derive it from a seed or a key. */
  constructor(a: number, b: number, c: number, d: number) {
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    // Let the counter spread the seed through the whole state before the first output.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** An independent generator seeded from this one, so sub-tasks do not shift each other's draws. */
  fork(): Rng {
    return createRng(this.uint32());
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Index drawn with probability proportional to its weight. */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i] ?? 0;
    let target = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i] ?? 0;
      if (target < 0) return i;
    }
    return weights.length - 1;
  }

  /** A key drawn with probability proportional to its weight. */
  pickWeighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const keys = Object.keys(weights) as K[];
    if (keys.length === 0) throw new Error('pick from an empty list');
    return keys[this.weightedIndex(keys.map((key) => weights[key]))] as K;
  }

  /** Fisher–Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const held = items[i] as T;
      items[i] = items[j] as T;
      items[j] = held;
    }
    return items;
  }

  /*
   * Two Box–Muller draws, because each pins seeded outputs that must not move: `normal` the
   * synthetic elections, `gaussian` the handwriting, training sets and committed models. They
   * differ only in how they keep log(u) finite (1 − u, or u floored at 1e-12).
   */

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Normal deviate (Box–Muller) with the given mean and standard deviation. */
  gaussian(mean = 0, deviation = 1): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return mean + deviation * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Gamma(shape, 1) by Marsaglia–Tsang, with the usual boost for shape < 1. */
  gamma(shape: number): number {
    if (shape <= 0) return 0;
    if (shape < 1) return this.gamma(shape + 1) * this.next() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x + y === 0 ? a / (a + b) : x / (x + y);
  }

  /**
   * Dirichlet(concentration × mean): a random probability vector around `mean` (which sums to 1);
   * the larger the concentration, the closer to the mean.
   */
  dirichlet(mean: ArrayLike<number>, concentration: number): Float64Array {
    const out = new Float64Array(mean.length);
    let total = 0;
    for (let i = 0; i < mean.length; i++) {
      const draw = this.gamma(concentration * (mean[i] ?? 0));
      out[i] = draw;
      total += draw;
    }
    if (total === 0) {
      // Every gamma underflowed (tiny concentrations): all the mass lands on one option.
      out[this.weightedIndex(mean)] = 1;
      return out;
    }
    for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) / total;
    return out;
  }

  /**
   * Binomial(n, p), exact, by inversion. The cost is O(min(np, n(1−p))), at most a few hundred
   * steps for the counts of one mesa; large n is split so q^n never underflows.
   */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    if (n > 1000) {
      const half = n >>> 1;
      return this.binomial(half, p) + this.binomial(n - half, p);
    }
    const q = 1 - p;
    const ratio = p / q;
    const a = (n + 1) * ratio;
    let probability = q ** n;
    let u = this.next();
    let x = 0;
    while (u > probability) {
      u -= probability;
      x++;
      if (x > n) return n;
      probability *= a / x - ratio;
    }
    return x;
  }

  /** Multinomial(n, weights) into `out` (weights need not sum to 1; all zero draws nothing), by conditional binomials. */
  multinomial(n: number, weights: ArrayLike<number>, out: Int32Array | number[]): void {
    let mass = 0;
    for (let i = 0; i < weights.length; i++) mass += weights[i] ?? 0;
    const totalMass = mass;
    let remaining = n;
    for (let i = 0; i < weights.length; i++) {
      const weight = weights[i] ?? 0;
      const drawn = remaining > 0 && mass > 0 ? this.binomial(remaining, Math.min(1, weight / mass)) : 0;
      out[i] = drawn;
      remaining -= drawn;
      mass -= weight;
    }
    // Rounding in `mass` can leave a vote or two when the last weights are tiny: give them to the
    // heaviest option so the total is always exactly n. With no mass at all nothing is drawn.
    if (remaining > 0 && totalMass > 0) {
      let heaviest = 0;
      for (let i = 1; i < weights.length; i++) if ((weights[i] ?? 0) > (weights[heaviest] ?? 0)) heaviest = i;
      out[heaviest] = (out[heaviest] ?? 0) + remaining;
    }
  }
}
