import {
  type Box,
  createGrayImage,
  DIGITS,
  type Digit,
  dilateMask,
  drawDarkest,
  erodeMask,
  type GrayImage,
  INK_THRESHOLD,
  maskStrokeWidth,
} from '@castor/digit-recognizer';
import type { Rng } from '@castor/seeded-random';
import {
  type Coverage,
  cloneCoverage,
  coverageInkBox,
  createCoverage,
  drawBlob,
  quadraticCurve,
  strokePolyline,
  strokeSegment,
} from './coverage.js';
import { elasticField } from './elastic-field.js';
import { HANDWRITING_FACE_IDS, type HandwritingFaceId } from './fonts.js';
import { type FaceMasters, loadGlyphMasters, MASTER_INK_HEIGHT } from './glyph-masters.js';

/** What a jurado writes in one position: a digit, or a dot/dash filling an unused leading position. */
export const GLYPH_LABELS = [...DIGITS, 'dot', 'dash'] as const;
export type GlyphLabel = (typeof GLYPH_LABELS)[number];

/**
 * What the pen draws in a position: a glyph label, or one of the marks of the first-round 2026
 * sheets that are read as a label (`MARK_LABELS`): a slashed zero 'Ø', a crossed-out zero '⊗', a
 * large X.
 */
export type GlyphMark = GlyphLabel | 'slashed-zero' | 'crossed-zero' | 'cross';

/**
 * The truth of each mark. 'Ø' is a zero: 'ØØ7' reads 007 = 7 and 'ØØ0' reads 0. '⊗' and X fill an
 * unused position like a dot or a dash, which the recognizer's decoding counts alike as a filler:
 * '⊗' is labelled as the ring with strokes across it that a scribbled dot already is, X as the
 * strokes a dash is made of.
 */
export const MARK_LABELS: Record<Exclude<GlyphMark, GlyphLabel>, GlyphLabel> = {
  'slashed-zero': '0',
  'crossed-zero': 'dot',
  cross: 'dash',
};

export function markLabel(mark: GlyphMark): GlyphLabel {
  return (GLYPH_LABELS as readonly string[]).includes(mark)
    ? (mark as GlyphLabel)
    : MARK_LABELS[mark as Exclude<GlyphMark, GlyphLabel>];
}

export type SevenStyle = 'plain' | 'crossed';
/**
 * `face`: the typeface's own 1; `stem`: a bare bar; `flag`: the long up-stroke jurados add;
 * `flag-base`: flag and foot; `lead-in`: the European 1 whose up-stroke starts half-way down or
 * lower (read as 7 or 9 by a model that never saw it); `base`: a bar on a foot, '⊥'.
 */
export type OneStyle = 'face' | 'stem' | 'flag' | 'flag-base' | 'lead-in' | 'base';
/** `slashed`: the 0 written 'Ø' in every position, as some jurados do. */
export type ZeroStyle = 'plain' | 'slashed';
/**
 * `face`: the typeface's own 4; `open`: drawn in three strokes with a gap at the top; `closed`: the
 * triangle whose diagonal meets the stem's top, which some hands close so far that it looks like a 9.
 */
export type FourStyle = 'face' | 'open' | 'closed';
/** The real sheets show solid blobs, small rings and scribbled blobs as fillers. */
export type DotStyle = 'filled' | 'ring' | 'scribble';

/**
 * One jurado's hand: what stays the same across the glyphs of a sheet (typeface, size, pen,
 * slant, how they write 1 and 7 and their dots). Every field can be fixed by the caller; the rest
 * is drawn at random.
 */
export interface HandStyle {
  face: HandwritingFaceId;
  /** Ink height of a digit, in output pixels. */
  digitHeight: number;
  /** Pen width in output pixels. */
  strokeWidth: number;
  /** Horizontal shear: positive leans the tops to the right. */
  slant: number;
  /** Horizontal stretch of the glyphs (narrow or wide writing). */
  widthScale: number;
  sevenStyle: SevenStyle;
  oneStyle: OneStyle;
  dotStyle: DotStyle;
  /** How the hand writes 4 (default `face`; the drawn styles are only asked for by training). */
  fourStyle?: FourStyle;
  /** How the hand writes 0 (default `plain`; `slashed` comes with `firstRoundHabits`). */
  zeroStyle?: ZeroStyle;
}

/** Per-glyph disturbances on top of the hand: how shaky, how worn the scan is. */
export interface GlyphNoise {
  /** Rotation in radians. */
  rotation: number;
  /** Amplitude of the smooth elastic distortion, as a fraction of the digit height. */
  elastic: number;
  /** 0..1: how many small holes the pen/scanner leaves in the ink. */
  dropout: number;
  /** 0..1: probability of flipping a pixel along the ink's edge (1-bit scan roughness). */
  edgeNoise: number;
  /** Fraction of paper pixels around the glyph turned into specks. */
  speckle: number;
}

export interface GlyphRenderOptions extends Partial<HandStyle>, Partial<GlyphNoise> {
  /** Faces to choose from when `face` is not given (hold some out for evaluation). */
  faces?: readonly HandwritingFaceId[];
  /** White margin around the ink, in pixels (default 2). */
  padding?: number;
}

export const DEFAULT_DIGIT_HEIGHT = 48;

