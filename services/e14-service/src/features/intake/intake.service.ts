import type { Corporation, ValidationResult } from '@castor/contracts';
import { type ErrorCode, httpError } from '@castor/service-kit';
import type pg from 'pg';
import { type Actor, actorName } from '../../shared/actor.js';
import { upsertAlerts } from '../../shared/alert-store.js';
import { appendAudit, prepareAudit } from '../../shared/audit-chain.js';
import type { ElectionCatalog, ElectionCatalogs } from '../../shared/election-catalog.js';
import { enqueueForensics } from '../../shared/forensic-queue.js';
import type { FormIntake, ItemOutcome } from '../../shared/form-intake.js';
import {
  loadMesaState,
  type MesaState,
  type MesaTarget,
  type ReconcileOutcome,
  reconcileMesas,
  type StoredForm,
  targetKey,
} from '../../shared/mesa-reconciler.js';
import type { ResultsCache } from '../../shared/results-cache.js';
import type { WitnessAssignments } from '../../shared/witness-assignments.js';
import type { IntakeRepository, MesaRow } from './intake.repository.js';
import { checkSheet, fail, type ParsedSheet, type PreparedSheet, parseSubmission } from './intake-checks.js';
import { INTAKE_CODES } from './intake-errors.js';
import {
  alertedFindings,
  type FormVersion,
  fieldRows,
  formRows,
  intakeResult,
  mesaTarget,
  reviewTaskRows,
  sheetAlert,
  storedAudit,
  storedForm,
} from './intake-rows.js';

