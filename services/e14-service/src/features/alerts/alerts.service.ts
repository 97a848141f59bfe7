import type { Alert, ClaimsPacket, Corporation } from '@castor/contracts';
import { alertSchema } from '@castor/contracts';
import { notFound } from '@castor/service-kit';
import type pg from 'pg';
import type { z } from 'zod';
import { withTransaction } from '../../db/client.js';
import { appendAudit, readAuditHead, toAuditEntry } from '../../shared/audit-chain.js';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import { numbersOf } from '../../shared/mesa-reconciler.js';

interface AlertRow {
  id: string;
  corporation: string;
  rule: string;
  rule_version: number;
  severity: string;
  status: string;
  territory: string;
  mesa_key: string | null;
  copy: string | null;
  form_id: string | null;
  message: string;
  numbers: Record<string, number | null>;
  evidence: unknown;
  status_reason: string | null;
  status_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const ALERT_COLUMNS = `a.id, a.corporation, a.rule, a.rule_version, a.severity, a.status, a.territory, m.mesa_key, a.copy,
  a.form_id, a.message, a.numbers, a.evidence, a.status_reason, a.status_by, a.created_at, a.updated_at`;

const toAlert = (electionCode: string, row: AlertRow): Alert =>
  alertSchema.parse({
    id: Number(row.id),
    electionCode,
    corporation: row.corporation,
    rule: row.rule,
    ruleVersion: row.rule_version,
    severity: row.severity,
    status: row.status,
    territory: row.territory,
    mesaKey: row.mesa_key,
    copy: row.copy,
    formId: row.form_id === null ? null : Number(row.form_id),
    message: row.message,
    numbers: row.numbers,
    evidence: row.evidence,
    statusReason: row.status_reason,
    statusBy: row.status_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  });

export interface AlertFilters {
  election: string;
  severity?: string | undefined;
  rule?: string | undefined;
  territory?: string | undefined;
  corporation?: string | undefined;
  status?: string | undefined;
  limit: number;
  offset: number;
}

export class AlertsService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly catalogs: ElectionCatalogs,
  ) {}

  private async electionId(code: string): Promise<number> {
    const catalog = await this.catalogs.requireElection(code);
    return catalog.id;
  }

  async list(filters: AlertFilters): Promise<{ total: number; items: Alert[] }> {
    const electionId = await this.electionId(filters.election);
    const conditions = ['a.election_id = $1'];
    const values: unknown[] = [electionId];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (filters.severity) add('a.severity = ?', filters.severity);
    if (filters.rule) add('a.rule = ?', filters.rule);
    if (filters.corporation) add('a.corporation = ?', filters.corporation);
    if (filters.status) add('a.status = ?', filters.status);
    if (filters.territory) add(`a.territory LIKE ?`, `${filters.territory.replace(/[%_\\]/g, '\\$&')}%`);
    const where = conditions.join(' AND ');
    const [total, rows] = await Promise.all([
      this.pool.query<{ total: string }>(`SELECT count(*) AS total FROM alerts a WHERE ${where}`, values),
      this.pool.query<AlertRow>(
        `SELECT ${ALERT_COLUMNS} FROM alerts a LEFT JOIN mesas m ON m.id = a.mesa_id WHERE ${where}
         ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, a.id DESC
         LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
        [...values, filters.limit, filters.offset],
      ),
    ]);
    return { total: Number(total.rows[0]?.total ?? 0), items: rows.rows.map((row) => toAlert(filters.election, row)) };
  }

  /** Acknowledges, resolves or reopens an alert with a reason; audited with before and after. */
  async setStatus(
    id: number,
    status: 'acknowledged' | 'resolved' | 'open',
    reason: string,
    actor: string,
  ): Promise<Alert> {
    return withTransaction(this.pool, async (client) => {
      const current = await client.query<{ status: string; status_reason: string | null; code: string }>(
        `SELECT a.status, a.status_reason, e.code FROM alerts a JOIN elections e ON e.id = a.election_id WHERE a.id = $1 FOR UPDATE OF a`,
        [id],
      );
      const before = current.rows[0];
      if (!before) throw notFound(`No alert ${id}`, 'ALERT_UNKNOWN');
      await client.query(
        'UPDATE alerts SET status = $2, status_reason = $3, status_by = $4, updated_at = now() WHERE id = $1',
        [id, status, reason, actor],
      );
      await appendAudit(client, [
        {
          actor,
          action: `alert.${status}`,
          entity: 'alert',
          entityId: String(id),
          before: { status: before.status, reason: before.status_reason },
          after: { status, reason },
        },
      ]);
      const row = await client.query<AlertRow>(
        `SELECT ${ALERT_COLUMNS} FROM alerts a LEFT JOIN mesas m ON m.id = a.mesa_id WHERE a.id = $1`,
        [id],
      );
      return toAlert(before.code, row.rows[0] as AlertRow);
    });
  }

  /**
   * Everything a lawyer needs for a reclamación on one mesa: the discrepancies, every version of
   * every source with its fields and crops, the official feeds, the truth chosen, and the audit
   * trail of all of it with the chain head to verify against.
   */
  async claimsPacket(electionCode: string, corporation: Corporation, mesaKey: string): Promise<ClaimsPacket> {
    const catalog = await this.catalogs.requireElection(electionCode);
    const mesa = await this.pool.query<{
      id: number;
      habilitados: number;
      dep_code: string;
      dep_name: string;
      mun_code: string;
      mun_name: string;
      zona: string;
      puesto_code: string;
      puesto_name: string;
      code: string;
    }>(
      `SELECT me.id, me.habilitados, d.code AS dep_code, d.name AS dep_name, mu.code AS mun_code, mu.name AS mun_name,
              z.code AS zona, p.code AS puesto_code, p.name AS puesto_name, me.code
       FROM mesas me JOIN puestos p ON p.id = me.puesto_id JOIN zonas z ON z.id = p.zona_id
       JOIN municipios mu ON mu.id = me.municipio_id JOIN departamentos d ON d.id = me.departamento_id
       WHERE me.election_id = $1 AND me.mesa_key = $2`,
      [catalog.id, mesaKey],
    );
    const info = mesa.rows[0];
    if (!info) throw notFound(`Mesa ${mesaKey} is not in ${electionCode}`, 'MESA_UNKNOWN');
    const [truth, alerts, forms, official] = await Promise.all([
      this.pool.query<{ form_id: string | null; status: string; policy_version: number; discrepancies: unknown }>(
        'SELECT form_id, status, policy_version, discrepancies FROM reconciliations WHERE mesa_id = $1 AND corporation = $2',
        [info.id, corporation],
      ),
      this.pool.query<AlertRow>(
        `SELECT ${ALERT_COLUMNS} FROM alerts a LEFT JOIN mesas m ON m.id = a.mesa_id
         WHERE a.mesa_id = $1 AND a.corporation = $2 ORDER BY a.id`,
        [info.id, corporation],
      ),
      this.pool.query<{
        id: string;
        source: string;
        copy: string;
        version: number;
        content_hash: string;
        document_hash: string | null;
        received_at: Date;
        status: string;
        sufragantes: number | null;
        urna: number | null;
        incinerados: number | null;
        blancos: number | null;
        nulos: number | null;
        no_marcados: number | null;
        suma_total: number | null;
        candidate_ids: number[];
        votes: Array<number | null>;
        fields: Array<{
          path: string;
          state: string;
          value: number | null;
          confidence: number;
          overwritten: boolean;
          read_by: string | null;
          crop: unknown;
        }>;
      }>(
        `SELECT f.id, f.source, f.copy, f.version, f.content_hash, f.document_hash, f.received_at, f.status, f.sufragantes,
                f.urna, f.incinerados, f.blancos, f.nulos, f.no_marcados, f.suma_total, f.candidate_ids, f.votes,
                (SELECT json_agg(json_build_object('path', x.path, 'state', x.state, 'value', x.value, 'confidence', x.confidence,
                        'overwritten', x.overwritten, 'read_by', x.read_by, 'crop', x.crop) ORDER BY x.path)
                 FROM e14_fields x WHERE x.form_id = f.id) AS fields
         FROM e14_forms f WHERE f.mesa_id = $1 AND f.corporation = $2 ORDER BY f.id`,
        [info.id, corporation],
      ),
      this.pool.query<{
        source: string;
        sufragantes: number | null;
        blancos: number | null;
        nulos: number | null;
        no_marcados: number | null;
        candidate_ids: number[];
        votes: number[];
        imported_at: Date;
      }>(
        'SELECT source, sufragantes, blancos, nulos, no_marcados, candidate_ids, votes, imported_at FROM official_results WHERE mesa_id = $1 AND corporation = $2',
        [info.id, corporation],
      ),
    ]);
    const optionLabel = (id: number) => {
      const candidate = catalog.candidates.get(id);
      if (!candidate) return `candidate:${id}`;
      return candidate.candidateNumber === null
        ? `votes.${candidate.ballotNumber}`
        : `votes.${candidate.ballotNumber}-${candidate.candidateNumber}`;
    };
    const numbersRecord = (row: Parameters<typeof numbersOf>[0] & { suma_total?: number | null }) => {
      const numbers = numbersOf(row);
      const record: Record<string, number | null> = {
        sufragantes: numbers.sufragantes,
        urna: numbers.urna,
        incinerados: numbers.incinerados,
        blancos: numbers.blancos,
        nulos: numbers.nulos,
        noMarcados: numbers.noMarcados,
      };
      if (row.suma_total !== undefined) record.sumaTotal = row.suma_total;
      for (const [id, value] of numbers.votes) record[optionLabel(id)] = value;
      return record;
    };
    const formIds = forms.rows.map((form) => form.id);
    const alertIds = alerts.rows.map((alert) => alert.id);
    const trail = await this.pool.query(
      `SELECT seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash FROM audit_log
       WHERE (entity = 'e14_form' AND entity_id = ANY($1::text[])) OR (entity = 'mesa' AND entity_id = $2)
          OR (entity = 'alert' AND entity_id = ANY($3::text[]))
       ORDER BY seq`,
      [formIds, `${mesaKey}/${corporation}`, alertIds],
    );
    const truthRow = truth.rows[0];
    return {
      format: 'castor-claims-packet/1',
      generatedAt: new Date().toISOString(),
      electionCode: catalog.code,
      electionName: catalog.name,
      corporation,
      mesa: {
        key: mesaKey as ClaimsPacket['mesa']['key'],
        departamento: { code: info.dep_code, name: info.dep_name },
        municipio: { code: info.mun_code, name: info.mun_name },
        zona: info.zona,
        puesto: { code: info.puesto_code, name: info.puesto_name },
        mesa: info.code,
        habilitados: info.habilitados,
      },
      truth: truthRow
        ? {
            formId: truthRow.form_id === null ? null : Number(truthRow.form_id),
            status: truthRow.status as NonNullable<ClaimsPacket['truth']>['status'],
            policyVersion: truthRow.policy_version,
            discrepancies: truthRow.discrepancies,
          }
        : null,
      discrepancies: alerts.rows.map((row) => toAlert(catalog.code, row)),
      versions: forms.rows.map((form) => ({
        formId: Number(form.id),
        source: form.source,
        copy: form.copy as ClaimsPacket['versions'][number]['copy'],
        version: form.version,
        contentHash: form.content_hash,
        documentHash: form.document_hash,
        receivedAt: form.received_at.toISOString(),
        status: form.status,
        numbers: numbersRecord(form),
        fields: (form.fields ?? []).map((field) => ({
          path: field.path,
          state: field.state,
          value: field.value,
          confidence: field.confidence,
          overwritten: field.overwritten,
          readBy: field.read_by,
          crop: (field.crop ?? null) as z.infer<typeof alertSchema>['evidence']['crops'][number]['crop'] | null,
        })),
      })),
      official: official.rows.map((row) => ({
        source: row.source,
        numbers: numbersRecord(row),
        importedAt: row.imported_at.toISOString(),
      })),
      auditTrail: trail.rows.map(toAuditEntry),
      auditHead: await readAuditHead(this.pool),
    };
  }
}