/** Fills every field of a hand the caller left open, from the rng. */
export function drawHandStyle(options: GlyphRenderOptions, rng: Rng): HandStyle {
  const digitHeight = options.digitHeight ?? DEFAULT_DIGIT_HEIGHT;
  return {
    face: options.face ?? rng.pick(options.faces ?? HANDWRITING_FACE_IDS),
    digitHeight,
    strokeWidth: options.strokeWidth ?? Math.max(1.2, digitHeight * rng.uniform(0.05, 0.12)),
    slant: options.slant ?? Math.min(0.45, Math.max(-0.3, rng.gaussian(0.08, 0.12))),
    widthScale: options.widthScale ?? rng.uniform(0.8, 1.2),
    sevenStyle: options.sevenStyle ?? (rng.chance(0.65) ? 'crossed' : 'plain'),
    oneStyle: options.oneStyle ?? rng.pickWeighted({ face: 0.35, stem: 0.25, flag: 0.3, 'flag-base': 0.1 }),
    dotStyle: options.dotStyle ?? rng.pickWeighted({ filled: 0.65, ring: 0.2, scribble: 0.15 }),
    // Drawn from no rng, so that hands (and every render) stay as they were unless a caller asks.
    fourStyle: options.fourStyle ?? 'face',
    zeroStyle: options.zeroStyle ?? 'plain',
  };
}

/**
 * The hand of a jurado of the first-round 2026 sheets: more 1s with a long lead-in, 1s on a foot,
 * hollow dots, and 0s slashed 'Ø' in every position. Only the fields the caller left open.
 */
function drawFirstRoundHand(options: GlyphRenderOptions, rng: Rng): Partial<HandStyle> {
  return {
    oneStyle:
      options.oneStyle ??
      rng.pickWeighted({ face: 0.25, stem: 0.15, flag: 0.2, 'flag-base': 0.05, 'lead-in': 0.25, base: 0.1 }),
    dotStyle: options.dotStyle ?? rng.pickWeighted({ filled: 0.45, ring: 0.4, scribble: 0.15 }),
    zeroStyle: options.zeroStyle ?? (rng.chance(0.15) ? 'slashed' : 'plain'),
  };
}

export function drawGlyphNoise(options: GlyphRenderOptions, rng: Rng): GlyphNoise {
  return {
    rotation: options.rotation ?? rng.gaussian(0, 0.05),
    elastic: options.elastic ?? rng.uniform(0, 0.035),
    dropout: options.dropout ?? (rng.chance(0.3) ? rng.uniform(0, 0.6) : 0),
    edgeNoise: options.edgeNoise ?? (rng.chance(0.4) ? rng.uniform(0, 0.12) : 0),
    speckle: options.speckle ?? (rng.chance(0.2) ? rng.uniform(0, 0.003) : 0),
  };
}

function averageStrokeWidth(masters: FaceMasters): number {
  return DIGITS.reduce((sum, digit) => sum + masters[digit].strokeWidth, 0) / DIGITS.length;
}

const SHAPE_MARGIN = 12;

/** The European 7: a bar across the stem, a little below the middle. */
function crossSeven(master: Coverage, penRadius: number, rng: Rng): Coverage {
  const crossed = cloneCoverage(master);
  const box = coverageInkBox(master);
  if (!box) return crossed;
  const y = Math.round(box.y0 + (box.y1 - box.y0) * rng.uniform(0.48, 0.62));
  // The stem is the ink run crossing that row; take its middle.
  let runStart = -1;
  let runEnd = -1;
  for (let x = box.x0; x <= box.x1; x++) {
    if ((master.data[y * master.width + x] as number) >= 0.5) {
      if (runStart < 0) runStart = x;
      runEnd = x;
    }
  }
  const stemX = runStart < 0 ? (box.x0 + box.x1) / 2 : (runStart + runEnd) / 2;
  const halfLength = MASTER_INK_HEIGHT * rng.uniform(0.14, 0.26);
  const tilt = rng.gaussian(0, 0.06) * halfLength;
  const shift = rng.uniform(-0.15, 0.15) * halfLength;
  strokeSegment(
    crossed,
    stemX - halfLength + shift,
    y + tilt,
    stemX + halfLength + shift,
    y - tilt,
    penRadius * rng.uniform(0.8, 1.1),
  );
  return crossed;
}

/**
 * A hand-drawn 1: a stem, and optionally the flag and the foot Colombian jurados add. The lead-in
 * of a European 1 is a flag reaching half-way down the stem or lower, steeper than a 7's bar.
 */
function drawOne(style: Exclude<OneStyle, 'face'>, penRadius: number, rng: Rng): Coverage {
  const h = MASTER_INK_HEIGHT;
  // A lead-in reaches further left than the other flags.
  const canvas = createCoverage(
    Math.round(h * (style === 'lead-in' ? 1.3 : 0.9)) + 2 * SHAPE_MARGIN,
    h + 2 * SHAPE_MARGIN,
  );
  const stemLength = h * rng.uniform(0.55, 1);
  const bottom: [number, number] = [canvas.width * 0.6, SHAPE_MARGIN + h];
  const top: [number, number] = [bottom[0] + rng.gaussian(0, 0.04) * h, bottom[1] - stemLength];
  const bow = rng.gaussian(0, 0.03) * h;
  strokePolyline(
    canvas,
    quadraticCurve(top, [(top[0] + bottom[0]) / 2 + bow, (top[1] + bottom[1]) / 2], bottom),
    penRadius,
  );
  if (style === 'flag' || style === 'flag-base' || style === 'lead-in') {
    // The flag falls 25–65° below the horizontal: flatter, it would be a 7's bar.
    const leadIn = style === 'lead-in';
    const flagLength = leadIn ? stemLength * rng.uniform(0.55, 0.9) : h * rng.uniform(0.22, 0.5);
    const flagAngle = leadIn
      ? rng.uniform((40 * Math.PI) / 180, (70 * Math.PI) / 180)
      : rng.uniform((25 * Math.PI) / 180, (65 * Math.PI) / 180);
    const flagEnd: [number, number] = [
      top[0] - flagLength * Math.cos(flagAngle),
      top[1] + flagLength * Math.sin(flagAngle),
    ];
    const sag = rng.uniform(-0.06, 0.06) * h;
    strokePolyline(
      canvas,
      quadraticCurve(top, [(top[0] + flagEnd[0]) / 2 + sag, (top[1] + flagEnd[1]) / 2 - sag], flagEnd),
      penRadius,
    );
  }
  if (style === 'flag-base' || style === 'base') {
    const halfFoot = h * rng.uniform(0.14, 0.28);
    const footTilt = rng.gaussian(0, 0.03) * h;
    strokeSegment(
      canvas,
      bottom[0] - halfFoot,
      bottom[1] + footTilt,
      bottom[0] + halfFoot,
      bottom[1] - footTilt,
      penRadius,
    );
  }
  return canvas;
}

