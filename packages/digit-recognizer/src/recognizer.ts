import { calibrate } from './calibration.js';
import { FEATURE_LENGTH, type GlyphContext, glyphFeatures } from './features.js';
import type { GlyphCandidate } from './glyph-candidate.js';
import type { Box, GrayImage } from './gray-image.js';
import { type DigitModel, GLYPH_CLASSES, type GlyphClass, loadModel } from './model.js';
import { type Activations, createActivations, forward, readOutputs } from './network.js';
import {
  type CellSegmentation,
  cutHypotheses,
  horizontalGap,
  isWide,
  joinCandidates,
  type SegmentOptions,
  segmentCell,
} from './segmentation.js';

export interface GlyphPrediction {
  /** Probability of each class, in GLYPH_CLASSES order. */
  probabilities: Float32Array;
  /** Probability that the glyph is a correction written over another digit. */
  overwritten: number;
  /**
   * The glyph as the network's hidden layer sees it: glyphs of one hand that look alike lie close,
   * so a sheet's confirmed glyphs can vouch for its doubtful ones (writer adaptation).
   */
  embedding?: Float32Array;
}

export interface GlyphReading {
  box: Box;
  /** Most probable class. */
  label: GlyphClass;
  probability: number;
  overwritten: number;
  /** What the glyph is in the chosen reading of the cell: a digit, a filler, or ignored ink. */
  role: 'digit' | 'filler' | 'ignored';
  /** Probability of each class, in GLYPH_CLASSES order. */
  probabilities: Float32Array;
  /** The network's hidden layer for this glyph (see GlyphPrediction). */
  embedding: Float32Array;
}

export interface CellAlternative {
  /** A number, or 'empty' for a row with no digits (blank or fillers only). */
  value: CellValue;
  /** Share of the classifier's probability mass behind this reading (before calibration). */
  probability: number;
}

/**
 * The reading of one value cell. `value` is the number for 'read', 0 for 'empty' (a row left blank
 * or only filled with dots/dashes), null for 'illegible'. `confidence` is calibrated: among cells
 * read with confidence 0.9, about 90 % were right on held-out data.
 */
export interface CellReading {
  state: 'read' | 'empty' | 'illegible';
  value: number | null;
  confidence: number;
  /** A digit was written over another (tachadura/enmendadura): the reading should be reviewed. */
  overwritten: boolean;
  glyphs: GlyphReading[];
  /**
   * The most probable readings, best first (up to sixteen), for review desks and for weighing the
   * cell against the sheet's sums.
   */
  alternatives: CellAlternative[];
  /**
   * The uncalibrated score calibration maps to `confidence`: the best value's share of the
   * probability mass, discounted by the over-writing probability of its digits.
   */
  rawScore: number;
  segmentation: 'components' | 'thirds';
}

export interface ReadCellOptions extends SegmentOptions {
  /**
   * Below this calibrated confidence the cell is 'illegible' instead of a low-confidence reading
   * (default 0.35). The best guesses stay in `alternatives`.
   */
  illegibleBelow?: number;
}

const DEFAULT_ILLEGIBLE_BELOW = 0.35;
/** Classes whose probability is below this are not explored when decoding a cell. */
const NEGLIGIBLE = 1e-3;
/** A wide candidate read as one symbol with at least this probability is not cut. */
const CONFIDENT_WHOLE = 0.9;
/** Neighbours at most this share of the digit height apart may be one glyph broken by dropout. */
const JOIN_GAP = 0.15;
/** A candidate 'reject' at least this probably is taken for part of a glyph (or of two). */
const PIECE = 0.5;
/** Readings kept in `alternatives`: enough that a sheet's sums can find the right one. */
const MAX_ALTERNATIVES = 16;
/** A glyph at or above this over-writing probability marks the reading as over-written. */
const OVERWRITTEN_AT = 0.5;
/**
 * Ink at least this share of the digit height, clear of the crop's sides, is a stroke: not a speck,
 * a filler or what a ruling left (those are small, flat, or hug the side of the crop).
 */
