import { z } from 'zod';
import { departamentoCodeSchema, municipioCodeSchema } from './territory.js';

/** Corporaciones as printed on the forms. */
export const CORPORATIONS = [
  'PRESIDENTE',
  'SENADO',
  'CAMARA',
  'GOBERNADOR',
  'ASAMBLEA',
  'ALCALDE',
  'CONCEJO',
  'JAL',
] as const;
export const corporationSchema = z.enum(CORPORATIONS);
export type Corporation = z.infer<typeof corporationSchema>;

/** One winner per ballot (a row per candidate) versus party lists (with or without voto preferente). */
export const SINGLE_WINNER_CORPORATIONS: readonly Corporation[] = ['PRESIDENTE', 'GOBERNADOR', 'ALCALDE'];
export const isListCorporation = (corporation: Corporation) => !SINGLE_WINNER_CORPORATIONS.includes(corporation);

/**
 * The `C` digit of the 15-digit barcode `7 C KKKKKK T PP NN`. Seen on real sheets: 1 for
 * Gobernador/Presidente/Senado, 2 for Asamblea/Cámara, 4 for Concejo. 3 (Alcaldía) and 5 (JAL)
 * are unconfirmed; keep this table as the single place to change.
 */
export const BARCODE_CORPORATION_DIGIT: Record<Corporation, number> = {
  PRESIDENTE: 1,
  SENADO: 1,
  GOBERNADOR: 1,
  CAMARA: 2,
  ASAMBLEA: 2,
  ALCALDE: 3,
  CONCEJO: 4,
  JAL: 5,
};

/** Where a corporation's candidates compete: nationally, per departamento, or per municipio. */
export const CORPORATION_SCOPE: Record<Corporation, 'nacional' | 'departamento' | 'municipio'> = {
  PRESIDENTE: 'nacional',
  SENADO: 'nacional',
  CAMARA: 'departamento',
  GOBERNADOR: 'departamento',
  ASAMBLEA: 'departamento',
  ALCALDE: 'municipio',
  CONCEJO: 'municipio',
  JAL: 'municipio',
};

export const CIRCUNSCRIPCIONES = ['territorial', 'nacional', 'indigena', 'afro', 'internacional', 'paz'] as const;
export const circunscripcionSchema = z.enum(CIRCUNSCRIPCIONES);
export type Circunscripcion = z.infer<typeof circunscripcionSchema>;

export const electionCodeSchema = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9_-]{2,40}$/, { message: 'election code is 3-41 of A-Z, 0-9, _ and -' });

/**
 * A ballot option: in single-winner corporations a candidate (ballotNumber = the number on the
 * tarjetón); in list corporations a party list identified by its 4-digit party code, with
 * candidateNumber 0 = "solo por la agrupación" and 101, 102... = voto preferente candidates.
 */
export const candidateSchema = z.object({
  corporation: corporationSchema,
  circunscripcion: circunscripcionSchema.default('territorial'),
  departamento: departamentoCodeSchema.optional().describe('Set when the corporation competes per departamento'),
  municipio: municipioCodeSchema.optional().describe('Set when the corporation competes per municipio'),
  ballotNumber: z.number().int().min(1).max(999).describe('Position on the ballot (candidate or list)'),
  listCode: z
    .string()
    .regex(/^\d{4}$/)
    .optional()
    .describe('4-digit party code of a list'),
  preferente: z.boolean().optional().describe('List con voto preferente'),
  candidateNumber: z
    .number()
    .int()
    .min(0)
    .max(999)
    .optional()
    .describe('0 = votes for the list only; 101.. = preferential candidates; absent for single-winner'),
  name: z.string().trim().min(1).max(200),
  party: z.string().trim().max(200).optional(),
});
export type Candidate = z.infer<typeof candidateSchema>;
