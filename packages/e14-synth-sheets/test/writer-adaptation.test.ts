import { type CellReading, CellRecognizer } from '@castor/digit-recognizer';
import { drawHandStyle, type HandStyle, loadHandwritingRenderer } from '@castor/digit-recognizer-training';
import { type DecodedField, rereadCell, writerPrototypes } from '@castor/e14-sheets';
import { createRng } from '@castor/seeded-random';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Writer adaptation on glyphs the handwriting renderer drew and the committed recognizer read:
 * the cells one hand wrote that read right and confidently play the cells a sheet's checks
 * confirmed, and the ones it misread are re-read with them.
 */

interface WrittenCell {
  path: string;
  value: number;
  reading: CellReading;
}

let recognizer: CellRecognizer;
let renderer: Awaited<ReturnType<typeof loadHandwritingRenderer>>;

beforeAll(async () => {
  recognizer = await CellRecognizer.load();
  renderer = await loadHandwritingRenderer();
});

/** A jurado's hand (size left to each cell) and 30 rows of values it wrote, read by the recognizer. */
function writeCells(seed: string): { hand: Omit<HandStyle, 'digitHeight'>; cells: WrittenCell[] } {
  const rng = createRng(seed);
  const { digitHeight: _, ...hand } = drawHandStyle({}, rng);
  const cells = Array.from({ length: 30 }, (_, k) => {
    const value = 1 + Math.floor(rng.next() * 299);
    const written = renderer.renderNumber(
      value,
      { ...hand, cellWidth: 214, cellHeight: 80, digitHeight: 44, filler: 'dot', overwrite: 0 },
      rng,
    );
    return { path: `votes.${k}`, value, reading: recognizer.readCell(written.image) };
  });
  return { hand, cells };
}

/** The cells read right and confidently, as the sheet's checks would confirm them. */
function confirmedOf(cells: readonly WrittenCell[]): Map<string, DecodedField> {
  return new Map(
    cells
      .filter((cell) => cell.reading.value === cell.value && cell.reading.confidence >= 0.9)
      .map((cell) => [cell.path, { value: cell.value, confidence: 1, verified: true }]),
  );
}

const CONFIRMED_ONLY = { confidentGlyph: 1 };

const cellsOf = (cells: readonly WrittenCell[]) => new Map(cells.map((cell) => [cell.path, cell.reading]));

describe('writer adaptation', () => {
  it("re-reads a hand's misread cells right with its own confirmed glyphs, and not with another hand's", () => {
    const writer = writeCells('writer-test-2');
    const confirmed = confirmedOf(writer.cells);
    // Confirmed cells only: no glyph counts as an example for being read confidently.
    const prototypes = writerPrototypes(cellsOf(writer.cells), confirmed, CONFIRMED_ONLY);
    // Every digit of every confirmed cell is an example, labelled by the confirmed value.
    expect(prototypes.length).toBe(
      writer.cells.filter((cell) => confirmed.has(cell.path)).reduce((n, cell) => n + String(cell.value).length, 0) +
        prototypes.filter((prototype) => prototype.label === 'filler').length,
    );
    const misread = writer.cells.filter((cell) => cell.reading.alternatives[0]?.value !== cell.value);
    expect(misread.length).toBeGreaterThan(0);
    const own = misread.map((cell) => rereadCell(cell.path, cell.reading, prototypes));
    const fixed = own.filter((reread, k) => reread?.alternatives?.[0]?.value === misread[k]?.value);
    expect(fixed.length).toBeGreaterThan(0);
    for (const reread of fixed) {
      // Read right, from the glyphs' own readings: a value the recognizer proposed too.
      const cell = misread[own.indexOf(reread)] as WrittenCell;
      expect(cell.reading.alternatives.map((alternative) => alternative.value)).toContain(cell.value);
      expect(reread?.value).toBe(cell.value);
    }
    // Cells it read right stay right.
    for (const cell of writer.cells.filter((c) => !confirmed.has(c.path) && !misread.includes(c))) {
      expect(rereadCell(cell.path, cell.reading, prototypes)?.value).toBe(cell.value);
    }

    // Another jurado's confirmed glyphs are not this hand: the same misreads stay misread.
    const stranger = writeCells('writer-test-10');
    const strangerPrototypes = writerPrototypes(cellsOf(stranger.cells), confirmedOf(stranger.cells), CONFIRMED_ONLY);
    expect(strangerPrototypes.length).toBeGreaterThan(prototypes.length / 2);
    const foreign = misread.map((cell) => rereadCell(cell.path, cell.reading, strangerPrototypes));
    expect(foreign.filter((reread, k) => reread?.alternatives?.[0]?.value === misread[k]?.value).length).toBeLessThan(
      fixed.length,
    );
  }, 60_000);
});
