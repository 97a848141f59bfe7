import { calibrate } from './calibration.js';
import { FEATURE_LENGTH, type GlyphContext, glyphFeatures } from './features.js';
import type { Box, GrayImage } from './gray-image.js';
import { type DigitModel, GLYPH_CLASSES, type GlyphClass, loadModel } from './model.js';
import { type Activations, createActivations, forward, readOutputs } from './network.js';
import {
  type CellSegmentation,
  cutHypotheses,
  type GlyphCandidate,
  isWide,
  type SegmentOptions,
  segmentCell,
} from './segmentation.js';

export interface GlyphPrediction {
  /** Probability of each class, in GLYPH_CLASSES order. */
  probabilities: Float32Array;
  /** Probability that the glyph is a correction written over another digit. */
  overwritten: number;
}

export interface GlyphReading {
  box: Box;
  /** Most probable class. */
  label: GlyphClass;
  probability: number;
  overwritten: number;
  /** What the glyph is in the chosen reading of the cell: a digit, a filler, or ignored ink. */
  role: 'digit' | 'filler' | 'ignored';
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
/** Readings kept in `alternatives`: enough that a sheet's sums can find the right one. */
const MAX_ALTERNATIVES = 16;
/** A glyph at or above this over-writing probability marks the reading as over-written. */
const OVERWRITTEN_AT = 0.5;

const DIGIT_COUNT = 10;
const DOT = GLYPH_CLASSES.indexOf('dot');
const DASH = GLYPH_CLASSES.indexOf('dash');
const BLANK = GLYPH_CLASSES.indexOf('blank');

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
    return { probabilities, overwritten };
  }

  /**
   * Segments a cell and classifies its glyphs. A candidate wide enough to be touching glyphs is
   * replaced by the cut whose pieces read best as whole symbols, if that beats reading it whole.
   */
  classifyCell(image: GrayImage, options: SegmentOptions = {}): ClassifiedCell {
    const segmentation = segmentCell(image, options);
    const { context } = segmentation;
    const candidates: GlyphCandidate[] = [];
    const predictions: GlyphPrediction[] = [];
    for (const candidate of segmentation.glyphs) {
      const whole = this.classify(candidate, context);
      let pieces = [candidate];
      let piecePredictions = [whole];
      // A wide candidate read confidently as one symbol stays whole: the classifier was trained on
      // touching digits as 'reject', so only doubtful ones are worth cutting.
      if (isWide(candidate, segmentation.referenceHeight) && symbolProbability(whole) < CONFIDENT_WHOLE) {
        let bestScore = symbolProbability(whole);
        for (const hypothesis of cutHypotheses(candidate, segmentation.referenceHeight)) {
          const classified = hypothesis.map((piece) => this.classify(piece, context));
          const score = classified.reduce((product, prediction) => product * symbolProbability(prediction), 1);
          if (score > bestScore) {
            bestScore = score;
            pieces = hypothesis;
            piecePredictions = classified;
          }
        }
      }
      candidates.push(...pieces);
      predictions.push(...piecePredictions);
    }
    return { segmentation, candidates, predictions };
  }

  readCell(image: GrayImage, options: ReadCellOptions = {}): CellReading {
    const { segmentation, candidates, predictions } = this.classifyCell(image, options);
    const { masses, roles } = decodeGlyphs(predictions);
    const ranked = [...masses.entries()].sort((a, b) => b[1] - a[1]);
    const alternatives = ranked.slice(0, MAX_ALTERNATIVES).map(([value, probability]) => ({ value, probability }));
    const bestRoles = ranked[0] ? (roles.get(ranked[0][0]) ?? []) : [];
    const glyphs: GlyphReading[] = candidates.map((glyph, i) => {
      const { probabilities, overwritten } = predictions[i] as GlyphPrediction;
      let top = 0;
      for (let c = 1; c < probabilities.length; c++)
        if ((probabilities[c] as number) > (probabilities[top] as number)) top = c;
      return {
        box: glyph.box,
        label: GLYPH_CLASSES[top] as GlyphClass,
        probability: probabilities[top] as number,
        overwritten,
        role: bestRoles[i] ?? 'ignored',
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
