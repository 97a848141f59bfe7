/**
 * Deterministic randomness. Every decision of the generator draws from its own stream, keyed by
 * the seed and by what is being decided (a mesa, a corporation, a purpose). A stream is a pure
 * function of its key, so any mesa can be regenerated on its own, in any order, and iterating the
 * election twice (or only part of it) always yields the same numbers.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state,
 * passes PractRand); keys are mixed into its state with the murmur3 finaliser.
 */

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
    const high = Math.floor(part / 0x1_0000_0000);
    h = fmix32(Math.imul(h ^ (part >>> 0), 0x9e3779b1) + high);
  }
  return h;
}

const TWO_POW_32 = 0x1_0000_0000;

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A stream keyed by any tuple of non-negative integers (seed first, then purpose and ids). */
  constructor(key: readonly number[]) {
    this.a = hashKey(key, 0x243f6a88);
    this.b = hashKey(key, 0x85a308d3);
    this.c = hashKey(key, 0x13198a2e);
    this.d = hashKey(key, 0x03707344);
    // Let the counter spread the key through the whole state before the first output.
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
  float(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.float() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Index drawn with probability proportional to its weight. */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i] ?? 0;
    let target = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i] ?? 0;
      if (target < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher–Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const held = items[i] as T;
      items[i] = items[j] as T;
      items[j] = held;
    }
    return items;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** Gamma(shape, 1) by Marsaglia–Tsang, with the usual boost for shape < 1. */
  gamma(shape: number): number {
    if (shape <= 0) return 0;
    if (shape < 1) return this.gamma(shape + 1) * this.float() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = this.float();
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
    let u = this.float();
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

export function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function logit(p: number): number {
  return Math.log(p / (1 - p));
}
