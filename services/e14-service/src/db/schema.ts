import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const CORPORATION_CHECK = sql`corporation IN ('PRESIDENTE', 'SENADO', 'CAMARA', 'GOBERNADOR', 'ASAMBLEA', 'ALCALDE', 'CONCEJO', 'JAL')`;
const SEVERITY_CHECK = sql`severity IN ('info', 'warning', 'high', 'critical')`;
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

// ---------------------------------------------------------------------------------------------
// Elections, corporations and the territorial tree (loaded from a divipol)
// ---------------------------------------------------------------------------------------------

export const elections = pgTable(
  'elections',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    date: date('date').notNull(),
    /** Election-wide rule configuration; each corporation's own overrides it. */
    ruleConfig: jsonb('rule_config').notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [uniqueIndex('elections_code_key').on(table.code)],
);

/** The corporations an election elects, each with its rule configuration (overrides of the defaults). */
export const electionCorporations = pgTable(
  'election_corporations',
  {
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    corporation: text('corporation').notNull(),
    ruleConfig: jsonb('rule_config').notNull().default({}),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.electionId, table.corporation] }),
    check('election_corporations_corporation_check', CORPORATION_CHECK),
  ],
);

export const departamentos = pgTable(
  'departamentos',
  {
    id: serial('id').primaryKey(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    name: text('name').notNull(),
  },
  (table) => [uniqueIndex('departamentos_election_code_key').on(table.electionId, table.code)],
);

/** `mesaCount` and `habilitados` are the expected totals, kept by the divipol import for coverage. */
export const municipios = pgTable(
  'municipios',
  {
    id: serial('id').primaryKey(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    departamentoId: integer('departamento_id')
      .notNull()
      .references(() => departamentos.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    mesaCount: integer('mesa_count').notNull().default(0),
    habilitados: integer('habilitados').notNull().default(0),
  },
  (table) => [
    uniqueIndex('municipios_departamento_code_key').on(table.departamentoId, table.code),
    index('municipios_election_idx').on(table.electionId),
  ],
);

export const zonas = pgTable(
  'zonas',
  {
    id: serial('id').primaryKey(),
    municipioId: integer('municipio_id')
      .notNull()
      .references(() => municipios.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
  },
  (table) => [uniqueIndex('zonas_municipio_code_key').on(table.municipioId, table.code)],
);

export const puestos = pgTable(
  'puestos',
  {
    id: serial('id').primaryKey(),
    zonaId: integer('zona_id')
      .notNull()
      .references(() => zonas.id, { onDelete: 'cascade' }),
    municipioId: integer('municipio_id')
      .notNull()
      .references(() => municipios.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    mesaCount: integer('mesa_count').notNull().default(0),
    habilitados: integer('habilitados').notNull().default(0),
  },
  (table) => [
    uniqueIndex('puestos_zona_code_key').on(table.zonaId, table.code),
    index('puestos_municipio_idx').on(table.municipioId),
  ],
);

/**
 * One mesa with its habilitados. `mesaKey` ("01-031-99-01-001") is the key every API uses; the
 * parent ids are denormalised so intake and rollups never walk the tree.
 */
export const mesas = pgTable(
  'mesas',
  {
    id: serial('id').primaryKey(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    departamentoId: integer('departamento_id').notNull(),
    municipioId: integer('municipio_id').notNull(),
    puestoId: integer('puesto_id')
      .notNull()
      .references(() => puestos.id, { onDelete: 'cascade' }),
    mesaKey: text('mesa_key').notNull(),
    code: text('code').notNull(),
    habilitados: integer('habilitados').notNull(),
    transmissionCode: text('transmission_code'),
  },
  (table) => [
    uniqueIndex('mesas_election_key_key').on(table.electionId, table.mesaKey),
    index('mesas_puesto_idx').on(table.puestoId),
    index('mesas_municipio_idx').on(table.municipioId),
    check('mesas_habilitados_check', sql`habilitados >= 0`),
  ],
);

/**
 * A party list of a list corporation in one circunscripción and territorial scope ('' = not
 * scoped at that level). Its votes are the rows of `candidates` that point at it.
 */
export const partyLists = pgTable(
  'party_lists',
  {
    id: serial('id').primaryKey(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    corporation: text('corporation').notNull(),
    circunscripcion: text('circunscripcion').notNull(),
    departamentoCode: text('departamento_code').notNull().default(''),
    municipioCode: text('municipio_code').notNull().default(''),
    ballotNumber: integer('ballot_number').notNull(),
    listCode: text('list_code'),
    preferente: boolean('preferente').notNull(),
    name: text('name').notNull(),
    party: text('party'),
  },
  (table) => [
    unique('party_lists_scope_ballot_key').on(
      table.electionId,
      table.corporation,
      table.departamentoCode,
      table.municipioCode,
      table.ballotNumber,
    ),
    check('party_lists_corporation_check', CORPORATION_CHECK),
  ],
);

/**
 * A ballot option with its own row on the E-14: a single-winner candidate (no list), the
 * "solo por la agrupación" row of a list (candidate number 0, or none for a list sin voto
 * preferente), or a preferential candidate (101, 102...).
 */
export const candidates = pgTable(
  'candidates',
  {
    id: serial('id').primaryKey(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    corporation: text('corporation').notNull(),
    circunscripcion: text('circunscripcion').notNull(),
    departamentoCode: text('departamento_code').notNull().default(''),
    municipioCode: text('municipio_code').notNull().default(''),
    ballotNumber: integer('ballot_number').notNull(),
    candidateNumber: integer('candidate_number'),
    listId: integer('list_id').references(() => partyLists.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    party: text('party'),
  },
  (table) => [
    unique('candidates_scope_ballot_key')
      .on(
        table.electionId,
        table.corporation,
        table.departamentoCode,
        table.municipioCode,
        table.ballotNumber,
        table.candidateNumber,
      )
      .nullsNotDistinct(),
    check('candidates_corporation_check', CORPORATION_CHECK),
  ],
);

/** Each imported divipol document, by SHA-256, so a second import of the same file is a no-op. */
export const divipolImports = pgTable(
  'divipol_imports',
  {
    id: serial('id').primaryKey(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    documentHash: text('document_hash').notNull(),
    importedBy: text('imported_by').notNull(),
    counts: jsonb('counts').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('divipol_imports_document_key').on(table.electionId, table.documentHash)],
);

/** Which mesas a witness may submit for: a territory code at any level ("01-031-99-01" = a puesto). */
export const witnessAssignments = pgTable(
  'witness_assignments',
  {
    userId: text('user_id').notNull(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    territory: text('territory').notNull(),
    assignedBy: text('assigned_by').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.electionId, table.territory] })],
);

// ---------------------------------------------------------------------------------------------
// E-14 form instances and what was read on them
// ---------------------------------------------------------------------------------------------

/**
 * One received version of one copy of a mesa's E-14, never changed once stored (a trigger
 * refuses it). Identical content is stored once (`contentHash`); a different content for the
 * same mesa, corporation, copy and source becomes the next `version`. The numbers are kept as
 * columns and aligned arrays (`candidateIds[i]` got `votes[i]`; null = unread) for reconciliation,
 * `payload` is the canonical submission the hash was computed from.
 */
export const e14Forms = pgTable(
  'e14_forms',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    corporation: text('corporation').notNull(),
    mesaId: integer('mesa_id')
      .notNull()
      .references(() => mesas.id, { onDelete: 'cascade' }),
    copy: text('copy').notNull(),
    source: text('source').notNull(),
    version: integer('version').notNull(),
    contentHash: text('content_hash').notNull(),
    idempotencyKey: text('idempotency_key'),
    submittedBy: text('submitted_by').notNull(),
    submitterRole: text('submitter_role').notNull(),
    sourceRef: text('source_ref'),
    barcode: text('barcode'),
    transmissionCode: text('transmission_code'),
    pageCount: smallint('page_count'),
    documentHash: text('document_hash'),
    status: text('status').notNull(),
    needsReview: boolean('needs_review').notNull(),
    minConfidence: real('min_confidence').notNull(),
    sufragantes: integer('sufragantes'),
    urna: integer('urna'),
    incinerados: integer('incinerados'),
    blancos: integer('blancos'),
    nulos: integer('nulos'),
    noMarcados: integer('no_marcados'),
    sumaTotal: integer('suma_total'),
    candidateIds: integer('candidate_ids').array().notNull(),
    votes: integer('votes').array().notNull(),
    findings: jsonb('findings').notNull(),
    /** The canonical (RFC 8785) text itself, kept byte-exact as `json`: SHA-256(payload) = contentHash. */
    payload: json('payload').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('e14_forms_content_key').on(table.electionId, table.contentHash),
    uniqueIndex('e14_forms_version_key').on(table.mesaId, table.corporation, table.copy, table.source, table.version),
    uniqueIndex('e14_forms_idempotency_key')
      .on(table.submittedBy, table.idempotencyKey)
      .where(sql`idempotency_key IS NOT NULL`),
    check('e14_forms_corporation_check', CORPORATION_CHECK),
    check('e14_forms_copy_check', sql`copy IN ('claveros', 'delegados', 'transmision')`),
    check('e14_forms_source_check', sql`source IN ('ocr', 'witness', 'partner', 'reviewer')`),
    check('e14_forms_status_check', sql`status IN ('validated', 'needs_review', 'failed_rules')`),
  ],
);

/** Every value read on a form: its state (read / empty / illegible), who or what read it, the crop. */
export const e14Fields = pgTable(
  'e14_fields',
  {
    formId: bigint('form_id', { mode: 'number' })
      .notNull()
      .references(() => e14Forms.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    state: text('state').notNull(),
    value: integer('value'),
    confidence: real('confidence').notNull(),
    overwritten: boolean('overwritten').notNull(),
    readBy: text('read_by'),
    crop: jsonb('crop'),
  },
  // No primary key: paths are unique per form by construction (the intake refuses a row given
  // twice), and a plain index on form_id keeps the million-row bulk writes of an election cheap.
  (table) => [
    index('e14_fields_form_idx').on(table.formId),
    check('e14_fields_state_check', sql`state IN ('read', 'empty', 'illegible')`),
  ],
);

/**
 * A field a person must look at (illegible, below the confidence threshold, or over-written).
 * pending: waiting for entries; escalated: three entries without two agreeing, only an admin
 * decides; done: closed with `resolvedState`/`resolvedValue` by consensus or an admin.
 */
export const reviewTasks = pgTable(
  'review_tasks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    formId: bigint('form_id', { mode: 'number' })
      .notNull()
      .references(() => e14Forms.id, { onDelete: 'cascade' }),
    fieldPath: text('field_path').notNull(),
    reason: text('reason').notNull(),
    status: text('status').notNull().default('pending'),
    createdAt: createdAt(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedState: text('resolved_state'),
    resolvedValue: integer('resolved_value'),
    resolution: text('resolution'),
    resolvedBy: text('resolved_by'),
  },
  (table) => [
    uniqueIndex('review_tasks_form_field_key').on(table.formId, table.fieldPath),
    index('review_tasks_status_idx').on(table.status),
    check('review_tasks_reason_check', sql`reason IN ('illegible', 'low_confidence', 'overwritten')`),
    check('review_tasks_status_check', sql`status IN ('pending', 'escalated', 'done')`),
    check('review_tasks_resolved_state_check', sql`resolved_state IN ('read', 'empty', 'illegible')`),
    check('review_tasks_resolution_check', sql`resolution IN ('consensus', 'admin')`),
  ],
);

/** One reviewer's answer to a task (double entry: one per reviewer and task). */
export const reviewEntries = pgTable(
  'review_entries',
  {
    taskId: bigint('task_id', { mode: 'number' })
      .notNull()
      .references(() => reviewTasks.id, { onDelete: 'cascade' }),
    reviewerId: text('reviewer_id').notNull(),
    reviewerRole: text('reviewer_role').notNull(),
    state: text('state').notNull(),
    value: integer('value'),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.taskId, table.reviewerId] }),
    index('review_entries_reviewer_idx').on(table.reviewerId),
    check('review_entries_state_check', sql`state IN ('read', 'empty', 'illegible')`),
  ],
);

/**
 * The reviewer version of a form once its last task closed: the submission (the form with the
 * reviewed values) is written here in the closing transaction, then stored through intake, so a
 * crash in between is finished by the next close or start (intake is idempotent by content).
 */
export const reviewedForms = pgTable(
  'reviewed_forms',
  {
    formId: bigint('form_id', { mode: 'number' })
      .primaryKey()
      .references(() => e14Forms.id, { onDelete: 'cascade' }),
    submission: jsonb('submission').notNull(),
    state: text('state').notNull().default('pending'),
    reviewedFormId: bigint('reviewed_form_id', { mode: 'number' }),
    error: jsonb('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index('reviewed_forms_pending_idx').on(table.state),
    check('reviewed_forms_state_check', sql`state IN ('pending', 'stored', 'refused')`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Official feeds, reconciled truth and the rollups results are read from
// ---------------------------------------------------------------------------------------------

/** Preconteo / escrutinio numbers of one mesa, imported from CSV (castor-official/1). */
export const officialResults = pgTable(
  'official_results',
  {
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    mesaId: integer('mesa_id')
      .notNull()
      .references(() => mesas.id, { onDelete: 'cascade' }),
    corporation: text('corporation').notNull(),
    source: text('source').notNull(),
    sufragantes: integer('sufragantes'),
    blancos: integer('blancos'),
    nulos: integer('nulos'),
    noMarcados: integer('no_marcados'),
    candidateIds: integer('candidate_ids').array().notNull(),
    votes: integer('votes').array().notNull(),
    fileHash: text('file_hash').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.mesaId, table.corporation, table.source] }),
    check('official_results_source_check', sql`source IN ('preconteo', 'escrutinio')`),
  ],
);

export const feedImports = pgTable(
  'feed_imports',
  {
    id: serial('id').primaryKey(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    fileHash: text('file_hash').notNull(),
    importedBy: text('imported_by').notNull(),
    counts: jsonb('counts').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('feed_imports_file_key').on(table.electionId, table.source, table.fileHash)],
);

/**
 * The truth of one mesa and corporation: the form chosen by the reconciliation policy, its
 * numbers, and the mesa's status. Results are computed from these rows only.
 */
export const reconciliations = pgTable(
  'reconciliations',
  {
    mesaId: integer('mesa_id')
      .notNull()
      .references(() => mesas.id, { onDelete: 'cascade' }),
    corporation: text('corporation').notNull(),
    electionId: integer('election_id').notNull(),
    municipioId: integer('municipio_id').notNull(),
    formId: bigint('form_id', { mode: 'number' }).references(() => e14Forms.id),
    status: text('status').notNull(),
    policyVersion: integer('policy_version').notNull(),
    sufragantes: integer('sufragantes'),
    urna: integer('urna'),
    incinerados: integer('incinerados'),
    blancos: integer('blancos'),
    nulos: integer('nulos'),
    noMarcados: integer('no_marcados'),
    candidateIds: integer('candidate_ids').array().notNull(),
    votes: integer('votes').array().notNull(),
    sourceCount: integer('source_count').notNull(),
    discrepancies: json('discrepancies').notNull(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.mesaId, table.corporation] }),
    index('reconciliations_municipio_idx').on(table.municipioId, table.corporation),
    check('reconciliations_status_check', sql`status IN ('validated', 'needs_review', 'failed_rules', 'disputed')`),
  ],
);

/** Votes per candidate row per municipio, maintained in the same transaction as the truth. */
export const municipioVoteTallies = pgTable(
  'municipio_vote_tallies',
  {
    municipioId: integer('municipio_id').notNull(),
    corporation: text('corporation').notNull(),
    candidateId: integer('candidate_id').notNull(),
    electionId: integer('election_id').notNull(),
    departamentoId: integer('departamento_id').notNull(),
    votes: bigint('votes', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.municipioId, table.corporation, table.candidateId] }),
    index('municipio_vote_tallies_election_idx').on(table.electionId, table.corporation, table.departamentoId),
  ],
);

/** Coverage and the non-candidate numbers per municipio, maintained with the tallies. */
export const municipioCoverage = pgTable(
  'municipio_coverage',
  {
    municipioId: integer('municipio_id').notNull(),
    corporation: text('corporation').notNull(),
    electionId: integer('election_id').notNull(),
    departamentoId: integer('departamento_id').notNull(),
    mesasIn: integer('mesas_in').notNull(),
    mesasValidated: integer('mesas_validated').notNull(),
    mesasNeedsReview: integer('mesas_needs_review').notNull(),
    mesasFailedRules: integer('mesas_failed_rules').notNull(),
    mesasDisputed: integer('mesas_disputed').notNull(),
    habilitadosIn: bigint('habilitados_in', { mode: 'number' }).notNull(),
    sufragantes: bigint('sufragantes', { mode: 'number' }).notNull(),
    urna: bigint('urna', { mode: 'number' }).notNull(),
    incinerados: bigint('incinerados', { mode: 'number' }).notNull(),
    blancos: bigint('blancos', { mode: 'number' }).notNull(),
    nulos: bigint('nulos', { mode: 'number' }).notNull(),
    noMarcados: bigint('no_marcados', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.municipioId, table.corporation] }),
    index('municipio_coverage_election_idx').on(table.electionId, table.corporation, table.departamentoId),
  ],
);

/** Votes per candidate row per puesto: what municipio and zona results read (Bogotá has thousands of mesas). */
export const puestoVoteTallies = pgTable(
  'puesto_vote_tallies',
  {
    puestoId: integer('puesto_id').notNull(),
    corporation: text('corporation').notNull(),
    candidateId: integer('candidate_id').notNull(),
    municipioId: integer('municipio_id').notNull(),
    votes: bigint('votes', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.puestoId, table.corporation, table.candidateId] }),
    index('puesto_vote_tallies_municipio_idx').on(table.municipioId, table.corporation),
  ],
);

