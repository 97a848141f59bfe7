import { corporationSchema } from '@castor/contracts';
import { HANDWRITINGS } from '@castor/digit-recognizer';
import { z } from 'zod';

/**
 * A sheet template: where everything is on one E-14 layout, in the coordinates of a reference
 * page (template units = pixels of that reference scan). Reading never transforms a page into
 * this frame; it maps each region through the registration instead.
 */

const pointSchema = z.object({ x: z.number(), y: z.number() });
export const rectSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number().positive(),
  height: z.number().positive(),
});
export type TemplateRect = z.infer<typeof rectSchema>;

/**
 * Field keys follow E14Submission: nivelacion.sufragantes|urna|incinerados, votes.<ballot> or
 * votes.<ballot>-<candidate> (list corporations: candidate 0 = solo por la agrupación),
 * listTotals.<ballot>, blancos, nulos, noMarcados, sumaTotal.
 */
export const FIELD_KEY_PATTERN =
  /^(nivelacion\.(sufragantes|urna|incinerados)|votes\.\d{1,3}(-\d{1,3})?|listTotals\.\d{1,3}|blancos|nulos|noMarcados|sumaTotal)$/;
export const fieldKeySchema = z.string().regex(FIELD_KEY_PATTERN, { message: 'not an E14Submission field key' });

export const templateCellSchema = z.object({
  field: fieldKeySchema,
  page: z.number().int().min(1).max(99),
  /** The whole value box (three handwritten positions). */
  rect: rectSchema,
  /** Printed label of the row, for review desks and for drawing synthetic sheets. */
  label: z.string().max(200).optional(),
  /**
   * Where the row's own printing is (candidate number, photo, party and name; or the row's title):
   * cut from the same page for the review desk, so a reviewer sees what the value is for.
   */
  labelRect: rectSchema.optional(),
});
export type TemplateCell = z.infer<typeof templateCellSchema>;

/** A printed straight rule (box border) used to verify a registration. */
export const ruleSchema = z.object({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() });
export type TemplateRule = z.infer<typeof ruleSchema>;

/** A number the form prints (a candidate's ballot number): read back to verify the page is this layout. */
export const printedNumberSchema = z.object({ text: z.string().regex(/^\d{1,3}$/), rect: rectSchema });
export type PrintedNumber = z.infer<typeof printedNumberSchema>;

/**
 * How the header names the place: DEPARTAMENTO / MUNICIPIO, or a consulate's CONSULADO 88 / PAÍS
 * (the country code in the municipio place), whose codes stand further left.
 */
export const HEADER_KINDS = ['departamento', 'consulado'] as const;
export type HeaderKind = (typeof HEADER_KINDS)[number];

export const sheetTemplateSchema = z
  .object({
    format: z.literal('castor-e14-template/1'),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,80}$/),
    description: z.string().max(500),
    corporation: corporationSchema,
    header: z.enum(HEADER_KINDS).default('departamento'),
    /**
     * How the jurados of this form write its values (fillers, zeros, 1s), as its published sheets
     * show: it chooses the handwritten-digit model the form is read with (@castor/digit-recognizer's
     * MODEL_FOR_HANDWRITING).
     */
    handwriting: z.enum(HANDWRITINGS).default('dots'),
    /** Pages of the form (the NN of the barcode). */
    pageCount: z.number().int().min(1).max(99),
    page: z.object({ width: z.number().positive(), height: z.number().positive() }),
    fiducials: z.object({
      /** Side of a corner square. */
      side: z.number().positive(),
      topLeft: pointSchema,
      topRight: pointSchema,
      bottomRight: pointSchema,
      bottomLeft: pointSchema,
    }),
    /** Regions printed identically on every page. */
    regions: z.object({
      barcode: rectSchema.describe('The Code 39 bars'),
      barcodeText: rectSchema.describe('The 15 digits printed under the bars'),
      qr: rectSchema,
      departamento: rectSchema,
      municipio: rectSchema,
      zona: rectSchema,
      puesto: rectSchema,
      mesa: rectSchema,
      transmissionCode: rectSchema.describe('The line "X 2-39-88-14 X"'),
    }),
    pages: z
      .array(
        z.object({
          pageNumber: z.number().int().min(1).max(99),
          rules: z.array(ruleSchema).min(1).describe('Printed rules that must fall on ink when registered'),
          printedNumbers: z
            .array(printedNumberSchema)
            .default([])
            .describe('Numbers printed on this page (candidate numbers) that must read where the template says'),
        }),
      )
      .min(1),
    cells: z.array(templateCellSchema),
  })
  .superRefine((template, ctx) => {
    const seen = new Set<string>();
    for (const [index, cell] of template.cells.entries()) {
      if (seen.has(cell.field))
        ctx.addIssue({ code: 'custom', message: `field ${cell.field} twice`, path: ['cells', index] });
      seen.add(cell.field);
      if (cell.page > template.pageCount) {
        ctx.addIssue({
          code: 'custom',
          message: `cell on page ${cell.page} of ${template.pageCount}`,
          path: ['cells', index],
        });
      }
    }
    for (const page of template.pages) {
      if (page.pageNumber > template.pageCount) {
        ctx.addIssue({
          code: 'custom',
          message: `layout for page ${page.pageNumber} of ${template.pageCount}`,
          path: ['pages'],
        });
      }
    }
  });
export type SheetTemplate = z.infer<typeof sheetTemplateSchema>;

/** The rules to verify a page against: its own, or the last page layout given (continuation pages). */
export function pageLayout(template: SheetTemplate, pageNumber: number): SheetTemplate['pages'][number] {
  const exact = template.pages.find((page) => page.pageNumber === pageNumber);
  if (exact) return exact;
  const sorted = [...template.pages].sort((a, b) => a.pageNumber - b.pageNumber);
  return sorted.filter((page) => page.pageNumber <= pageNumber).at(-1) ?? (sorted[0] as SheetTemplate['pages'][number]);
}
