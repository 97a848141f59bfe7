import type { Corporation, MesaStatus, RuleFinding } from '@castor/contracts';
import type { InferSelectModel } from 'drizzle-orm';
import type pg from 'pg';
import type { e14Forms } from '../db/schema/forms.js';
import type { officialResults } from '../db/schema/reconciliation.js';
import {
  comparedFieldsOf,
  type FormSummary,
  type MesaNumbers,
  RECONCILIATION_POLICY_VERSION,
  type Reconciled,
  reconcile,
  type Supersession,
  witnessUploadOf,
} from '../domain/reconciliation-policy.js';
import { optionPath, rowCandidateNumber } from '../domain/sheet.js';
import { unsettledFields } from '../domain/sheet-rules.js';
import { type NewAlert, resolveGoneAlerts, resolveSupersededAlerts, upsertAlerts } from './alert-store.js';
import type { AuditInput } from './audit-chain.js';
import { truthNumbersHash } from './audited-truth.js';
import { type AlertSubject, copiesDifferAlert, officialDiffersAlert } from './discrepancy-alerts.js';
import { RollupDeltas } from './rollups.js';
import { insertOrUpdateTruths, type TruthColumns, type TruthValues } from './truth-store.js';

/** A mesa and corporation whose truth must be (re)decided, with what the rollups need. */
export interface MesaTarget {
  mesaId: number;
  mesaKey: string;
  corporation: Corporation;
  electionId: number;
  municipioId: number;
  departamentoId: number;
  puestoId: number;
  habilitados: number;
}

export interface ReconcileOutcome {
  status: MesaStatus;
  formId: number | null;
  alertIds: number[];
}

export const targetKey = (mesaId: number, corporation: string) => `${mesaId}|${corporation}`;

// Rows keyed by their SQL column names, as `json_build_object` and `client.query` return them.
type FormColumns = InferSelectModel<typeof e14Forms, { dbColumnNames: true }>;
type OfficialColumns = InferSelectModel<typeof officialResults, { dbColumnNames: true }>;

/**
 * The numbers of a stored form, official feed row or truth. An official row has no urna nor
 * incinerados; `votes` holds NULL for an unread row, which the schema's integer[] type does not say.
 */
type NumbersRow = Pick<TruthColumns, 'sufragantes' | 'blancos' | 'nulos' | 'no_marcados' | 'candidate_ids'> &
  Partial<Pick<TruthColumns, 'urna' | 'incinerados'>> & { votes: Array<number | null> };

export function numbersOf(row: NumbersRow): MesaNumbers {
  const votes = new Map<number, number | null>();
  row.candidate_ids.forEach((id, index) => void votes.set(id, row.votes[index] ?? null));
  return {
    sufragantes: row.sufragantes,
    urna: row.urna ?? null,
    incinerados: row.incinerados ?? null,
    blancos: row.blancos,
    nulos: row.nulos,
    noMarcados: row.no_marcados,
    votes,
  };
}

/** A stored truth; its status is text the CHECK constraint limits, its discrepancies the json written here. */
type TruthRow = NumbersRow &
  Pick<TruthColumns, 'mesa_id' | 'corporation' | 'form_id'> & {
    status: MesaStatus;
    discrepancies: { copiesDiffer?: unknown; officialDiffers?: unknown };
  };

/** The official feeds an E-14 is checked against (never its truth). */
export type OfficialSource = 'preconteo' | 'escrutinio';

type OfficialRow = NumbersRow & Pick<OfficialColumns, 'mesa_id' | 'corporation'> & { source: OfficialSource };

type FormRow = NumbersRow &
  Pick<FormColumns, 'id' | 'mesa_id' | 'corporation' | 'version' | 'min_confidence' | 'content_hash' | 'needs_review'> &
  Pick<FormSummary, 'copy' | 'source' | 'status'> & {
    findings: RuleFinding[];
    review_of: number | null;
    upload_ref: string | null;
    /** The fields the form sent to review (null: none). */
    review_paths: string[] | null;
    /** Ballot and candidate number of each vote row, in `votes` order (null: the form needs no review). */
    vote_rows: Array<[number, number | null]> | null;
  };

/** `reviewedFormOf` (domain/reconciliation-policy.ts) in SQL, for forms read back from the table. */
const REVIEW_OF_SQL = `CASE WHEN source = 'reviewer' THEN substring(source_ref FROM '^review:form:([0-9]+)$')::bigint END`;
/** The `sourceRef` of a witness form read back, for `witnessUploadOf` to name the upload it was read from. */
const UPLOAD_REF_SQL = `CASE WHEN source = 'witness' THEN source_ref END`;
/** The fields a form sent to review (its review tasks; only a form needing review has any). */
const REVIEW_PATHS_SQL = `CASE WHEN needs_review THEN
  (SELECT array_agg(t.field_path) FROM review_tasks t WHERE t.form_id = e14_forms.id) END`;
