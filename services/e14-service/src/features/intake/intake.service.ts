import {
  type Corporation,
  e14SubmissionV2Schema,
  type IntakeResult,
  type Role,
  type RuleFinding,
  type ValidationResult,
} from '@castor/contracts';
import { AppError } from '@castor/service-kit';
import type pg from 'pg';
import { withTransaction } from '../../db/client.js';
import { copyRows } from '../../db/copy.js';
import { numberIn, type Sheet, SheetShapeError, toSheet } from '../../domain/sheet.js';
import { reviewReason, validateSheet } from '../../domain/sheet-rules.js';
import { type Actor, actorName } from '../../shared/actor.js';
import { type NewAlert, upsertAlerts } from '../../shared/alert-store.js';
import { type AuditInput, appendAudit, prepareAudit } from '../../shared/audit-chain.js';
import type { CandidateInfo, ElectionCatalog, ElectionCatalogs } from '../../shared/election-catalog.js';
import { enqueueForensics } from '../../shared/forensic-queue.js';
import type { FormIntake, ItemOutcome } from '../../shared/form-intake.js';
import { loadMesaState, type MesaTarget, reconcileMesas, targetKey } from '../../shared/mesa-reconciler.js';
import type { ResultsCache } from '../../shared/results-cache.js';
import { isAssigned, type WitnessAssignments } from '../../shared/witness-assignments.js';
import { INTAKE_CODES, submissionShapeError } from './intake-errors.js';

interface MesaRow {
  id: number;
  puesto_id: number;
  mesa_key: string;
  habilitados: number;
  municipio_id: number;
  departamento_id: number;
  transmission_code: string | null;
}

/** A submission that passed every check and is ready to be written. */
interface PreparedSheet {
  index: number;
  sheet: Sheet;
  catalog: ElectionCatalog;
  mesa: MesaRow;
  candidateIds: number[];
  validation: ValidationResult;
  minConfidence: number;
}

const fail = (status: number, code: string, message: string, details?: unknown): ItemOutcome => ({
  ok: false,
  status,
  error: { code, message, ...(details === undefined ? {} : { details }) },
});

const fromError = (error: unknown): ItemOutcome => {
  if (error instanceof AppError) return fail(error.statusCode, error.code, error.message, error.details);
  throw error;
};

const formStatus = (validation: ValidationResult) =>
  !validation.ok ? 'failed_rules' : validation.needsReview ? 'needs_review' : 'validated';

/**
 * Structured E-14 intake: checks each submission (shape, election, corporation, mesa, ballot
 * options, witness assignment, habilitados), runs the per-sheet rules, and stores every accepted
 * sheet with its fields, alerts, review tasks, reconciled truth, rollups and audit entries in one
 * transaction. Identical content is stored once; a different content of the same copy becomes a
 * new version.
 */
