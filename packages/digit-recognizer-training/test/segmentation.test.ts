import {
  createGrayImage,
  cutHypotheses,
  drawDarkest,
  type GrayImage,
  isWide,
  segmentCell,
} from '@castor/digit-recognizer';
import { createRng } from '@castor/seeded-random';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type GlyphLabel,
  type GlyphNoise,
  type HandStyle,
  type HandwritingRenderer,
  loadHandwritingRenderer,
} from '../src/index.js';

let renderer: HandwritingRenderer;

beforeAll(async () => {
  renderer = await loadHandwritingRenderer();
});

const QUIET: GlyphNoise = { rotation: 0, elastic: 0, dropout: 0, edgeNoise: 0, speckle: 0 };
const HAND: HandStyle = {
  face: 'kalam-700',
  digitHeight: 48,
  strokeWidth: 4,
  slant: 0,
  widthScale: 1,
  sevenStyle: 'crossed',
  oneStyle: 'flag',
  dotStyle: 'filled',
};

/** A 200 × 80 cell with glyphs centred at the given x positions (digits on a baseline, fillers mid-height). */
function craftCell(glyphs: { label: GlyphLabel; x: number }[], seed = 1): GrayImage {
  const cell = createGrayImage(200, 80);
  const rng = createRng(seed);
  for (const { label, x } of glyphs) {
    const glyph = renderer.renderWithHand(label, HAND, QUIET, 2, rng);
    const filler = label === 'dot' || label === 'dash';
    const top = filler ? 40 - glyph.height / 2 : 64 - glyph.height;
    drawDarkest(cell, glyph, Math.round(x - glyph.width / 2), Math.round(top));
  }
  return cell;
}

const centres = (image: GrayImage) =>
  segmentCell(image).glyphs.map((glyph) => Math.round(glyph.box.x + glyph.box.width / 2));