/** The ballot and candidate numbers of a form's vote rows in order, to name the candidate a task's path is. */
const VOTE_ROWS_SQL = `CASE WHEN needs_review THEN
  (SELECT json_agg(json_build_array(r.vote->'ballotNumber', r.vote->'candidateNumber') ORDER BY r.n)
     FROM json_array_elements(payload->'votes') WITH ORDINALITY AS r(vote, n)) END`;

/** A stored form of a mesa, as the policy and the intake's duplicate and version checks see it. */
export interface StoredForm extends FormSummary {
  mesaId: number;
  corporation: string;
  contentHash: string;
  needsReview: boolean;
  findings: RuleFinding[];
}

/** Everything stored about some mesas that decides their truth, read once under their row locks. */
export interface MesaState {
  forms: StoredForm[];
  official: OfficialRow[];
  truths: Map<string, TruthRow>;
}

/**
 * Reads the forms, official rows and current truths of the given mesas in one round trip (three
 * aggregated sub-selects, so a batch of fresh mesas costs one short statement). The caller holds
 * the mesa row locks, so this stays true until its transaction ends except for what it writes
 * itself. min_confidence is read as the exact float8 of the stored real, the value
 * `Math.fround` gives for a form not yet read back, so the policy compares both alike.
 */
export async function loadMesaState(client: pg.PoolClient, mesaIds: readonly number[]): Promise<MesaState> {
  const result = await client.query<{ forms: FormRow[]; official: OfficialRow[]; truths: TruthRow[] }>({
    name: 'reconcile-mesa-state',
    text: `SELECT
       (SELECT coalesce(json_agg(json_build_object('id', id, 'mesa_id', mesa_id, 'corporation', corporation,
                 'copy', copy, 'source', source, 'version', version, 'status', status,
                 'min_confidence', min_confidence::float8, 'sufragantes', sufragantes, 'urna', urna,
                 'incinerados', incinerados, 'blancos', blancos, 'nulos', nulos, 'no_marcados', no_marcados,
                 'candidate_ids', candidate_ids, 'votes', votes, 'content_hash', content_hash,
                 'needs_review', needs_review, 'findings', findings, 'review_of', ${REVIEW_OF_SQL},
                 'upload_ref', ${UPLOAD_REF_SQL}, 'review_paths', ${REVIEW_PATHS_SQL},
                 'vote_rows', ${VOTE_ROWS_SQL})), '[]')
          FROM e14_forms WHERE mesa_id = ANY($1::int[])) AS forms,
       (SELECT coalesce(json_agg(json_build_object('mesa_id', mesa_id, 'corporation', corporation, 'source', source,
                 'sufragantes', sufragantes, 'blancos', blancos, 'nulos', nulos, 'no_marcados', no_marcados,
                 'candidate_ids', candidate_ids, 'votes', votes)), '[]')
          FROM official_results WHERE mesa_id = ANY($1::int[])) AS official,
       (SELECT coalesce(json_agg(json_build_object('mesa_id', mesa_id, 'corporation', corporation, 'form_id', form_id,
                 'status', status, 'sufragantes', sufragantes, 'urna', urna, 'incinerados', incinerados,
                 'blancos', blancos, 'nulos', nulos, 'no_marcados', no_marcados, 'candidate_ids', candidate_ids,
                 'votes', votes, 'discrepancies', discrepancies)), '[]')
          FROM reconciliations WHERE mesa_id = ANY($1::int[])) AS truths`,
    values: [mesaIds],
  });
  const row = result.rows[0];
  const forms = (row?.forms ?? []).map(
    (form): StoredForm => ({
      ...numbersOf(form),
      id: form.id,
      mesaId: form.mesa_id,
      corporation: form.corporation,
      copy: form.copy,
      source: form.source,
      version: form.version,
      status: form.status,
      minConfidence: form.min_confidence,
      contentHash: form.content_hash,
      needsReview: form.needs_review,
      findings: form.findings,
      reviewOf: form.review_of,
      upload: witnessUploadOf(form.source, form.upload_ref),
      unsettled: unsettledOf(form),
    }),
  );
  const truths = new Map((row?.truths ?? []).map((truth) => [targetKey(truth.mesa_id, truth.corporation), truth]));
  return { forms, official: row?.official ?? [], truths };
}

