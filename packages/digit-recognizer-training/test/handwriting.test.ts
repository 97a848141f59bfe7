import { countInk, DIGITS, type GrayImage } from '@castor/digit-recognizer';
import { createRng } from '@castor/seeded-random';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type GlyphNoise,
  HANDWRITING_FACE_IDS,
  type HandStyle,
  type HandwritingRenderer,
  loadHandwritingRenderer,
  renderHandwrittenGlyph,
  renderHandwrittenNumber,
} from '../src/index.js';

let renderer: HandwritingRenderer;

beforeAll(async () => {
  renderer = await loadHandwritingRenderer();
});

const QUIET: GlyphNoise = { rotation: 0, elastic: 0, dropout: 0, edgeNoise: 0, speckle: 0 };

function hand(overrides: Partial<HandStyle> = {}): HandStyle {
  return {
    face: 'patrick-hand',
    digitHeight: 48,
    strokeWidth: 4,
    slant: 0,
    widthScale: 1,
    sevenStyle: 'plain',
    oneStyle: 'face',
    dotStyle: 'filled',
    ...overrides,
  };
}

/** Ink bounding box height and width. */
function inkExtent(image: GrayImage): { width: number; height: number } {
  let x0 = image.width;
  let x1 = -1;
  let y0 = image.height;
  let y1 = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if ((image.data[y * image.width + x] as number) > 127) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return { width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Widest horizontal run of ink in the rows from 40 % to 75 % of the glyph's height. */
function widestRunBelowTop(image: GrayImage): number {
  let widest = 0;
  for (let y = Math.floor(image.height * 0.4); y < Math.ceil(image.height * 0.75); y++) {
    let run = 0;
    for (let x = 0; x < image.width; x++) {
      run = (image.data[y * image.width + x] as number) <= 127 ? run + 1 : 0;
      widest = Math.max(widest, run);
    }
  }
  return widest;
}

describe('renderHandwrittenGlyph', () => {
  it('is deterministic for a seed and varies between seeds', async () => {
    const a = await renderHandwrittenGlyph('7', {}, createRng('glyph-seed'));
    const b = await renderHandwrittenGlyph('7', {}, createRng('glyph-seed'));
    const c = await renderHandwrittenGlyph('7', {}, createRng('other-seed'));
    expect(b).toEqual(a);
    expect(Buffer.from(c.data).equals(Buffer.from(a.data)) && c.width === a.width).toBe(false);
  });

  it('draws 1-bit glyphs of the requested digit height in every face', () => {
    const rng = createRng('faces');
    for (const face of HANDWRITING_FACE_IDS) {
      for (const digit of DIGITS) {
        const glyph = renderer.renderGlyph(digit, { face, digitHeight: 40 }, rng);
        expect(glyph.data.every((value) => value === 0 || value === 255)).toBe(true);
        const { height } = inkExtent(glyph);
        // Within a face digits differ in height (descenders, short 1s), and the size jitters ±8 %.
        expect(height, `${face} ${digit}`).toBeGreaterThan(40 * 0.55);
        expect(height, `${face} ${digit}`).toBeLessThan(40 * 1.6);
      }
    }
  });

  it('draws dots much smaller than digits, and dashes wider than tall', () => {
    const rng = createRng('fillers');
    for (let i = 0; i < 30; i++) {
      const dot = inkExtent(renderer.renderGlyph('dot', { digitHeight: 50 }, rng));
      expect(dot.height).toBeLessThan(50 * 0.62);
      expect(dot.width).toBeLessThan(50 * 0.75);
      const dash = inkExtent(renderer.renderGlyph('dash', { digitHeight: 50, rotation: 0 }, rng));
      expect(dash.width).toBeGreaterThan(dash.height * 1.5);
    }
  });

  it('crosses the European 7 and adds the flag to the 1', () => {
    for (let seed = 0; seed < 5; seed++) {
      const plain = renderer.renderWithHand(
        '7',
        hand({ face: 'handlee', sevenStyle: 'plain' }),
        QUIET,
        2,
        createRng(seed),
      );
      const crossed = renderer.renderWithHand(
        '7',
        hand({ face: 'handlee', sevenStyle: 'crossed' }),
        QUIET,
        2,
        createRng(seed),
      );
      // Below the top bar a plain 7 is only its stem; the crossed one has a row of ink as wide as the bar.
      expect(widestRunBelowTop(plain)).toBeLessThan(plain.width * 0.3);
      expect(widestRunBelowTop(crossed)).toBeGreaterThan(crossed.width * 0.4);
    }
    const stem = renderer.renderWithHand('1', hand({ oneStyle: 'stem' }), QUIET, 2, createRng(2));
    const flagged = renderer.renderWithHand('1', hand({ oneStyle: 'flag-base' }), QUIET, 2, createRng(2));
    expect(inkExtent(flagged).width).toBeGreaterThan(inkExtent(stem).width * 2);
  });

  it("draws the 4 open or closed when asked, and the face's own otherwise", () => {
    const own = renderer.renderWithHand('4', hand(), QUIET, 2, createRng(6));
    expect(renderer.renderWithHand('4', hand({ fourStyle: 'face' }), QUIET, 2, createRng(6))).toEqual(own);
    for (const fourStyle of ['open', 'closed'] as const) {
      for (let seed = 0; seed < 3; seed++) {
        const four = renderer.renderWithHand('4', hand({ fourStyle }), QUIET, 2, createRng(seed));
        const { width, height } = inkExtent(four);
        expect(height).toBeGreaterThan(40);
        expect(height).toBeLessThan(56);
        expect(width).toBeGreaterThan(height * 0.35);
        expect(width).toBeLessThan(height * 1.1);
        expect(four).not.toEqual(own);
      }
    }
  });

  it('slashes the 0 through and past its oval, and crosses it out inside', () => {
    for (let seed = 0; seed < 4; seed++) {
      const zero = renderer.renderWithHand('0', hand(), QUIET, 2, createRng(seed));
      const slashed = renderer.renderWithHand('slashed-zero', hand(), QUIET, 2, createRng(seed));
      const crossed = renderer.renderWithHand('crossed-zero', hand(), QUIET, 2, createRng(seed));
      // 'Ø': the slash reaches beyond the oval; '⊗': the strokes stay inside it and add ink.
      expect(inkExtent(slashed).height).toBeGreaterThan(inkExtent(zero).height);
      expect(countInk(slashed)).toBeGreaterThan(countInk(zero) * 1.15);
      expect(inkExtent(crossed).height).toBeLessThanOrEqual(inkExtent(zero).height + 3);
      expect(countInk(crossed)).toBeGreaterThan(countInk(zero) * 1.1);
      // A hand that slashes its zeros does so for the digit 0 too.
      expect(renderer.renderWithHand('0', hand({ zeroStyle: 'slashed' }), QUIET, 2, createRng(seed))).toEqual(slashed);
    }
    const cross = renderer.renderWithHand('cross', hand(), QUIET, 2, createRng(1));
    expect(inkExtent(cross).height).toBeGreaterThan(48 * 0.45);
  });

  it('draws the European 1 with a lead-in reaching far down the stem, and the 1 on a foot', () => {
    for (let seed = 0; seed < 5; seed++) {
      const stem = renderer.renderWithHand('1', hand({ oneStyle: 'stem' }), QUIET, 2, createRng(seed));
      const leadIn = renderer.renderWithHand('1', hand({ oneStyle: 'lead-in' }), QUIET, 2, createRng(seed));
      const base = renderer.renderWithHand('1', hand({ oneStyle: 'base' }), QUIET, 2, createRng(seed));
      expect(inkExtent(leadIn).width).toBeGreaterThan(inkExtent(stem).width * 2);
      // The lead-in's end lies in the lower part of the glyph: ink on the left below the middle.
      const { width, height, data } = leadIn;
      let leftInkBelowMiddle = 0;
      for (let y = Math.floor(height * 0.45); y < height; y++)
        for (let x = 0; x < width * 0.3; x++) if ((data[y * width + x] as number) <= 127) leftInkBelowMiddle++;
      expect(leftInkBelowMiddle).toBeGreaterThan(0);
      expect(inkExtent(base).width).toBeGreaterThan(inkExtent(stem).width * 1.5);
    }
  });

  it('follows the requested pen width', () => {
    const thin = renderer.renderWithHand('8', hand({ strokeWidth: 2 }), QUIET, 2, createRng(3));
    const thick = renderer.renderWithHand('8', hand({ strokeWidth: 7 }), QUIET, 2, createRng(3));
    expect(countInk(thick)).toBeGreaterThan(countInk(thin) * 2);
  });
});

describe('renderHandwrittenNumber', () => {
  it('lays out three positions with dots for unused leading ones', async () => {
    const cell = await renderHandwrittenNumber(34, { cellWidth: 170, cellHeight: 80, filler: 'dot' }, createRng(4));
    expect(cell.image.width).toBe(170);
    expect(cell.image.height).toBe(80);
    expect(cell.state).toBe('read');
    expect(cell.value).toBe(34);
    expect(cell.positions.map((position) => position.label)).toEqual(['dot', '3', '4']);
    const centres = cell.positions.map((position) => (position.box ? position.box.x + position.box.width / 2 : -1));
    expect(centres[0]).toBeLessThan(centres[1] as number);
    expect(centres[1]).toBeLessThan(centres[2] as number);
  });

  it('draws an empty row as no ink at all, or as fillers only', () => {
    const blank = renderer.renderNumber('empty', { emptyStyle: 'blank', speckle: 0 }, createRng(5));
    expect(blank.state).toBe('empty');
    expect(blank.value).toBe(0);
    expect(countInk(blank.image)).toBe(0);
    const dashes = renderer.renderNumber('empty', { emptyStyle: 'fillers', filler: 'dash' }, createRng(5));
    expect(dashes.positions.map((position) => position.label)).toEqual(['dash', 'dash', 'dash']);
    expect(countInk(dashes.image)).toBeGreaterThan(0);
  });

  it('writes the first-round fillers with the labels the recognizer reads them by', () => {
    const rng = createRng('fillers');
    const slashed = renderer.renderNumber(61, { filler: 'slashed-zero' }, rng);
    expect(slashed.positions.map(({ mark, label, filler }) => [mark, label, filler])).toEqual([
      ['slashed-zero', '0', true],
      ['6', '6', false],
      ['1', '1', false],
    ]);
    expect(slashed).toMatchObject({ state: 'read', value: 61 });
    // A zero row: 'ØØ0', '000', or all slashed; a row of zeros only reads 0, not empty.
    expect(renderer.renderNumber(0, { filler: 'zero' }, rng).positions.map((p) => p.label)).toEqual(['0', '0', '0']);
    const allSlashed = renderer.renderNumber('empty', { filler: 'slashed-zero', emptyStyle: 'fillers' }, rng);
    expect(allSlashed).toMatchObject({ state: 'read', value: 0 });
    expect(allSlashed.positions.map((p) => p.label)).toEqual(['0', '0', '0']);
    const crossedOut = renderer.renderNumber('empty', { filler: 'crossed-zero', emptyStyle: 'fillers' }, rng);
    expect(crossedOut).toMatchObject({ state: 'empty', value: 0 });
    expect(crossedOut.positions.map((p) => p.label)).toEqual(['dot', 'dot', 'dot']);
    expect(renderer.renderNumber(5, { filler: 'cross' }, rng).positions.map((p) => p.label)).toEqual([
      'dash',
      'dash',
      '5',
    ]);
    // A correction goes over a digit of the number, never over a filler zero.
    for (let seed = 0; seed < 10; seed++) {
      const corrected = renderer.renderNumber(7, { filler: 'zero', overwrite: 1 }, createRng(seed));
      expect(corrected.positions.map((p) => p.overwrittenDigit !== null)).toEqual([false, false, true]);
    }
  });

  it('draws the first-round habits only when asked, deterministically', () => {
    const marks = new Set<string>();
    const oneStyles = new Set<string>();
    for (let seed = 0; seed < 120; seed++) {
      const cell = renderer.renderNumber(seed % 2 === 0 ? 1 : 0, { firstRoundHabits: true }, createRng(seed));
      for (const position of cell.positions) if (position.filler && position.mark) marks.add(position.mark);
      oneStyles.add(cell.hand.oneStyle);
      const again = renderer.renderNumber(seed % 2 === 0 ? 1 : 0, { firstRoundHabits: true }, createRng(seed));
      expect(Buffer.from(again.image.data).equals(Buffer.from(cell.image.data))).toBe(true);
      const plain = renderer.renderNumber(1, {}, createRng(seed));
      expect(plain.hand.zeroStyle).toBe('plain');
      expect(['face', 'stem', 'flag', 'flag-base']).toContain(plain.hand.oneStyle);
      for (const position of plain.positions) expect(['dot', 'dash', '1', null]).toContain(position.mark);
    }
    expect([...marks].sort()).toEqual(['0', 'cross', 'crossed-zero', 'dash', 'dot', 'slashed-zero']);
    expect(oneStyles).toContain('lead-in');
    expect(oneStyles).toContain('base');
  });

  it('writes a correction over another digit when asked', () => {
    const cell = renderer.renderNumber(27, { overwrite: 1 }, createRng(6));
    expect(cell.overwritten).toBe(true);
    const corrected = cell.positions.filter((position) => position.overwrittenDigit !== null);
    expect(corrected).toHaveLength(1);
    expect(corrected[0]?.overwrittenDigit).not.toBe(corrected[0]?.label);
  });

  it('is deterministic for a seed', () => {
    const a = renderer.renderNumber(507, {}, createRng('n'));
    const b = renderer.renderNumber(507, {}, createRng('n'));
    expect(Buffer.from(b.image.data).equals(Buffer.from(a.image.data))).toBe(true);
    expect(b.positions).toEqual(a.positions);
  });

  it('refuses values a cell cannot hold', () => {
    expect(() => renderer.renderNumber(1000, {}, createRng(7))).toThrow(/0\.\.999/);
    expect(() => renderer.renderNumber(2.5, {}, createRng(7))).toThrow(/0\.\.999/);
  });
});
