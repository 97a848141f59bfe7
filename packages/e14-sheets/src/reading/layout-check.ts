import type { PageRaster } from '../raster/raster.js';
import type { Registration } from '../registration/register.js';
import { pageLayout, type SheetTemplate } from '../template/schema.js';
import type { PrintedDigitReader } from './printed-digits.js';

/**
 * Below this share of a page layout's printed rules found where they belong, a flat page held by
 * its four corner squares is not that layout: every form shares the corners and the header, so a
 * sheet of another layout registers, yet its rows are elsewhere (the first-round page 1 against
 * the second-round layout: 53 %; Gobernador against Presidente: ~54 %; right pages, real scans
 * included: 92 % and more).
 */
export const MIN_LAYOUT_RULE_HITS = 0.8;

/** The consulates' departamento code: their header prints CONSULADO 88 and the country as municipio. */
export const CONSULADO_DEPARTAMENTO = '88';

export interface LayoutCheck {
  /** The page shows this layout: its printed numbers read where the template puts them, its rules in ink. */
  verified: boolean;
  numbersExpected: number;
  numbersFound: number;
  ruleHits: number;
  problems: string[];
}

/**
 * Verifies a registered page against the template's page `formPage`: each printed candidate number
 * must read as itself at its place (one may be hidden by a stamp when there are four or more), and
 * on a flat scan held by four squares the page's rules must be in ink. A photo's rules are not
 * counted: its perspective and lighting lose rules for their own reasons, and its numbers decide.
 */
export function checkLayout(
  raster: PageRaster,
  registration: Registration,
  template: SheetTemplate,
  formPage: number,
  printed: PrintedDigitReader,
  isPhoto: boolean,
): LayoutCheck {
  const layout = pageLayout(template, formPage);
  const numbers = layout.pageNumber === formPage ? layout.printedNumbers : [];
  const misread: string[] = [];
  for (const number of numbers) {
    const reading = printed.read(raster, registration.toImage, number.rect);
    if (reading.text !== number.text) misread.push(`${number.text} read as "${reading.text}"`);
  }
  const found = numbers.length - misread.length;
  const allowedMisses = numbers.length >= 4 ? 1 : 0;
  const { ruleHits, fiducialsFound } = registration.quality;
  const problems: string[] = [];
  if (misread.length > allowedMisses) {
    problems.push(
      `page ${formPage}: printed candidate numbers not where the template puts them (${misread.join(', ')})`,
    );
  }
  if (!isPhoto && fiducialsFound === 4 && ruleHits < MIN_LAYOUT_RULE_HITS) {
    problems.push(
      `page ${formPage}: ${Math.round(ruleHits * 100)}% of the layout's printed rules found, at least ${MIN_LAYOUT_RULE_HITS * 100}% expected`,
    );
  }
  return { verified: problems.length === 0, numbersExpected: numbers.length, numbersFound: found, ruleHits, problems };
}

/**
 * Below this a header code is letters read as digits: at the other kind's place the reader finds
 * "06" in "CONSULADO:" at 0.00, while real codes read at 0.5–1.0.
 */
const MIN_HEADER_CONFIDENCE = 0.3;

/**
 * Whether the page's header is of the template's kind: read at the template's departamento place,
 * a consulate template must find 88 and a regular one a two-digit code that is not 88.
 */
export function headerFits(
  raster: PageRaster,
  registration: Registration,
  template: SheetTemplate,
  printed: PrintedDigitReader,
): boolean {
  const { text, confidence } = printed.read(raster, registration.toImage, template.regions.departamento);
  if (!/^\d\d$/.test(text) || confidence < MIN_HEADER_CONFIDENCE) return false;
  return (text === CONSULADO_DEPARTAMENTO) === (template.header === 'consulado');
}