/**
 * A hand-drawn 4 in three strokes: the down-stroke to the bar (a diagonal from the stem's top when
 * closed, a separate near-vertical stroke when open), the bar, and the stem crossing it.
 */
function drawFour(style: Exclude<FourStyle, 'face'>, penRadius: number, rng: Rng): Coverage {
  const h = MASTER_INK_HEIGHT;
  const canvas = createCoverage(Math.round(h * 1.1) + 2 * SHAPE_MARGIN, h + 2 * SHAPE_MARGIN);
  const left = SHAPE_MARGIN + h * rng.uniform(0.02, 0.1);
  // A closed head may be as narrow and as high as a 9's loop: only its flat bottom tells them apart.
  const stemX = left + h * (style === 'closed' ? rng.uniform(0.26, 0.62) : rng.uniform(0.42, 0.62));
  const top = SHAPE_MARGIN;
  const bottom = SHAPE_MARGIN + h;
  const barY = top + h * (style === 'closed' ? rng.uniform(0.4, 0.72) : rng.uniform(0.52, 0.72));
  const barEnd = stemX + h * rng.uniform(0.04, 0.24);
  const stemTop: [number, number] = [
    stemX + rng.gaussian(0, 0.03) * h,
    top + (style === 'open' ? h * rng.uniform(0, 0.2) : 0),
  ];
  const stemBottom: [number, number] = [stemX + rng.gaussian(0, 0.03) * h, bottom];
  if (style === 'closed') {
    // The diagonal starts at the stem's top (or just below it) and falls to the bar's left end.
    const start: [number, number] = [stemTop[0] + rng.gaussian(0, 0.02) * h, top + h * rng.uniform(0, 0.08)];
    const end: [number, number] = [left, barY + rng.gaussian(0, 0.02) * h];
    const bow = rng.uniform(-0.06, 0.08) * h;
    strokePolyline(
      canvas,
      quadraticCurve(start, [(start[0] + end[0]) / 2 - bow, (start[1] + end[1]) / 2 - bow], end),
      penRadius,
    );
  } else {
    const start: [number, number] = [left + h * rng.uniform(0.05, 0.22), top + h * rng.uniform(0, 0.1)];
    const end: [number, number] = [left, barY];
    strokePolyline(
      canvas,
      quadraticCurve(start, [(start[0] + end[0]) / 2 + rng.gaussian(0, 0.03) * h, (start[1] + end[1]) / 2], end),
      penRadius,
    );
  }
  const tilt = rng.gaussian(0, 0.03) * h;
  strokeSegment(canvas, left, barY, barEnd, barY - tilt, penRadius);
  const bow = rng.gaussian(0, 0.03) * h;
  strokePolyline(
    canvas,
    quadraticCurve(stemTop, [(stemTop[0] + stemBottom[0]) / 2 + bow, (stemTop[1] + stemBottom[1]) / 2], stemBottom),
    penRadius,
  );
  return canvas;
}

/** A filler dot: a lumpy blob, a small ring, or a scribbled blob, as the real sheets show. */
function drawDot(style: DotStyle, penRadius: number, rng: Rng): Coverage {
  const h = MASTER_INK_HEIGHT;
  const radius = h * rng.uniform(0.1, 0.24);
  const aspect = rng.uniform(0.75, 1.3);
  const harmonics = [2, 3, 4].map((order) => ({
    order,
    amplitude: rng.uniform(0, 0.1),
    phase: rng.uniform(0, 2 * Math.PI),
  }));
  const maxRadius = radius * Math.max(aspect, 1) * 1.35;
  const size = Math.ceil(2 * maxRadius) + 2 * SHAPE_MARGIN;
  const canvas = createCoverage(size, size);
  const radiusAt = (angle: number) => {
    const ellipse = radius / Math.hypot(Math.cos(angle) / aspect, Math.sin(angle));
    return ellipse * (1 + harmonics.reduce((sum, h) => sum + h.amplitude * Math.cos(h.order * angle + h.phase), 0));
  };
  const ring = Math.min(radius * 0.8, 2 * penRadius);
  drawBlob(canvas, size / 2, size / 2, radiusAt, maxRadius, style === 'filled' ? null : ring);
  if (style === 'scribble') {
    for (let i = rng.int(2, 4); i > 0; i--) {
      const a = rng.uniform(0, 2 * Math.PI);
      const b = a + rng.uniform(0.6 * Math.PI, 1.4 * Math.PI);
      const ra = radiusAt(a) * 0.8;
      const rb = radiusAt(b) * 0.8;
      strokeSegment(
        canvas,
        size / 2 + ra * Math.cos(a),
        size / 2 + ra * Math.sin(a),
        size / 2 + rb * Math.cos(b),
        size / 2 + rb * Math.sin(b),
        penRadius,
      );
    }
  }
  return canvas;
}

