import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, SEVERITY_CHECK, updatedAt } from './columns.js';
import { elections } from './elections.js';

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
