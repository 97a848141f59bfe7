import type { Copy, Corporation, RuleFinding, RuleId, Severity } from '@castor/contracts';
import type { InferSelectModel } from 'drizzle-orm';
import type pg from 'pg';
import type { alerts as alertsTable } from '../db/schema/alerts.js';
import type { Supersession } from '../domain/reconciliation-policy.js';
import { RULES } from '../domain/rule-catalog.js';
import type { AuditInput } from './audit-chain.js';

export interface AlertEvidence {
  fields?: string[];
  sources?: Array<{ formId?: number; source: string; copy?: Copy; version?: number }>;
  crops?: Array<{ field: string; crop: unknown }>;
  detail?: unknown;
}

/**
 * An alert to raise: an alerts row without what the store keeps (id, status, timestamps). Same
 * subject and finding ⇒ same `dedupeKey` ⇒ one alert, updated in place.
 */
export type NewAlert = Pick<
  typeof alertsTable.$inferSelect,
  'electionId' | 'ruleVersion' | 'dedupeKey' | 'territory' | 'mesaId' | 'municipioId' | 'formId' | 'message'
> & {
  // Text and jsonb columns, narrowed to what their CHECK constraints and readers allow.
  corporation: Corporation;
  rule: RuleId;
  severity: Severity;
  copy: Copy | null;
  numbers: RuleFinding['numbers'];
  evidence: AlertEvidence;
};

/** An alerts row id: int8, which pg returns as text. */
type AlertId = { id: string };

/**
 * Inserts or refreshes alerts. A refreshed alert keeps its status, except one the system had
 * resolved (the condition had gone away), which opens again when the condition returns.
 */
export async function upsertAlerts(
  client: pg.PoolClient,
  alerts: readonly NewAlert[],
): Promise<Array<{ id: number; dedupeKey: string; inserted: boolean }>> {
  if (alerts.length === 0) return [];
  const sorted = [...alerts].sort((a, b) => (a.dedupeKey < b.dedupeKey ? -1 : a.dedupeKey > b.dedupeKey ? 1 : 0));
  const column = <T>(read: (alert: NewAlert) => T) => sorted.map(read);
  const result = await client.query<
    AlertId & Pick<InferSelectModel<typeof alertsTable, { dbColumnNames: true }>, 'dedupe_key'> & { inserted: boolean }
  >(
    `INSERT INTO alerts (election_id, corporation, rule, rule_version, severity, dedupe_key, territory, mesa_id, municipio_id,
                         form_id, copy, message, numbers, evidence)
     SELECT e, c, r, rv, s, k, t, m, mu, f, cp, msg, n::jsonb, ev::jsonb
     FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[],
                 $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[])
       AS t(e, c, r, rv, s, k, t, m, mu, f, cp, msg, n, ev)
     ON CONFLICT (election_id, dedupe_key) DO UPDATE SET
       rule_version = excluded.rule_version, severity = excluded.severity, message = excluded.message,
       numbers = excluded.numbers, evidence = excluded.evidence, form_id = excluded.form_id, copy = excluded.copy,
       status = CASE WHEN alerts.status = 'resolved' AND alerts.status_by LIKE 'system:%' THEN 'open' ELSE alerts.status END,
       status_reason = CASE WHEN alerts.status = 'resolved' AND alerts.status_by LIKE 'system:%' THEN NULL ELSE alerts.status_reason END,
       status_by = CASE WHEN alerts.status = 'resolved' AND alerts.status_by LIKE 'system:%' THEN NULL ELSE alerts.status_by END,
       updated_at = now()
     WHERE (alerts.numbers, alerts.evidence, alerts.message, alerts.severity, alerts.status_by)
       IS DISTINCT FROM (excluded.numbers, excluded.evidence, excluded.message, excluded.severity, NULL)
       OR (alerts.status = 'resolved' AND alerts.status_by LIKE 'system:%')
     RETURNING id, dedupe_key, (xmax = 0) AS inserted`,
    [
      column((alert) => alert.electionId),
      column((alert) => alert.corporation),
      column((alert) => alert.rule),
      column((alert) => alert.ruleVersion),
      column((alert) => alert.severity),
      column((alert) => alert.dedupeKey),
      column((alert) => alert.territory),
      column((alert) => alert.mesaId),
      column((alert) => alert.municipioId),
      column((alert) => alert.formId),
      column((alert) => alert.copy),
      column((alert) => alert.message),
      column((alert) => JSON.stringify(alert.numbers)),
      column((alert) => JSON.stringify(alert.evidence)),
    ],
  );
  return result.rows.map((row) => ({ id: Number(row.id), dedupeKey: row.dedupe_key, inserted: row.inserted }));
}

/** Resolves, as the system, alerts whose condition is gone; returns the ids it resolved. */
export async function resolveGoneAlerts(
  client: pg.PoolClient,
  electionId: number,
  dedupeKeys: readonly string[],
  component: string,
  reason: string,
): Promise<number[]> {
  if (dedupeKeys.length === 0) return [];
  const result = await client.query<AlertId>(
    `UPDATE alerts SET status = 'resolved', status_reason = $3, status_by = $4, updated_at = now()
     WHERE election_id = $1 AND dedupe_key = ANY($2::text[]) AND status <> 'resolved'
     RETURNING id`,
    [electionId, dedupeKeys, reason, `system:${component}`],
  );
  return result.rows.map((row) => Number(row.id));
}

/** The rules a form's own numbers fail: their alerts are about one reading of one sheet. */
const SHEET_RULES = Object.values(RULES)
  .filter((rule) => rule.scope === 'sheet')
  .map((rule) => rule.id);

/**
 * Resolves, as the system, the open per-sheet rule alerts of superseded forms (a reviewer version
 * corrects them, or a witness's newer upload replaces them: they no longer describe the sheet that
 * counts), and returns an audit entry for each alert it resolved.
 */
export async function resolveSupersededAlerts(
  client: pg.PoolClient,
  superseded: ReadonlyArray<Supersession & { mesaId: number }>,
  component: string,
): Promise<AuditInput[]> {
  if (superseded.length === 0) return [];
  const by = `system:${component}`;
  // Locked in id order, so two transactions resolving the same alerts never wait on each other in a cycle.
  const result = await client.query<
    AlertId & { form_id: string; status: string; status_reason: string | null; reason: string }
  >(
    `WITH chosen AS (
       SELECT a.id, a.form_id, a.status, a.status_reason, s.reason
       FROM alerts a JOIN unnest($1::int[], $2::bigint[], $3::text[]) AS s(mesa_id, form_id, reason)
         ON a.mesa_id = s.mesa_id AND a.form_id = s.form_id
       WHERE a.rule = ANY($4::text[]) AND a.status <> 'resolved'
       ORDER BY a.id FOR UPDATE OF a)
     UPDATE alerts SET status = 'resolved', status_reason = chosen.reason, status_by = $5, updated_at = now()
     FROM chosen WHERE alerts.id = chosen.id
     RETURNING alerts.id, chosen.form_id, chosen.status, chosen.status_reason, chosen.reason`,
    [
      superseded.map((item) => item.mesaId),
      superseded.map((item) => item.formId),
      superseded.map((item) => `superseded by form ${item.by}`),
      SHEET_RULES,
      by,
    ],
  );
  return result.rows
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((row) => ({
      actor: by,
      action: 'alert.resolved',
      entity: 'alert',
      entityId: String(row.id),
      before: { status: row.status, reason: row.status_reason },
      after: { status: 'resolved', reason: row.reason, supersededForm: Number(row.form_id) },
    }));
}
