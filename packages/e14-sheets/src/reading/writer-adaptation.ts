import { decodeGlyphs, GLYPH_CLASSES, type GlyphPrediction } from '@castor/digit-recognizer';
import type { CellGlyph, CellReading } from '../read-sheet.js';
import type { CellValue, DecodedField, SheetCells } from './arithmetic-decoding.js';

/**
 * Writer adaptation within a sheet. One jurado writes every cell of a sheet, so the cells the
 * sheet's arithmetic confirms are examples of that hand with known labels: each of their digit
 * glyphs is a prototype of its digit (and each filler a prototype of the hand's filler); so is a
 * digit read with near certainty, since a Presidente sheet confirms few digits. A doubtful
 * cell is read again with every glyph's class probabilities weighed by how close the glyph lies to
 * the writer's prototypes of each class, in the recognizer network's hidden layer: a 7 this hand
 * writes like a 1 lies next to the hand's confirmed 7s. The adapted readings then go through the
 * sheet's arithmetic again, which decides: adaptation only proposes readings of the same glyphs,
 * and a cell is confirmed by the same rules as any other.
 */

export interface WriterAdaptationOptions {
  /**
   * How strongly closeness to the writer's prototypes moves a glyph's class: each class's
   * log-probability gains `evidenceWeight × (reach − distance)`, the distance to the writer's
   * nearest prototype of that class (a loss beyond `reach`, at most `farPenalty`).
   */
  evidenceWeight?: number;
  /** Cosine distance in the hidden layer beyond which a prototype counts against its class. */
  reach?: number;
  /** Fewest prototypes a sheet needs before its hand is taken as known. */
  minPrototypes?: number;
  /**
   * A digit the recognizer reads at least this probably, in a cell it reads at least this
   * confidently, is an example of the hand too (1 turns this off: confirmed cells only).
   */
  confidentGlyph?: number;
  /** Most log-probability a class loses when the glyph is far from all of the writer's prototypes of it. */
  farPenalty?: number;
}

export const WRITER_ADAPTATION_DEFAULTS: Required<WriterAdaptationOptions> = {
  evidenceWeight: 20,
  reach: 0.4,
  minPrototypes: 4,
  confidentGlyph: 0.99,
  farPenalty: 1,
};

const DIGIT_COUNT = 10;
const DOT = GLYPH_CLASSES.indexOf('dot');
const DASH = GLYPH_CLASSES.indexOf('dash');
/** Readings kept for the sheet's sums, as the recognizer keeps them. */
const MAX_ALTERNATIVES = 16;

/** A glyph of a confirmed cell with the class the confirmation gives it: a digit (0–9) or 'filler'. */
export interface WriterPrototype {
  label: number | 'filler';
  embedding: Float32Array;
  /** The cell it comes from: a cell is never its own example. */
  path: string;
}

function norm(vector: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += (vector[i] as number) ** 2;
  return Math.sqrt(sum);
}

function cosineDistance(a: Float32Array, b: Float32Array, normA: number, normB: number): number {
  if (normA === 0 || normB === 0 || a.length !== b.length) return 1;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return 1 - dot / (normA * normB);
}

/** The recognizer's best value of a cell: the reading its glyph roles describe. */
const bestValue = (reading: CellReading): CellValue | undefined => reading.alternatives?.[0]?.value;

/**
 * The writer's prototypes: the glyphs of the cells a check confirmed at the value the recognizer
 * read (their roles then say which glyph is which digit), and the digits read at least
 * `confidentGlyph` in cells read at least that confidently; over-written cells left out.
 */
export function writerPrototypes(
  cells: SheetCells,
  decoded: ReadonlyMap<string, DecodedField>,
  options: WriterAdaptationOptions = {},
): WriterPrototype[] {
  const { confidentGlyph } = { ...WRITER_ADAPTATION_DEFAULTS, ...options };
  const prototypes: WriterPrototype[] = [];
  for (const [path, reading] of cells) {
    const field = decoded.get(path);
    if (!reading?.glyphs || reading.overwritten) continue;
    if (field?.verified && bestValue(reading) === field.value) {
      const digits = field.value === 'empty' ? [] : [...String(field.value)].map(Number);
      const digitGlyphs = reading.glyphs.filter((glyph) => glyph.role === 'digit');
      if (digitGlyphs.length !== digits.length) continue;
      digitGlyphs.forEach((glyph, i) => {
        prototypes.push({ label: digits[i] as number, embedding: glyph.embedding, path });
      });
      for (const glyph of reading.glyphs) {
        if (glyph.role === 'filler') prototypes.push({ label: 'filler', embedding: glyph.embedding, path });
      }
      continue;
    }
    if (reading.confidence < confidentGlyph) continue;
    for (const glyph of reading.glyphs) {
      const digit = topDigit(glyph);
      if (glyph.role === 'digit' && (glyph.probabilities[digit] as number) >= confidentGlyph)
        prototypes.push({ label: digit, embedding: glyph.embedding, path });
    }
  }
  return prototypes;
}

