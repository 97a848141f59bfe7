import { alertMessage } from '@castor/alert-wording';
import type { Alert, ClaimsPacket, Corporation } from '@castor/contracts';
import { alertSchema } from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import type pg from 'pg';
import type { z } from 'zod';
import { withTransaction } from '../../db/client.js';
import { candidateField, SCALAR_OF_PATH } from '../../domain/reconciliation-policy.js';
import { appendAudit, readAuditHead } from '../../shared/audit-chain.js';
import type { ElectionCatalog, ElectionCatalogs } from '../../shared/election-catalog.js';
import { numbersOf } from '../../shared/mesa-reconciler.js';
import type { AlertFilters, AlertRecord, AlertsRepository, FormVersion, MesaPlace } from './alerts.repository.js';

export type { AlertFilters } from './alerts.repository.js';

const toAlert = (electionCode: string, row: AlertRecord): Alert =>
  alertSchema.parse({
    id: row.id,
    electionCode,
    corporation: row.corporation,
    rule: row.rule,
    ruleVersion: row.ruleVersion,
    severity: row.severity,
    status: row.status,
    territory: row.territory,
    mesaKey: row.mesaKey,
    copy: row.copy,
    formId: row.formId,
    message: row.message,
    numbers: row.numbers,
    evidence: row.evidence,
    statusReason: row.statusReason,
    statusBy: row.statusBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  });

type StoredNumbers = Pick<
  FormVersion,
  'sufragantes' | 'blancos' | 'nulos' | 'noMarcados' | 'candidateIds' | 'votes'
> & { urna?: number | null; incinerados?: number | null; sumaTotal?: number | null };

/** A version's or a feed's numbers keyed as the form prints them (votes.N or votes.N-M). */
function numbersRecord(catalog: ElectionCatalog, row: StoredNumbers): Record<string, number | null> {
  const numbers = numbersOf({
    sufragantes: row.sufragantes,
    urna: row.urna,
    incinerados: row.incinerados,
    blancos: row.blancos,
    nulos: row.nulos,
    no_marcados: row.noMarcados,
    candidate_ids: row.candidateIds,
    votes: row.votes,
  });
  const { votes, ...nivelacion } = numbers;
  const record: Record<string, number | null> = { ...nivelacion };
  if (row.sumaTotal !== undefined) record.sumaTotal = row.sumaTotal;
  for (const [id, value] of votes) record[optionLabel(catalog, id)] = value;
  return record;
}

function optionLabel(catalog: ElectionCatalog, id: number): string {
  const candidate = catalog.candidates.get(id);
  if (!candidate) return candidateField(id);
  return candidate.candidateNumber === null
    ? `votes.${candidate.ballotNumber}`
    : `votes.${candidate.ballotNumber}-${candidate.candidateNumber}`;
}

type FieldCrop = z.infer<typeof alertSchema>['evidence']['crops'][number]['crop'];

const toVersion = (catalog: ElectionCatalog, form: FormVersion): ClaimsPacket['versions'][number] => ({
  formId: form.id,
  source: form.source,
  copy: form.copy as ClaimsPacket['versions'][number]['copy'],
  version: form.version,
  contentHash: form.contentHash,
  documentHash: form.documentHash,
  receivedAt: form.receivedAt.toISOString(),
  status: form.status,
  numbers: numbersRecord(catalog, form),
  fields: (form.fields ?? []).map((field) => ({
    path: field.path,
    state: field.state,
    value: field.value,
    confidence: field.confidence,
    overwritten: field.overwritten,
    readBy: field.read_by,
    crop: (field.crop ?? null) as FieldCrop | null,
  })),
});

/**
 * Each field the sources of a mesa are compared on (`differences`), with the sheet cell it is read
 * from and its row among a source's numbers: a copies_differ alert names `candidate:7` where a
 * version names the cell `votes.3-1`.
 */
function comparedFieldsOf(
  catalog: ElectionCatalog,
  sources: ReadonlyArray<Pick<StoredNumbers, 'candidateIds'>>,
): ClaimsPacket['comparedFields'] {
  const scalars = Object.entries(SCALAR_OF_PATH).map(([path, field]) => ({ field, path, row: field }));
  const candidateIds = [...new Set(sources.flatMap((source) => source.candidateIds))].sort((a, b) => a - b);
  const options = candidateIds.map((id) => {
    const row = optionLabel(catalog, id);
    return { field: candidateField(id), path: catalog.candidates.has(id) ? row : null, row };
  });
  return [...scalars, ...options];
}

