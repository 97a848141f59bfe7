import type { Corporation, MesaStatus, RuleFinding } from '@castor/contracts';
import type pg from 'pg';
import { copyRows } from '../db/copy.js';
import {
  type FormSummary,
  type MesaNumbers,
  RECONCILIATION_POLICY_VERSION,
  type Reconciled,
  reconcile,
} from '../domain/reconciliation-policy.js';
import { RULES } from '../domain/rule-catalog.js';
import { type NewAlert, resolveGoneAlerts, upsertAlerts } from './alert-store.js';
import type { AuditInput } from './audit-chain.js';
import { RollupDeltas } from './rollups.js';

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

const TRUTH_COLUMNS = [
  'mesa_id',
  'corporation',
  'election_id',
  'municipio_id',
  'form_id',
  'status',
  'policy_version',
  'sufragantes',
  'urna',
  'incinerados',
  'blancos',
  'nulos',
  'no_marcados',
  'candidate_ids',
  'votes',
  'source_count',
  'discrepancies',
];

export const targetKey = (mesaId: number, corporation: string) => `${mesaId}|${corporation}`;

interface NumbersRow {
  sufragantes: number | null;
  urna?: number | null;
  incinerados?: number | null;
  blancos: number | null;
  nulos: number | null;
  no_marcados: number | null;
  candidate_ids: number[];
  votes: Array<number | null>;
}

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

interface TruthRow extends NumbersRow {
  mesa_id: number;
  corporation: string;
  form_id: number | null;
  status: MesaStatus;
  discrepancies: { copiesDiffer?: unknown; officialDiffers?: unknown };
}

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
  official: Array<NumbersRow & { mesa_id: number; corporation: string; source: 'preconteo' | 'escrutinio' }>;
  truths: Map<string, TruthRow>;
}

interface FormRow extends NumbersRow {
  id: number;
  mesa_id: number;
  corporation: string;
  copy: FormSummary['copy'];
  source: FormSummary['source'];
  version: number;
  status: FormSummary['status'];
  min_confidence: number;
  content_hash: string;
  needs_review: boolean;
  findings: RuleFinding[];
}

/**
 * Reads the forms, official rows and current truths of the given mesas in one round trip (three
 * aggregated sub-selects, so a batch of fresh mesas costs one short statement). The caller holds
 * the mesa row locks, so this stays true until its transaction ends except for what it writes
 * itself. min_confidence is read as the exact float8 of the stored real, the value
 * `Math.fround` gives for a form not yet read back, so the policy compares both alike.
 */