/** Coverage and the non-candidate numbers per puesto, maintained with the puesto tallies. */
export const puestoCoverage = pgTable(
  'puesto_coverage',
  {
    puestoId: integer('puesto_id').notNull(),
    corporation: text('corporation').notNull(),
    municipioId: integer('municipio_id').notNull(),
    mesasIn: integer('mesas_in').notNull(),
    mesasValidated: integer('mesas_validated').notNull(),
    mesasNeedsReview: integer('mesas_needs_review').notNull(),
    mesasFailedRules: integer('mesas_failed_rules').notNull(),
    mesasDisputed: integer('mesas_disputed').notNull(),
    habilitadosIn: bigint('habilitados_in', { mode: 'number' }).notNull(),
    sufragantes: bigint('sufragantes', { mode: 'number' }).notNull(),
    urna: bigint('urna', { mode: 'number' }).notNull(),
    incinerados: bigint('incinerados', { mode: 'number' }).notNull(),
    blancos: bigint('blancos', { mode: 'number' }).notNull(),
    nulos: bigint('nulos', { mode: 'number' }).notNull(),
    noMarcados: bigint('no_marcados', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.puestoId, table.corporation] }),
    index('puesto_coverage_municipio_idx').on(table.municipioId, table.corporation),
  ],
);