const STROKE_HEIGHT = 0.45;
const SIDE_MARGIN = 2;

const DIGIT_COUNT = 10;
const DOT = GLYPH_CLASSES.indexOf('dot');
const DASH = GLYPH_CLASSES.indexOf('dash');
const BLANK = GLYPH_CLASSES.indexOf('blank');
const REJECT = GLYPH_CLASSES.indexOf('reject');

type Role = GlyphReading['role'];

export type CellValue = number | 'empty';

export interface DecodedCell {
  /** Probability mass of each value over all readings that fit the grammar. */
  masses: Map<CellValue, number>;
  /** For each value, the roles of the glyphs in its most probable reading. */
  roles: Map<CellValue, Role[]>;
}

/**
 * All ways to read the glyphs that fit the grammar of a cell — fillers, then digits, three
 * positions at most, ink to ignore anywhere — with their probability (product over glyphs).
 * Readings that use a 'reject' glyph, a filler after a digit or a fourth position do not fit, so
 * their mass counts for no value and lowers every value's share.
 */
export function decodeGlyphs(predictions: readonly GlyphPrediction[]): DecodedCell {
  const masses = new Map<CellValue, number>();
  const roles = new Map<CellValue, Role[]>();
  const best = new Map<CellValue, number>();
  const path: Role[] = [];
  const visit = (index: number, probability: number, fillers: number, digits: string) => {
    if (index === predictions.length) {
      const value: CellValue = digits === '' ? 'empty' : Number.parseInt(digits, 10);
      masses.set(value, (masses.get(value) ?? 0) + probability);
      if (probability > (best.get(value) ?? -1)) {
        best.set(value, probability);
        roles.set(value, [...path]);
      }
      return;
    }
    const { probabilities } = predictions[index] as GlyphPrediction;
    const blank = probabilities[BLANK] as number;
    if (blank >= NEGLIGIBLE) {
      path.push('ignored');
      visit(index + 1, probability * blank, fillers, digits);
      path.pop();
    }
    const filler = (probabilities[DOT] as number) + (probabilities[DASH] as number);
    if (filler >= NEGLIGIBLE && digits === '' && fillers + digits.length < 3) {
      path.push('filler');
      visit(index + 1, probability * filler, fillers + 1, digits);
      path.pop();
    }
    if (fillers + digits.length < 3) {
      for (let digit = 0; digit < DIGIT_COUNT; digit++) {
        const p = probabilities[digit] as number;
        if (p < NEGLIGIBLE) continue;
        path.push('digit');
        visit(index + 1, probability * p, fillers, digits + digit);
        path.pop();
      }
    }
  };
  visit(0, 1, 0, '');
  return { masses, roles };
}

/** Probability that a glyph is one whole symbol (a digit, dot or dash): how well a cut reads. */
function symbolProbability(prediction: GlyphPrediction): number {
  let best = 0;
  for (let c = 0; c < DIGIT_COUNT; c++) best = Math.max(best, prediction.probabilities[c] as number);
  return Math.max(best, prediction.probabilities[DOT] as number, prediction.probabilities[DASH] as number);
}

/** Digit-sized ink away from the crop's sides: something written, not a speck or a ruling's remains. */
function isStroke(candidate: GlyphCandidate, segmentation: CellSegmentation): boolean {
  const { box } = candidate;
  return (
    box.height >= STROKE_HEIGHT * segmentation.referenceHeight &&
    box.x >= SIDE_MARGIN &&
    box.x + box.width <= segmentation.width - SIDE_MARGIN
  );
}

/** The classifier's most probable class for the glyph is a dot or a dash. */
function readsAsFiller({ probabilities }: GlyphPrediction): boolean {
  let top = 0;
  for (let c = 1; c < probabilities.length; c++)
    if ((probabilities[c] as number) > (probabilities[top] as number)) top = c;
  return top === DOT || top === DASH;
}

/** A candidate the classifier takes for part of a glyph rather than a whole one. */
const isPiece = (prediction: GlyphPrediction) => (prediction.probabilities[REJECT] as number) >= PIECE;