export async function loadMesaState(client: pg.PoolClient, mesaIds: readonly number[]): Promise<MesaState> {
  const result = await client.query<{ forms: FormRow[]; official: MesaState['official']; truths: TruthRow[] }>({
    name: 'reconcile-mesa-state',
    text: `SELECT
       (SELECT coalesce(json_agg(json_build_object('id', id, 'mesa_id', mesa_id, 'corporation', corporation,
                 'copy', copy, 'source', source, 'version', version, 'status', status,
                 'min_confidence', min_confidence::float8, 'sufragantes', sufragantes, 'urna', urna,
                 'incinerados', incinerados, 'blancos', blancos, 'nulos', nulos, 'no_marcados', no_marcados,
                 'candidate_ids', candidate_ids, 'votes', votes, 'content_hash', content_hash,
                 'needs_review', needs_review, 'findings', findings)), '[]')
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
    }),
  );
  const truths = new Map((row?.truths ?? []).map((truth) => [targetKey(truth.mesa_id, truth.corporation), truth]));
  return { forms, official: row?.official ?? [], truths };
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
): Promise<{
  outcomes: Map<string, ReconcileOutcome>;
  audit: AuditInput[];
  changed: Set<string>;
  rollups: RollupDeltas;
}> {
  const outcomes = new Map<string, ReconcileOutcome>();
  const audit: AuditInput[] = [];
  const changed = new Set<string>();
  const rollups = new RollupDeltas();
  if (targets.length === 0) return { outcomes, audit, changed, rollups };
  const {
    forms,
    official,
    truths: truthByTarget,
  } = state ?? (await loadMesaState(client, [...new Set(targets.map((target) => target.mesaId))]));
  const formsByTarget = new Map<string, FormSummary[]>();
  for (const form of forms) {
    const key = targetKey(form.mesaId, form.corporation);
    const list = formsByTarget.get(key) ?? [];
    formsByTarget.set(key, list);
    list.push(form);
  }
  const officialByTarget = new Map<string, Array<{ source: 'preconteo' | 'escrutinio'; numbers: MesaNumbers }>>();
  for (const row of official) {
    const key = targetKey(row.mesa_id, row.corporation);
    const list = officialByTarget.get(key) ?? [];
    officialByTarget.set(key, list);
    list.push({ source: row.source, numbers: numbersOf(row) });
  }

  const upserts: Array<{ target: MesaTarget; decided: Reconciled }> = [];
  const newAlerts: NewAlert[] = [];
  const goneAlertKeys: string[] = [];
  const alertOwners = new Map<string, string>();

  for (const target of targets) {
    const key = targetKey(target.mesaId, target.corporation);
    if (outcomes.has(key)) continue;
    const previous = truthByTarget.get(key);
    const decided = reconcile(formsByTarget.get(key) ?? [], officialByTarget.get(key) ?? []);
    if (!decided) {
      outcomes.set(key, { status: previous?.status ?? 'needs_review', formId: null, alertIds: [] });
      continue;
    }
    const discrepancies = { copiesDiffer: decided.copiesDiffer, officialDiffers: decided.officialDiffers };
    const unchanged =
      previous &&
      Number(previous.form_id) === decided.truth.id &&
      previous.status === decided.status &&
      JSON.stringify(previous.discrepancies) === JSON.stringify(discrepancies);
    outcomes.set(key, { status: decided.status, formId: decided.truth.id, alertIds: [] });
    if (unchanged) continue;
    changed.add(target.corporation);
    upserts.push({ target, decided });
    if (previous) rollups.add(target, numbersOf(previous), previous.status, -1);
    rollups.add(target, decided.truth, decided.status, 1);
    audit.push({
      actor,
      action: 'reconciliation.decided',
      entity: 'mesa',
      entityId: `${target.mesaKey}/${target.corporation}`,
      before: previous ? { formId: Number(previous.form_id), status: previous.status } : null,
      after: {
        formId: decided.truth.id,
        status: decided.status,
        policyVersion: RECONCILIATION_POLICY_VERSION,
        copiesDiffer: decided.copiesDiffer?.differences.map((item) => item.field) ?? [],
        officialDiffers: decided.officialDiffers?.differences.map((item) => item.field) ?? [],
      },
    });
    const copiesKey = `copies_differ:${target.mesaId}:${target.corporation}`;
    const officialKey = `official_differs:${target.mesaId}:${target.corporation}`;
    alertOwners.set(copiesKey, key);
    alertOwners.set(officialKey, key);
    const base = {
      electionId: target.electionId,
      corporation: target.corporation,
      territory: target.mesaKey,
      mesaId: target.mesaId,
      municipioId: target.municipioId,
    };
    if (decided.copiesDiffer) {
      const { differences, copies, oddCopy, formIds } = decided.copiesDiffer;
      newAlerts.push({
        ...base,
        rule: 'copies_differ',
        ruleVersion: RULES.copies_differ.version,
        severity: RULES.copies_differ.severity,
        dedupeKey: copiesKey,
        formId: null,
        copy: oddCopy,
        message: `The copies (${copies.join(', ')}) of mesa ${target.mesaKey} differ on ${differences.map((item) => item.field).join(', ')}${oddCopy ? `; the ${oddCopy} copy is the odd one out` : ''}`,
        numbers: { fieldsDiffering: differences.length, copies: copies.length },
        evidence: {
          fields: differences.map((item) => item.field),
          sources: formIds.map((formId, index) => ({
            formId,
            source: 'e14',
            ...(copies[index] ? { copy: copies[index] } : {}),
          })),
          detail: { differences },
        },
      });
    } else if (previous?.discrepancies?.copiesDiffer) goneAlertKeys.push(copiesKey);
    if (decided.officialDiffers) {
      const { differences, sources } = decided.officialDiffers;
      newAlerts.push({
        ...base,
        rule: 'official_differs',
        ruleVersion: RULES.official_differs.version,
        severity: RULES.official_differs.severity,
        dedupeKey: officialKey,
        formId: decided.truth.id,
        copy: null,
        message: `Mesa ${target.mesaKey}: ${sources.join(' / ')} disagree on ${differences.map((item) => item.field).join(', ')}`,
        numbers: { fieldsDiffering: differences.length },
        evidence: {
          fields: differences.map((item) => item.field),
          sources: [
            { formId: decided.truth.id, source: 'e14', copy: decided.truth.copy, version: decided.truth.version },
            ...sources.filter((source) => !source.startsWith('e14')).map((source) => ({ source })),
          ],
          detail: { differences },
        },
      });
    } else if (previous?.discrepancies?.officialDiffers) goneAlertKeys.push(officialKey);
  }

  if (upserts.length > 0) {
    upserts.sort((a, b) => a.target.mesaId - b.target.mesaId || (a.target.corporation < b.target.corporation ? -1 : 1));
    const row = ({ target, decided }: (typeof upserts)[number]) => [
      target.mesaId,
      target.corporation,
      target.electionId,
      target.municipioId,
      decided.truth.id,
      decided.status,
      RECONCILIATION_POLICY_VERSION,
      decided.truth.sufragantes,
      decided.truth.urna,
      decided.truth.incinerados,
      decided.truth.blancos,
      decided.truth.nulos,
      decided.truth.noMarcados,
      [...decided.truth.votes.keys()],
      [...decided.truth.votes.values()],
      formsByTarget.get(targetKey(target.mesaId, target.corporation))?.length ?? 0,
      JSON.stringify({ copiesDiffer: decided.copiesDiffer, officialDiffers: decided.officialDiffers }),
    ];
    // The caller holds the mesa row locks, so no one else can create these truths meanwhile: new
    // truths go in with COPY, replaced ones with one UPDATE.
    const fresh = upserts.filter(({ target }) => !truthByTarget.has(targetKey(target.mesaId, target.corporation)));
    const replaced = upserts.filter(({ target }) => truthByTarget.has(targetKey(target.mesaId, target.corporation)));
    if (fresh.length > 0) await copyRows(client, 'reconciliations', TRUTH_COLUMNS, fresh.map(row));
    if (replaced.length > 0) {
      const rows = replaced.map(row);
      const column = (index: number) => rows.map((values) => values[index]);
      await client.query(
        `UPDATE reconciliations r SET form_id = t.f, status = t.s, policy_version = t.pv, sufragantes = t.su, urna = t.u,
           incinerados = t.i, blancos = t.b, nulos = t.n, no_marcados = t.nm,
           candidate_ids = CASE WHEN t.ci = '' THEN '{}'::int[] ELSE string_to_array(t.ci, ',')::int[] END,
           votes = CASE WHEN t.v = '' THEN '{}'::int[] ELSE string_to_array(t.v, ',', 'null')::int[] END,
           source_count = t.sc, discrepancies = t.d::json, updated_at = now()
         FROM unnest($1::int[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[],
                     $10::int[], $11::int[], $12::text[], $13::text[], $14::int[], $15::text[])
           AS t(m, c, f, s, pv, su, u, i, b, n, nm, ci, v, sc, d)
         WHERE r.mesa_id = t.m AND r.corporation = t.c`,
        [
          column(0),
          column(1),
          column(4),
          column(5),
          column(6),
          column(7),
          column(8),
          column(9),
          column(10),
          column(11),
          column(12),
          column(13).map((ids) => (ids as number[]).join(',')),
          column(14).map((votes) =>
            (votes as Array<number | null>).map((value) => (value === null ? 'null' : value)).join(','),
          ),
          column(15),
          column(16),
        ],
      );
    }
  }

  const raised = await upsertAlerts(client, newAlerts);
  for (const alert of raised) {
    const owner = alertOwners.get(alert.dedupeKey);
    if (owner) outcomes.get(owner)?.alertIds.push(alert.id);
  }
  const electionId = targets[0]?.electionId;
  if (electionId !== undefined) {
    await resolveGoneAlerts(client, electionId, goneAlertKeys, 'reconciliation', 'the sources agree now');
  }
  return { outcomes, audit, changed, rollups };
}
