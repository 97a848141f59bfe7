import sharp from 'sharp';
import type { Homography } from '../raster/geometry.js';
import { connectedComponents, type GrayImage, type PageRaster, type Rect, warpRegion } from '../raster/raster.js';
import { PRINTED_GLYPH_SIZE, PRINTED_GLYPHS, type PrintedGlyphWeight } from './printed-glyphs.js';

/**
 * Printed digits of the header (mesa codes, transmission code, the text under the barcode). They
 * are set in Arial at fixed positions, so the fastest reliable reader is template matching against
 * the same glyphs rendered from Arimo (Arial's metric twin): ten prototypes per weight, a
 * normalised correlation per glyph, microseconds each. A general OCR engine (tesseract.js) would
 * cost hundreds of milliseconds per page and a trained-data download for the same result.
 * The outlines are baked into printed-glyphs.ts (generated in @castor/e14-synth-sheets from the
 * installed font), so production carries neither the font nor a font parser.
 */

const PROTOTYPE_WIDTH = 16;
const PROTOTYPE_HEIGHT = 24;
/** Every symbol the reader has prototypes for (printed-glyphs.ts holds an outline of each). */
export const PRINTED_SYMBOLS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'] as const;
export type PrintedSymbol = (typeof PRINTED_SYMBOLS)[number];

interface Prototype {
  symbol: PrintedSymbol;
  /** Ink coverage resampled to the prototype grid, mean-centred and unit-norm. */
  vector: Float32Array;
  aspect: number;
}

export interface PrintedGlyph {
  symbol: PrintedSymbol | '-';
  box: Rect;
  score: number;
  confidence: number;
}

export interface PrintedReading {
  text: string;
  confidence: number;
  glyphs: PrintedGlyph[];
}

/** Samples a glyph's ink box onto the prototype grid (area average), as ink coverage 0..1. */
function glyphVector(image: GrayImage, box: Rect): Float32Array {
  const vector = new Float32Array(PROTOTYPE_WIDTH * PROTOTYPE_HEIGHT);
  const sx = box.width / PROTOTYPE_WIDTH;
  const sy = box.height / PROTOTYPE_HEIGHT;
  for (let gy = 0; gy < PROTOTYPE_HEIGHT; gy++) {
    for (let gx = 0; gx < PROTOTYPE_WIDTH; gx++) {
      // Average over the source pixels the grid cell covers (at least one sample).
      const x0 = box.x + gx * sx;
      const y0 = box.y + gy * sy;
      const nx = Math.max(1, Math.round(sx));
      const ny = Math.max(1, Math.round(sy));
      let sum = 0;
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const x = Math.min(image.width - 1, Math.floor(x0 + ((i + 0.5) * sx) / nx));
          const y = Math.min(image.height - 1, Math.floor(y0 + ((j + 0.5) * sy) / ny));
          sum += 1 - (image.data[y * image.width + x] as number) / 255;
        }
      }
      vector[gy * PROTOTYPE_WIDTH + gx] = sum / (nx * ny);
    }
  }
  let mean = 0;
  for (const v of vector) mean += v;
  mean /= vector.length;
  let norm = 0;
  for (let i = 0; i < vector.length; i++) {
    const centred = (vector[i] as number) - mean;
    vector[i] = centred;
    norm += centred * centred;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
  return vector;
}