/** The compared fields of a stored form that wait for review (sheet-rules `unsettledFields`). */
function unsettledOf(form: FormRow): Set<string> {
  const paths = unsettledFields(form.source, form.review_paths ?? []);
  if (paths.size === 0) return paths;
  const corporation = form.corporation as Corporation;
  const voteRows = (form.vote_rows ?? []).flatMap(([ballotNumber, candidateNumber], index) => {
    const candidateId = form.candidate_ids[index];
    const path = optionPath(ballotNumber, rowCandidateNumber(corporation, candidateNumber ?? undefined));
    return candidateId === undefined ? [] : [{ path, candidateId }];
  });
  return comparedFieldsOf(paths, voteRows);
}

/** What re-deciding a batch of targets gives the caller. */
interface Reconciliation {
  outcomes: Map<string, ReconcileOutcome>;
  audit: AuditInput[];
  changed: Set<string>;
  rollups: RollupDeltas;
}

/** The stored sources of the batch's targets, by `targetKey`. */
interface TargetSources {
  forms: Map<string, FormSummary[]>;
  official: Map<string, Array<{ source: OfficialSource; numbers: MesaNumbers }>>;
  truths: Map<string, TruthRow>;
}

/** A batch being decided: the answer, plus the truths and alerts still to write. */
interface Decisions extends Reconciliation {
  upserts: Array<{ target: MesaTarget; decided: Reconciled }>;
  /** Forms a reviewer version or a newer upload replaces, whose sheet alerts no longer describe the sheet. */
  superseded: Array<Supersession & { mesaId: number }>;
  newAlerts: NewAlert[];
  goneAlertKeys: string[];
  /** Alert dedupe key → the `targetKey` whose outcome lists that alert. */
  alertOwners: Map<string, string>;
}

/**
 * Re-decides the truth of the given mesas (whose rows the caller has locked) from every stored
 * form and official feed row, inside the caller's transaction: writes the truth, raises or resolves the
 * discrepancy alerts, and returns the audit entries describing what changed and the rollup deltas
 * (which the caller applies just before its audit entries, to hold those hot rows briefly).
 * `state` is what `loadMesaState` read for these mesas plus what the caller wrote since; without
 * it, it is read here.
 */
export async function reconcileMesas(
  client: pg.PoolClient,
  targets: readonly MesaTarget[],
  actor: string,
  state?: MesaState,
): Promise<Reconciliation> {
  const batch: Decisions = {
    outcomes: new Map(),
    audit: [],
    changed: new Set(),
    rollups: new RollupDeltas(),
    upserts: [],
    superseded: [],
    newAlerts: [],
    goneAlertKeys: [],
    alertOwners: new Map(),
  };
  const { outcomes, audit, changed, rollups } = batch;
  if (targets.length === 0) return { outcomes, audit, changed, rollups };
  const { forms, official, truths } =
    state ?? (await loadMesaState(client, [...new Set(targets.map((target) => target.mesaId))]));
  const sources: TargetSources = {
    forms: groupByTarget(
      forms,
      (form) => targetKey(form.mesaId, form.corporation),
      (form) => form,
    ),
    official: groupByTarget(
      official,
      (row) => targetKey(row.mesa_id, row.corporation),
      (row) => ({ source: row.source, numbers: numbersOf(row) }),
    ),
    truths,
  };
  for (const target of targets) decideTarget(batch, target, sources, actor);
  if (batch.upserts.length > 0) await writeTruths(client, batch.upserts, sources);
  await writeAlerts(client, targets, batch);
  return { outcomes, audit, changed, rollups };
}

function groupByTarget<T, V>(items: readonly T[], keyOf: (item: T) => string, entryOf: (item: T) => V) {
  const groups = new Map<string, V[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key) ?? [];
    groups.set(key, list);
    list.push(entryOf(item));
  }
  return groups;
}

/** Decides one target's truth and, when it changed, queues its write, rollup deltas, audit entry and alerts. */
function decideTarget(batch: Decisions, target: MesaTarget, sources: TargetSources, actor: string): void {
  const key = targetKey(target.mesaId, target.corporation);
  if (batch.outcomes.has(key)) return;
  const previous = sources.truths.get(key);
  const decided = reconcile(sources.forms.get(key) ?? [], sources.official.get(key) ?? []);
  if (!decided) {
    batch.outcomes.set(key, { status: previous?.status ?? 'needs_review', formId: null, alertIds: [] });
    return;
  }
  // Whether or not the truth changed: a form corrected or replaced misleads in every alert it raised.
  for (const item of decided.superseded) batch.superseded.push({ ...item, mesaId: target.mesaId });
  const discrepancies = { copiesDiffer: decided.copiesDiffer, officialDiffers: decided.officialDiffers };
  const unchanged =
    previous &&
    Number(previous.form_id) === decided.truth.id &&
    previous.status === decided.status &&
    JSON.stringify(previous.discrepancies) === JSON.stringify(discrepancies);
  batch.outcomes.set(key, { status: decided.status, formId: decided.truth.id, alertIds: [] });
  if (unchanged) return;
  batch.changed.add(target.corporation);
  batch.upserts.push({ target, decided });
  if (previous) batch.rollups.add(target, numbersOf(previous), previous.status, -1);
  batch.rollups.add(target, decided.truth, decided.status, 1);
  batch.audit.push({
    actor,
    action: 'reconciliation.decided',
    entity: 'mesa',
    entityId: `${target.mesaKey}/${target.corporation}`,
    before: previous ? { formId: Number(previous.form_id), status: previous.status } : null,
    // mesaId and numbersHash let GET /api/audit/verify check the stored truth against this entry
    // (a mesa key alone is shared by the elections of one divipol).
    after: {
      mesaId: target.mesaId,
      formId: decided.truth.id,
      status: decided.status,
      numbersHash: truthNumbersHash(decided.truth),
      policyVersion: RECONCILIATION_POLICY_VERSION,
      copiesDiffer: decided.copiesDiffer?.differences.map((item) => item.field) ?? [],
      officialDiffers: decided.officialDiffers?.differences.map((item) => item.field) ?? [],
    },
  });
  queueDiscrepancyAlerts(batch, key, target, decided, previous);
}

