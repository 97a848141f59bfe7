import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { bigserialIdColumn, bytea, createdAt, timestampsColumns } from './columns.js';

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
    id: bigserialIdColumn(),
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
    /** The fused E14Submission, kept before intake so a retried job submits the very same content. */
    submission: jsonb('submission'),
    formId: bigint('form_id', { mode: 'number' }),
    intakeOutcome: text('intake_outcome'),
    submittedBy: text('submitted_by').notNull(),
    /** Released from quarantine by an admin or analyst: read again without the quarantine checks. */
    quarantineReleased: boolean('quarantine_released').notNull().default(false),
    ...timestampsColumns(),
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
    // A sender's documents stored in the last hour: the review-task budget per uploader.
    index('e14_documents_sender_finished_idx').on(table.submittedBy, table.finishedAt),
    // An election's documents received and finished per time bucket: election night's activity chart.
    index('e14_documents_election_created_idx').on(table.electionCode, table.createdAt),
    index('e14_documents_election_finished_idx').on(table.electionCode, table.finishedAt),
    check('e14_documents_kind_check', sql`kind IN ('upload', 'url', 'registraduria')`),
    check(
      'e14_documents_state_check',
      sql`state IN ('queued', 'processing', 'done', 'failed', 'dead', 'quarantined', 'replaced')`,
    ),
  ],
);

/** Every OCR provider call (the usage ledger persisted): tokens and cost for the status and metrics. */
export const ocrUsage = pgTable(
  'ocr_usage',
  {
    id: bigserialIdColumn(),
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
