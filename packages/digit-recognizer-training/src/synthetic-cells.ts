import {
  type CellSegmentation,
  cutHypotheses,
  type GlyphCandidate,
  type GlyphClass,
  type GrayImage,
  isWide,
} from '@castor/digit-recognizer';
import type { Rng } from '@castor/seeded-random';
import type { HandwritingFaceId } from './fonts.js';
import type { HandStyle, HandwritingRenderer, RenderedNumber } from './handwriting.js';

/**
 * Synthetic value cells with known truth, as the recognizer meets them after cropping: jurado
 * handwriting at many scales, sometimes with pieces of the table's rulings and specks of scanner
 * noise. Used for training, calibration and evaluation (with different seeds and faces).
 */
export interface SyntheticCell {
  image: GrayImage;
  rendered: RenderedNumber;
  /** The digit height a caller would pass, or undefined when the caller relies on the cell height. */
  digitHeightHint: number | undefined;
}

export interface SyntheticCellOptions {
  faces: readonly HandwritingFaceId[];
  /** Probability that a digit is written over another. */
  overwrite?: number;
  /**
   * Training only: hands beyond the renderer's usual range (much narrower or wider writing,
   * stronger slants and elastic warps), so that the classifier has met shapes like those of
   * held-out hands (a condensed hand's 4 and 1, a 4 closed like a 9) instead of learning ten faces'
   * versions. Wider ranges were tried in steps and kept while held-out mistakes with confidence kept
   * falling: see the model versions' commits.
   */
  augment?: boolean;
  /**
   * With `augment`, also thinner and bolder pens than the faces' and 4s drawn open or closed
   * (`augmentedHand`); off, `augment` draws exactly the hands it drew for model v3.
   */
  strongAugment?: boolean;
  /**
   * Write as on the first-round 2026 sheets (the renderer's `firstRoundHabits`: zeros, 'Ø', '⊗'
   * and X as fillers, slashed 0s, hollow dots, 1s with a long lead-in or a foot), with more rows
   * of zero votes, and one cell in ten written with digits as tall as the cell or taller, touching
   * and cut by its borders. Off, the cells are exactly those drawn for model v3.
   */
  firstRoundHabits?: boolean;
}

/** Values as they appear on E-14 rows: many small counts, some hundreds, empty rows. */
function drawValue(rng: Rng): number | 'empty' {
  switch (rng.pickWeighted({ hundreds: 0.35, tens: 0.3, units: 0.17, empty: 0.18 })) {
    case 'hundreds':
      return rng.int(100, 999);
    case 'tens':
      return rng.int(10, 99);
    case 'units':
      return rng.int(0, 9);
    default:
      return 'empty';
  }
}

/** Pieces of table rulings along the crop's edges (a registration a few pixels off). */
function drawRulings(image: GrayImage, rng: Rng): void {
  const { width, height, data } = image;
  const thickness = rng.int(1, 3);
  if (rng.chance(0.6)) {
    const top = rng.chance(0.5);
    const y0 = top ? rng.int(0, 3) : height - thickness - rng.int(0, 3);
    const drift = rng.gaussian(0, 1);
    for (let x = 0; x < width; x++) {
      const y = Math.round(y0 + (drift * x) / width);
      for (let t = 0; t < thickness; t++) if (y + t >= 0 && y + t < height) data[(y + t) * width + x] = 0;
    }
  }
  if (rng.chance(0.6)) {
    const left = rng.chance(0.5);
    const x0 = left ? rng.int(0, 3) : width - thickness - rng.int(0, 3);
    const drift = rng.gaussian(0, 1);
    for (let y = 0; y < height; y++) {
      const x = Math.round(x0 + (drift * y) / height);
      for (let t = 0; t < thickness; t++) if (x + t >= 0 && x + t < width) data[y * width + x + t] = 0;
    }
  }
}

function drawSpecks(image: GrayImage, rng: Rng): void {
  const count = rng.int(1, 8);
  for (let k = 0; k < count; k++) {
    const x = rng.int(0, image.width - 2);
    const y = rng.int(0, image.height - 2);
    const size = rng.int(1, 3);
    for (let dy = 0; dy < size; dy++) {
      for (let dx = 0; dx < size; dx++) {
        if (x + dx < image.width && y + dy < image.height) image.data[(y + dy) * image.width + x + dx] = 0;
      }
    }
  }
}

/**
 * The hand options of `augment`: beyond the renderer's usual widths, slants and warps; with
 * `strongAugment`, also thinner and bolder pens than the faces' (0.035–0.16 of the digit height
 * against 0.05–0.12), and 4s drawn open, or closed with a head as small as a 9's loop: a 4 closed
 * like a 9 is the commonest confident misread on held-out hands.
 */
