import { SheetError } from '../errors.js';
import {
  affineFromPoints,
  applyHomography,
  describeTransform,
  type Homography,
  homographyFromPoints,
  type Point,
  residuals,
} from '../raster/geometry.js';
import { isInk, type PageRaster } from '../raster/raster.js';
import { pageLayout, type SheetTemplate } from '../template/schema.js';
import { CORNERS, type CornerName, type FoundFiducial, findFiducialCandidates } from './fiducials.js';
import { formTooSmall, MIN_FORM_SCALE } from './resolution.js';

/**
 * Registration: the transform from a template's frame to one page image, computed from the corner
 * squares alone (never by warping the page), and a score saying how far to trust it.
 */

export interface Registration {
  /** Template coordinates → image pixels. */
  toImage: Homography;
  model: 'perspective' | 'affine';
  fiducials: FoundFiducial[];
  quality: RegistrationQuality;
}

export interface RegistrationQuality {
  /** 0..1: product of the checks below; under ~0.6 the crops should not be trusted. */
  score: number;
  fiducialsFound: number;
  /** How far the four squares are from a pure affine image of the template (px): the perspective of a photo. */
  affineResidualPx: number;
  /** Fraction of the template's printed rules found in ink where the transform puts them. */
  ruleHits: number;
  rotationDeg: number;
  scaleX: number;
  scaleY: number;
}

function templateCorner(template: SheetTemplate, corner: CornerName): Point {
  return template.fiducials[corner];
}

/**
 * Distances of the rule search in template units (pixels of a 72-ppi scan), turned into image
 * pixels by the page's scale, never below them: a 300-dpi scan draws a 2-unit rule 8 px thick and
 * drifts 4 times as many pixels.
 */
interface RuleDistances {
  /** How far from its predicted place a printed rule is looked for (content drifts up to ~8 units). */
  search: number;
  /** A rule counts as found at a sample when its ink is within this distance after refinement. */
  tolerance: number;
  /** Ink runs thicker than this across a rule are banners or photos, not the rule. */
  maxThickness: number;
}
const RULE_DISTANCES_UNITS: RuleDistances = { search: 10, tolerance: 3, maxThickness: 7 };

function ruleDistances(pixelsPerUnit: number): RuleDistances {
  const scale = Math.max(1, pixelsPerUnit);
  return {
    search: Math.round(RULE_DISTANCES_UNITS.search * scale),
    tolerance: RULE_DISTANCES_UNITS.tolerance * scale,
    maxThickness: Math.round(RULE_DISTANCES_UNITS.maxThickness * scale),
  };
}

interface RuleSample {
  template: Point;
  horizontal: boolean;
  /** Signed distance (image pixels, across the rule) from the predicted place to the ink's centre. */
  offset: number | null;
  /** The predicted place is inside solid ink (a banner): found, but useless for measuring drift. */
  solid: boolean;
}

/**
 * Where each printed rule really is, sample by sample: the centre of the thin ink run nearest to
 * where the transform puts it. Printed content drifts against the corner squares by a few pixels
 * over the page (7 px at the bottom of the Anzá sheet), which these offsets measure.
 */
function sampleRules(
  raster: PageRaster,
  toImage: Homography,
  template: SheetTemplate,
  pageNumber: number,
  distances: RuleDistances,
): RuleSample[] {
  const { search, maxThickness } = distances;
  const samples: RuleSample[] = [];
  for (const rule of pageLayout(template, pageNumber).rules) {
    const steps = Math.max(4, Math.min(24, Math.round(Math.hypot(rule.x2 - rule.x1, rule.y2 - rule.y1) / 24)));
    const horizontal = Math.abs(rule.x2 - rule.x1) >= Math.abs(rule.y2 - rule.y1);
    for (let i = 0; i <= steps; i++) {
      const t = (i + 0.5) / (steps + 1);
      const at = { x: rule.x1 + (rule.x2 - rule.x1) * t, y: rule.y1 + (rule.y2 - rule.y1) * t };
      const point = applyHomography(toImage, at.x, at.y);
      // Pixel k covers [k, k + 1): flooring keeps the measured centres unbiased.
      const inkAt = (d: number) =>
        isInk(raster, Math.floor(point.x + (horizontal ? 0 : d)), Math.floor(point.y + (horizontal ? d : 0)));
      let best: number | null = null;
      let solid = false;
      for (let distance = 0; distance <= search && best === null && !solid; distance++) {
        for (const d of distance === 0 ? [0] : [-distance, distance]) {
          if (!inkAt(d)) continue;
          let from = d;
          let to = d;
          while (from > d - maxThickness - 1 && inkAt(from - 1)) from--;
          while (to < d + maxThickness + 1 && inkAt(to + 1)) to++;
          if (to - from + 1 <= maxThickness) best = (from + to) / 2;
          else solid = distance === 0;
          break;
        }
      }
      samples.push({ template: at, horizontal, offset: best, solid });
    }
  }
  return samples;
}