/** Bounding box of the ink (values under 128) of an image. */
function inkBounds(image: GrayImage): Rect {
  let minX = image.width;
  let minY = image.height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if ((image.data[y * image.width + x] as number) >= 128) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/**
 * Prototypes of one symbol. Arimo's 1 stands on a foot that Arial's has not, so the 1 also gets a
 * footless variant (its bottom sixth erased), which is the glyph the Registraduría prints.
 */
async function renderPrototypes(
  symbol: PrintedSymbol,
  weight: PrintedGlyphWeight,
  bleed: number,
): Promise<Prototype[]> {
  // The outline sits at x = 12 on a baseline at y = size: 12 px of margin either side of its advance.
  const glyph = PRINTED_GLYPHS[weight][symbol];
  const size = PRINTED_GLYPH_SIZE;
  const width = Math.ceil(glyph.advanceWidth) + 24;
  const height = size + 32;
  // Bleed: the outline stroked as well, as ink spreads on a cheap print or a dark scan.
  const stroke = bleed > 0 ? ` stroke="#000" stroke-width="${(bleed * size).toFixed(1)}" stroke-linejoin="round"` : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/><path d="${glyph.path}" fill="#000"${stroke}/></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer({ resolveWithObject: true });
  const image: GrayImage = {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
  const inkBox = inkBounds(image);
  const prototypes = [{ symbol, vector: glyphVector(image, inkBox), aspect: inkBox.width / inkBox.height }];
  if (symbol === '1') {
    const footTop = inkBox.y + Math.round(inkBox.height * (5 / 6));
    image.data.fill(255, footTop * image.width);
    const footless = inkBounds(image);
    prototypes.push({ symbol, vector: glyphVector(image, footless), aspect: footless.width / footless.height });
  }
  return prototypes;
}

/** Ink spread of the prototype variants, as a fraction of the font size. */
const BLEEDS = [0, 0.035];

/** Width over height above which a box holds more than one glyph (a bold X is 0.9, a digit ≤ 0.7). */
const TOUCHING_ASPECT = 1;
/** Typical width over height of one printed digit, to tell how many touch. */
const DIGIT_ASPECT = 0.62;

/**
 * Splits a box of touching glyphs (feet of adjacent 1s bled together in a photo) at the columns
 * with the least ink near where the glyph boundaries should be.
 */
function splitTouching(mask: Uint8Array, width: number, box: Rect): Rect[] {
  const aspect = box.width / box.height;
  if (aspect <= TOUCHING_ASPECT) return [box];
  const parts = Math.max(2, Math.round(aspect / DIGIT_ASPECT));
  const columnInk = (x: number) => {
    let ink = 0;
    for (let y = box.y; y < box.y + box.height; y++) ink += mask[y * width + x] as number;
    return ink;
  };
  const cuts = [box.x];
  for (let part = 1; part < parts; part++) {
    const nominal = box.x + (box.width * part) / parts;
    const reach = box.width / parts / 4;
    let best = Math.round(nominal);
    for (let x = Math.round(nominal - reach); x <= Math.round(nominal + reach); x++) {
      if (columnInk(x) < columnInk(best)) best = x;
    }
    cuts.push(best);
  }
  cuts.push(box.x + box.width);
  const pieces: Rect[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const x0 = cuts[i] as number;
    const x1 = cuts[i + 1] as number;
    let top = box.y + box.height;
    let bottom = box.y - 1;
    for (let y = box.y; y < box.y + box.height; y++) {
      for (let x = x0; x < x1; x++) {
        if (mask[y * width + x] === 1) {
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
          break;
        }
      }
    }
    if (bottom >= top && x1 > x0) pieces.push({ x: x0, y: top, width: x1 - x0, height: bottom - top + 1 });
  }
  return pieces;
}

export class PrintedDigitReader {
  private constructor(private readonly prototypes: Prototype[]) {}

  static async create(): Promise<PrintedDigitReader> {
    const prototypes: Prototype[] = [];
    for (const weight of [400, 700] as const) {
      for (const symbol of PRINTED_SYMBOLS) {
        for (const bleed of BLEEDS) prototypes.push(...(await renderPrototypes(symbol, weight, bleed)));
      }
    }
    return new PrintedDigitReader(prototypes);
  }

  /** Best symbol for one glyph box, with a confidence from the margin over the runner-up symbol. */
  classify(image: GrayImage, box: Rect, allowed: ReadonlySet<PrintedSymbol>): PrintedGlyph {
    const vector = glyphVector(image, box);
    const aspect = box.width / box.height;
    const bestBySymbol = new Map<PrintedSymbol, number>();
    for (const prototype of this.prototypes) {
      if (!allowed.has(prototype.symbol)) continue;
      let dot = 0;
      for (let i = 0; i < vector.length; i++) dot += (vector[i] as number) * (prototype.vector[i] as number);
      // The grid stretches every glyph to one size, so the aspect ratio is what tells a 1 apart.
      const score = dot - 0.6 * Math.abs(Math.log(aspect / prototype.aspect));
      if (score > (bestBySymbol.get(prototype.symbol) ?? Number.NEGATIVE_INFINITY))
        bestBySymbol.set(prototype.symbol, score);
    }
    const ranked = [...bestBySymbol.entries()].sort((a, b) => b[1] - a[1]);
    const [symbol, score] = ranked[0] ?? ['0', 0];
    const runnerUp = ranked[1]?.[1] ?? 0;
    const margin = Math.max(0, Math.min(1, (score - runnerUp) / 0.2));
    const fit = Math.max(0, Math.min(1, (score - 0.35) / 0.35));
    return { symbol, box, score, confidence: Math.sqrt(margin * fit) };
  }

  /**
   * Reads a line of printed digits (and X/dash separators when `withSeparators`) in a template
   * region, sampled through the registration at `scale` pixels per template unit.
   */
  read(
    raster: PageRaster,
    toImage: Homography,
    region: Rect,
    options: { scale?: number; withSeparators?: boolean } = {},
  ): PrintedReading {
    const image = warpRegion(raster, toImage, region, options.scale ?? 2);
    return this.readImage(image, options.withSeparators ?? false);
  }

  readImage(image: GrayImage, withSeparators: boolean): PrintedReading {
    const mask = new Uint8Array(image.width * image.height);
    for (let i = 0; i < mask.length; i++) mask[i] = (image.data[i] as number) < 160 ? 1 : 0;
    // Specks of scan noise (a few pixels) are dropped before glyphs are assembled.
    const minArea = Math.max(3, Math.round(image.height * image.height * 0.012));
    const components = connectedComponents(mask, image.width, image.height, minArea);
    // A broken glyph is several components stacked in one column: merge what overlaps in x.
    const merged: Rect[] = [];
    for (const c of components.sort((a, b) => a.minX - b.minX)) {
      const box = { x: c.minX, y: c.minY, width: c.maxX - c.minX + 1, height: c.maxY - c.minY + 1 };
      const last = merged.at(-1);
      const overlap = last ? Math.min(last.x + last.width, box.x + box.width) - Math.max(last.x, box.x) : -1;
      if (last && overlap > Math.min(last.width, box.width) * 0.5) {
        const x = Math.min(last.x, box.x);
        const y = Math.min(last.y, box.y);
        last.width = Math.max(last.x + last.width, box.x + box.width) - x;
        last.height = Math.max(last.y + last.height, box.y + box.height) - y;
        last.x = x;
        last.y = y;
      } else merged.push(box);
    }
    const tallest = Math.max(0, ...merged.map((box) => box.height));
    const boxes = merged.flatMap((box) =>
      box.height >= tallest * 0.6 ? splitTouching(mask, image.width, box) : [box],
    );
    const glyphs: PrintedGlyph[] = [];
    const digitsAndX = new Set<PrintedSymbol>(
      withSeparators ? PRINTED_SYMBOLS : PRINTED_SYMBOLS.filter((s) => s !== 'X'),
    );
    for (const box of boxes) {
      if (box.height >= tallest * 0.6) glyphs.push(this.classify(image, box, digitsAndX));
      else if (withSeparators && box.width > box.height * 1.1 && box.height < tallest * 0.4) {
        glyphs.push({ symbol: '-', box, score: 1, confidence: 1 });
      }
    }
    const text = glyphs.map((glyph) => glyph.symbol).join('');
    const confidence = glyphs.length === 0 ? 0 : Math.min(...glyphs.map((glyph) => glyph.confidence));
    return { text, confidence, glyphs };
  }
}
