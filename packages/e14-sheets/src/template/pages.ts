import type { SheetTemplate } from './schema.js';

/** The pages of a form that hold numbers: a sheet is complete when each is there, once. */
export function numberedPages(template: SheetTemplate): number[] {
  return [...new Set(template.cells.map((cell) => cell.page))].sort((a, b) => a - b);
}

export interface PageAccounting {
  /** Pages of the form that hold numbers. */
  numberedPages: number[];
  /** Per document page, the page of the form it shows (null: not identified). */
  formPages: (number | null)[];
  /** Numbered pages no document page shows: their cells were not read, never filled in. */
  missing: number[];
  /** Form pages shown by more than one document page: only the first was read. */
  duplicated: number[];
}

/** Which numbered pages a document holds, which are missing and which come twice. */
export function accountPages(template: SheetTemplate, formPages: (number | null)[]): PageAccounting {
  const numbered = numberedPages(template);
  const seen = new Map<number, number>();
  for (const page of formPages) if (page !== null) seen.set(page, (seen.get(page) ?? 0) + 1);
  return {
    numberedPages: numbered,
    formPages,
    missing: numbered.filter((page) => !seen.has(page)),
    duplicated: [...seen.entries()]
      .filter(([, count]) => count > 1)
      .map(([page]) => page)
      .sort((a, b) => a - b),
  };
}