/** Least-squares a + b·x + c·y of the offsets (template coordinates, scaled for conditioning). */
function fitOffsets(
  samples: RuleSample[],
  size: { width: number; height: number },
  distances: RuleDistances,
): [number, number, number] | null {
  const measured = samples.filter((sample) => sample.offset !== null);
  // Handwriting touching a rule pulls single samples away: keep those near the median drift.
  const sorted = measured.map((sample) => sample.offset as number).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const found = measured.filter((sample) => Math.abs((sample.offset as number) - median) <= distances.tolerance);
  if (found.length < 8) return null;
  const m = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const r = [0, 0, 0];
  for (const sample of found) {
    const row = [1, sample.template.x / size.width, sample.template.y / size.height];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++)
        (m[i] as number[])[j] = ((m[i] as number[])[j] as number) + (row[i] as number) * (row[j] as number);
      r[i] = (r[i] as number) + (row[i] as number) * (sample.offset as number);
    }
  }
  // A little ridge keeps the slopes at zero when the rules do not span the page in that direction.
  for (let i = 1; i < 3; i++) (m[i] as number[])[i] = ((m[i] as number[])[i] as number) + 0.5;
  const solved = solve3(m, r);
  return solved ? [solved[0], solved[1] / size.width, solved[2] / size.height] : null;
}

function solve3(m: number[][], r: number[]): [number, number, number] | null {
  const [a = [], b = [], c = []] = m;
  const det = (x: number[][]) =>
    (x[0]?.[0] ?? 0) * ((x[1]?.[1] ?? 0) * (x[2]?.[2] ?? 0) - (x[1]?.[2] ?? 0) * (x[2]?.[1] ?? 0)) -
    (x[0]?.[1] ?? 0) * ((x[1]?.[0] ?? 0) * (x[2]?.[2] ?? 0) - (x[1]?.[2] ?? 0) * (x[2]?.[0] ?? 0)) +
    (x[0]?.[2] ?? 0) * ((x[1]?.[0] ?? 0) * (x[2]?.[1] ?? 0) - (x[1]?.[1] ?? 0) * (x[2]?.[0] ?? 0));
  const d = det([a, b, c]);
  if (Math.abs(d) < 1e-9) return null;
  const column = (k: number) => [a, b, c].map((row, i) => row.map((value, j) => (j === k ? (r[i] as number) : value)));
  return [det(column(0)) / d, det(column(1)) / d, det(column(2)) / d];
}

/**
 * Refines a fiducial registration with the printed rules: horizontal rules tell the vertical
 * drift, vertical rules the horizontal one, each fitted as an affine function of the position and
 * folded back into the homography through the page corners. Returns the transform kept (the
 * refinement only when the rules really sit closer) with its rule samples.
 */
function refineWithRules(
  raster: PageRaster,
  toImage: Homography,
  template: SheetTemplate,
  pageNumber: number,
  distances: RuleDistances,
): { toImage: Homography; samples: RuleSample[] } {
  const samples = sampleRules(raster, toImage, template, pageNumber, distances);
  const dy = fitOffsets(
    samples.filter((s) => s.horizontal),
    template.page,
    distances,
  );
  const dx = fitOffsets(
    samples.filter((s) => !s.horizontal),
    template.page,
    distances,
  );
  if (!dy && !dx) return { toImage, samples };
  const correct = (p: Point): Point => {
    const image = applyHomography(toImage, p.x, p.y);
    const shiftX = dx ? dx[0] + dx[1] * p.x + dx[2] * p.y : 0;
    const shiftY = dy ? dy[0] + dy[1] * p.x + dy[2] * p.y : 0;
    return { x: image.x + shiftX, y: image.y + shiftY };
  };
  const corners = [
    { x: 0, y: 0 },
    { x: template.page.width, y: 0 },
    { x: template.page.width, y: template.page.height },
    { x: 0, y: template.page.height },
  ];
  const refined = homographyFromPoints(corners, corners.map(correct));
  if (!refined) return { toImage, samples };
  const refinedSamples = sampleRules(raster, refined, template, pageNumber, distances);
  return meanRuleOffset(refinedSamples, distances) < meanRuleOffset(samples, distances)
    ? { toImage: refined, samples: refinedSamples }
    : { toImage, samples };
}

/** Mean distance between predicted and found rules (unfound samples count as the search radius). */
function meanRuleOffset(samples: RuleSample[], distances: RuleDistances): number {
  const thin = samples.filter((sample) => !sample.solid);
  if (thin.length === 0) return 0;
  return (
    thin.reduce((sum, sample) => sum + (sample.offset === null ? distances.search : Math.abs(sample.offset)), 0) /
    thin.length
  );
}

/** Fraction of rule samples found within the tolerance (banners: inside their ink). */
function ruleHitRate(samples: RuleSample[], distances: RuleDistances): number {
  if (samples.length === 0) return 1;
  return (
    samples.filter(
      (sample) => sample.solid || (sample.offset !== null && Math.abs(sample.offset) <= distances.tolerance),
    ).length / samples.length
  );
}

/**
 * A square whose size does not match the scale the transform gives its corner is something else
 * (a photo's dark patch, a bullet, a stamp): without this, squares of four different sizes can
 * frame a transform whose rules land on dark photos, which count as banners.
 */