/** A face's master on a larger canvas, so that strokes may reach beyond its ink. */
function padCoverage(master: Coverage, margin: number): Coverage {
  const padded = createCoverage(master.width + 2 * margin, master.height + 2 * margin);
  for (let y = 0; y < master.height; y++) {
    padded.data.set(
      master.data.subarray(y * master.width, (y + 1) * master.width),
      (y + margin) * padded.width + margin,
    );
  }
  return padded;
}

/**
 * The face's 0 with strokes across it: 'Ø', one slash from below left to above right reaching
 * past the oval (often nearly upright, like a φ, on the Barcelona sheet); '⊗', two strokes
 * crossing inside it.
 */
function strikeZero(master: Coverage, style: 'slashed' | 'crossed', penRadius: number, rng: Rng): Coverage {
  const h = MASTER_INK_HEIGHT;
  const canvas = padCoverage(master, Math.round(0.3 * h));
  const box = coverageInkBox(canvas);
  if (!box) return canvas;
  const centerX = (box.x0 + box.x1) / 2 + rng.gaussian(0, 0.03) * h;
  const centerY = (box.y0 + box.y1) / 2 + rng.gaussian(0, 0.03) * h;
  const ovalHeight = box.y1 - box.y0;
  const ovalWidth = box.x1 - box.x0;
  if (style === 'slashed') {
    // Lean from upright to 50° off it; ends 0–25 % of the oval's height beyond it.
    const lean = rng.uniform((3 * Math.PI) / 180, (50 * Math.PI) / 180);
    const half = (ovalHeight / 2 / Math.max(0.5, Math.cos(lean))) * rng.uniform(1, 1.25);
    const dx = Math.sin(lean) * half;
    const dy = Math.cos(lean) * half;
    const bow = rng.gaussian(0, 0.03) * h;
    strokePolyline(
      canvas,
      quadraticCurve([centerX - dx, centerY + dy], [centerX + bow, centerY + bow], [centerX + dx, centerY - dy]),
      penRadius,
    );
    return canvas;
  }
  for (const sign of [1, -1]) {
    const reachX = (ovalWidth / 2) * rng.uniform(0.6, 1.05);
    const reachY = (ovalHeight / 2) * rng.uniform(0.6, 1.05);
    strokeSegment(
      canvas,
      centerX - reachX,
      centerY - sign * reachY,
      centerX + reachX,
      centerY + sign * reachY,
      penRadius * rng.uniform(0.85, 1.1),
    );
  }
  return canvas;
}

/** A large X filling an unused position: two strokes about a digit tall. */
function drawCross(penRadius: number, rng: Rng): Coverage {
  const h = MASTER_INK_HEIGHT;
  const height = h * rng.uniform(0.55, 1);
  const width = height * rng.uniform(0.6, 1.1);
  const canvas = createCoverage(
    Math.ceil(width + h * 0.3) + 2 * SHAPE_MARGIN,
    Math.ceil(height + h * 0.2) + 2 * SHAPE_MARGIN,
  );
  const centerX = canvas.width / 2;
  const centerY = canvas.height / 2;
  for (const sign of [1, -1]) {
    const top: [number, number] = [
      centerX - (sign * width) / 2 + rng.gaussian(0, 0.05) * h,
      centerY - height / 2 + rng.gaussian(0, 0.05) * h,
    ];
    const bottom: [number, number] = [
      centerX + (sign * width) / 2 + rng.gaussian(0, 0.05) * h,
      centerY + height / 2 + rng.gaussian(0, 0.05) * h,
    ];
    const bow = rng.gaussian(0, 0.04) * h;
    strokePolyline(
      canvas,
      quadraticCurve(top, [(top[0] + bottom[0]) / 2 + bow, (top[1] + bottom[1]) / 2], bottom),
      penRadius,
    );
  }
  return canvas;
}

/** A dash filling an unused position (2022 forms): a short, roughly horizontal stroke. */
function drawDash(penRadius: number, rng: Rng): Coverage {
  const h = MASTER_INK_HEIGHT;
  const length = h * rng.uniform(0.3, 0.8);
  const canvas = createCoverage(
    Math.ceil(length) + 2 * SHAPE_MARGIN + 2 * Math.ceil(penRadius),
    Math.ceil(0.3 * h) + 2 * SHAPE_MARGIN,
  );
  const y = canvas.height / 2;
  const tilt = rng.gaussian(0, 0.08) * length;
  const start: [number, number] = [SHAPE_MARGIN + penRadius, y + tilt / 2];
  const end: [number, number] = [SHAPE_MARGIN + penRadius + length, y - tilt / 2];
  const control: [number, number] = [(start[0] + end[0]) / 2, y + rng.uniform(-0.06, 0.06) * h];
  strokePolyline(canvas, quadraticCurve(start, control, end), penRadius);
  return canvas;
}

