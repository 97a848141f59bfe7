import { BARCODE_CORPORATION_DIGIT } from '@castor/contracts';
import type { SheetReading, SheetTemplate } from '@castor/e14-sheets';
import { JobError } from './job-error.js';

/**
 * Below this share of the template's printed rules found where they belong, a flat page held by
 * its four corner squares is not this layout: every form shares the corners and the header, so a
 * sheet of another corporation registers, yet its vote rows are elsewhere (on the Presidente
 * layout a Gobernador sheet shows about 54%, a Senado one at most 73%; the right sheets, real
 * scans included, 92% and more).
 */
const MIN_LAYOUT_RULE_HITS = 0.8;

/**
 * Refuses a sheet that is not the form of `template`: the barcode's corporation digit and page
 * count must be the template's, and each page must show the template's rules. The digit alone
 * is not enough (Presidente, Senado and Gobernador share 1), so a sheet of another corporation
 * would otherwise be read cell by cell on the wrong layout and stored as this one.
 */
export function assertTemplateFits(sheet: SheetReading, template: SheetTemplate): void {
  const problems = [...barcodeProblems(sheet, template), ...layoutProblems(sheet)];
  if (problems.length === 0) return;
  throw new JobError(
    'TEMPLATE_MISMATCH',
    `This is not the ${template.corporation} form expected (template ${template.id}, ${template.pageCount} pages): ${problems.join('; ')}`,
    false,
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
