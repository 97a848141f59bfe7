import type { InferSelectModel } from 'drizzle-orm';
import type pg from 'pg';
import { withTransaction } from '../../db/client.js';
import type { mesas } from '../../db/schema/territory.js';
import type { OfficialSource } from '../../shared/mesa-reconciler.js';
import type { MesaFeed } from './official-feed.js';

/** A mesa named by a feed, as locked for its import (columns under their SQL names). */
export type FeedMesa = Pick<
  InferSelectModel<typeof mesas, { dbColumnNames: true }>,
  'id' | 'puesto_id' | 'mesa_key' | 'municipio_id' | 'departamento_id' | 'habilitados'
>;

/** One import of a feed file: which election and source, and the file's SHA-256. */
export interface FeedFile {
  electionId: number;
  source: OfficialSource;
  fileHash: string;
}

/** The official feeds' tables: feed_imports, official_results, and the mesas a feed names. */
export class ReconciliationRepository {
  constructor(private readonly pool: pg.Pool) {}

  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }

  async wasImported(client: pg.PoolClient, { electionId, source, fileHash }: FeedFile): Promise<boolean> {
    const previous = await client.query(
      'SELECT 1 FROM feed_imports WHERE election_id = $1 AND source = $2 AND file_hash = $3',
      [electionId, source, fileHash],
    );
    return Boolean(previous.rowCount);
  }

  /** Locks the election's mesas with these keys, in id order as intake locks them. */
  async lockMesas(client: pg.PoolClient, electionId: number, mesaKeys: readonly string[]): Promise<FeedMesa[]> {
    const result = await client.query<FeedMesa>(
      `SELECT id, puesto_id, mesa_key, municipio_id, departamento_id, habilitados FROM mesas
       WHERE election_id = $1 AND mesa_key = ANY($2::text[]) ORDER BY id FOR NO KEY UPDATE`,
      [electionId, mesaKeys],
    );
    return result.rows;
  }

  /** Stores each mesa's numbers of this source, replacing those of an earlier file. */
  async saveOfficialResults(
    client: pg.PoolClient,
    { electionId, source, fileHash }: FeedFile,
    rows: ReadonlyArray<{ mesaId: number; feed: MesaFeed }>,
  ): Promise<void> {
    await client.query(
      `INSERT INTO official_results (election_id, mesa_id, corporation, source, sufragantes, blancos, nulos, no_marcados,
                                     candidate_ids, votes, file_hash)
       SELECT $1, m, c, $2, s, b, n, nm,
              CASE WHEN ci = '' THEN '{}'::int[] ELSE string_to_array(ci, ',')::int[] END,
              CASE WHEN v = '' THEN '{}'::int[] ELSE string_to_array(v, ',')::int[] END, $3
       FROM unnest($4::int[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::text[], $11::text[])
         AS t(m, c, s, b, n, nm, ci, v)
       ON CONFLICT (mesa_id, corporation, source) DO UPDATE SET
         sufragantes = excluded.sufragantes, blancos = excluded.blancos, nulos = excluded.nulos,
         no_marcados = excluded.no_marcados, candidate_ids = excluded.candidate_ids, votes = excluded.votes,
         file_hash = excluded.file_hash, imported_at = now()`,
      [
        electionId,
        source,
        fileHash,
        rows.map(({ mesaId }) => mesaId),
        rows.map(({ feed }) => feed.corporation),
        rows.map(({ feed }) => feed.sufragantes),
        rows.map(({ feed }) => feed.blancos),
        rows.map(({ feed }) => feed.nulos),
        rows.map(({ feed }) => feed.noMarcados),
        rows.map(({ feed }) => [...feed.votes.keys()].join(',')),
        rows.map(({ feed }) => [...feed.votes.values()].join(',')),
      ],
    );
  }

  /** Records the file as imported, so importing it again changes nothing. */
  async recordImport(
    client: pg.PoolClient,
    { electionId, source, fileHash }: FeedFile,
    importedBy: string,
    counts: { rows: number; mesas: number },
  ): Promise<void> {
    await client.query(
      'INSERT INTO feed_imports (election_id, source, file_hash, imported_by, counts) VALUES ($1, $2, $3, $4, $5)',
      [electionId, source, fileHash, importedBy, JSON.stringify(counts)],
    );
  }
}