/** What one store transaction found already stored about its mesas. */
interface StoredState {
  state: MesaState;
  existingByHash: Map<string, StoredForm>;
}

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
      repository: IntakeRepository;
      catalogs: Pick<ElectionCatalogs, 'get'>;
      witnesses: Pick<WitnessAssignments, 'territoriesOf'>;
      resultsCache: Pick<ResultsCache, 'invalidate'>;
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
      throw httpError(outcome.error.code as ErrorCode, outcome.error.message, outcome.error.details);
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
    return outcomes.map((outcome, index) => outcome ?? fail('INTERNAL_ERROR', `item ${index} was not processed`));
  }

  private async prepare(
    raws: readonly unknown[],
    actor: Actor,
    options: { checkAssignment: boolean },
  ): Promise<Array<PreparedSheet | ItemOutcome>> {
    const parsed = raws.map((raw, index) => parseSubmission(raw, index));
    const elections = await this.electionsOf(parsed);
    const mesas = await this.mesasOf(parsed, elections);
    const assignments =
      options.checkAssignment && actor.role === 'witness'
        ? await this.deps.witnesses.territoriesOf(actor.sub)
        : new Map<number, string[]>();
    return parsed.map((item) => {
      if ('ok' in item) return item;
      const catalog = elections.get(item.sheet.submission.electionCode);
      return checkSheet(item, {
        catalog,
        mesa: catalog ? mesas.get(`${catalog.id}|${item.sheet.mesaKey}`) : undefined,
        actor,
        assigned: (catalog && assignments.get(catalog.id)) ?? [],
        checkAssignment: options.checkAssignment,
      });
    });
  }

  /** The catalog of every election the parsed sheets name (null for one never imported). */
  private async electionsOf(parsed: ReadonlyArray<ParsedSheet | ItemOutcome>) {
    const elections = new Map<string, ElectionCatalog | null>();
    for (const item of parsed) {
      if ('ok' in item) continue;
      const code = item.sheet.submission.electionCode;
      if (!elections.has(code)) elections.set(code, await this.deps.catalogs.get(code));
    }
    return elections;
  }

  /** The mesas the parsed sheets name, by `electionId|mesaKey`. */
  private async mesasOf(
    parsed: ReadonlyArray<ParsedSheet | ItemOutcome>,
    elections: ReadonlyMap<string, ElectionCatalog | null>,
  ) {
    const mesas = new Map<string, MesaRow>();
    for (const [code, catalog] of elections) {
      if (!catalog) continue;
      const keys = parsed.flatMap((item) =>
        'ok' in item || item.sheet.submission.electionCode !== code ? [] : [item.sheet.mesaKey],
      );
      const rows = await this.deps.repository.findMesas(catalog.id, [...new Set(keys)]);
      for (const row of rows) mesas.set(`${catalog.id}|${row.mesaKey}`, row);
    }
    return mesas;
  }

  /** Stores the accepted sheets of one election in one transaction, then drops the results they changed. */
  private async store(
    items: PreparedSheet[],
    actor: Actor,
    idempotencyKey?: string,
  ): Promise<Map<number, ItemOutcome>> {
    const catalog = items[0]?.catalog;
    if (!catalog) return new Map<number, ItemOutcome>();
    const { outcomes, changedCorporations } = await this.deps.repository
      .transaction(async (client) => {
        const stored = await this.lockAndRead(client, items, actor, idempotencyKey);
        const written = await this.writeForms(client, catalog, items, stored, actor, idempotencyKey);
        const alertIdsByForm = await raiseSheetAlerts(client, written);
        const name = actorName(actor);
        const { reconciled, truth } = await reconcileWritten(client, catalog, items, written, stored.state, name);
        // Canonical text of the entries now, outside the serialised end of the transaction.
        const auditEntries = prepareAudit([...storedAudit(written, catalog, name), ...reconciled.audit]);
        // The hot shared rows (rollups, forensic queue, audit head) are touched last, so their locks
        // are held only for the end of the transaction.
        await reconciled.rollups.apply(client);
        await enqueueForensics(
          client,
          written.map(({ item }) => ({
            electionId: catalog.id,
            municipioId: item.mesa.municipioId,
            corporation: item.sheet.submission.corporation,
          })),
          this.deps.forensicsDebounceMs,
        );
        await appendAudit(client, auditEntries);
        return {
          outcomes: outcomesOf(items, written, stored.existingByHash, truth, alertIdsByForm),
          changedCorporations: reconciled.changed as Set<Corporation>,
        };
      })
      .catch((error: unknown) => {
        // Two requests racing with one Idempotency-Key for different mesas: the index decides.
        const { code, constraint } = error as { code?: string; constraint?: string };
        if (code === '23505' && constraint === 'e14_forms_idempotency_key') throw idempotencyConflict();
        throw error;
      });
    await this.deps.resultsCache.invalidate(catalog.id, [...changedCorporations]);
    return outcomes;
  }

  /**
   * Locks the mesas and reads everything stored about them; refuses an Idempotency-Key already
   * used for another content.
   */
  private async lockAndRead(
    client: pg.PoolClient,
    items: readonly PreparedSheet[],
    actor: Actor,
    idempotencyKey: string | undefined,
  ): Promise<StoredState> {
    const { repository } = this.deps;
    // Per-mesa row locks (sorted, so two batches never wait on each other in a cycle) make the
    // version numbers and the truth of each mesa race-free without a global lock.
    const mesaIds = [...new Set(items.map((item) => item.mesa.id))].sort((a, b) => a - b);
    await repository.lockMesas(client, mesaIds);
    // One read of everything stored about these mesas serves the duplicate check, the version
    // numbers and the reconciliation (a sheet's content names its mesa, so an identical sheet
    // is always among its mesa's forms).
    const state = await loadMesaState(client, mesaIds);
    const hashes = new Set(items.map((item) => item.sheet.contentHash));
    const existingByHash = new Map(
      state.forms.filter((form) => hashes.has(form.contentHash)).map((form) => [form.contentHash, form]),
    );
    if (idempotencyKey) {
      const previousHash = await repository.idempotentContentHash(client, actor.sub, idempotencyKey);
      if (previousHash && items.some((item) => item.sheet.contentHash !== previousHash)) {
        throw idempotencyConflict();
      }
    }
    return { state, existingByHash };
  }

  /** Numbers the new sheets' versions and writes them with their fields and review tasks. */
  private async writeForms(
    client: pg.PoolClient,
    catalog: ElectionCatalog,
    items: readonly PreparedSheet[],
    { state, existingByHash }: StoredState,
    actor: Actor,
    idempotencyKey: string | undefined,
  ): Promise<FormVersion[]> {
    const { repository } = this.deps;
    const fresh = items.filter((item) => !existingByHash.has(item.sheet.contentHash));
    const lastVersion = new Map<string, number>();
    for (const form of state.forms) {
      const key = versionKey(form.mesaId, form.corporation, form.copy, form.source);
      lastVersion.set(key, Math.max(lastVersion.get(key) ?? 0, form.version));
    }
    const ids = await repository.reserveFormIds(client, fresh.length);
    const written = fresh.map((item, position): FormVersion => {
      const { submission } = item.sheet;
      const key = versionKey(item.mesa.id, submission.corporation, submission.copy, submission.source);
      const version = (lastVersion.get(key) ?? 0) + 1;
      lastVersion.set(key, version);
      return { item, id: ids[position] ?? 0, version };
    });
    // The key is kept only on a single submission: in a batch it names no one form.
    const storedKey = items.length === 1 ? (idempotencyKey ?? null) : null;
    await repository.copyForms(client, formRows(written, catalog, actor, storedKey));
    await repository.copyFields(client, fieldRows(written));
    const reviewRows = reviewTaskRows(written);
    if (reviewRows.length > 0) await repository.copyReviewTasks(client, reviewRows);
    return written;
  }
}