function sizedLikeItsCorner(fiducial: FoundFiducial, toImage: Homography, template: SheetTemplate): boolean {
  const { scaleX, scaleY } = describeTransform(toImage, templateCorner(template, fiducial.corner));
  const ratio = fiducial.side / (template.fiducials.side * Math.sqrt(scaleX * scaleY));
  return ratio > 0.6 && ratio < 1.6;
}

/** Registration from one choice of corner squares, or null when they are degenerate. */
function registerWith(
  raster: PageRaster,
  template: SheetTemplate,
  pageNumber: number,
  fiducials: FoundFiducial[],
): Registration | null {
  const source = fiducials.map((f) => templateCorner(template, f.corner));
  const destination = fiducials.map((f) => f.center);
  const affine = affineFromPoints(source, destination);
  const exact = fiducials.length === 4 ? homographyFromPoints(source, destination) : null;
  const fromFiducials = exact ?? affine;
  if (!fromFiducials || !affine) return null;
  const { max: affineResidualPx } = residuals(affine, source, destination);
  const center = { x: template.page.width / 2, y: template.page.height / 2 };
  const { rotationDeg, scaleX, scaleY } = describeTransform(fromFiducials, center);
  const plausible =
    Math.abs(rotationDeg) <= 20 &&
    scaleX > 0.2 &&
    scaleY > 0.2 &&
    scaleX / scaleY < 1.5 &&
    scaleY / scaleX < 1.5 &&
    fiducials.every((fiducial) => sizedLikeItsCorner(fiducial, fromFiducials, template));
  const distances = ruleDistances((scaleX + scaleY) / 2);
  const refined = plausible ? refineWithRules(raster, fromFiducials, template, pageNumber, distances) : null;
  const ruleHits = refined ? ruleHitRate(refined.samples, distances) : 0;
  // The rules are the evidence: a photo's perspective leaves large affine residuals yet fits well.
  const score = ruleHits * (fiducials.length === 4 ? 1 : 0.85);
  return {
    toImage: refined?.toImage ?? fromFiducials,
    model: exact ? 'perspective' : 'affine',
    fiducials,
    quality: { score, fiducialsFound: fiducials.length, affineResidualPx, ruleHits, rotationDeg, scaleX, scaleY },
  };
}

/** Below this score the other candidate squares are tried (clutter around a photographed sheet). */
const RETRY_BELOW = 0.6;

/**
 * Every choice of one candidate per corner, or of leaving a corner out (a square lost to glare or
 * a fold), keeping at least three corners; choices with more corners come first.
 */
function combinations(candidates: Map<CornerName, FoundFiducial[]>): FoundFiducial[][] {
  let combos: FoundFiducial[][] = [[]];
  for (const hits of candidates.values()) {
    combos = combos.flatMap((combo) => [...hits.map((hit) => [...combo, hit]), combo]);
  }
  return combos.filter((combo) => combo.length >= 3).sort((a, b) => b.length - a.length);
}

export function registerPage(raster: PageRaster, template: SheetTemplate, pageNumber: number): Registration {
  const expectedSide = template.fiducials.side * (raster.width / template.page.width);
  const candidates = findFiducialCandidates(raster, { expectedSide });
  if (candidates.size < 3) {
    throw new SheetError(
      'PAGE_NOT_REGISTERED',
      `Page ${pageNumber}: only ${candidates.size} of the 4 corner squares were found, so the page cannot be aligned with the template.`,
      { pageNumber, found: [...candidates.keys()] },
    );
  }
  const firstChoice = [...candidates.values()].map((hits) => hits[0] as FoundFiducial);
  let best = registerWith(raster, template, pageNumber, firstChoice);
  if (!best || best.quality.score < RETRY_BELOW) {
    // Something else square and dark may sit nearer a corner than the sheet's own square.
    for (const combo of combinations(findFiducialCandidates(raster, { expectedSide }, 3, true))) {
      const registration = registerWith(raster, template, pageNumber, combo);
      if (registration && (!best || registration.quality.score > best.quality.score)) best = registration;
      if (best && best.quality.score >= 0.9) break;
    }
  }
  if (!best) {
    throw new SheetError('PAGE_NOT_REGISTERED', `Page ${pageNumber}: the corner squares are degenerate (collinear).`, {
      pageNumber,
    });
  }
  // Only a form whose rules were found is judged too small; anything else is not known to be an E-14.
  if (best.quality.score >= RETRY_BELOW) {
    const scale = smallestScale(best.toImage, template);
    if (scale < MIN_FORM_SCALE) throw formTooSmall(pageNumber, scale);
  }
  return best;
}

/** Image pixels per template unit where the form is drawn smallest (a photo's far corner). */
function smallestScale(toImage: Homography, template: SheetTemplate): number {
  return Math.min(
    ...CORNERS.map((corner) => {
      const { scaleX, scaleY } = describeTransform(toImage, templateCorner(template, corner));
      return Math.sqrt(scaleX * scaleY);
    }),
  );
}