function augmentedHand(digitHeight: number, strong: boolean, rng: Rng): Partial<HandStyle> & { elastic: number } {
  const hand = { widthScale: rng.uniform(0.4, 1.8), elastic: rng.uniform(0, 0.11), slant: rng.uniform(-0.35, 0.6) };
  if (!strong) return hand;
  return {
    ...hand,
    strokeWidth: Math.max(1.2, digitHeight * rng.uniform(0.035, 0.16)),
    fourStyle: rng.pickWeighted({ face: 0.5, closed: 0.3, open: 0.2 }),
  };
}

export function renderSyntheticCell(
  renderer: HandwritingRenderer,
  options: SyntheticCellOptions,
  rng: Rng,
): SyntheticCell {
  const digitHeight = rng.uniform(20, 64);
  const habits = options.firstRoundHabits ?? false;
  // Most candidates of a first-round sheet (13 of them) get no votes: a zero row is common there.
  const value = habits && rng.chance(0.1) ? 0 : drawValue(rng);
  const oversized = habits && rng.chance(0.1);
  const rendered = renderer.renderNumber(
    value,
    {
      faces: options.faces,
      digitHeight,
      // Some jurados write small in a tall row (the 2026 anza sheet: digits at 40 % of the row; template crops of candidate rows are taller still).
      cellHeight: Math.round(digitHeight * (oversized ? rng.uniform(0.85, 1.15) : rng.uniform(1.3, 3.2))),
      cellWidth: Math.round(digitHeight * rng.uniform(2.8, 4.2)),
      overwrite: options.overwrite ?? 0.12,
      ...(options.augment ? augmentedHand(digitHeight, options.strongAugment ?? false, rng) : {}),
      ...(habits ? { firstRoundHabits: true } : {}),
    },
    rng,
  );
  const image = rendered.image;
  if (rng.chance(0.35)) drawRulings(image, rng);
  if (rng.chance(0.3)) drawSpecks(image, rng);
  return {
    image,
    rendered,
    digitHeightHint: rng.chance(0.5) ? digitHeight * rng.uniform(0.85, 1.15) : undefined,
  };
}

export interface LabelledCandidate {
  candidate: GlyphCandidate;
  label: GlyphClass;
  overwritten: boolean;
}

/**
 * Every candidate the recognizer may classify in a segmented cell: the candidates, and for those
 * wide enough to be touching glyphs, the pieces of every cut it would try.
 */
export function candidatesToClassify(segmentation: CellSegmentation): GlyphCandidate[] {
  return segmentation.glyphs.flatMap((candidate) =>
    isWide(candidate, segmentation.referenceHeight)
      ? [candidate, ...cutHypotheses(candidate, segmentation.referenceHeight).flat()]
      : [candidate],
  );
}

/**
 * Labels the pieces a segmentation produced, from the renderer's record of which position drew
 * each ink pixel: a piece holding most of one position's glyph and little else is that glyph; a
 * piece mixing positions (touching digits), or holding only part of a glyph, is 'reject'; a piece
 * mostly of no position's ink (rulings, specks) or a crumb of a glyph is 'blank'.
 */
export function labelCandidates(candidates: readonly GlyphCandidate[], rendered: RenderedNumber): LabelledCandidate[] {
  const { inkOwner } = rendered;
  const width = rendered.image.width;
  const positionInk = [0, 0, 0];
  for (let i = 0; i < inkOwner.length; i++) {
    const owner = inkOwner[i] as number;
    if (owner >= 0) positionInk[owner] = (positionInk[owner] as number) + 1;
  }
  return candidates.map((candidate) => {
    const owned = [0, 0, 0];
    const { box, mask } = candidate;
    for (let y = 0; y < box.height; y++) {
      for (let x = 0; x < box.width; x++) {
        if (mask[y * box.width + x] !== 1) continue;
        const owner = inkOwner[(box.y + y) * width + box.x + x] as number;
        if (owner >= 0) owned[owner] = (owned[owner] as number) + 1;
      }
    }
    const total = candidate.area;
    const ownedTotal = (owned[0] as number) + (owned[1] as number) + (owned[2] as number);
    if (ownedTotal < 0.5 * total) return { candidate, label: 'blank', overwritten: false };
    let main = 0;
    for (let k = 1; k < 3; k++) if ((owned[k] as number) > (owned[main] as number)) main = k;
    const mainInk = owned[main] as number;
    const position = rendered.positions[main];
    if (!position?.label || mainInk < 0.85 * ownedTotal) return { candidate, label: 'reject', overwritten: false };
    const share = mainInk / Math.max(1, positionInk[main] as number);
    if (share < 0.2) return { candidate, label: 'blank', overwritten: false };
    if (share < 0.75) return { candidate, label: 'reject', overwritten: false };
    return { candidate, label: position.label, overwritten: position.overwrittenDigit !== null };
  });
}