export class IntakeService implements FormIntake {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      catalogs: ElectionCatalogs;
      witnesses: WitnessAssignments;
      resultsCache: ResultsCache;
      forensicsDebounceMs: number;
    },
  ) {}

  /** Runs the checks and rules without storing anything. */
  async validate(
    raw: unknown,
    actor: Actor,
  ): Promise<{ mesaKey: string; habilitados: number; validation: ValidationResult }> {
    const [outcome] = await this.prepare([raw], actor, { checkAssignment: false });
    if (!outcome) throw new Error('prepare returned nothing');
    if ('ok' in outcome) {
      if (outcome.ok) throw new Error('prepare returned a stored outcome');
      throw new AppError(outcome.status, outcome.error.code, outcome.error.message, outcome.error.details);
    }
    return { mesaKey: outcome.sheet.mesaKey, habilitados: outcome.mesa.habilitados, validation: outcome.validation };
  }

  /**
   * Stores a batch. Each item gets its own outcome (a refused item writes nothing); all accepted
   * items are committed together. `idempotencyKey` applies to single submissions.
   */
  async submit(raws: readonly unknown[], actor: Actor, idempotencyKey?: string): Promise<ItemOutcome[]> {
    const prepared = await this.prepare(raws, actor, { checkAssignment: true });
    const outcomes: Array<ItemOutcome | undefined> = prepared.map((item) => ('ok' in item ? item : undefined));
    const accepted = prepared.filter((item): item is PreparedSheet => !('ok' in item));
    // The same content twice in one request: the first is kept, the others are refused.
    const firstByHash = new Map<string, number>();
    const unique: PreparedSheet[] = [];
    for (const item of accepted) {
      const first = firstByHash.get(item.sheet.contentHash);
      if (first === undefined) {
        firstByHash.set(item.sheet.contentHash, item.index);
        unique.push(item);
      } else {
        outcomes[item.index] = fail(
          409,
          INTAKE_CODES.DUPLICATE_IN_BATCH,
          `Item ${item.index} repeats item ${first} of this batch`,
          {
            firstIndex: first,
          },
        );
      }
    }
    const byElection = new Map<number, PreparedSheet[]>();
    for (const item of unique) {
      const list = byElection.get(item.catalog.id) ?? [];
      byElection.set(item.catalog.id, list);
      list.push(item);
    }
    for (const items of byElection.values()) {
      const stored = await this.store(items, actor, idempotencyKey);
      for (const [index, outcome] of stored) outcomes[index] = outcome;
    }
    return outcomes.map((outcome, index) => outcome ?? fail(500, 'INTERNAL_ERROR', `item ${index} was not processed`));
  }

  private async prepare(
    raws: readonly unknown[],
    actor: Actor,
    options: { checkAssignment: boolean },
  ): Promise<Array<PreparedSheet | ItemOutcome>> {
    const parsed = raws.map((raw, index) => {
      const result = e14SubmissionV2Schema.safeParse(raw);
      if (!result.success) return fromError(submissionShapeError(result.error));
      try {
        return { index, sheet: toSheet(result.data) };
      } catch (error) {
        if (error instanceof SheetShapeError) {
          return fail(400, 'VALIDATION_FAILED', `${error.path}: ${error.message}`, {
            issues: [{ path: error.path, message: error.message }],
          });
        }
        throw error;
      }
    });
    const elections = new Map<string, ElectionCatalog | null>();
    for (const item of parsed) {
      if ('ok' in item) continue;
      const code = item.sheet.submission.electionCode;
      if (!elections.has(code)) elections.set(code, await this.deps.catalogs.get(code));
    }
    const mesas = new Map<string, MesaRow>();
    for (const [code, catalog] of elections) {
      if (!catalog) continue;
      const keys = parsed.flatMap((item) =>
        'ok' in item || item.sheet.submission.electionCode !== code ? [] : [item.sheet.mesaKey],
      );
      const rows = await this.deps.pool.query<MesaRow>({
        name: 'intake-mesas',
        text: `SELECT id, puesto_id, mesa_key, habilitados, municipio_id, departamento_id, transmission_code
               FROM mesas WHERE election_id = $1 AND mesa_key = ANY($2::text[])`,
        values: [catalog.id, [...new Set(keys)]],
      });
      for (const row of rows.rows) mesas.set(`${catalog.id}|${row.mesa_key}`, row);
    }
    const assignments =
      options.checkAssignment && actor.role === 'witness'
        ? await this.deps.witnesses.territoriesOf(actor.sub)
        : new Map<number, string[]>();

    return parsed.map((item) => {
      if ('ok' in item) return item;
      const { sheet, index } = item;
      const { submission } = sheet;
      const catalog = elections.get(submission.electionCode);
      if (!catalog)
        return fail(404, INTAKE_CODES.ELECTION_UNKNOWN, `No election ${submission.electionCode} has been imported`);
      const corporation = catalog.corporations.get(submission.corporation);
      if (!corporation) {
        return fail(
          422,
          INTAKE_CODES.CORPORATION_NOT_IN_ELECTION,
          `${submission.corporation} is not elected in ${catalog.code}`,
          {
            corporations: [...catalog.corporations.keys()],
          },
        );
      }
      const mesa = mesas.get(`${catalog.id}|${sheet.mesaKey}`);
      if (!mesa)
        return fail(422, INTAKE_CODES.MESA_UNKNOWN, `Mesa ${sheet.mesaKey} is not in the divipol of ${catalog.code}`);
      if (actor.role === 'witness') {
        if (submission.source !== 'witness') {
          return fail(403, INTAKE_CODES.SOURCE_NOT_ALLOWED, 'Witnesses submit with source "witness"');
        }
        if (options.checkAssignment && !isAssigned(assignments.get(catalog.id) ?? [], sheet.mesaKey)) {
          return fail(403, INTAKE_CODES.WITNESS_NOT_ASSIGNED, `You are not assigned to mesa ${sheet.mesaKey}`);
        }
      }
      const candidateIds: number[] = [];
      for (const row of sheet.votes) {
        const option =
          row.candidateNumber === null ? String(row.ballotNumber) : `${row.ballotNumber}-${row.candidateNumber}`;
        const candidate: CandidateInfo | undefined = catalog.resolveOption(
          submission.corporation,
          submission.mesa.departamento,
          submission.mesa.municipio,
          option,
        );
        if (!candidate) {
          return fail(
            422,
            INTAKE_CODES.BALLOT_OPTION_UNKNOWN,
            `${row.path}: no option ${option} of ${submission.corporation} on the ballot of mesa ${sheet.mesaKey}`,
          );
        }
        candidateIds.push(candidate.id);
      }
      for (const total of sheet.listTotals) {
        const agrupacion = catalog.resolveOption(
          submission.corporation,
          submission.mesa.departamento,
          submission.mesa.municipio,
          `${total.ballotNumber}-0`,
        );
        if (agrupacion?.listId == null) {
          return fail(
            422,
            INTAKE_CODES.BALLOT_OPTION_UNKNOWN,
            `${total.path}: ${total.ballotNumber} is not a list of ${submission.corporation} for mesa ${sheet.mesaKey}`,
          );
        }
      }
      const overHabilitados = overHabilitadosOf(sheet, mesa.habilitados);
      if (overHabilitados && !submission.confirmedAsPrinted) {
        return fail(
          422,
          INTAKE_CODES.SUM_OVER_HABILITADOS,
          `Mesa ${sheet.mesaKey} has ${mesa.habilitados} habilitados but the sheet records ${overHabilitados.field} = ${overHabilitados.value}. If the sheet really shows this, resubmit with confirmedAsPrinted: true`,
          { habilitados: mesa.habilitados, ...overHabilitados },
        );
      }
      const validation = validateSheet(sheet, {
        habilitados: mesa.habilitados,
        transmissionCode: mesa.transmission_code,
        rules: corporation.rules,
      });
      const minConfidence = Math.min(
        1,
        ...sheet.fields.map(({ field }) => (field.state === 'illegible' ? 0 : field.confidence)),
      );
      return { index, sheet, catalog, mesa, candidateIds, validation, minConfidence };
    });
  }

  private async store(
    items: PreparedSheet[],
    actor: Actor,
    idempotencyKey?: string,
  ): Promise<Map<number, ItemOutcome>> {
    const outcomes = new Map<number, ItemOutcome>();
    const catalog = items[0]?.catalog;
    if (!catalog) return outcomes;
    const changedCorporations = new Set<Corporation>();
    await withTransaction(this.deps.pool, async (client) => {
      // Per-mesa row locks (sorted, so two batches never wait on each other in a cycle) make the
      // version numbers and the truth of each mesa race-free without a global lock.
      const mesaIds = [...new Set(items.map((item) => item.mesa.id))].sort((a, b) => a - b);
      await client.query({
        name: 'intake-lock-mesas',
        text: 'SELECT id FROM mesas WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE',
        values: [mesaIds],
      });
      // One read of everything stored about these mesas serves the duplicate check, the version
      // numbers and the reconciliation (a sheet's content names its mesa, so an identical sheet
      // is always among its mesa's forms).
      const state = await loadMesaState(client, mesaIds);
      const hashes = new Set(items.map((item) => item.sheet.contentHash));
      const existingByHash = new Map(
        state.forms.filter((form) => hashes.has(form.contentHash)).map((form) => [form.contentHash, form]),
      );
      if (idempotencyKey) {
        const previous = await client.query<{ content_hash: string }>(
          'SELECT content_hash FROM e14_forms WHERE submitted_by = $1 AND idempotency_key = $2',
          [actor.sub, idempotencyKey],
        );
        const previousHash = previous.rows[0]?.content_hash;
        if (previousHash && items.some((item) => item.sheet.contentHash !== previousHash)) {
          throw new AppError(409, 'IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used for a different E-14');
        }
      }
      const fresh = items.filter((item) => !existingByHash.has(item.sheet.contentHash));
      const versionKey = (mesaId: number, corporation: string, copy: string, source: string) =>
        `${mesaId}|${corporation}|${copy}|${source}`;
      const lastVersion = new Map<string, number>();
      for (const form of state.forms) {
        const key = versionKey(form.mesaId, form.corporation, form.copy, form.source);
        lastVersion.set(key, Math.max(lastVersion.get(key) ?? 0, form.version));
      }
      const ids = fresh.length
        ? (
            await client.query<{ id: string }>({
              name: 'intake-ids',
              text: `SELECT nextval('e14_forms_id_seq') AS id FROM generate_series(1, $1::int)`,
              values: [fresh.length],
            })
          ).rows.map((row) => Number(row.id))
        : [];
      const written = fresh.map((item, position) => {
        const { submission } = item.sheet;
        const key = versionKey(item.mesa.id, submission.corporation, submission.copy, submission.source);
        const version = (lastVersion.get(key) ?? 0) + 1;
        lastVersion.set(key, version);
        return { item, id: ids[position] ?? 0, version };
      });
      await copyRows(
        client,
        'e14_forms',
        [
          'id',
          'election_id',
          'corporation',
          'mesa_id',
          'copy',
          'source',
          'version',
          'content_hash',
          'idempotency_key',
          'submitted_by',
          'submitter_role',
          'source_ref',
          'barcode',
          'transmission_code',
          'page_count',
          'document_hash',
          'status',
          'needs_review',
          'min_confidence',
          'sufragantes',
          'urna',
          'incinerados',
          'blancos',
          'nulos',
          'no_marcados',
          'suma_total',
          'candidate_ids',
          'votes',
          'findings',
          'payload',
        ],
        (function* () {
          for (const { item, id, version } of written) {
            const { sheet } = item;
            const { submission } = sheet;
            yield [
              id,
              catalog.id,
              submission.corporation,
              item.mesa.id,
              submission.copy,
              submission.source,
              version,
              sheet.contentHash,
              items.length === 1 ? (idempotencyKey ?? null) : null,
              actor.sub,
              actor.role,
              submission.sourceRef ?? null,
              submission.barcode ?? null,
              submission.transmissionCode ?? null,
              submission.pageCount ?? null,
              submission.documentHash ?? null,
              formStatus(item.validation),
              item.validation.needsReview,
              item.minConfidence,
              numberIn(sheet.sufragantes),
              numberIn(sheet.urna),
              numberIn(sheet.incinerados),
              numberIn(sheet.blancos),
              numberIn(sheet.nulos),
              numberIn(sheet.noMarcados),
              numberIn(sheet.sumaTotal),
              item.candidateIds,
              sheet.votes.map((row) => numberIn(row.field)),
              JSON.stringify(item.validation.findings),
              sheet.canonical,
            ];
          }
        })(),
      );
      await copyRows(
        client,
        'e14_fields',
        ['form_id', 'path', 'state', 'value', 'confidence', 'overwritten', 'read_by', 'crop'],
        // Made as COPY consumes them: nine short arrays per sheet that die young.
        (function* () {
          for (const { item, id } of written) {
            for (const { path, field } of item.sheet.fields) {
              yield [
                id,
                path,
                field.state,
                field.value,
                field.confidence,
                field.overwritten,
                field.readBy ?? null,
                field.crop ?? null,
              ];
            }
          }
        })(),
      );
      const threshold = (item: PreparedSheet) =>
        item.catalog.corporations.get(item.sheet.submission.corporation)?.rules.params.confidenceThreshold ?? 0.7;
      const reviewRows = written.flatMap(({ item, id }) =>
        item.validation.needsReview
          ? item.sheet.fields.flatMap(({ path, field }) => {
              const reason = reviewReason(field, threshold(item));
              return reason ? [[id, path, reason] as const] : [];
            })
          : [],
      );
      if (reviewRows.length > 0)
        await copyRows(client, 'review_tasks', ['form_id', 'field_path', 'reason'], reviewRows);

      const sheetAlerts: NewAlert[] = written.flatMap(({ item, id, version }) =>
        item.validation.findings.map((finding, position) => sheetAlert(item, id, version, finding, position)),
      );
      const raised = await upsertAlerts(client, sheetAlerts);
      const alertIdsByForm = new Map<number, number[]>();
      for (const alert of raised) {
        const formId = Number(alert.dedupeKey.split(':')[1]);
        alertIdsByForm.set(formId, [...(alertIdsByForm.get(formId) ?? []), alert.id]);
      }

      const targets: MesaTarget[] = items.map((item) => ({
        mesaId: item.mesa.id,
        mesaKey: item.sheet.mesaKey,
        corporation: item.sheet.submission.corporation,
        electionId: catalog.id,
        municipioId: item.mesa.municipio_id,
        departamentoId: item.mesa.departamento_id,
        puestoId: item.mesa.puesto_id,
        habilitados: item.mesa.habilitados,
      }));
      for (const { item, id, version } of written) {
        const { sheet, validation } = item;
        const { submission } = sheet;
        state.forms.push({
          id,
          mesaId: item.mesa.id,
          corporation: submission.corporation,
          copy: submission.copy,
          source: submission.source,
          version,
          status: formStatus(validation),
          // As stored (real) and read back by loadMesaState.
          minConfidence: Math.fround(item.minConfidence),
          sufragantes: numberIn(sheet.sufragantes),
          urna: numberIn(sheet.urna),
          incinerados: numberIn(sheet.incinerados),
          blancos: numberIn(sheet.blancos),
          nulos: numberIn(sheet.nulos),
          noMarcados: numberIn(sheet.noMarcados),
          votes: new Map(
            item.candidateIds.map((candidateId, index) => [candidateId, numberIn(sheet.votes[index]?.field ?? null)]),
          ),
          contentHash: sheet.contentHash,
          needsReview: validation.needsReview,
          findings: validation.findings,
        });
      }
      const writtenTargets = new Set(
        written.map(({ item }) => targetKey(item.mesa.id, item.sheet.submission.corporation)),
      );
      const name = actorName(actor);
      const reconciled = await reconcileMesas(
        client,
        targets.filter((target) => writtenTargets.has(targetKey(target.mesaId, target.corporation))),
        name,
        state,
      );
      for (const corporation of reconciled.changed) changedCorporations.add(corporation as Corporation);
      const truth = new Map(reconciled.outcomes);
      for (const target of targets) {
        const key = targetKey(target.mesaId, target.corporation);
        const stored = state.truths.get(key);
        if (!truth.has(key) && stored) {
          truth.set(key, { status: stored.status, formId: stored.form_id, alertIds: [] });
        }
      }
      const audit: AuditInput[] = written.map(({ item, id, version }) => ({
        actor: name,
        action: 'e14.stored',
        entity: 'e14_form',
        entityId: String(id),
        after: {
          electionCode: catalog.code,
          mesaKey: item.sheet.mesaKey,
          corporation: item.sheet.submission.corporation,
          copy: item.sheet.submission.copy,
          source: item.sheet.submission.source,
          version,
          contentHash: item.sheet.contentHash,
          status: formStatus(item.validation),
          findings: item.validation.findings.map((finding) => finding.rule),
        },
      }));
      // Canonical text of the entries now, outside the serialised end of the transaction.
      const auditEntries = prepareAudit([...audit, ...reconciled.audit]);
      // The hot shared rows (rollups, forensic queue, audit head) are touched last, so their locks
      // are held only for the end of the transaction.
      await reconciled.rollups.apply(client);
      await enqueueForensics(
        client,
        written.map(({ item }) => ({
          electionId: catalog.id,
          municipioId: item.mesa.municipio_id,
          corporation: item.sheet.submission.corporation,
        })),
        this.deps.forensicsDebounceMs,
      );

      await appendAudit(client, auditEntries);

      const writtenByHash = new Map(written.map((entry) => [entry.item.sheet.contentHash, entry]));
      for (const item of items) {
        const { submission } = item.sheet;
        const mesaTruth = truth.get(targetKey(item.mesa.id, submission.corporation));
        const entry = writtenByHash.get(item.sheet.contentHash);
        const duplicate = entry ? undefined : existingByHash.get(item.sheet.contentHash);
        const validation: ValidationResult = duplicate
          ? {
              ok: duplicate.status !== 'failed_rules',
              findings: duplicate.findings,
              needsReview: duplicate.needsReview,
            }
          : item.validation;
        const formId = entry?.id ?? duplicate?.id ?? 0;
        outcomes.set(item.index, {
          ok: true,
          result: {
            outcome: entry ? 'stored' : 'duplicate',
            formId,
            version: entry?.version ?? duplicate?.version ?? 1,
            mesaKey: item.sheet.mesaKey,
            corporation: submission.corporation,
            copy: submission.copy,
            contentHash: item.sheet.contentHash,
            formStatus: duplicate?.status ?? formStatus(item.validation),
            validation,
            mesaStatus: mesaTruth?.status ?? 'needs_review',
            truthFormId: mesaTruth?.formId ?? null,
            alertIds: [...(alertIdsByForm.get(formId) ?? []), ...(entry ? (mesaTruth?.alertIds ?? []) : [])],
          },
        });
      }
    }).catch((error: unknown) => {
      // Two requests racing with one Idempotency-Key for different mesas: the index decides.
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === '23505' && constraint === 'e14_forms_idempotency_key') {
        throw new AppError(409, 'IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used for a different E-14');
      }
      throw error;
    });
    await this.deps.resultsCache.invalidate(catalog.id, [...changedCorporations]);
    return outcomes;
  }
}