/** Candidates that read as one glyph each (a whole component, or the pieces of a cut or a join). */
interface Unit {
  pieces: GlyphCandidate[];
  predictions: GlyphPrediction[];
}

/** The unit's predictions as symbols only: a segmentation choice must not win by reading its ink as nothing. */
function asSymbols(unit: Unit): Unit {
  return {
    pieces: unit.pieces,
    predictions: unit.predictions.map(({ probabilities, overwritten }) => {
      const symbols = Float32Array.from(probabilities);
      symbols[BLANK] = 0;
      symbols[REJECT] = 0;
      return { probabilities: symbols, overwritten };
    }),
  };
}

/** Probability that the cell's glyphs read as some value its grammar allows. */
function readingMass(units: readonly Unit[]): number {
  let mass = 0;
  for (const value of decodeGlyphs(units.flatMap((unit) => unit.predictions)).masses.values()) mass += value;
  return mass;
}

/** A cell's glyph candidates after wide ones were resolved, with the classifier's view of each. */
export interface ClassifiedCell {
  segmentation: CellSegmentation;
  candidates: GlyphCandidate[];
  predictions: GlyphPrediction[];
}

/** Reads handwritten value cells with a trained model. Not thread-safe: one per worker. */
export class CellRecognizer {
  private readonly activations: Activations;
  private readonly features = new Float32Array(FEATURE_LENGTH);

  constructor(readonly model: DigitModel) {
    if (model.metadata.kind !== 'handwritten') throw new Error('CellRecognizer needs a handwritten-digit model');
    if (model.metadata.classes.join() !== GLYPH_CLASSES.join()) {
      throw new Error(`model classes ${model.metadata.classes.join()} differ from ${GLYPH_CLASSES.join()}`);
    }
    this.activations = createActivations(model.inference);
  }

  /** A recognizer with the committed model (or the model file at `path`). */
  static async load(path?: string): Promise<CellRecognizer> {
    return new CellRecognizer(await loadModel(path ? { path } : {}));
  }

  classify(candidate: GlyphCandidate, context: GlyphContext): GlyphPrediction {
    glyphFeatures(candidate, context, this.features);
    const outputs = forward(this.model.inference, this.features, this.activations);
    const probabilities = new Float32Array(GLYPH_CLASSES.length);
    const overwritten = readOutputs(this.model.inference, outputs, probabilities);
    return { probabilities, overwritten, embedding: (this.activations.values[1] as Float32Array).slice() };
  }

  /**
   * Segments a cell and classifies its glyphs, then lets the classifier settle what the ink alone
   * could not: two neighbours almost touching that each read as part of a glyph may be one glyph
   * broken by ink dropout, and a doubtful candidate wide enough to be touching glyphs may be two
   * or three. Each choice is weighed by how probably the whole cell then reads as symbols that fit
   * its grammar.
   */
  classifyCell(image: GrayImage, options: SegmentOptions = {}): ClassifiedCell {
    const segmentation = segmentCell(image, options);
    const { context, referenceHeight } = segmentation;
    const units: Unit[] = segmentation.glyphs.map((candidate) => this.unit([candidate], context));
    const near = Math.max(2, JOIN_GAP * referenceHeight);
    for (let i = 0; i + 1 < units.length; i++) {
      const [left, right] = [units[i] as Unit, units[i + 1] as Unit];
      const [a, b] = [left.pieces[0] as GlyphCandidate, right.pieces[0] as GlyphCandidate];
      if (horizontalGap(a, b) > near) continue;
      // The classifier learnt pieces of glyphs as 'reject': a join needs one such piece, and its
      // neighbour doubtful too (half a 0 may pass for a 1).
      const [l, r] = [left.predictions[0] as GlyphPrediction, right.predictions[0] as GlyphPrediction];
      if (
        !(isPiece(l) || isPiece(r)) ||
        symbolProbability(l) >= CONFIDENT_WHOLE ||
        symbolProbability(r) >= CONFIDENT_WHOLE
      )
        continue;
      const joined = this.unit([joinCandidates(a, b)], context);
      const apart = readingMass(units);
      const together = readingMass([...units.slice(0, i), joined, ...units.slice(i + 2)]);
      if (together > apart) units.splice(i, 2, joined);
    }
    for (let i = 0; i < units.length; i++) {
      const whole = units[i] as Unit;
      const candidate = whole.pieces[0] as GlyphCandidate;
      // A wide candidate read confidently as one symbol stays whole: the classifier was trained on
      // touching digits as 'reject', so only doubtful ones are worth cutting.
      if (!isWide(candidate, referenceHeight)) continue;
      if (symbolProbability(whole.predictions[0] as GlyphPrediction) >= CONFIDENT_WHOLE) continue;
      const others = (unit: Unit) => readingMass([...units.slice(0, i), asSymbols(unit), ...units.slice(i + 1)]);
      let best = { unit: whole, mass: others(whole) };
      for (const hypothesis of cutHypotheses(candidate, referenceHeight)) {
        const cut = this.unit(hypothesis, context);
        const mass = others(cut);
        if (mass > best.mass) best = { unit: cut, mass };
      }
      units[i] = best.unit;
    }
    return {
      segmentation,
      candidates: units.flatMap((unit) => unit.pieces),
      predictions: units.flatMap((unit) => unit.predictions),
    };
  }

