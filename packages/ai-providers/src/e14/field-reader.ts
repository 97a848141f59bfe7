import {
  type Corporation,
  copySchema,
  corporationSchema,
  departamentoCodeSchema,
  fieldObjectSchema,
  mesaCodeSchema,
  municipioCodeSchema,
  puestoCodeSchema,
  zonaCodeSchema,
} from '@castor/contracts';
import { z } from 'zod';

/**
 * The contract every E-14 reader honours, whatever it is: Claude Vision here, the local
 * handwritten-digit recognizer elsewhere. e14-service runs one or several of them on the same
 * page images and compares their fields; agreement raises confidence.
 */

/**
 * A value field of the sheet, keyed like the paths of `E14Submission`:
 * `nivelacion.sufragantes|urna|incinerados`, `votes.<ballot>` (single-winner rows and list rows
 * "solo por la agrupación"), `votes.<ballot>-<candidate>` (voto preferente), `listTotals.<ballot>`,
 * `blancos`, `nulos`, `noMarcados`, `sumaTotal`.
 */
export const E14_FIELD_PATH_PATTERN =
  /^(nivelacion\.(sufragantes|urna|incinerados)|votes\.[1-9]\d{0,2}(-\d{1,3})?|listTotals\.[1-9]\d{0,2}|blancos|nulos|noMarcados|sumaTotal)$/;
export const e14FieldPathSchema = z.string().regex(E14_FIELD_PATH_PATTERN);
export type E14FieldPath = z.infer<typeof e14FieldPathSchema>;

export const E14_IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg'] as const;

export interface E14PageImage {
  bytes: Uint8Array;
  mediaType: (typeof E14_IMAGE_MEDIA_TYPES)[number];
  /** Page of the sheet this image shows (1-based), so regions can be traced back to it. */
  page: number;
}

/** What the caller already knows about the sheet (from the divipol and the barcode): helps, never overrides. */
export interface E14ReadHints {
  corporation?: Corporation;
  /** Ballot rows expected on the sheet (candidates, or lists and their candidates). */
  ballots?: Array<{ ballotNumber: number; candidateNumber?: number; name?: string }>;
}

export interface E14ReadRequest {
  images: E14PageImage[];
  hints?: E14ReadHints;
  /** SHA-256 of the source file, copied into every field's crop reference. */
  documentHash?: string;
}

/** The printed header as read; null where the reader could not read it. */
export const e14HeaderSchema = z.object({
  departamento: departamentoCodeSchema.nullable(),
  municipio: municipioCodeSchema.nullable(),
  zona: zonaCodeSchema.nullable(),
  puesto: puestoCodeSchema.nullable(),
  mesa: mesaCodeSchema.nullable(),
  corporation: corporationSchema.nullable(),
  copy: copySchema.nullable(),
  barcode: z
    .string()
    .regex(/^7\d{14}$/)
    .nullable(),
  transmissionCode: z.string().max(40).nullable(),
  page: z.number().int().min(1).max(99).nullable(),
  pageCount: z.number().int().min(1).max(99).nullable(),
});
export type E14Header = z.infer<typeof e14HeaderSchema>;

export const e14ReaderInfoSchema = z.object({
  /** Stable id of the reader and its version, e.g. 'anthropic:claude-sonnet-5-5'. */
  id: z.string(),
  kind: z.enum(['vision-llm', 'local-recognizer']),
  /** True when it needs no network: says so in every output. */
  offline: z.boolean(),
  model: z.string().optional(),
  prompt: z.string().optional(),
});

export const e14ReadingUsageSchema = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  costUsd: z.number().min(0).nullable(),
  /** Served from the cache: this read made no provider call and cost nothing. */
  cached: z.boolean(),
  attempts: z.number().int().min(0),
  durationMs: z.number().min(0),
});

export const e14ReadingSchema = z.object({
  reader: e14ReaderInfoSchema,
  /** SHA-256 of each image read, in order. */
  imageSha256: z.array(z.string().regex(/^[a-f0-9]{64}$/)).min(1),
  header: e14HeaderSchema,
  /** Every field the reader saw, keyed by E-14 path; a field it did not report is simply absent. */
  fields: z.record(e14FieldPathSchema, fieldObjectSchema),
  notes: z.string().max(2_000).optional(),
  usage: e14ReadingUsageSchema.optional(),
});
export type E14Reading = z.output<typeof e14ReadingSchema>;
export type E14ReaderInfo = z.infer<typeof e14ReaderInfoSchema>;

export interface E14FieldReader {
  readonly info: E14ReaderInfo;
  read(request: E14ReadRequest, options?: { signal?: AbortSignal }): Promise<E14Reading>;
}
