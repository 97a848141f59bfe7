import { z } from 'zod';
import { corporationSchema, electionCodeSchema } from './election.js';
import { mesaRefSchema } from './territory.js';

/** The three legally identical copies every mesa fills, named on the banner under the title. */
export const MESA_COPIES = ['claveros', 'delegados', 'transmision'] as const;
/**
 * Every copy a sheet may name: a consulate's sheet (departamento 88) also prints CÓNSUL/EMBAJADOR,
 * with the barcode copy digit 2 (docs/e14.md "Consulados").
 */
export const COPIES = [...MESA_COPIES, 'consul_embajador'] as const;
export const copySchema = z.enum(COPIES);
export type Copy = z.infer<typeof copySchema>;

/**
 * Where a set of numbers for a mesa came from. `ocr` = a scan read by the pipeline; `witness` =
 * a testigo's photo or entry; `partner`/`reviewer` = structured entry; `preconteo` and
 * `escrutinio` = the official feeds (per mesa and candidate).
 */
export const SOURCES = ['ocr', 'witness', 'partner', 'reviewer', 'preconteo', 'escrutinio'] as const;
export const sourceSchema = z.enum(SOURCES);
export type Source = z.infer<typeof sourceSchema>;

/** Each handwritten value has three boxes, so 0..999. */
export const MAX_CELL_VALUE = 999;

/** A rectangle on a page image, in pixels of the normalised page. */
export const cropRefSchema = z.object({
  page: z.number().int().min(1).max(99),
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  documentHash: z
    .string()
    .regex(/^[a-f0-9]{64}$/)
    .optional()
    .describe('SHA-256 of the source file'),
});
export type CropRef = z.infer<typeof cropRefSchema>;

/** One provider's reading of a field (the fused field keeps them all). */
export const providerReadingSchema = z.object({
  provider: z.string().min(1).max(80),
  state: z.enum(['read', 'empty', 'illegible']),
  value: z.number().int().min(0).max(MAX_CELL_VALUE).nullable(),
  confidence: z.number().min(0).max(1),
  overwritten: z.boolean(),
});
export type ProviderReading = z.infer<typeof providerReadingSchema>;

/**
 * One handwritten value. `read` carries a value; `empty` is a row left blank or filled with
 * dots/dashes (worth 0, but told apart from an unread cell); `illegible` has no value and must
 * be reviewed. A bare number is shorthand for a confidently read value.
 */
export const fieldObjectSchema = z
  .object({
    state: z.enum(['read', 'empty', 'illegible']).default('read'),
    value: z.number().int().min(0).max(MAX_CELL_VALUE).nullable().default(null),
    confidence: z.number().min(0).max(1).default(1),
    overwritten: z.boolean().default(false).describe('Tachadura/enmendadura seen on the cell'),
    readBy: z.string().max(80).optional().describe('Provider or reviewer that produced the value'),
    modelVersion: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("Version of the local recognizer's model (e14-service's registry) the value was read with"),
    crop: cropRefSchema.optional(),
    readings: z
      .array(providerReadingSchema)
      .max(8)
      .optional()
      .describe('What each OCR provider read for this field, kept next to the fused value for review'),
  })
  .superRefine((field, ctx) => {
    if (field.state === 'read' && field.value === null) {
      ctx.addIssue({ code: 'custom', message: 'a read field needs a value', path: ['value'] });
    }
    if (field.state !== 'read' && field.value !== null && !(field.state === 'empty' && field.value === 0)) {
      ctx.addIssue({ code: 'custom', message: `an ${field.state} field has no value`, path: ['value'] });
    }
  });

export const fieldSchema = z.union([z.number().int().min(0).max(MAX_CELL_VALUE), fieldObjectSchema]);
export type FieldInput = z.input<typeof fieldSchema>;
export type Field = z.output<typeof fieldObjectSchema>;

/** Normalises the shorthand: 12 → { state: 'read', value: 12, confidence: 1 }. */
export function toField(input: z.output<typeof fieldSchema>): Field {
  return typeof input === 'number' ? { state: 'read', value: input, confidence: 1, overwritten: false } : input;
}

/** Numeric value of a field for arithmetic: empty counts as 0, illegible as unknown. */
export function fieldValue(field: Field): number | null {
  if (field.state === 'empty') return 0;
  return field.value;
}

export const voteRowSchema = z.object({
  ballotNumber: z.number().int().min(1).max(999),
  candidateNumber: z.number().int().min(0).max(999).optional(),
  votes: fieldSchema,
});

/** The printed TOTAL of a list con voto preferente (agrupación + candidatos). */
export const listTotalSchema = z.object({
  ballotNumber: z.number().int().min(1).max(999),
  total: fieldSchema,
});

/** One scanned page as read: its barcode and transmission code line. */
export const sheetPageSchema = z.object({
  page: z.number().int().min(1).max(99),
  barcode: z
    .string()
    .regex(/^7\d{14}$/, { message: 'the barcode has 15 digits and starts with 7' })
    .optional(),
  transmissionCode: z.string().max(40).optional(),
});

/**
 * A whole E-14 (all its pages) as data: version 2 of the structured intake. Everything a person
 * needs to check the sheet, and nothing personal: jurados are counted, never named.
 */
export const e14SubmissionSchema = z.object({
  schemaVersion: z.literal(2),
  electionCode: electionCodeSchema,
  corporation: corporationSchema,
  mesa: mesaRefSchema,
  copy: copySchema,
  source: z.enum(['ocr', 'witness', 'partner', 'reviewer']),
  sourceRef: z.string().max(200).optional().describe("The sender's own id for this submission"),
  barcode: z
    .string()
    .regex(/^7\d{14}$/, { message: 'the barcode has 15 digits and starts with 7' })
    .optional(),
  transmissionCode: z.string().max(40).optional(),
  pageCount: z.number().int().min(1).max(99).optional(),
  nivelacion: z.object({
    sufragantes: fieldSchema.describe('TOTAL VOTANTES FORMULARIO E-11'),
    urna: fieldSchema.describe('TOTAL VOTOS EN LA URNA'),
    incinerados: fieldSchema.describe('TOTAL VOTOS INCINERADOS'),
  }),
  votes: z.array(voteRowSchema).min(1).max(2_000),
  listTotals: z.array(listTotalSchema).max(500).default([]),
  blancos: fieldSchema,
  nulos: fieldSchema,
  noMarcados: fieldSchema,
  sumaTotal: fieldSchema.optional().describe('SUMA TOTAL DE VOTOS DEL ACTA (forms from 2023 on)'),
  recuento: z
    .object({
      hubo: z.boolean(),
      solicitadoPorFilled: z.boolean().default(false).describe('Whether "solicitado por" was filled in'),
    })
    .optional(),
  juradosSigned: z.number().int().min(0).max(6).optional().describe('Signed JURADO boxes on the last page'),
  documentHash: z
    .string()
    .regex(/^[a-f0-9]{64}$/)
    .optional()
    .describe('SHA-256 of the scanned file the values were read from'),
  pages: z
    .array(sheetPageSchema)
    .max(99)
    .optional()
    .describe('What each scanned page showed, when known (pages rule: all present, same kit and transmission code)'),
  confirmedAsPrinted: z
    .boolean()
    .optional()
    .describe(
      "The sender confirms the sheet really shows numbers above the mesa's habilitados; without it such a sheet is refused as a probable typing error",
    ),
});
export type E14Submission = z.output<typeof e14SubmissionSchema>;
export type E14SubmissionInput = z.input<typeof e14SubmissionSchema>;