const versionKey = (mesaId: number, corporation: string, copy: string, source: string) =>
  `${mesaId}|${corporation}|${copy}|${source}`;

const idempotencyConflict = () =>
  httpError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used for a different E-14');

/**
 * Raises the per-sheet rule findings as alerts, except those held for review (`alertedFindings`);
 * returns the alert ids of each new form.
 */
async function raiseSheetAlerts(client: pg.PoolClient, written: readonly FormVersion[]) {
  const raised = await upsertAlerts(
    client,
    written.flatMap(({ item, id, version }) =>
      alertedFindings(item).raised.map(({ finding, position }) => sheetAlert(item, id, version, finding, position)),
    ),
  );
  const alertIdsByForm = new Map<number, number[]>();
  for (const alert of raised) {
    const formId = Number(alert.dedupeKey.split(':')[1]);
    alertIdsByForm.set(formId, [...(alertIdsByForm.get(formId) ?? []), alert.id]);
  }
  return alertIdsByForm;
}

/**
 * Re-decides the truth of the mesas that got a new form, and gives every mesa of the batch its
 * current truth (the one just decided, or the one stored).
 */
async function reconcileWritten(
  client: pg.PoolClient,
  catalog: ElectionCatalog,
  items: readonly PreparedSheet[],
  written: readonly FormVersion[],
  state: MesaState,
  actor: string,
) {
  const targets: MesaTarget[] = items.map((item) => mesaTarget(item, catalog));
  for (const entry of written) state.forms.push(storedForm(entry));
  const writtenTargets = new Set(written.map(({ item }) => targetKey(item.mesa.id, item.sheet.submission.corporation)));
  const reconciled = await reconcileMesas(
    client,
    targets.filter((target) => writtenTargets.has(targetKey(target.mesaId, target.corporation))),
    actor,
    state,
  );
  const truth = new Map<string, ReconcileOutcome>(reconciled.outcomes);
  for (const target of targets) {
    const key = targetKey(target.mesaId, target.corporation);
    const stored = state.truths.get(key);
    if (!truth.has(key) && stored) {
      truth.set(key, { status: stored.status, formId: stored.form_id, alertIds: [] });
    }
  }
  return { reconciled, truth };
}

/** Each item's answer: the form stored for it, or the identical form stored before. */
function outcomesOf(
  items: readonly PreparedSheet[],
  written: readonly FormVersion[],
  existingByHash: ReadonlyMap<string, StoredForm>,
  truth: ReadonlyMap<string, ReconcileOutcome>,
  alertIdsByForm: ReadonlyMap<number, number[]>,
): Map<number, ItemOutcome> {
  const outcomes = new Map<number, ItemOutcome>();
  const writtenByHash = new Map(written.map((entry) => [entry.item.sheet.contentHash, entry]));
  for (const item of items) {
    const mesaTruth = truth.get(targetKey(item.mesa.id, item.sheet.submission.corporation));
    const entry = writtenByHash.get(item.sheet.contentHash);
    const duplicate = entry ? undefined : existingByHash.get(item.sheet.contentHash);
    outcomes.set(item.index, { ok: true, result: intakeResult(item, entry, duplicate, mesaTruth, alertIdsByForm) });
  }
  return outcomes;
}