/** Σ of the sheet, E11 or U above the mesa's habilitados: almost always a typing error. */
function overHabilitadosOf(sheet: Sheet, habilitados: number): { field: string; value: number } | null {
  const candidates: Array<[string, number | null]> = [
    ['nivelacion.sufragantes', numberIn(sheet.sufragantes)],
    ['nivelacion.urna', numberIn(sheet.urna)],
    [
      'sum of votes',
      [...sheet.votes.map((row) => row.field), sheet.blancos, sheet.nulos, sheet.noMarcados].reduce<number>(
        (total, field) => total + (numberIn(field) ?? 0),
        0,
      ),
    ],
  ];
  for (const [field, value] of candidates) if (value !== null && value > habilitados) return { field, value };
  return null;
}

function sheetAlert(
  item: PreparedSheet,
  formId: number,
  version: number,
  finding: RuleFinding,
  position: number,
): NewAlert {
  const { submission } = item.sheet;
  const crops = item.sheet.fields
    .filter(({ path, field }) => field.crop && finding.fields.includes(path))
    .map(({ path, field }) => ({ field: path, crop: field.crop }));
  return {
    electionId: item.catalog.id,
    corporation: submission.corporation,
    rule: finding.rule,
    ruleVersion: finding.ruleVersion,
    severity: finding.severity,
    dedupeKey: `${finding.rule}:${formId}:${position}`,
    territory: item.sheet.mesaKey,
    mesaId: item.mesa.id,
    municipioId: item.mesa.municipio_id,
    formId,
    copy: submission.copy,
    message: finding.message,
    numbers: finding.numbers,
    evidence: {
      fields: finding.fields,
      sources: [{ formId, source: submission.source, copy: submission.copy, version }],
      crops,
    },
  };
}