function glyphMaster(mark: GlyphMark, hand: HandStyle, masters: FaceMasters, rng: Rng): Coverage {
  const penRadius = averageStrokeWidth(masters) / 2;
  switch (mark) {
    case 'slashed-zero':
      return strikeZero(masters['0'], 'slashed', penRadius, rng);
    case 'crossed-zero':
      return strikeZero(masters['0'], 'crossed', penRadius, rng);
    case 'cross':
      return drawCross(penRadius, rng);
    case '0':
      return hand.zeroStyle === 'slashed' ? strikeZero(masters['0'], 'slashed', penRadius, rng) : masters['0'];
    case 'dot':
      return drawDot(hand.dotStyle, penRadius, rng);
    case 'dash':
      return drawDash(penRadius, rng);
    case '7':
      return hand.sevenStyle === 'crossed' ? crossSeven(masters['7'], penRadius, rng) : masters['7'];
    case '1':
      return hand.oneStyle === 'face' ? masters['1'] : drawOne(hand.oneStyle, penRadius, rng);
    case '4':
      return hand.fourStyle === undefined || hand.fourStyle === 'face'
        ? masters['4']
        : drawFour(hand.fourStyle, penRadius, rng);
    default:
      return masters[mark];
  }
}

/** Bilinear sample of coverage at a real position (pixel centres at +0.5); outside is paper. */
function sampleCoverage(canvas: Coverage, x: number, y: number): number {
  const fx = x - 0.5;
  const fy = y - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  if (x0 < -1 || y0 < -1 || x0 >= canvas.width || y0 >= canvas.height) return 0;
  const tx = fx - x0;
  const ty = fy - y0;
  const { width, height, data } = canvas;
  const row0 = y0 * width;
  const row1 = row0 + width;
  const left = x0 >= 0;
  const right = x0 + 1 < width;
  const top = y0 >= 0;
  const bottom = y0 + 1 < height;
  const v00 = top && left ? (data[row0 + x0] as number) : 0;
  const v01 = top && right ? (data[row0 + x0 + 1] as number) : 0;
  const v10 = bottom && left ? (data[row1 + x0] as number) : 0;
  const v11 = bottom && right ? (data[row1 + x0 + 1] as number) : 0;
  return (v00 * (1 - tx) + v01 * tx) * (1 - ty) + (v10 * (1 - tx) + v11 * tx) * ty;
}

/** Rendering works at twice the output resolution so that pen width can change by half pixels. */
const SUPERSAMPLE = 2;

/**
 * Warps a master into a 1-bit ink mask at output scale: affine (size, slant, width, rotation),
 * elastic distortion, threshold, pen-width correction, then down to output pixels.
 */
function warpToMask(
  master: Coverage,
  hand: HandStyle,
  noise: GlyphNoise,
  keepInk: boolean,
  rng: Rng,
): { mask: Uint8Array; width: number; height: number } {
  const box = coverageInkBox(master) ?? { x0: 0, y0: 0, x1: master.width - 1, y1: master.height - 1 };
  const centerX = (box.x0 + box.x1 + 1) / 2;
  const centerY = (box.y0 + box.y1 + 1) / 2;
  const scale = ((hand.digitHeight * rng.uniform(0.92, 1.08)) / MASTER_INK_HEIGHT) * SUPERSAMPLE;
  const cos = Math.cos(noise.rotation);
  const sin = Math.sin(noise.rotation);
  // Forward map: rotation · diag(scale·widthScale, scale) · shear(slant).
  const a = cos * scale * hand.widthScale;
  const b = -sin * scale;
  const c = sin * scale * hand.widthScale;
  const d = cos * scale;
  const m00 = a;
  const m01 = -a * hand.slant + b;
  const m10 = c;
  const m11 = -c * hand.slant + d;
  const determinant = m00 * m11 - m01 * m10;
  const i00 = m11 / determinant;
  const i01 = -m01 / determinant;
  const i10 = -m10 / determinant;
  const i11 = m00 / determinant;
  const corners = [
    [box.x0, box.y0],
    [box.x1 + 1, box.y0],
    [box.x0, box.y1 + 1],
    [box.x1 + 1, box.y1 + 1],
  ].map(
    ([x, y]) =>
      [
        m00 * ((x as number) - centerX) + m01 * ((y as number) - centerY),
        m10 * ((x as number) - centerX) + m11 * ((y as number) - centerY),
      ] as const,
  );
  const amplitude = noise.elastic * hand.digitHeight * SUPERSAMPLE;
  const margin = Math.ceil(2 * amplitude + hand.strokeWidth * SUPERSAMPLE + 4);
  const minX = Math.min(...corners.map((p) => p[0])) - margin;
  const minY = Math.min(...corners.map((p) => p[1])) - margin;
  const width = Math.ceil(Math.max(...corners.map((p) => p[0])) + margin - minX);
  const height = Math.ceil(Math.max(...corners.map((p) => p[1])) + margin - minY);
  const [fieldX, fieldY] = elasticField(width, height, amplitude, rng);
  const threshold = rng.uniform(0.38, 0.6);
  let mask: Uint8Array = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const qx = x + 0.5 - (fieldX[y * width + x] as number) + minX;
      const qy = y + 0.5 - (fieldY[y * width + x] as number) + minY;
      const sx = i00 * qx + i01 * qy + centerX;
      const sy = i10 * qx + i11 * qy + centerY;
      mask[y * width + x] = sampleCoverage(master, sx, sy) >= threshold ? 1 : 0;
    }
  }
  // A filled dot has no pen width to match: thinning would only shrink it.
  const measured = keepInk ? 0 : maskStrokeWidth(mask, width, height);
  const wanted = hand.strokeWidth * SUPERSAMPLE * rng.uniform(0.9, 1.1);
  if (measured > 0 && wanted > measured + 0.5) {
    mask = dilateMask(mask, width, height, (wanted - measured) / 2);
  } else if (measured > 0 && wanted < measured - 0.5) {
    // Never thin below ~1.2 output pixels, or strokes would break apart.
    const radius = Math.min((measured - wanted) / 2, (measured - 1.2 * SUPERSAMPLE) / 2);
    if (radius >= 0.5) {
      const thinned = erodeMask(mask, width, height, radius);
      if (thinned.some((ink) => ink === 1)) mask = thinned;
    }
  }
  const outWidth = Math.ceil(width / SUPERSAMPLE);
  const outHeight = Math.ceil(height / SUPERSAMPLE);
  const out = new Uint8Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let ink = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const px = x * SUPERSAMPLE + sx;
          const py = y * SUPERSAMPLE + sy;
          if (px < width && py < height) ink += mask[py * width + px] as number;
        }
      }
      out[y * outWidth + x] = ink * 2 >= SUPERSAMPLE * SUPERSAMPLE ? 1 : 0;
    }
  }
  return { mask: out, width: outWidth, height: outHeight };
}

