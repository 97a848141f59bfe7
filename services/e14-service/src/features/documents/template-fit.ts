import { BARCODE_CORPORATION_DIGIT, type E14Submission, type Field } from '@castor/contracts';
import type { SheetReading, SheetTemplate } from '@castor/e14-sheets';
import { JobError, QuarantineError } from './job-error.js';

/**
 * Quarantines a reading that is not recognisably the E-14 of one of `templates` (the layouts
 * `readSheet` chose among), complete and with something written on it: a blank page, a
 * thumbnail, a photo of anything else, a sheet read on another layout, or one page of a
 * multi-page sheet would otherwise be stored as a version of the mesa's form — unread cells each a
 * review task, or the rows of one page taken for the whole sheet.
 */
export function assertExpectedForm(sheet: SheetReading, templates: readonly SheetTemplate[]): void {
  assertRecognisable(sheet);
  const template = chosenTemplate(sheet, templates);
  assertTemplateFits(sheet, template);
  assertPagesComplete(sheet, template);
  assertInked(sheet);
}

/**
 * A released sheet is stored as read, yet `readSheet` reads no page that is missing or does not
 * show the layout: with no vote row read there is nothing to store (the release cannot make the
 * wrong form readable), and the rows it did not read go to a person as illegible instead of counting 0.
 */
export function releasedSubmission<T extends { submission: E14Submission }>(
  sheet: SheetReading,
  templates: readonly SheetTemplate[],
  toSubmission: (sheet: SheetReading) => T,
): T {
  const template = chosenTemplate(sheet, templates);
  if (!sheet.fields.some((field) => field.field.startsWith('votes.'))) {
    throw new JobError(
      'TEMPLATE_MISMATCH',
      `Released, yet no page of this file holding vote rows shows the layout of ${template.id} (${sheet.layoutProblems.join('; ') || 'none is in the file'}): nothing on it can be read as this form`,
      false,
    );
  }
  const converted = toSubmission(sheet);
  const { submission } = converted;
  const read = new Set(sheet.fields.map((field) => field.field));
  const unread = template.cells.map((cell) => cell.field).filter((path) => !read.has(path));
  const illegible = (): Field => ({ state: 'illegible', value: null, confidence: 0, overwritten: false });
  return {
    ...converted,
    submission: {
      ...submission,
      // The printed suma total is optional in a submission: a form that prints one must say it was not read.
      ...(unread.includes('sumaTotal') ? { sumaTotal: illegible() } : {}),
      votes: [
        ...submission.votes,
        ...unread.flatMap((path) => {
          const vote = /^votes\.(\d+)(?:-(\d+))?$/.exec(path);
          if (!vote) return [];
          const candidate = vote[2] === undefined ? {} : { candidateNumber: Number(vote[2]) };
          return [{ ballotNumber: Number(vote[1]), ...candidate, votes: illegible() }];
        }),
      ],
      listTotals: [
        ...submission.listTotals,
        ...unread.flatMap((path) => {
          const total = /^listTotals\.(\d+)$/.exec(path);
          return total ? [{ ballotNumber: Number(total[1]), total: illegible() }] : [];
        }),
      ],
    },
  };
}

/** The template `readSheet` read the sheet with. */
export function chosenTemplate(sheet: SheetReading, templates: readonly SheetTemplate[]): SheetTemplate {
  const template = templates.find((candidate) => candidate.id === sheet.templateId);
  if (!template) throw new Error(`readSheet answered template ${sheet.templateId}, not one of those given`);
  return template;
}

/** NOT_AN_E14: no page shows the form's four corner squares, or neither its barcode nor any header code reads. */
export function assertRecognisable(sheet: SheetReading): void {
  const registered = sheet.pages.some((page) => page.registration !== null);
  // The form was found but drawn too small to read: the sender can do better, and is told how.
  const tooSmall = sheet.pages.find((page) => page.error?.code === 'IMAGE_RESOLUTION_TOO_LOW')?.error;
  if (tooSmall && !registered) throw new JobError(tooSmall.code, tooSmall.message, false);
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
 * page count must be the template's, and `readSheet` must have verified every numbered page
 * against it (printed candidate numbers and rules where the template puts them). The digit alone
 * is not enough (Presidente, Senado and Gobernador share 1), so a sheet of another corporation or
 * round would otherwise be read cell by cell on the wrong layout: candidate k's votes stored as
 * candidate j's.
 */
function assertTemplateFits(sheet: SheetReading, template: SheetTemplate): void {
  const problems = [...barcodeProblems(sheet, template), ...(sheet.templateVerified ? [] : sheet.layoutProblems)];
  if (sheet.templateVerified && problems.length === 0) return;
  throw new QuarantineError(
    'TEMPLATE_MISMATCH',
    `This is not the ${template.corporation} form expected (template ${template.id}, ${template.pageCount} pages): ${
      problems.length > 0 ? problems.join('; ') : 'its pages do not show the layout'
    }`,
  );
}

/**
 * PAGE_DUPLICATED, then PAGES_MISSING: every page of the form that holds numbers must be in the
 * file, once. A page sent alone is not the sheet: its rows would be stored as the whole form and
 * the other page's rows left unread (the first round's Presidente form has its numbers on two
 * pages). A page given twice is named first: the page it stands in for is then missing too.
 */
function assertPagesComplete(sheet: SheetReading, template: SheetTemplate): void {
  const { duplicated, missing, numberedPages } = sheet.pageAccounting;
  if (duplicated.length > 0) {
    throw new QuarantineError(
      'PAGE_DUPLICATED',
      `This file holds ${pagesNamed(duplicated)} of the ${template.pageCount}-page E-14 more than once${
        missing.length > 0 ? ` and not ${pagesNamed(missing)}` : ''
      }: upload every page of the sheet once, in one file`,
    );
  }
  if (missing.length > 0) {
    throw new QuarantineError(
      'PAGES_MISSING',
      `${capitalised(pagesNamed(missing))} of the ${template.pageCount}-page E-14 ${
        missing.length === 1 ? 'is' : 'are'
      } missing from this file (the numbers are on ${pagesNamed(numberedPages)}): upload every page of the sheet in one file, or the photos of its pages together in one request`,
    );
  }
}

/** "page 2", "pages 1 and 2", "pages 1, 2 and 3". */
function pagesNamed(pages: readonly number[]): string {
  if (pages.length === 1) return `page ${pages[0]}`;
  return `pages ${pages.slice(0, -1).join(', ')} and ${pages.at(-1)}`;
}

const capitalised = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

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