function topDigit(glyph: CellGlyph): number {
  let top = 0;
  for (let c = 1; c < DIGIT_COUNT; c++)
    if ((glyph.probabilities[c] as number) > (glyph.probabilities[top] as number)) top = c;
  return top;
}

/** A glyph's class probabilities weighed by its distance to the writer's nearest prototype of each class. */
function adaptGlyph(
  path: string,
  glyph: CellGlyph,
  prototypes: readonly WriterPrototype[],
  norms: readonly number[],
  options: Required<WriterAdaptationOptions>,
): GlyphPrediction {
  const nearest = new Map<number | 'filler', number>();
  const glyphNorm = norm(glyph.embedding);
  prototypes.forEach((prototype, k) => {
    if (prototype.path === path) return;
    const distance = cosineDistance(glyph.embedding, prototype.embedding, glyphNorm, norms[k] as number);
    nearest.set(prototype.label, Math.min(distance, nearest.get(prototype.label) ?? 1));
  });
  // Near a prototype of its class: likelier. Far from every prototype of a class the hand wrote
  // elsewhere on the sheet: less likely, within limits. A class the hand has not shown: unchanged.
  const gain = (label: number | 'filler') => {
    const distance = nearest.get(label);
    if (distance === undefined) return 0;
    return Math.max(-options.farPenalty, options.evidenceWeight * (options.reach - distance));
  };
  const probabilities = new Float32Array(glyph.probabilities.length);
  let total = 0;
  for (let c = 0; c < probabilities.length; c++) {
    const label = c < DIGIT_COUNT ? c : c === DOT || c === DASH ? 'filler' : null;
    const p = (glyph.probabilities[c] as number) * Math.exp(label === null ? 0 : gain(label));
    probabilities[c] = p;
    total += p;
  }
  for (let c = 0; c < probabilities.length; c++) probabilities[c] = (probabilities[c] as number) / total;
  return { probabilities, overwritten: glyph.overwritten };
}

/**
 * The cell read again through the writer's eyes: its glyphs' adapted probabilities decoded by the
 * recognizer's own grammar, so its values are readings of the same glyphs. Its confidence comes
 * from the best value's share of the mass through the cell's own calibration point (the share and
 * confidence the recognizer gave its best reading), joined to 0 and to 1 by straight lines: a
 * monotone stand-in for the recognizer's calibration table, which a sheet's reading does not carry.
 */
export function rereadCell(
  path: string,
  reading: CellReading,
  prototypes: readonly WriterPrototype[],
  options: WriterAdaptationOptions = {},
): CellReading | null {
  const settings = { ...WRITER_ADAPTATION_DEFAULTS, ...options };
  if (!reading.glyphs || reading.glyphs.length === 0) return null;
  const norms = prototypes.map((prototype) => norm(prototype.embedding));
  const predictions = reading.glyphs.map((glyph) => adaptGlyph(path, glyph, prototypes, norms, settings));
  const { masses } = decodeGlyphs(predictions);
  // A box the recognizer would not call empty (a real stroke in it) is not made empty by the hand.
  if (!reading.alternatives?.some((alternative) => alternative.value === 'empty')) masses.delete('empty');
  const ranked = [...masses.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_ALTERNATIVES);
  const best = ranked[0];
  if (!best) return null;
  const anchorShare = reading.alternatives?.[0]?.probability ?? 0;
  const anchor = reading.state === 'illegible' && anchorShare === 0 ? 0 : reading.confidence;
  const share = best[1];
  const confidence =
    share >= anchorShare
      ? anchor + ((1 - anchor) * (share - anchorShare)) / Math.max(1e-9, 1 - anchorShare)
      : (anchor * share) / anchorShare;
  return {
    state: best[0] === 'empty' ? 'empty' : 'read',
    value: best[0] === 'empty' ? 0 : best[0],
    confidence,
    overwritten: reading.overwritten,
    alternatives: ranked.map(([value, probability]) => ({ value, probability })),
    glyphs: reading.glyphs,
  };
}

/**
 * The sheet's doubtful cells (no check confirmed them; over-written ones go to a person anyway)
 * read again with the writer's prototypes, when the sheet gives enough of them.
 */
export function adaptToWriter(
  cells: SheetCells,
  decoded: ReadonlyMap<string, DecodedField>,
  options: WriterAdaptationOptions = {},
): Map<string, CellReading> {
  const settings = { ...WRITER_ADAPTATION_DEFAULTS, ...options };
  const adapted = new Map<string, CellReading>();
  const prototypes = writerPrototypes(cells, decoded, settings);
  if (prototypes.length < settings.minPrototypes) return adapted;
  for (const [path, reading] of cells) {
    if (!reading || reading.overwritten || decoded.get(path)?.verified) continue;
    const reread = rereadCell(path, reading, prototypes, settings);
    if (reread) adapted.set(path, reread);
  }
  return adapted;
}
