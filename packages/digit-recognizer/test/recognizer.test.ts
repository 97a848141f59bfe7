import { describe, expect, it } from 'vitest';
import {
  CellRecognizer,
  createGrayImage,
  decodeGlyphs,
  GLYPH_CLASSES,
  type GlyphClass,
  type GlyphPrediction,
  type GrayImage,
} from '../src/index.js';

/** A prediction that is `label` with probability p, the rest spread evenly. */
function sure(label: GlyphClass, p = 0.97): GlyphPrediction {
  const probabilities = new Float32Array(GLYPH_CLASSES.length).fill((1 - p) / (GLYPH_CLASSES.length - 1));
  probabilities[GLYPH_CLASSES.indexOf(label)] = p;
  return { probabilities, overwritten: 0 };
}

const best = (predictions: GlyphPrediction[]) =>
  [...decodeGlyphs(predictions).masses.entries()].sort((a, b) => b[1] - a[1])[0];

describe('decodeGlyphs (the grammar of a cell)', () => {
  it('reads fillers then digits', () => {
    expect(best([sure('dot'), sure('3'), sure('4')])?.[0]).toBe(34);
    expect(best([sure('dash'), sure('dash'), sure('7')])?.[0]).toBe(7);
    expect(best([sure('1'), sure('9'), sure('2')])?.[0]).toBe(192);
    expect(best([sure('dot'), sure('dot'), sure('dot')])?.[0]).toBe('empty');
    expect(best([])?.[0]).toBe('empty');
  });

  it('ignores ink classified as blank', () => {
    expect(best([sure('blank'), sure('2'), sure('blank'), sure('7')])?.[0]).toBe(27);
  });

  it('gives impossible patterns no confident reading', () => {
    // A dot after a digit, four digits, a rejected glyph: the best reading holds little mass.
    for (const glyphs of [
      [sure('3'), sure('dot')],
      [sure('1'), sure('2'), sure('3'), sure('4')],
      [sure('dot'), sure('reject'), sure('5')],
    ]) {
      const [, mass] = best(glyphs) ?? [null, 0];
      expect(mass).toBeLessThan(0.1);
    }
  });

  it('shares the mass between the readings of an ambiguous glyph', () => {
    const ambiguous = new Float32Array(GLYPH_CLASSES.length);
    ambiguous[GLYPH_CLASSES.indexOf('7')] = 0.55;
    ambiguous[GLYPH_CLASSES.indexOf('1')] = 0.45;
    const { masses } = decodeGlyphs([sure('dot', 1), { probabilities: ambiguous, overwritten: 0 }, sure('4', 1)]);
    expect(masses.get(74)).toBeCloseTo(0.55, 5);
    expect(masses.get(14)).toBeCloseTo(0.45, 5);
  });
});

describe('CellRecognizer.readCell: an empty row', () => {
  /** A row's value area (214 × 80, as the 2026 sheets crop it) with pen strokes through the points given. */
  function cellWith(...strokes: Array<(t: number) => [number, number]>): GrayImage {
    const image = createGrayImage(214, 80);
    for (const at of strokes) {
      for (let t = 0; t <= 1; t += 0.002) {
        const [x, y] = at(t);
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) image.data[(Math.round(y) + dy) * 214 + Math.round(x) + dx] = 0;
      }
    }
    return image;
  }
  const dot =
    (x: number) =>
    (t: number): [number, number] => [x + 2 * Math.cos(t * 6.3), 44 + 2 * Math.sin(t * 6.3)];

  it('is empty when it holds filler dots only, and not when a stroke crosses it', async () => {
    const recognizer = await CellRecognizer.load();
    expect(recognizer.readCell(cellWith(dot(50), dot(100), dot(150)))).toMatchObject({ state: 'empty', value: 0 });
    // A line drawn across the row, digit-high: the grammar could take its pieces for dashes, but
    // they read as no filler, so the row is not declared empty.
    const crossed = recognizer.readCell(cellWith((t) => [20 + 170 * t, 70 - 60 * t]));
    expect(crossed.state).not.toBe('empty');
    expect(crossed.alternatives.map((alternative) => alternative.value)).not.toContain('empty');
  });
});
