import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import {
  bigserialIdColumn,
  candidateVotesColumns,
  corporationCheck,
  FIELD_STATE_CHECK,
  mesaNumbersColumns,
} from './columns.js';
import { electionCorporationColumns } from './elections.js';
import { mesaIdColumn } from './territory.js';

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
    id: bigserialIdColumn(),
    ...electionCorporationColumns(),
    mesaId: mesaIdColumn(),
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
    ...mesaNumbersColumns(),
    sumaTotal: integer('suma_total'),
    ...candidateVotesColumns(),
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
    corporationCheck('e14_forms'),
    check('e14_forms_copy_check', sql`copy IN ('claveros', 'delegados', 'transmision', 'consul_embajador')`),
    check('e14_forms_source_check', sql`source IN ('ocr', 'witness', 'partner', 'reviewer')`),
    check('e14_forms_status_check', sql`status IN ('validated', 'needs_review', 'failed_rules')`),
  ],
);

/** `form_id`, deleted with its form: the column of the rows about one form. */
export const formIdColumn = () =>
  bigint('form_id', { mode: 'number' })
    .notNull()
    .references(() => e14Forms.id, { onDelete: 'cascade' });

/** Every value read on a form: its state (read / empty / illegible), who or what read it, the crop. */
export const e14Fields = pgTable(
  'e14_fields',
  {
    formId: formIdColumn(),
    path: text('path').notNull(),
    state: text('state').notNull(),
    value: integer('value'),
    confidence: real('confidence').notNull(),
    overwritten: boolean('overwritten').notNull(),
    readBy: text('read_by'),
    crop: jsonb('crop'),
    /** The recognizer_models version that read it; null when the local recognizer did not (a vision provider, a person). */
    modelVersion: integer('model_version'),
  },
  // No primary key: paths are unique per form by construction (the intake refuses a row given
  // twice), and a plain index on form_id keeps the million-row bulk writes of an election cheap.
  (table) => [index('e14_fields_form_idx').on(table.formId), check('e14_fields_state_check', FIELD_STATE_CHECK)],
);
