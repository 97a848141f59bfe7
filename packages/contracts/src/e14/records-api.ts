import { z } from 'zod';
import { decimalIntegerSchema, idParamSchema, isoDateTimeSchema } from '../common.js';
import { corporationSchema, electionCodeSchema } from './election.js';
import { mesaStatusSchema } from './intake-api.js';
import { alertStatusSchema, ruleIdSchema, severitySchema } from './rules.js';
import { copySchema, cropRefSchema } from './submission.js';
import { mesaKeySchema, territoryCodeSchema, territoryLevelSchema } from './territory.js';

// ---- alerts ----

export const alertSchema = z.object({
  id: z.number().int(),
  electionCode: z.string(),
  corporation: corporationSchema,
  rule: ruleIdSchema,
  ruleVersion: z.number().int(),
  severity: severitySchema,
  status: alertStatusSchema,
  territory: territoryCodeSchema.describe('The mesa key, or the municipio/puesto code for cross-mesa signals'),
  mesaKey: mesaKeySchema.nullable(),
  copy: copySchema.nullable(),
  formId: z.number().int().nullable(),
  message: z.string(),
  numbers: z.record(z.string(), z.number().nullable()),
  evidence: z.object({
    fields: z.array(z.string()).default([]),
    sources: z
      .array(
        z.object({
          formId: z.number().int().optional(),
          source: z.string(),
          copy: copySchema.optional(),
          version: z.number().int().optional(),
        }),
      )
      .default([]),
    crops: z.array(z.object({ field: z.string(), crop: cropRefSchema })).default([]),
    detail: z.unknown().optional(),
  }),
  statusReason: z.string().nullable(),
  statusBy: z.string().nullable(),
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
});
export type Alert = z.infer<typeof alertSchema>;

export const listAlertsQuerySchema = z.object({
  election: electionCodeSchema,
  severity: severitySchema.optional(),
  rule: ruleIdSchema.optional(),
  territory: territoryCodeSchema.optional().describe('Alerts at or below this territory'),
  corporation: corporationSchema.optional(),
  status: alertStatusSchema.optional(),
  limit: decimalIntegerSchema({ min: 1, max: 1_000 }).default(100),
  offset: decimalIntegerSchema({ min: 0, max: 10_000_000 }).default(0),
});

export const alertListResponseSchema = z.object({
  total: z.number().int(),
  items: z.array(alertSchema),
});

export const alertIdParamsSchema = z.object({ id: idParamSchema });

export const updateAlertStatusRequestSchema = z.object({
  status: z.enum(['acknowledged', 'resolved', 'open']),
  reason: z.string().trim().min(3).max(2_000).describe('Why: kept in the alert and the audit log'),
});

// ---- results ----

export const resultsQuerySchema = z.object({
  election: electionCodeSchema,
  corporation: corporationSchema,
  territory: territoryCodeSchema.default('').describe('"" = nacional; "01" departamento; "01-001" municipio; ...'),
  format: z.enum(['json', 'csv']).default('json'),
});

export const coverageSchema = z.object({
  mesasExpected: z.number().int(),
  mesasIn: z.number().int(),
  mesasValidated: z.number().int(),
  mesasNeedsReview: z.number().int(),
  mesasFailedRules: z.number().int(),
  mesasDisputed: z.number().int(),
  habilitadosExpected: z.number().int(),
  habilitadosIn: z.number().int(),
});

export const resultOptionSchema = z.object({
  candidateId: z.number().int(),
  ballotNumber: z.number().int(),
  candidateNumber: z.number().int().nullable(),
  listCode: z.string().nullable(),
  name: z.string(),
  party: z.string().nullable(),
  circunscripcion: z.string(),
  votes: z.number().int(),
  share: z.number().describe('Of the votes for candidates and lists'),
});

export const resultListSchema = z.object({
  listId: z.number().int(),
  ballotNumber: z.number().int(),
  listCode: z.string().nullable(),
  name: z.string(),
  preferente: z.boolean(),
  circunscripcion: z.string(),
  votes: z.number().int().describe('Agrupación plus its candidates'),
  share: z.number(),
});

export const resultsResponseSchema = z.object({
  electionCode: z.string(),
  corporation: corporationSchema,
  level: territoryLevelSchema,
  territory: z.object({ code: z.string(), name: z.string() }),
  coverage: coverageSchema,
  totals: z.object({
    sufragantes: z.number().int(),
    urna: z.number().int(),
    incinerados: z.number().int(),
    candidateVotes: z.number().int(),
    blancos: z.number().int(),
    nulos: z.number().int(),
    noMarcados: z.number().int(),
    turnout: z.number().nullable().describe('sufragantes / habilitados of the mesas in'),
  }),
  options: z.array(resultOptionSchema),
  lists: z.array(resultListSchema),
  children: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      coverage: coverageSchema,
      candidateVotes: z.number().int(),
      leaderCandidateId: z.number().int().nullable(),
      mesaStatus: mesaStatusSchema.optional(),
    }),
  ),
  source: z.literal('reconciled').describe('Results come from reconciled truth only'),
  generatedAt: isoDateTimeSchema,
});
export type ResultsResponse = z.infer<typeof resultsResponseSchema>;

