import { applyHomography, type Homography } from '../raster/geometry.js';
import { type PageRaster, type Rect, sampleLevel } from '../raster/raster.js';

/**
 * A model-based Code 39 reader for the E-14 barcode as scanned: narrow elements of about one
 * pixel, bars bled into the narrow spaces, 1-bit. Row-scanning decoders (zxing) need to see every
 * edge; here the bar region is averaged across its height through the registration (giving a
 * sub-pixel ink profile), the known structure is fitted (17 characters, start/stop `*`, 15 digits,
 * wide:narrow ratio and inter-character gap unknown), and each character slot is matched against the ideal
 * profile of every digit. Bleed shifts all candidates alike, so the best correlation still wins.
 */

/** Wide (1) / narrow (0) flags of bar, space, bar, … (9 elements), as in the Code 39 specification. */
const PATTERNS: Record<string, number> = {
  '0': 0x034,
  '1': 0x121,
  '2': 0x061,
  '3': 0x160,
  '4': 0x031,
  '5': 0x130,
  '6': 0x070,
  '7': 0x025,
  '8': 0x124,
  '9': 0x064,
  '*': 0x094,
};
const DIGIT_SYMBOLS = '0123456789'.split('');
const SLOT_SAMPLES = 48;
const SAMPLES_PER_UNIT = 4;
/** Print and scan stretch the bars a little: each character is also tried shifted (in modules). */
const SLOT_OFFSETS = [-0.33, 0, 0.33];
/** Candidate prints: wide:narrow ratio, gap between characters (modules), ink spread (modules). */
const FITS: [number, number, number][] = [2, 2.5, 3].flatMap((ratio) =>
  [1, 1.5, 2, 3].flatMap((gap) => [0, 0.35].map((spread): [number, number, number] => [ratio, gap, spread])),
);

export interface Code39Reading {
  text: string;
  /** 0..1: the weakest character's margin over its runner-up. */
  confidence: number;
  wideRatio: number;
  gapModules: number;
}

/** Ink fraction along the bars, averaged over rows through the middle of the bar region. */
function inkProfile(raster: PageRaster, toImage: Homography, region: Rect): Float64Array {
  const count = Math.round(region.width * SAMPLES_PER_UNIT);
  const profile = new Float64Array(count);
  const rows = 14;
  for (let r = 0; r < rows; r++) {
    const y = region.y + region.height * (0.2 + (0.6 * (r + 0.5)) / rows);
    for (let k = 0; k < count; k++) {
      const p = applyHomography(toImage, region.x + (k + 0.5) / SAMPLES_PER_UNIT, y);
      profile[k] = (profile[k] as number) + (255 - sampleLevel(raster, p.x, p.y)) / 255 / rows;
    }
  }
  return profile;
}

/** Ideal bar (1) / space (0) profile of a symbol, sampled at SLOT_SAMPLES points across its width. */
function idealProfile(symbol: string, ratio: number, spread: number): Float64Array {
  const flags = PATTERNS[symbol] as number;
  // Ink bleeds: bars print wider and spaces narrower by `spread` modules (the total is unchanged).
  const widths = Array.from({ length: 9 }, (_, i) => {
    const width = (flags >> (8 - i)) & 1 ? ratio : 1;
    return i % 2 === 0 ? width + spread : Math.max(0.15, width - spread);
  });
  const total = widths.reduce((a, b) => a + b, 0);
  const out = new Float64Array(SLOT_SAMPLES);
  for (let k = 0; k < SLOT_SAMPLES; k++) {
    const at = ((k + 0.5) / SLOT_SAMPLES) * total;
    let edge = 0;
    for (let i = 0; i < 9; i++) {
      edge += widths[i] as number;
      if (at < edge) {
        out[k] = i % 2 === 0 ? 1 : 0;
        break;
      }
    }
  }
  return centred(out);
}

function centred(values: Float64Array): Float64Array {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let norm = 0;
  for (let i = 0; i < values.length; i++) {
    values[i] = (values[i] as number) - mean;
    norm += (values[i] as number) ** 2;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) / norm;
  return values;
}

function slotProfile(profile: Float64Array, start: number, width: number, out: Float64Array): Float64Array {
  for (let k = 0; k < SLOT_SAMPLES; k++) {
    const at = start + ((k + 0.5) / SLOT_SAMPLES) * width - 0.5;
    const i = Math.floor(at);
    const t = at - i;
    const a = profile[Math.max(0, Math.min(profile.length - 1, i))] as number;
    const b = profile[Math.max(0, Math.min(profile.length - 1, i + 1))] as number;
    out[k] = a * (1 - t) + b * t;
  }
  return centred(out);
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

const idealCache = new Map<string, Float64Array>();
function ideal(symbol: string, ratio: number, spread: number): Float64Array {
  const key = `${symbol}:${ratio}:${spread}`;
  let value = idealCache.get(key);
  if (!value) {
    value = idealProfile(symbol, ratio, spread);
    idealCache.set(key, value);
  }
  return value;
}

/** Reads `characters` digits between start/stop characters from the bar region, or null. */
export function readCode39Digits(
  raster: PageRaster,
  toImage: Homography,
  region: Rect,
  characters = 15,
): Code39Reading | null {
  const profile = inkProfile(raster, toImage, region);
  const threshold = 0.5;
  let left = -1;
  let right = -1;
  for (let k = 0; k < profile.length; k++) {
    if ((profile[k] as number) >= threshold) {
      if (left < 0) left = k;
      right = k;
    }
  }
  if (left < 0 || right - left < profile.length * 0.3) return null;
  const slots = characters + 2;
  const observed = new Float64Array(SLOT_SAMPLES);
  let best: Code39Reading | null = null;
  let bestScore = Number.NEGATIVE_INFINITY;
  // The print sets the wide:narrow ratio and the gap between characters (1 module in the
  // specification, about 3 on the published sheets): both are fitted.
  for (const [ratio, gap, spread] of FITS) {
    const charModules = 6 + 3 * ratio;
    const module = (right + 1 - left) / (slots * charModules + (slots - 1) * gap);
    let text = '';
    let score = 0;
    let weakest = 1;
    let valid = true;
    for (let slot = 0; slot < slots; slot++) {
      const nominal = left + slot * (charModules + gap) * module;
      const allowed = slot === 0 || slot === slots - 1 ? ['*'] : DIGIT_SYMBOLS;
      let slotBest = { symbol: '', value: Number.NEGATIVE_INFINITY, runnerUp: Number.NEGATIVE_INFINITY };
      for (const offset of SLOT_OFFSETS) {
        slotProfile(profile, nominal + offset * module, charModules * module, observed);
        let top = { symbol: '', value: Number.NEGATIVE_INFINITY };
        let second = Number.NEGATIVE_INFINITY;
        for (const symbol of allowed) {
          const value = dot(observed, ideal(symbol, ratio, spread));
          if (value > top.value) {
            second = top.value;
            top = { symbol, value };
          } else if (value > second) second = value;
        }
        if (top.value > slotBest.value) slotBest = { symbol: top.symbol, value: top.value, runnerUp: second };
      }
      if (slotBest.value < 0.4) valid = false;
      text += slotBest.symbol;
      score += slotBest.value;
      if (allowed.length > 1)
        weakest = Math.min(weakest, Math.max(0, Math.min(1, (slotBest.value - slotBest.runnerUp) / 0.25)));
      if (!valid) break;
    }
    if (valid && score > bestScore) {
      bestScore = score;
      best = { text: text.slice(1, -1), confidence: weakest, wideRatio: ratio, gapModules: gap };
    }
  }
  return best;
}