  private unit(pieces: GlyphCandidate[], context: GlyphContext): Unit {
    return { pieces, predictions: pieces.map((piece) => this.classify(piece, context)) };
  }

  readCell(image: GrayImage, options: ReadCellOptions = {}): CellReading {
    const { segmentation, candidates, predictions } = this.classifyCell(image, options);
    const { masses, roles } = decodeGlyphs(predictions);
    // An empty row holds nothing but fillers: a box with a real stroke in it (digit-sized ink that
    // does not read as a dot or a dash) is not read as empty, however the grammar could dismiss it.
    if (
      candidates.some((glyph, i) => isStroke(glyph, segmentation) && !readsAsFiller(predictions[i] as GlyphPrediction))
    )
      masses.delete('empty');
    const ranked = [...masses.entries()].sort((a, b) => b[1] - a[1]);
    const alternatives = ranked.slice(0, MAX_ALTERNATIVES).map(([value, probability]) => ({ value, probability }));
    const bestRoles = ranked[0] ? (roles.get(ranked[0][0]) ?? []) : [];
    const glyphs: GlyphReading[] = candidates.map((glyph, i) => {
      const { probabilities, overwritten, embedding } = predictions[i] as GlyphPrediction;
      let top = 0;
      for (let c = 1; c < probabilities.length; c++)
        if ((probabilities[c] as number) > (probabilities[top] as number)) top = c;
      return {
        box: glyph.box,
        label: GLYPH_CLASSES[top] as GlyphClass,
        probability: probabilities[top] as number,
        overwritten,
        role: bestRoles[i] ?? 'ignored',
        probabilities,
        embedding: embedding ?? new Float32Array(0),
      };
    });
    const overwritten = glyphs.some((glyph) => glyph.role === 'digit' && glyph.overwritten >= OVERWRITTEN_AT);
    const best = ranked[0];
    // A digit written over another is doubtful whatever it looks like most: discount the score.
    const rawScore = glyphs.reduce(
      (score, glyph) => (glyph.role === 'digit' ? score * (1 - glyph.overwritten) : score),
      best?.[1] ?? 0,
    );
    const illegibleBelow = options.illegibleBelow ?? DEFAULT_ILLEGIBLE_BELOW;
    const base = { overwritten, glyphs, alternatives, rawScore, segmentation: segmentation.method };
    // No reading fits the grammar at all (rejected glyphs, too many digits): nothing to be confident in.
    if (!best) return { state: 'illegible', value: null, confidence: 0, ...base };
    const confidence = calibrate(this.model.calibration, rawScore);
    if (confidence < illegibleBelow) return { state: 'illegible', value: null, confidence, ...base };
    if (best[0] === 'empty') return { state: 'empty', value: 0, confidence, ...base };
    return { state: 'read', value: best[0], confidence, ...base };
  }
}