describe('segmentCell', () => {
  it('finds three digits left to right', () => {
    const segmentation = segmentCell(
      craftCell([
        { label: '1', x: 40 },
        { label: '9', x: 100 },
        { label: '2', x: 160 },
      ]),
    );
    expect(segmentation.method).toBe('components');
    expect(segmentation.glyphs).toHaveLength(3);
    const found = segmentation.glyphs.map((glyph) => glyph.box.x + glyph.box.width / 2);
    for (const [i, expected] of [40, 100, 160].entries())
      expect(Math.abs((found[i] as number) - expected)).toBeLessThan(8);
    // Digits are at least half the digit height (a jurado's 1 can be short).
    for (const glyph of segmentation.glyphs) expect(glyph.box.height).toBeGreaterThan(24);
  });

  it('keeps dots before digits as small separate glyphs', () => {
    const segmentation = segmentCell(
      craftCell([
        { label: 'dot', x: 40 },
        { label: '3', x: 100 },
        { label: '4', x: 160 },
      ]),
    );
    expect(segmentation.glyphs).toHaveLength(3);
    const [dot, three, four] = segmentation.glyphs;
    expect(dot?.box.height).toBeLessThan(0.5 * (three?.box.height ?? 0));
    expect(dot?.box.x).toBeLessThan(three?.box.x ?? 0);
    expect(three?.box.x).toBeLessThan(four?.box.x ?? 0);
  });

  it('finds the three dots of an empty row, and nothing in a blank one', () => {
    const dots = segmentCell(
      craftCell([
        { label: 'dot', x: 40 },
        { label: 'dot', x: 100 },
        { label: 'dot', x: 160 },
      ]),
    );
    expect(dots.glyphs).toHaveLength(3);
    expect(dots.glyphs.every((glyph) => glyph.box.height < 30)).toBe(true);
    const blank = createGrayImage(200, 80);
    // Scanner specks of a pixel or two are below the size of any glyph.
    blank.data[10 * 200 + 10] = 0;
    blank.data[50 * 200 + 150] = 0;
    blank.data[50 * 200 + 151] = 0;
    expect(segmentCell(blank).glyphs).toHaveLength(0);
  });

  it('keeps a digit written over another as one glyph', () => {
    const cell = craftCell([
      { label: 'dot', x: 40 },
      { label: '4', x: 100 },
      { label: '7', x: 160 },
    ]);
    drawDarkest(cell, renderer.renderWithHand('8', HAND, QUIET, 2, createRng(9)), 88, 18);
    const segmentation = segmentCell(cell);
    expect(segmentation.glyphs).toHaveLength(3);
    expect(segmentation.glyphs[1]?.area).toBeGreaterThan(segmentation.glyphs[2]?.area ?? 0);
  });

  it('removes table rulings caught in the crop', () => {
    const cell = craftCell([
      { label: '5', x: 60 },
      { label: '8', x: 130 },
    ]);
    for (let x = 0; x < 200; x++) {
      cell.data[x] = 0;
      cell.data[200 + x] = 0;
      cell.data[79 * 200 + x] = 0;
    }
    for (let y = 0; y < 80; y++) cell.data[y * 200 + 2] = 0;
    const segmentation = segmentCell(cell);
    expect(segmentation.rulingPixels).toBeGreaterThan(450);
    expect(segmentation.glyphs).toHaveLength(2);
  });

  it('offers cuts for touching digits that separate them', () => {
    const cell = craftCell([
      { label: '0', x: 80 },
      { label: '0', x: 104 },
    ]);
    const segmentation = segmentCell(cell);
    expect(segmentation.glyphs).toHaveLength(1);
    const [joined] = segmentation.glyphs;
    if (!joined) throw new Error('no glyph');
    expect(isWide(joined, segmentation.referenceHeight)).toBe(true);
    const hypotheses = cutHypotheses(joined, segmentation.referenceHeight);
    expect(hypotheses.length).toBeGreaterThan(0);
    // Some cut falls where the two zeros meet, halfway between their centres.
    const cuts = hypotheses.map((pieces) => (pieces[1] as { box: { x: number } }).box.x);
    expect(cuts.some((x) => Math.abs(x - 92) <= 5)).toBe(true);
  });

  it('cuts between touching digits that overlap in x along a curved path', () => {
    // Two strokes leaning right, joined by a short bridge: every straight column crosses both.
    const cell = createGrayImage(200, 80);
    const stroke = (offset: number) => {
      let area = 0;
      for (let y = 16; y < 64; y++) {
        const left = offset + Math.round((64 - y) / 2);
        for (let x = left; x < left + 10; x++, area++) cell.data[y * 200 + x] = 0;
      }
      return area;
    };
    const areas = [stroke(60), stroke(78)];
    for (let y = 39; y < 42; y++) for (let x = 80; x < 90; x++) cell.data[y * 200 + x] = 0;
    const segmentation = segmentCell(cell);
    expect(segmentation.glyphs).toHaveLength(1);
    const [joined] = segmentation.glyphs;
    if (!joined) throw new Error('no glyph');
    const separated = cutHypotheses(joined, segmentation.referenceHeight).some(
      (pieces) =>
        pieces.length === 2 &&
        pieces.every((piece, k) => Math.abs(piece.area - (areas[k] as number)) <= 0.1 * (areas[k] as number)),
    );
    expect(separated).toBe(true);
  });

  it('falls back to thirds when the ink breaks into too many pieces', () => {
    const cell = createGrayImage(200, 80);
    for (let k = 0; k < 12; k++) {
      for (let y = 20; y < 60; y++) {
        cell.data[y * 200 + 20 + k * 14] = 0;
        cell.data[y * 200 + 21 + k * 14] = 0;
      }
    }
    const segmentation = segmentCell(cell);
    expect(segmentation.method).toBe('thirds');
    expect(segmentation.glyphs).toHaveLength(3);
  });

  it('judges sizes against the digit height it is given', () => {
    const cell = craftCell([{ label: 'dot', x: 100 }]);
    expect(segmentCell(cell).referenceHeight).toBeCloseTo(48, 0);
    expect(segmentCell(cell, { digitHeight: 30 }).referenceHeight).toBe(30);
    expect(centres(cell)).toHaveLength(1);
  });
});