/** Scan wear: holes in the ink, ragged 1-bit edges, specks on the paper. */
function wearMask(mask: Uint8Array, width: number, height: number, noise: GlyphNoise, rng: Rng): void {
  const ink: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) ink.push(i);
  const holes = Math.round((noise.dropout * ink.length) / 60);
  for (let k = 0; k < holes && ink.length > 0; k++) {
    const center = rng.pick(ink);
    const cx = center % width;
    const cy = Math.floor(center / width);
    const radius = rng.uniform(0.6, 1.6);
    for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++) {
      for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++) {
        if (x >= 0 && y >= 0 && x < width && y < height && Math.hypot(x - cx, y - cy) <= radius)
          mask[y * width + x] = 0;
      }
    }
  }
  if (noise.edgeNoise > 0) {
    const original = mask.slice();
    for (let y = 1; y < height - 1; y++) {
      for (let x = 1; x < width - 1; x++) {
        const i = y * width + x;
        const value = original[i];
        const onEdge =
          original[i - 1] !== value ||
          original[i + 1] !== value ||
          original[i - width] !== value ||
          original[i + width] !== value;
        if (onEdge && rng.chance(noise.edgeNoise / 2)) mask[i] = value === 1 ? 0 : 1;
      }
    }
  }
  if (noise.speckle > 0) {
    const specks = Math.round(noise.speckle * width * height);
    for (let k = 0; k < specks; k++) {
      const x = rng.int(0, width - 1);
      const y = rng.int(0, height - 1);
      mask[y * width + x] = 1;
      if (rng.chance(0.3) && x + 1 < width) mask[y * width + x + 1] = 1;
    }
  }
}

/** Crops a mask to its ink plus padding and turns it into a black-on-white GrayImage. */
function maskToImage(mask: Uint8Array, width: number, height: number, padding: number): GrayImage {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] !== 1) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) return createGrayImage(1 + 2 * padding, 1 + 2 * padding);
  const image = createGrayImage(x1 - x0 + 1 + 2 * padding, y1 - y0 + 1 + 2 * padding);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (mask[y * width + x] === 1) image.data[(y - y0 + padding) * image.width + (x - x0 + padding)] = 0;
    }
  }
  return image;
}

/**
 * Renders glyphs once the face masters are loaded. Synchronous and fast (tens of microseconds a
 * glyph), for training sets and sheet rendering loops.
 */
export class HandwritingRenderer {
  constructor(private readonly masters: ReadonlyMap<HandwritingFaceId, FaceMasters>) {}

  static async load(): Promise<HandwritingRenderer> {
    return new HandwritingRenderer(await loadGlyphMasters());
  }

  /** One glyph, cropped to its ink plus `padding`. Options left open are drawn from `rng`. */
  renderGlyph(label: GlyphMark, options: GlyphRenderOptions, rng: Rng): GrayImage {
    return this.renderWithHand(
      label,
      drawHandStyle(options, rng),
      drawGlyphNoise(options, rng),
      options.padding ?? 2,
      rng,
    );
  }

  renderWithHand(label: GlyphMark, hand: HandStyle, noise: GlyphNoise, padding: number, rng: Rng): GrayImage {
    const masters = this.masters.get(hand.face);
    if (!masters) throw new Error(`no masters for face ${hand.face}`);
    const keepInk = label === 'dot' && hand.dotStyle === 'filled';
    const { mask, width, height } = warpToMask(glyphMaster(label, hand, masters, rng), hand, noise, keepInk, rng);
    wearMask(mask, width, height, noise, rng);
    return maskToImage(mask, width, height, padding);
  }

  /** A whole value cell: three positions, fillers for unused leading ones, optional over-writing. */
  renderNumber(value: number | 'empty', options: NumberRenderOptions, rng: Rng): RenderedNumber {
    return layOutNumber(this, value, options, rng);
  }
}