// ---- audit ----

export const auditEntrySchema = z.object({
  seq: z.number().int(),
  at: isoDateTimeSchema,
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditVerifyResponseSchema = z.object({
  ok: z.boolean(),
  entries: z.number().int().describe('Entries checked'),
  head: z.object({ seq: z.number().int(), hash: z.string() }),
  firstBroken: z
    .object({
      seq: z.number().int(),
      reason: z.enum(['hash_mismatch', 'prev_hash_mismatch', 'sequence_gap', 'head_mismatch']),
      expected: z.string(),
      found: z.string(),
    })
    .nullable(),
});

export const auditExportQuerySchema = z.object({
  fromSeq: decimalIntegerSchema({ min: 1, max: Number.MAX_SAFE_INTEGER }).default(1),
  limit: decimalIntegerSchema({ min: 1, max: 100_000 }).default(10_000),
});

export const auditExportResponseSchema = z.object({
  algorithm: z.string(),
  genesisHash: z.string(),
  head: z.object({ seq: z.number().int(), hash: z.string() }),
  entries: z.array(auditEntrySchema),
  nextFromSeq: z.number().int().nullable(),
});

// ---- witnesses, official feeds, claims ----

export const witnessAssignmentsRequestSchema = z.object({
  electionCode: electionCodeSchema,
  territories: z
    .array(territoryCodeSchema.refine((code) => code !== '', { message: 'assign a departamento or below' }))
    .max(10_000)
    .describe('Mesa keys or higher territory codes (a puesto covers its mesas); replaces the current set'),
});
export const witnessAssignmentsResponseSchema = z.object({
  userId: z.string(),
  electionCode: z.string(),
  territories: z.array(z.string()),
});

export const officialImportResponseSchema = z.object({
  electionCode: z.string(),
  source: z.enum(['preconteo', 'escrutinio']),
  rows: z.number().int(),
  mesas: z.number().int(),
  unchanged: z.boolean().describe('True when this exact file was already imported'),
  discrepancyAlerts: z.number().int(),
});

export const claimsPacketSchema = z.object({
  format: z.literal('castor-claims-packet/1'),
  generatedAt: isoDateTimeSchema,
  electionCode: z.string(),
  electionName: z.string(),
  corporation: corporationSchema,
  mesa: z.object({
    key: mesaKeySchema,
    departamento: z.object({ code: z.string(), name: z.string() }),
    municipio: z.object({ code: z.string(), name: z.string() }),
    zona: z.string(),
    puesto: z.object({ code: z.string(), name: z.string() }),
    mesa: z.string(),
    habilitados: z.number().int(),
  }),
  truth: z
    .object({
      formId: z.number().int().nullable(),
      status: mesaStatusSchema,
      policyVersion: z.number().int(),
      discrepancies: z.unknown(),
    })
    .nullable(),
  discrepancies: z.array(alertSchema),
  versions: z.array(
    z.object({
      formId: z.number().int(),
      source: z.string(),
      copy: copySchema,
      version: z.number().int(),
      contentHash: z.string(),
      documentHash: z.string().nullable(),
      receivedAt: isoDateTimeSchema,
      status: z.string(),
      numbers: z.record(z.string(), z.number().nullable()),
      fields: z.array(
        z.object({
          path: z.string(),
          state: z.string(),
          value: z.number().nullable(),
          confidence: z.number(),
          overwritten: z.boolean(),
          readBy: z.string().nullable(),
          crop: cropRefSchema.nullable(),
        }),
      ),
    }),
  ),
  official: z.array(
    z.object({
      source: z.string(),
      numbers: z.record(z.string(), z.number().nullable()),
      importedAt: isoDateTimeSchema,
    }),
  ),
  auditTrail: z.array(auditEntrySchema),
  auditHead: z.object({ seq: z.number().int(), hash: z.string() }),
});
export type ClaimsPacket = z.infer<typeof claimsPacketSchema>;

export const claimsPacketParamsSchema = z.object({ mesaKey: mesaKeySchema });
export const claimsPacketQuerySchema = z.object({
  election: electionCodeSchema,
  corporation: corporationSchema,
  format: z.enum(['json', 'html']).default('json'),
});
