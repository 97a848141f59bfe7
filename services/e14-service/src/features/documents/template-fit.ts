import { BARCODE_CORPORATION_DIGIT } from '@castor/contracts';
import type { SheetReading, SheetTemplate } from '@castor/e14-sheets';
import { QuarantineError } from './job-error.js';

/**
 * Below this share of the template's printed rules found where they belong, a flat page held by
 * its four corner squares is not this layout: every form shares the corners and the header, so a
 * sheet of another corporation registers, yet its vote rows are elsewhere (on the Presidente
 * layout a Gobernador sheet shows about 54%, a Senado one at most 73%; the right sheets, real
 * scans included, 92% and more).
 */
const MIN_LAYOUT_RULE_HITS = 0.8;

/**
 * Quarantines a reading that is not recognisably the E-14 of `template` with something written on
 * it: a blank page, a thumbnail or a photo of anything else would otherwise be stored as a version
 * of the mesa's form with every cell unread, each cell a review task.
 */
export function assertExpectedForm(sheet: SheetReading, template: SheetTemplate): void {
  assertRecognisable(sheet);
  assertTemplateFits(sheet, template);
  assertInked(sheet);
}

/** NOT_AN_E14: no page shows the form's four corner squares, or neither its barcode nor any header code reads. */
export function assertRecognisable(sheet: SheetReading): void {
  const registered = sheet.pages.some((page) => page.registration !== null);
  const barcodeRead = sheet.pages.some((page) => page.barcode?.parsed);
  const headerRead = Object.values(sheet.header).some((code) => code.value !== null);
  if (registered && (barcodeRead || headerRead)) return;
  throw new QuarantineError(
    'NOT_AN_E14',
    registered
      ? 'This page is not recognisably an E-14: neither its barcode nor the mesa codes of its header could be read'
      : `This page is not recognisably an E-14: the form's corner squares were not found on any of its ${sheet.pageCount} page(s)`,
  );
}

/**
 * Quarantines a sheet that is not the form of `template`: the barcode's corporation digit and
 * page count must be the template's, and each page must show the template's rules. The digit
 * alone is not enough (Presidente, Senado and Gobernador share 1), so a sheet of another
 * corporation would otherwise be read cell by cell on the wrong layout and stored as this one.
 */
function assertTemplateFits(sheet: SheetReading, template: SheetTemplate): void {
  const problems = [...barcodeProblems(sheet, template), ...layoutProblems(sheet)];
  if (problems.length === 0) return;
  throw new QuarantineError(
    'TEMPLATE_MISMATCH',
    `This is not the ${template.corporation} form expected (template ${template.id}, ${template.pageCount} pages): ${problems.join('; ')}`,
  );
}

/**
 * PAGE_BLANK: the recognizer found no ink in any cell. Only a sheet whose every cell was read can
 * be blank: without the local model (readings null) nothing is known of the ink.
 */
function assertInked(sheet: SheetReading): void {
  const cells = sheet.fields.map((field) => field.reading);
  if (cells.length === 0 || !cells.every((cell) => cell?.state === 'empty')) return;
  throw new QuarantineError(
    'PAGE_BLANK',
    `This E-14 is blank: none of its ${cells.length} cells holds ink, so there is nothing to store or review`,
  );
}

function barcodeProblems(sheet: SheetReading, template: SheetTemplate): string[] {
  // Only a barcode whose bars and printed digits do not disagree is evidence against the sheet.
  const barcode = sheet.pages.find((page) => page.barcode?.parsed && !page.barcode.conflict)?.barcode?.parsed;
  if (!barcode) return [];
  const problems: string[] = [];
  const digit = BARCODE_CORPORATION_DIGIT[template.corporation];
  if (barcode.corporationDigit !== digit) {
    problems.push(`expected barcode corporation digit ${digit}, found ${barcode.corporationDigit}`);
  }
  if (barcode.pageCount !== template.pageCount) {
    problems.push(`expected ${template.pageCount} pages, the barcode says ${barcode.pageCount}`);
  }
  return problems;
}

function layoutProblems(sheet: SheetReading): string[] {
  const off = sheet.pages.flatMap((page) => {
    const quality = page.registration?.quality;
    // A page held by three squares or photographed askew may miss rules for its own reasons.
    if (quality?.fiducialsFound !== 4 || page.source === 'photo') return [];
    return quality.ruleHits < MIN_LAYOUT_RULE_HITS
      ? [`page ${page.pageNumber} ${Math.round(quality.ruleHits * 100)}%`]
      : [];
  });
  if (off.length === 0) return [];
  return [
    `expected at least ${MIN_LAYOUT_RULE_HITS * 100}% of the layout's printed rules on each page, found ${off.join(', ')}`,
  ];
}