export interface NumberRenderOptions extends GlyphRenderOptions {
  /** Cell size in pixels (defaults: 3.6 and 1.7 digit heights). */
  cellWidth?: number;
  cellHeight?: number;
  /**
   * What fills unused leading positions: dots (2023, 2026 forms), dashes (2022), nothing, or
   * (first-round 2026 sheets) plain zeros '007', slashed zeros 'ØØ7', crossed-out zeros '⊗⊗7' or
   * large X marks. Default: drawn (the first-round marks only with `firstRoundHabits`).
   */
  filler?: Filler;
  /** How an entirely empty row looks: no ink at all, or fillers in all three positions. */
  emptyStyle?: 'blank' | 'fillers';
  /** Probability that one digit is written over another (the jurado corrected it). */
  overwrite?: number;
  /** Distance between position centres, in pixels (default: about a digit height, within a third of the cell). */
  pitch?: number;
  /**
   * Also write as the jurados of the first-round 2026 sheets do, each habit drawn with a
   * probability: zeros, slashed zeros, crossed-out zeros and X marks as fillers (so a zero row may
   * read '000' or 'ØØ0'), 0s slashed in every position, hollow dots, 1s with a long lead-in or on
   * a foot. Off (the default), renders are exactly those of earlier versions.
   */
  firstRoundHabits?: boolean;
}

export type Filler = 'dot' | 'dash' | 'zero' | 'slashed-zero' | 'crossed-zero' | 'cross' | 'none';

const FILLER_MARKS: Record<Exclude<Filler, 'none'>, GlyphMark> = {
  dot: 'dot',
  dash: 'dash',
  zero: '0',
  'slashed-zero': 'slashed-zero',
  'crossed-zero': 'crossed-zero',
  cross: 'cross',
};

export interface RenderedPosition {
  /** What was written last in this position (the truth), or null when the position is blank. */
  label: GlyphLabel | null;
  /** What the pen drew for it ('slashed-zero' for the label '0', …), null when blank. */
  mark: GlyphMark | null;
  /** A mark in an unused leading position (a dot, or a zero in '007'), not a digit of the number. */
  filler: boolean;
  /** The digit underneath when the position was over-written. */
  overwrittenDigit: Digit | null;
  /** Where the glyph image was placed in the cell (its ink plus padding), null when blank. */
  box: Box | null;
}

export interface RenderedNumber {
  image: GrayImage;
  /**
   * 'read' with the value written; 'empty' (value 0) for a row left blank or filled with dots,
   * dashes, '⊗' or X only. A row of zeros ('000', 'ØØØ') reads 0.
   */
  state: 'read' | 'empty';
  value: number;
  overwritten: boolean;
  /** Hundreds, tens, units. */
  positions: [RenderedPosition, RenderedPosition, RenderedPosition];
  hand: HandStyle;
  /**
   * Which position (0–2) drew each pixel's ink, −1 for paper: the ground truth that lets training
   * label whatever pieces a segmentation cuts the cell into.
   */
  inkOwner: Int8Array;
}

/** The marks of the three positions and whether each is a filler (a blank position is null). */
function positionMarks(
  value: number | 'empty',
  filler: GlyphMark | null,
  emptyStyle: 'blank' | 'fillers',
): { mark: GlyphMark | null; filler: boolean }[] {
  const fill = { mark: filler, filler: filler !== null };
  if (value === 'empty')
    return emptyStyle === 'blank' ? [0, 1, 2].map(() => ({ mark: null, filler: false })) : [fill, fill, fill];
  if (!Number.isInteger(value) || value < 0 || value > 999) throw new Error(`a cell holds 0..999, not ${value}`);
  const digits = String(value).split('') as Digit[];
  const marks: { mark: GlyphMark | null; filler: boolean }[] = [];
  for (let i = digits.length; i < 3; i++) marks.push(fill);
  return [...marks, ...digits.map((digit) => ({ mark: digit, filler: false }))];
}

