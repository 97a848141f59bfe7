import { createHash } from 'node:crypto';
import type { Corporation } from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import type pg from 'pg';
import { type AuditInput, appendAudit } from '../../shared/audit-chain.js';
import type { ElectionCatalog } from '../../shared/election-catalog.js';
import { type MesaTarget, type OfficialSource, reconcileMesas } from '../../shared/mesa-reconciler.js';
import { RollupDeltas } from '../../shared/rollups.js';
import { type MesaFeed, parseOfficialFeed } from './official-feed.js';
import type { FeedFile, ReconciliationRepository } from './reconciliation.repository.js';

/** Mesas reconciled per statement while applying a feed (all in the one import transaction). */
const RECONCILE_CHUNK = 5_000;

export interface OfficialImport {
  rows: number;
  mesas: number;
  unchanged: boolean;
  discrepancyAlerts: number;
  corporations: Corporation[];
}

/** The official feeds (preconteo, escrutinio): stored, then reconciled against the E-14s. */
export class ReconciliationService {
  constructor(private readonly repository: ReconciliationRepository) {}

  /**
   * Imports a preconteo or escrutinio feed: stores each mesa's official numbers (replacing an
   * earlier feed of the same source), then re-reconciles those mesas so every difference with the
   * E-14 (or between the two feeds) becomes an official_differs alert. Idempotent by file hash.
   */
  async importOfficialFeed(
    catalog: ElectionCatalog,
    source: OfficialSource,
    text: string,
    actor: string,
  ): Promise<OfficialImport> {
    const file: FeedFile = {
      electionId: catalog.id,
      source,
      fileHash: createHash('sha256').update(text).digest('hex'),
    };
    const feeds = parseOfficialFeed(text, catalog);
    const rows = text.split(/\r?\n/).filter((line) => line.trim() !== '').length - 1;
    const corporations = [...new Set(feeds.map((feed) => feed.corporation))];
    return this.repository.transaction(async (client) => {
      if (await this.repository.wasImported(client, file))
        return { rows, mesas: feeds.length, unchanged: true, discrepancyAlerts: 0, corporations: [] };
      const located = await this.locate(client, catalog, feeds);
      await this.repository.saveOfficialResults(
        client,
        file,
        located.map(({ feed, target }) => ({ mesaId: target.mesaId, feed })),
      );
      const targets = located.map(({ target }) => target);
      const { discrepancyAlerts, audit, rollups } = await reconcileInChunks(client, targets, actor);
      await this.repository.recordImport(client, file, actor, { rows, mesas: feeds.length });
      await rollups.apply(client);
      await appendAudit(client, [
        {
          actor,
          action: 'official.imported',
          entity: 'election',
          entityId: catalog.code,
          after: { source, fileHash: file.fileHash, rows, mesas: feeds.length, discrepancyAlerts },
        },
        ...audit,
      ]);
      return { rows, mesas: feeds.length, unchanged: false, discrepancyAlerts, corporations };
    });
  }

  /** Locks the feed's mesas and pairs each feed with its mesa as a reconciliation target. */
  private async locate(
    client: pg.PoolClient,
    catalog: ElectionCatalog,
    feeds: readonly MesaFeed[],
  ): Promise<Array<{ feed: MesaFeed; target: MesaTarget }>> {
    const locked = await this.repository.lockMesas(client, catalog.id, [...new Set(feeds.map((feed) => feed.mesaKey))]);
    const mesas = new Map(locked.map((row) => [row.mesa_key, row]));
    const unknown = feeds.find((feed) => !mesas.has(feed.mesaKey));
    if (unknown)
      throw httpError('MESA_UNKNOWN', `Mesa ${unknown.mesaKey} of the feed is not in the divipol of ${catalog.code}`);
    return feeds.map((feed) => {
      const mesa = mesas.get(feed.mesaKey) as NonNullable<ReturnType<typeof mesas.get>>;
      const target: MesaTarget = {
        mesaId: mesa.id,
        mesaKey: feed.mesaKey,
        corporation: feed.corporation,
        electionId: catalog.id,
        municipioId: mesa.municipio_id,
        departamentoId: mesa.departamento_id,
        puestoId: mesa.puesto_id,
        habilitados: mesa.habilitados,
      };
      return { feed, target };
    });
  }
}

/** Re-decides the targets' truths a chunk at a time, gathering their alerts, audit entries and rollup deltas. */
async function reconcileInChunks(client: pg.PoolClient, targets: readonly MesaTarget[], actor: string) {
  let discrepancyAlerts = 0;
  const audit: AuditInput[] = [];
  const rollups = new RollupDeltas();
  for (let start = 0; start < targets.length; start += RECONCILE_CHUNK) {
    const reconciled = await reconcileMesas(client, targets.slice(start, start + RECONCILE_CHUNK), actor);
    discrepancyAlerts += [...reconciled.outcomes.values()].reduce(
      (total, outcome) => total + outcome.alertIds.length,
      0,
    );
    audit.push(...reconciled.audit);
    rollups.merge(reconciled.rollups);
  }
  return { discrepancyAlerts, audit, rollups };
}