// ---------------------------------------------------------------------------------------------
// Alerts and forensic signals
// ---------------------------------------------------------------------------------------------

/**
 * A failed rule or a forensic signal, with its evidence. `dedupeKey` makes re-evaluation
 * idempotent: the same finding on the same subject is one alert, updated in place.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    corporation: text('corporation').notNull(),
    rule: text('rule').notNull(),
    ruleVersion: integer('rule_version').notNull(),
    severity: text('severity').notNull(),
    status: text('status').notNull().default('open'),
    dedupeKey: text('dedupe_key').notNull(),
    territory: text('territory').notNull(),
    mesaId: integer('mesa_id'),
    municipioId: integer('municipio_id'),
    formId: bigint('form_id', { mode: 'number' }),
    copy: text('copy'),
    message: text('message').notNull(),
    numbers: jsonb('numbers').notNull(),
    evidence: jsonb('evidence').notNull(),
    statusReason: text('status_reason'),
    statusBy: text('status_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('alerts_dedupe_key').on(table.electionId, table.dedupeKey),
    index('alerts_filter_idx').on(table.electionId, table.status, table.severity),
    index('alerts_rule_idx').on(table.electionId, table.rule),
    index('alerts_territory_idx').using('btree', sql`territory text_pattern_ops`),
    index('alerts_mesa_idx').on(table.mesaId),
    check('alerts_severity_check', SEVERITY_CHECK),
    check('alerts_status_check', sql`status IN ('open', 'acknowledged', 'resolved')`),
  ],
);

/** Municipios whose forensic signals must be recomputed, durable so a restart loses nothing. */
export const forensicQueue = pgTable(
  'forensic_queue',
  {
    municipioId: integer('municipio_id').notNull(),
    corporation: text('corporation').notNull(),
    electionId: integer('election_id').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.municipioId, table.corporation] }),
    index('forensic_queue_due_idx').on(table.dueAt),
  ],
);

