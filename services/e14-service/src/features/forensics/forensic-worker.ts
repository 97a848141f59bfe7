import type { RuleId } from '@castor/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { withTransaction } from '../../db/client.js';
import { RULES } from '../../domain/rule-catalog.js';
import { resolveGoneAlerts, upsertAlerts } from '../../shared/alert-store.js';
import { appendAudit } from '../../shared/audit-chain.js';
import type { ElectionCatalog, ElectionCatalogs } from '../../shared/election-catalog.js';
import { municipioSignals } from './forensic-signals.js';
import type { ForensicsRepository, QueuedMunicipio } from './forensics.repository.js';

/** The rules raised across mesas (scope 'mesas' in the rule catalog): the ones this worker owns. */
const FORENSIC_RULES: RuleId[] = Object.values(RULES)
  .filter((rule) => rule.scope === 'mesas')
  .map((rule) => rule.id);

export interface ForensicWorkerDeps {
  pool: pg.Pool;
  repository: Pick<
    ForensicsRepository,
    'electionCode' | 'claimNext' | 'dequeue' | 'municipioCode' | 'municipioTruths' | 'openAlertKeys' | 'saveStats'
  >;
  catalogs: Pick<ElectionCatalogs, 'get'>;
  log?: FastifyBaseLogger;
}

/**
 * Recomputes the forensic signals of queued municipios: one municipio per transaction, claimed
 * with SKIP LOCKED so replicas share the queue, and removed only when its results are written.
 */
export class ForensicWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  /** Election codes by id; an election's code never changes. */
  private readonly electionCodes = new Map<number, string>();

  constructor(private readonly deps: ForensicWorkerDeps) {}

  start(pollMs: number): void {
    this.timer = setInterval(() => {
      this.running ??= this.drain({ dueOnly: true })
        .catch((error: unknown) => {
          this.deps.log?.warn({ err: error }, 'forensic signals failed');
          return 0;
        })
        .finally(() => {
          this.running = undefined;
        });
    }, pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Processes queued municipios until none is left (or none is due); returns how many. */
  async drain(options: { dueOnly: boolean } = { dueOnly: false }): Promise<number> {
    let processed = 0;
    for (;;) {
      const done = await withTransaction(this.deps.pool, async (client) => {
        const queued = await this.deps.repository.claimNext(client, options.dueOnly);
        if (!queued) return false;
        await this.compute(client, queued);
        await this.deps.repository.dequeue(client, queued);
        return true;
      });
      if (!done) return processed;
      processed += 1;
    }
  }

  private async electionCode(electionId: number): Promise<string | null> {
    const known = this.electionCodes.get(electionId);
    if (known) return known;
    const code = await this.deps.repository.electionCode(electionId);
    if (code) this.electionCodes.set(electionId, code);
    return code;
  }

  private async compute(client: pg.PoolClient, queued: QueuedMunicipio): Promise<void> {
    const { repository } = this.deps;
    const code = await this.electionCode(queued.electionId);
    const catalog = code ? await this.deps.catalogs.get(code) : null;
    const rules = catalog?.corporations.get(queued.corporation)?.rules;
    if (!catalog || !rules) return;
    const municipioCode = await repository.municipioCode(client, queued.municipioId);
    const { signals, stats } = municipioSignals(
      municipioCode,
      await repository.municipioTruths(client, queued.municipioId, queued.corporation),
      rules,
      queued.corporation,
      (candidateId) => catalog.candidates.get(candidateId)?.listId ?? candidateId,
    );
    const raised = await upsertAlerts(
      client,
      signals.map((signal) => ({
        ...signal,
        electionId: queued.electionId,
        corporation: queued.corporation,
        municipioId: queued.municipioId,
        ruleVersion: RULES[signal.rule].version,
        formId: null,
        copy: null,
      })),
    );
    const current = new Set(signals.map((signal) => signal.dedupeKey));
    const open = await repository.openAlertKeys(client, queued.municipioId, queued.corporation, FORENSIC_RULES);
    const gone = open.filter((key) => !current.has(key));
    const resolved = await resolveGoneAlerts(
      client,
      queued.electionId,
      gone,
      'forensics',
      'the signal is no longer observed',
    );
    await repository.saveStats(client, queued, stats);
    if (raised.length > 0 || resolved.length > 0)
      await this.auditChange(client, catalog, municipioCode, queued, { raised, resolved });
  }

  private async auditChange(
    client: pg.PoolClient,
    catalog: ElectionCatalog,
    municipioCode: string,
    queued: QueuedMunicipio,
    change: { raised: ReadonlyArray<{ id: number }>; resolved: number[] },
  ): Promise<void> {
    await appendAudit(client, [
      {
        actor: 'system:forensics',
        action: 'forensics.signals_changed',
        entity: 'municipio',
        entityId: `${catalog.code}/${municipioCode}/${queued.corporation}`,
        after: { raisedOrUpdated: change.raised.map((alert) => alert.id), resolved: change.resolved },
      },
    ]);
  }
}
