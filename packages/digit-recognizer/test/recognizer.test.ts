import { describe, expect, it } from 'vitest';
import { decodeGlyphs, GLYPH_CLASSES, type GlyphClass, type GlyphPrediction } from '../src/index.js';

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
