import type { AuditEntry } from '@castor/contracts';
import { and, asc, count, desc, eq, getTableColumns, like, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { createDb, type E14Db } from '../../db/client.js';
import {
  alerts,
  departamentos,
  e14Forms,
  elections,
  mesas,
  municipios,
  officialResults,
  puestos,
  reconciliations,
  zonas,
} from '../../db/schema/index.js';
import { toAuditEntry } from '../../shared/audit-chain.js';

/** An alert row with the key of its mesa (null for territory-level signals). */
export type AlertRecord = typeof alerts.$inferSelect & { mesaKey: string | null };

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

/** A mesa's place in the territorial tree, as a claims packet prints it. */
export interface MesaPlace {
  id: number;
  habilitados: number;
  code: string;
  depCode: string;
  depName: string;
  munCode: string;
  munName: string;
  zona: string;
  puestoCode: string;
  puestoName: string;
}

/** One stored version of a mesa's form, with every field as read. */
export type FormVersion = Pick<
  typeof e14Forms.$inferSelect,
  | 'id'
  | 'source'
  | 'copy'
  | 'version'
  | 'contentHash'
  | 'documentHash'
  | 'receivedAt'
  | 'status'
  | 'sufragantes'
  | 'urna'
  | 'incinerados'
  | 'blancos'
  | 'nulos'
  | 'noMarcados'
  | 'sumaTotal'
  | 'candidateIds'
  | 'votes'
> & {
  fields: Array<{
    path: string;
    state: string;
    value: number | null;
    confidence: number;
    overwritten: boolean;
    read_by: string | null;
    crop: unknown;
  }> | null;
};

const alertColumns = { ...getTableColumns(alerts), mesaKey: mesas.mesaKey };

/** Most severe first, then newest. */
const severityOrder = sql`CASE ${alerts.severity} WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END`;

/** Every SQL statement about alerts and the evidence of one mesa (the claims packet). */
export class AlertsRepository {
  private readonly db: E14Db;

  constructor(private readonly pool: pg.Pool) {
    this.db = createDb(pool);
  }

  async list(electionId: number, filters: AlertFilters): Promise<{ total: number; rows: AlertRecord[] }> {
    const conditions: SQL[] = [eq(alerts.electionId, electionId)];
    if (filters.severity) conditions.push(eq(alerts.severity, filters.severity));
    if (filters.rule) conditions.push(eq(alerts.rule, filters.rule));
    if (filters.corporation) conditions.push(eq(alerts.corporation, filters.corporation));
    if (filters.status) conditions.push(eq(alerts.status, filters.status));
    // A territory filter is a code prefix; LIKE's own wildcards in it are taken literally.
    if (filters.territory) conditions.push(like(alerts.territory, `${filters.territory.replace(/[%_\\]/g, '\\$&')}%`));
    const where = and(...conditions);
    const [total, rows] = await Promise.all([
      this.db.select({ total: count() }).from(alerts).where(where),
      this.db
        .select(alertColumns)
        .from(alerts)
        .leftJoin(mesas, eq(mesas.id, alerts.mesaId))
        .where(where)
        .orderBy(severityOrder, desc(alerts.id))
        .limit(filters.limit)
        .offset(filters.offset),
    ]);
    return { total: total[0]?.total ?? 0, rows };
  }

  /** One alert with its mesa key and election code. */
  async byId(id: number): Promise<(AlertRecord & { electionCode: string }) | undefined> {
    const [row] = await this.db
      .select({ ...alertColumns, electionCode: elections.code })
      .from(alerts)
      .innerJoin(elections, eq(elections.id, alerts.electionId))
      .leftJoin(mesas, eq(mesas.id, alerts.mesaId))
      .where(eq(alerts.id, id));
    return row;
  }

  /** The alert's status and election, locked for an update in the caller's transaction. */
  async lockStatus(
    client: pg.PoolClient,
    id: number,
  ): Promise<{ status: string; statusReason: string | null; electionCode: string } | undefined> {
    const [row] = await createDb(client)
      .select({ status: alerts.status, statusReason: alerts.statusReason, electionCode: elections.code })
      .from(alerts)
      .innerJoin(elections, eq(elections.id, alerts.electionId))
      .where(eq(alerts.id, id))
      .for('update', { of: alerts });
    return row;
  }

  async setStatus(
    client: pg.PoolClient,
    id: number,
    status: string,
    reason: string,
    actor: string,
  ): Promise<AlertRecord> {
    const db = createDb(client);
    await db
      .update(alerts)
      .set({ status, statusReason: reason, statusBy: actor, updatedAt: sql`now()` })
      .where(eq(alerts.id, id));
    const [row] = await db
      .select(alertColumns)
      .from(alerts)
      .leftJoin(mesas, eq(mesas.id, alerts.mesaId))
      .where(eq(alerts.id, id));
    if (!row) throw new Error(`alert ${id} vanished inside its own transaction`);
    return row;
  }

  async mesaPlace(electionId: number, mesaKey: string): Promise<MesaPlace | undefined> {
    const [row] = await this.db
      .select({
        id: mesas.id,
        habilitados: mesas.habilitados,
        code: mesas.code,
        depCode: departamentos.code,
        depName: departamentos.name,
        munCode: municipios.code,
        munName: municipios.name,
        zona: zonas.code,
        puestoCode: puestos.code,
        puestoName: puestos.name,
      })
      .from(mesas)
      .innerJoin(puestos, eq(puestos.id, mesas.puestoId))
      .innerJoin(zonas, eq(zonas.id, puestos.zonaId))
      .innerJoin(municipios, eq(municipios.id, mesas.municipioId))
      .innerJoin(departamentos, eq(departamentos.id, mesas.departamentoId))
      .where(and(eq(mesas.electionId, electionId), eq(mesas.mesaKey, mesaKey)));
    return row;
  }

  /** Everything stored about one mesa and corporation that a claims packet shows. */
  async evidenceOf(mesaId: number, corporation: string) {
    const ofMesa = (table: { mesaId: AnyPgColumn; corporation: AnyPgColumn }) =>
      and(eq(table.mesaId, mesaId), eq(table.corporation, corporation));
    const [truth, mesaAlerts, forms, official] = await Promise.all([
      this.db
        .select({
          formId: reconciliations.formId,
          status: reconciliations.status,
          policyVersion: reconciliations.policyVersion,
          discrepancies: reconciliations.discrepancies,
        })
        .from(reconciliations)
        .where(ofMesa(reconciliations)),
      this.db
        .select(alertColumns)
        .from(alerts)
        .leftJoin(mesas, eq(mesas.id, alerts.mesaId))
        .where(ofMesa(alerts))
        .orderBy(asc(alerts.id)),
      this.formVersions(mesaId, corporation),
      this.db
        .select({
          source: officialResults.source,
          sufragantes: officialResults.sufragantes,
          blancos: officialResults.blancos,
          nulos: officialResults.nulos,
          noMarcados: officialResults.noMarcados,
          candidateIds: officialResults.candidateIds,
          votes: officialResults.votes,
          importedAt: officialResults.importedAt,
        })
        .from(officialResults)
        .where(ofMesa(officialResults)),
    ]);
    return { truth: truth[0], alerts: mesaAlerts, forms, official };
  }

  private formVersions(mesaId: number, corporation: string): Promise<FormVersion[]> {
    const { id, source, copy, version, contentHash, documentHash, receivedAt, status } = getTableColumns(e14Forms);
    const { sufragantes, urna, incinerados, blancos, nulos, noMarcados, sumaTotal, candidateIds, votes } =
      getTableColumns(e14Forms);
    return this.db
      .select({
        id,
        source,
        copy,
        version,
        contentHash,
        documentHash,
        receivedAt,
        status,
        sufragantes,
        urna,
        incinerados,
        blancos,
        nulos,
        noMarcados,
        sumaTotal,
        candidateIds,
        votes,
        fields: sql<FormVersion['fields']>`(SELECT json_agg(json_build_object('path', x.path, 'state', x.state,
            'value', x.value, 'confidence', x.confidence, 'overwritten', x.overwritten, 'read_by', x.read_by,
            'crop', x.crop) ORDER BY x.path) FROM e14_fields x WHERE x.form_id = ${e14Forms.id})`,
      })
      .from(e14Forms)
      .where(and(eq(e14Forms.mesaId, mesaId), eq(e14Forms.corporation, corporation)))
      .orderBy(asc(e14Forms.id));
  }

  /** The audit entries of the mesa's forms, the mesa itself and its alerts, in chain order. */
  async auditTrail(formIds: number[], mesaEntityId: string, alertIds: number[]): Promise<AuditEntry[]> {
    const trail = await this.pool.query<Parameters<typeof toAuditEntry>[0]>(
      `SELECT seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash FROM audit_log
       WHERE (entity = 'e14_form' AND entity_id = ANY($1::text[])) OR (entity = 'mesa' AND entity_id = $2)
          OR (entity = 'alert' AND entity_id = ANY($3::text[]))
       ORDER BY seq`,
      [formIds.map(String), mesaEntityId, alertIds.map(String)],
    );
    return trail.rows.map(toAuditEntry);
  }
}
