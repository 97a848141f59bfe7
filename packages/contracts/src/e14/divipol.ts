import { z } from 'zod';
import { candidateSchema, corporationSchema, electionCodeSchema } from './election.js';
import {
  departamentoCodeSchema,
  mesaCodeSchema,
  municipioCodeSchema,
  puestoCodeSchema,
  zonaCodeSchema,
} from './territory.js';

/**
 * CASTOR's divipol document: one election's territorial tree down to each mesa (with its
 * habilitados) and its candidate lists. Importing the same document twice changes nothing.
 * CSV and the Registraduría's published JSON are converted into this shape before import.
 */
export const divipolMesaSchema = z.object({
  code: mesaCodeSchema,
  habilitados: z.number().int().min(0).max(5_000),
  transmissionCode: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .optional()
    .describe("The transmission code printed on this mesa's sheets, when the index is known (header rule)"),
});
export const divipolPuestoSchema = z.object({
  code: puestoCodeSchema,
  name: z.string().trim().min(1).max(200),
  mesas: z.array(divipolMesaSchema).min(1),
});
export const divipolZonaSchema = z.object({
  code: zonaCodeSchema,
  puestos: z.array(divipolPuestoSchema).min(1),
});
export const divipolMunicipioSchema = z.object({
  code: municipioCodeSchema,
  name: z.string().trim().min(1).max(200),
  zonas: z.array(divipolZonaSchema).min(1),
});
export const divipolDepartamentoSchema = z.object({
  code: departamentoCodeSchema,
  name: z.string().trim().min(1).max(200),
  municipios: z.array(divipolMunicipioSchema).min(1),
});

export const electionSchema = z.object({
  code: electionCodeSchema,
  name: z.string().trim().min(1).max(200),
  date: z.iso.date(),
  corporations: z.array(corporationSchema).min(1),
});
export type Election = z.infer<typeof electionSchema>;

export const divipolDocumentSchema = z.object({
  format: z.literal('castor-divipol/1'),
  election: electionSchema,
  departamentos: z.array(divipolDepartamentoSchema).min(1),
  candidates: z.array(candidateSchema),
});
export type DivipolDocument = z.infer<typeof divipolDocumentSchema>;

export const divipolImportResponseSchema = z.object({
  electionCode: z.string(),
  created: z.object({
    departamentos: z.number().int(),
    municipios: z.number().int(),
    puestos: z.number().int(),
    mesas: z.number().int(),
    candidates: z.number().int(),
  }),
  unchanged: z.boolean().describe('True when the document was already imported exactly as is'),
});