/** The last computed statistics of a municipio (shown on the dashboard whether or not they alert). */
export const municipioForensics = pgTable(
  'municipio_forensics',
  {
    municipioId: integer('municipio_id').notNull(),
    corporation: text('corporation').notNull(),
    electionId: integer('election_id').notNull(),
    stats: jsonb('stats').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.municipioId, table.corporation] })],
);

// ---------------------------------------------------------------------------------------------
// Audit: append-only, hash-chained (triggers in migration 0001 refuse UPDATE, DELETE, TRUNCATE)
// ---------------------------------------------------------------------------------------------

export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    // `json` keeps the text as written (cheaper than jsonb; the chain hashes the canonical form anyway).
    before: json('before'),
    after: json('after'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (table) => [index('audit_log_entity_idx').on(table.entity, table.entityId)],
);

/** The chain head: one row, locked by every appender so the chain is linear. */
export const auditHead = pgTable(
  'audit_head',
  {
    id: smallint('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
  },
  () => [check('audit_head_single_row', sql`id = 1`)],
);

// ---------------------------------------------------------------------------------------------
// Document pipeline: scanned E-14 files and the durable jobs that read them
// ---------------------------------------------------------------------------------------------

/** The bytes of every received E-14 file, once per content (uploads, URLs and downloads alike). */
export const e14DocumentFiles = pgTable('e14_document_files', {
  sha256: text('sha256').primaryKey(),
  mediaType: text('media_type').notNull(),
  bytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  content: bytea('content').notNull(),
  createdAt: createdAt(),
});

/**
 * One E-14 document to read, and its job: the row is the queue entry (claimed with
 * FOR UPDATE SKIP LOCKED, leased, retried with backoff, dead after `max_attempts`), so the job's
 * state and the document's state change in the same transaction.
 */
export const e14Documents = pgTable(
  'e14_documents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** upload (multipart), url (JSON {url}), registraduria (one mesa fetched from the published site). */
    kind: text('kind').notNull(),
    electionCode: text('election_code').notNull(),
    corporation: text('corporation'),
    mesaKey: text('mesa_key'),
    copy: text('copy'),
    originUrl: text('origin_url'),
    sha256: text('sha256'),
    state: text('state').notNull().default('queued'),
    stage: text('stage').notNull().default('queued'),
    priority: integer('priority').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** Every failed attempt: { attempt, at, code, message }. */
    errors: jsonb('errors').notNull().default([]),
    /** Providers used, flags (vision unavailable, fallback), per-field readings of every provider. */
    reading: jsonb('reading'),
    /** The fused E14SubmissionV2, kept before intake so a retried job submits the very same content. */
    submission: jsonb('submission'),
    formId: bigint('form_id', { mode: 'number' }),
    intakeOutcome: text('intake_outcome'),
    submittedBy: text('submitted_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('e14_documents_upload_sha_key')
      .on(table.electionCode, table.sha256)
      .where(sql`kind <> 'registraduria'`),
    uniqueIndex('e14_documents_open_mesa_key')
      .on(table.electionCode, table.corporation, table.mesaKey)
      .where(sql`kind = 'registraduria' AND state IN ('queued', 'processing')`),
    index('e14_documents_claim_idx').on(table.state, table.priority, table.id),
    check('e14_documents_kind_check', sql`kind IN ('upload', 'url', 'registraduria')`),
    check('e14_documents_state_check', sql`state IN ('queued', 'processing', 'done', 'failed', 'dead')`),
  ],
);

/** Every OCR provider call (the usage ledger persisted): tokens and cost for the status and metrics. */
export const ocrUsage = pgTable(
  'ocr_usage',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    subject: text('subject'),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    costUsd: real('cost_usd'),
    cached: boolean('cached').notNull(),
    outcome: text('outcome').notNull(),
  },
  (table) => [index('ocr_usage_at_idx').on(table.at)],
);