/** Raises an alert for each discrepancy found, and resolves the earlier one of each discrepancy gone. */
function queueDiscrepancyAlerts(
  batch: Decisions,
  key: string,
  target: MesaTarget,
  decided: Reconciled,
  previous: TruthRow | undefined,
): void {
  const copiesKey = `copies_differ:${target.mesaId}:${target.corporation}`;
  const officialKey = `official_differs:${target.mesaId}:${target.corporation}`;
  batch.alertOwners.set(copiesKey, key);
  batch.alertOwners.set(officialKey, key);
  const subject: AlertSubject = {
    electionId: target.electionId,
    corporation: target.corporation,
    territory: target.mesaKey,
    mesaId: target.mesaId,
    municipioId: target.municipioId,
  };
  if (decided.copiesDiffer) {
    batch.newAlerts.push(copiesDifferAlert(subject, copiesKey, decided.copiesDiffer));
  } else if (previous?.discrepancies?.copiesDiffer) batch.goneAlertKeys.push(copiesKey);
  if (decided.officialDiffers) {
    batch.newAlerts.push(officialDiffersAlert(subject, officialKey, decided.truth, decided.officialDiffers));
  } else if (previous?.discrepancies?.officialDiffers) batch.goneAlertKeys.push(officialKey);
}

function truthValues({ target, decided }: Decisions['upserts'][number], sources: TargetSources): TruthValues {
  const { truth } = decided;
  return {
    mesa_id: target.mesaId,
    corporation: target.corporation,
    election_id: target.electionId,
    municipio_id: target.municipioId,
    form_id: truth.id,
    status: decided.status,
    policy_version: RECONCILIATION_POLICY_VERSION,
    sufragantes: truth.sufragantes,
    urna: truth.urna,
    incinerados: truth.incinerados,
    blancos: truth.blancos,
    nulos: truth.nulos,
    no_marcados: truth.noMarcados,
    candidate_ids: [...truth.votes.keys()],
    votes: [...truth.votes.values()],
    source_count: sources.forms.get(targetKey(target.mesaId, target.corporation))?.length ?? 0,
    discrepancies: JSON.stringify({ copiesDiffer: decided.copiesDiffer, officialDiffers: decided.officialDiffers }),
  };
}

async function writeTruths(client: pg.PoolClient, upserts: Decisions['upserts'], sources: TargetSources) {
  upserts.sort((a, b) => a.target.mesaId - b.target.mesaId || (a.target.corporation < b.target.corporation ? -1 : 1));
  await insertOrUpdateTruths(
    client,
    upserts.map((upsert) => truthValues(upsert, sources)),
    (row) => sources.truths.has(targetKey(row.mesa_id, row.corporation)),
  );
}

/**
 * Raises the batch's discrepancy alerts (listing them in their targets' outcomes), resolves the
 * gone ones and the sheet alerts of the forms review corrected (auditing these).
 */
async function writeAlerts(client: pg.PoolClient, targets: readonly MesaTarget[], batch: Decisions): Promise<void> {
  const raised = await upsertAlerts(client, batch.newAlerts);
  for (const alert of raised) {
    const owner = batch.alertOwners.get(alert.dedupeKey);
    if (owner) batch.outcomes.get(owner)?.alertIds.push(alert.id);
  }
  const electionId = targets[0]?.electionId;
  if (electionId !== undefined) {
    await resolveGoneAlerts(client, electionId, batch.goneAlertKeys, 'reconciliation', 'the sources agree now');
  }
  batch.audit.push(...(await resolveSupersededAlerts(client, batch.superseded, 'reconciliation')));
}