const toPlace = (mesaKey: string, info: MesaPlace): ClaimsPacket['mesa'] => ({
  key: mesaKey as ClaimsPacket['mesa']['key'],
  departamento: { code: info.depCode, name: info.depName },
  municipio: { code: info.munCode, name: info.munName },
  zona: info.zona,
  puesto: { code: info.puestoCode, name: info.puestoName },
  mesa: info.code,
  habilitados: info.habilitados,
});

/** Alerts: listing with filters, status changes (audited), and the claims packet of a mesa. */
export class AlertsService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly catalogs: Pick<ElectionCatalogs, 'requireElection'>,
    private readonly repository: AlertsRepository,
  ) {}

  async list(filters: AlertFilters): Promise<{ total: number; items: Alert[] }> {
    const catalog = await this.catalogs.requireElection(filters.election);
    const { total, rows } = await this.repository.list(catalog.id, filters);
    return { total, items: rows.map((row) => toAlert(filters.election, row)) };
  }

  async get(id: number): Promise<Alert> {
    const row = await this.repository.byId(id);
    if (!row) throw httpError('ALERT_UNKNOWN', `No alert ${id}`);
    return toAlert(row.electionCode, row);
  }

  /** Acknowledges, resolves or reopens an alert with a reason; audited with before and after. */
  async setStatus(
    id: number,
    status: 'acknowledged' | 'resolved' | 'open',
    reason: string,
    actor: string,
  ): Promise<Alert> {
    return withTransaction(this.pool, async (client) => {
      const before = await this.repository.lockStatus(client, id);
      if (!before) throw httpError('ALERT_UNKNOWN', `No alert ${id}`);
      const row = await this.repository.setStatus(client, id, status, reason, actor);
      await appendAudit(client, [
        {
          actor,
          action: `alert.${status}`,
          entity: 'alert',
          entityId: String(id),
          before: { status: before.status, reason: before.statusReason },
          after: { status, reason },
        },
      ]);
      return toAlert(before.electionCode, row);
    });
  }

  /**
   * Everything a lawyer needs for a reclamación on one mesa: the discrepancies, every version of
   * every source with its fields and crops, the official feeds, the truth chosen, and the audit
   * trail of all of it with the chain head to verify against.
   */
  async claimsPacket(electionCode: string, corporation: Corporation, mesaKey: string): Promise<ClaimsPacket> {
    const catalog = await this.catalogs.requireElection(electionCode);
    const place = await this.repository.mesaPlace(catalog.id, mesaKey);
    if (!place) throw httpError('MESA_UNKNOWN', `Mesa ${mesaKey} is not in ${electionCode}`);
    const evidence = await this.repository.evidenceOf(place.id, corporation);
    const auditTrail = await this.repository.auditTrail(
      evidence.forms.map((form) => form.id),
      `${mesaKey}/${corporation}`,
      evidence.alerts.map((alert) => alert.id),
    );
    const { truth } = evidence;
    const comparedFields = comparedFieldsOf(catalog, [...evidence.forms, ...evidence.official]);
    return {
      format: 'castor-claims-packet/1',
      generatedAt: new Date().toISOString(),
      electionCode: catalog.code,
      electionName: catalog.name,
      corporation,
      mesa: toPlace(mesaKey, place),
      truth: truth
        ? {
            formId: truth.formId,
            status: truth.status as NonNullable<ClaimsPacket['truth']>['status'],
            policyVersion: truth.policyVersion,
            discrepancies: truth.discrepancies,
          }
        : null,
      discrepancies: evidence.alerts.map((row) => {
        const alert = toAlert(catalog.code, row);
        return { ...alert, description: alertMessage(alert, comparedFields) };
      }),
      comparedFields,
      versions: evidence.forms.map((form) => toVersion(catalog, form)),
      official: evidence.official.map((row) => ({
        source: row.source,
        numbers: numbersRecord(catalog, row),
        importedAt: row.importedAt.toISOString(),
      })),
      auditTrail,
      auditHead: await readAuditHead(this.pool),
    };
  }
}