function layOutNumber(
  renderer: HandwritingRenderer,
  value: number | 'empty',
  options: NumberRenderOptions,
  rng: Rng,
): RenderedNumber {
  const digitHeight =
    options.digitHeight ?? (options.cellHeight ? options.cellHeight / rng.uniform(1.45, 2) : DEFAULT_DIGIT_HEIGHT);
  const habits = options.firstRoundHabits ?? false;
  const hand = drawHandStyle({ ...options, ...(habits ? drawFirstRoundHand(options, rng) : {}), digitHeight }, rng);
  const cellWidth = Math.round(options.cellWidth ?? digitHeight * 3.6);
  const cellHeight = Math.round(options.cellHeight ?? digitHeight * 1.7);
  const filler =
    options.filler ??
    (habits
      ? rng.pickWeighted({
          dot: 0.5,
          dash: 0.08,
          none: 0.07,
          zero: 0.1,
          'slashed-zero': 0.15,
          'crossed-zero': 0.05,
          cross: 0.05,
        })
      : rng.pickWeighted({ dot: 0.8, dash: 0.15, none: 0.05 }));
  const marks = positionMarks(
    value,
    filler === 'none' ? null : FILLER_MARKS[filler],
    options.emptyStyle ?? (rng.chance(0.5) ? 'blank' : 'fillers'),
  );
  const labels = marks.map(({ mark }) => (mark === null ? null : markLabel(mark)));
  // Zeros filling a whole row ('000', 'ØØØ') write the number 0.
  const readsZero = value === 'empty' && labels.includes('0');
  const digitPositions = marks.flatMap(({ mark, filler }, index) => (mark !== null && !filler ? [index] : []));
  const overwrittenIndex =
    digitPositions.length > 0 && rng.chance(options.overwrite ?? 0) ? rng.pick(digitPositions) : -1;

  const image = createGrayImage(cellWidth, cellHeight);
  // Jurados space digits about a digit height apart, closer when the cell is narrow.
  const pitch = options.pitch ?? Math.min(digitHeight * rng.uniform(0.75, 1.3), (cellWidth / 3) * rng.uniform(0.85, 1));
  const slack = Math.max(0, cellWidth - 3 * pitch);
  const groupCenter = cellWidth / 2 + rng.uniform(-0.4, 0.4) * slack;
  const baseline = cellHeight / 2 + digitHeight / 2 + rng.gaussian(0, 0.05 * digitHeight);
  const padding = options.padding ?? 2;

  const inkOwner = new Int8Array(cellWidth * cellHeight).fill(-1);
  const place = (
    position: number,
    glyph: GrayImage,
    centerX: number,
    bottomOrCenterY: number,
    byCenter: boolean,
  ): Box => {
    let x = Math.round(centerX - glyph.width / 2);
    let y = Math.round(byCenter ? bottomOrCenterY - glyph.height / 2 : bottomOrCenterY - glyph.height + padding);
    x = Math.min(Math.max(x, 0), Math.max(0, cellWidth - glyph.width));
    y = Math.min(Math.max(y, 0), Math.max(0, cellHeight - glyph.height));
    drawDarkest(image, glyph, x, y);
    for (let gy = 0; gy < glyph.height && y + gy < cellHeight; gy++) {
      for (let gx = 0; gx < glyph.width && x + gx < cellWidth; gx++) {
        if ((glyph.data[gy * glyph.width + gx] as number) <= INK_THRESHOLD)
          inkOwner[(y + gy) * cellWidth + x + gx] = position;
      }
    }
    return { x, y, width: glyph.width, height: glyph.height };
  };

  const positions = marks.map(({ mark, filler }, index): RenderedPosition => {
    const label = labels[index] as GlyphLabel | null;
    if (mark === null || label === null) return { label: null, mark: null, filler, overwrittenDigit: null, box: null };
    const centerX = groupCenter + (index - 1) * pitch + rng.gaussian(0, 0.05 * pitch);
    const noise = drawGlyphNoise(options, rng);
    if (mark === 'dot' || mark === 'dash') {
      const glyph = renderer.renderWithHand(mark, hand, noise, padding, rng);
      const centerY = baseline - digitHeight * rng.uniform(0.25, 0.55);
      return { label, mark, filler, overwrittenDigit: null, box: place(index, glyph, centerX, centerY, true) };
    }
    if (mark === 'slashed-zero' || mark === 'crossed-zero' || mark === 'cross') {
      // Digit-sized marks whose strokes may reach above and below the digits: placed by their middle.
      const glyph = renderer.renderWithHand(mark, hand, noise, padding, rng);
      const centerY = baseline - digitHeight * rng.uniform(0.42, 0.58);
      return { label, mark, filler, overwrittenDigit: null, box: place(index, glyph, centerX, centerY, true) };
    }
    const bottom = baseline + rng.gaussian(0, 0.04 * digitHeight);
    if (index !== overwrittenIndex) {
      return {
        label,
        mark,
        filler,
        overwrittenDigit: null,
        box: place(index, renderer.renderWithHand(mark, hand, noise, padding, rng), centerX, bottom, false),
      };
    }
    const overwrittenDigit = rng.pick(DIGITS.filter((digit) => digit !== label));
    const under = renderer.renderWithHand(overwrittenDigit, hand, noise, padding, rng);
    const underBox = place(
      index,
      under,
      centerX + rng.gaussian(0, 0.06 * digitHeight),
      bottom + rng.gaussian(0, 0.05 * digitHeight),
      false,
    );
    // The correction is written last, pressed harder, and often traced twice.
    const correctionHand = { ...hand, strokeWidth: hand.strokeWidth * rng.uniform(1.1, 1.9) };
    let box = underBox;
    for (let stroke = rng.chance(0.5) ? 2 : 1; stroke > 0; stroke--) {
      const correction = renderer.renderWithHand(label, correctionHand, drawGlyphNoise(options, rng), padding, rng);
      const shift = stroke > 1 ? rng.gaussian(0, 0.03 * digitHeight) : 0;
      box = unionBox(box, place(index, correction, centerX + shift, bottom + shift, false));
    }
    return { label, mark, filler, overwrittenDigit, box };
  }) as [RenderedPosition, RenderedPosition, RenderedPosition];

  return {
    image,
    state: value === 'empty' && !readsZero ? 'empty' : 'read',
    value: value === 'empty' ? 0 : value,
    overwritten: overwrittenIndex >= 0,
    positions,
    hand,
    inkOwner,
  };
}

function unionBox(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

let sharedRenderer: Promise<HandwritingRenderer> | undefined;

/** The process-wide renderer (face masters are rasterised on the first call). */
export function loadHandwritingRenderer(): Promise<HandwritingRenderer> {
  sharedRenderer ??= HandwritingRenderer.load();
  return sharedRenderer;
}

/** One handwritten-looking glyph ('0'–'9', 'dot', 'dash') as a 1-bit GrayImage. */
export async function renderHandwrittenGlyph(
  label: GlyphLabel,
  options: GlyphRenderOptions,
  rng: Rng,
): Promise<GrayImage> {
  return (await loadHandwritingRenderer()).renderGlyph(label, options, rng);
}

/** A value cell as a jurado fills it: 0–999 in three positions, or 'empty'. */
export async function renderHandwrittenNumber(
  value: number | 'empty',
  options: NumberRenderOptions,
  rng: Rng,
): Promise<RenderedNumber> {
  return (await loadHandwritingRenderer()).renderNumber(value, options, rng);
}
