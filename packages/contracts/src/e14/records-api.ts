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

/** A page of a stored form version's scan, as GET /api/e14/forms/:formId/pages/:page.png addresses it. */
export const formPageParamsSchema = z.object({
  formId: idParamSchema,
  page: decimalIntegerSchema({ min: 1, max: 99 }).describe('The page of the scanned document (CropRef.page)'),
});

/**
 * The headers of a page image: the size of the page in the coordinates of its cells' CropRefs
 * (the image covers exactly that rectangle, at whatever pixel size), so a client places a cell
 * at crop.x / width of the image's width.
 */
export const FORM_PAGE_SIZE_HEADERS = { width: 'x-page-width', height: 'x-page-height' } as const;

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

const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, { message: 'a SHA-256 in lowercase hex' });

export const auditHeadSchema = z.object({
  seq: z.number().int().describe('Entries in the chain'),
  hash: z.string().describe('Hash of the last entry (64 zeros for the empty chain)'),
});

export const AUDIT_HEAD_FORMAT = 'castor-audit-head/1';

export const signedAuditHeadSchema = auditHeadSchema.extend({
  format: z.literal(AUDIT_HEAD_FORMAT),
  at: isoDateTimeSchema.describe('When the head was read and signed'),
  signed: z
    .boolean()
    .describe('False when the service has no signing key (E14_AUDIT_SIGNING_KEY): nothing vouches for it'),
  algorithm: z.literal('Ed25519').nullable(),
  keyId: z.string().nullable().describe('SHA-256 hex of the public key (SPKI DER), its first 16 characters'),
  publicKey: z.string().nullable().describe('The public key, base64 of its SPKI DER'),
  signature: z.string().nullable().describe('Base64 Ed25519 signature of the RFC 8785 JSON of {format, seq, hash, at}'),
});
export type SignedAuditHead = z.infer<typeof signedAuditHeadSchema>;

export const auditVerifyQuerySchema = z
  .object({
    headSeq: decimalIntegerSchema({ min: 0, max: Number.MAX_SAFE_INTEGER })
      .optional()
      .describe('seq of a head published earlier (GET /api/audit/head): the chain must still contain it'),
    headHash: sha256HexSchema.optional().describe('hash of that published head'),
  })
  .refine((query) => (query.headSeq === undefined) === (query.headHash === undefined), {
    message: 'give headSeq and headHash together',
    path: ['headHash'],
  });

export const auditMismatchKindSchema = z.enum(['chain', 'form_content', 'reconciliation', 'rollup']);

export const auditVerifyResponseSchema = z.object({
  ok: z
    .boolean()
    .describe('The chain is intact, contains the published head if one was given, and the stored results match it'),
  entries: z.number().int().describe('Entries checked'),
  head: auditHeadSchema,
  firstBroken: z
    .object({
      seq: z.number().int(),
      reason: z.enum(['hash_mismatch', 'prev_hash_mismatch', 'sequence_gap', 'head_mismatch', 'truncated']),
      expected: z.string(),
      found: z.string(),
    })
    .nullable()
    .describe('The first broken link of the chain itself ("truncated": the published head is gone)'),
  firstMismatch: z
    .object({
      kind: auditMismatchKindSchema,
      entity: z
        .string()
        .describe('e14_form, mesa (entity id "<mesa key>/<corporation>"), puesto or municipio rollup, audit_log'),
      entityId: z.string(),
      field: z.string().describe('What differs: a column, "payload", "missing", …'),
      seq: z.number().int().nullable().describe('The audit entry the stored value was checked against'),
      expected: z.string(),
      found: z.string(),
    })
    .nullable()
    .describe('The first difference found, checking in this order: chain, form contents, truths, rollups'),
  checked: z
    .object({
      forms: z.number().int().describe('Stored form versions whose payload was re-hashed'),
      truths: z.number().int().describe('Truths checked against their last audited decision'),
      rollupRows: z.number().int().describe('Rollup rows recomputed from the truths'),
    })
    .describe('Stops at the first mismatch, so counts are partial then'),
  publishedHead: auditHeadSchema.nullable().describe('The published head checked against, if one was given'),
});

export const auditExportQuerySchema = z.object({
  fromSeq: decimalIntegerSchema({ min: 1, max: Number.MAX_SAFE_INTEGER }).default(1),
  limit: decimalIntegerSchema({ min: 1, max: 100_000 }).default(10_000),
});

export const auditExportResponseSchema = z.object({
  algorithm: z.string(),
  genesisHash: z.string(),
  head: auditHeadSchema,
  signedHead: signedAuditHeadSchema.optional().describe('The same head, signed by the service'),
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
  discrepancies: z.array(
    alertSchema.extend({
      description: z
        .string()
        .describe('The alert in Spanish (es-CO), as the printed packet says it; `message` stays English for machines'),
    }),
  ),
  comparedFields: z
    .array(
      z.object({
        field: z.string().describe('As an alert comparing sources names it in evidence.fields: urna, candidate:<id>'),
        path: z
          .string()
          .nullable()
          .describe('The cell of the sheet it is read from, as versions[].fields name it: nivelacion.urna, votes.3-1'),
        row: z.string().describe('Its key in versions[].numbers and official[].numbers: urna, votes.3-1'),
      }),
    )
    .describe(
      'The link between the names of copies_differ and official_differs alerts and the cells and rows of the versions, one per field the sources of the mesa compare',
    ),
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
