import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { bigserialIdColumn, SEVERITY_CHECK, timestampsColumns } from './columns.js';
import { electionCorporationColumns } from './elections.js';

/**
 * A failed rule or a forensic signal, with its evidence. `dedupeKey` makes re-evaluation
 * idempotent: the same finding on the same subject is one alert, updated in place.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: bigserialIdColumn(),
    ...electionCorporationColumns(),
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
    ...timestampsColumns(),
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
