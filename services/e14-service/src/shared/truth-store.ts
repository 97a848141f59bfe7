import { getTableColumns, type InferSelectModel } from 'drizzle-orm';
import type pg from 'pg';
import { copyRows } from '../db/copy.js';
import { reconciliations } from '../db/schema/reconciliation.js';

/** A stored truth, keyed by its SQL column names. */
export type TruthColumns = InferSelectModel<typeof reconciliations, { dbColumnNames: true }>;

/** A truth as written: its reconciliations columns but updated_at (discrepancies as JSON text). */
export type TruthValues = Omit<TruthColumns, 'updated_at' | 'votes' | 'discrepancies'> & {
  votes: Array<number | null>;
  discrepancies: string;
};

const TRUTH_COLUMNS = Object.values(getTableColumns(reconciliations))
  .map((column) => column.name)
  .filter((name): name is keyof TruthValues => name !== 'updated_at');

/**
 * Writes decided truths: the caller holds the mesa row locks, so no one else can create these
 * truths meanwhile; new truths go in with COPY, the ones `isStored` names replace theirs in one UPDATE.
 */
export async function insertOrUpdateTruths(
  client: pg.PoolClient,
  rows: readonly TruthValues[],
  isStored: (row: TruthValues) => boolean,
): Promise<void> {
  const fresh = rows.filter((row) => !isStored(row));
  const replaced = rows.filter(isStored);
  if (fresh.length > 0) {
    await copyRows(
      client,
      'reconciliations',
      TRUTH_COLUMNS,
      fresh.map((row) => TRUTH_COLUMNS.map((name) => row[name])),
    );
  }
  if (replaced.length > 0) await updateTruths(client, replaced);
}

async function updateTruths(client: pg.PoolClient, rows: readonly TruthValues[]): Promise<void> {
  const column = <K extends keyof TruthValues>(name: K) => rows.map((row) => row[name]);
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
      column('mesa_id'),
      column('corporation'),
      column('form_id'),
      column('status'),
      column('policy_version'),
      column('sufragantes'),
      column('urna'),
      column('incinerados'),
      column('blancos'),
      column('nulos'),
      column('no_marcados'),
      column('candidate_ids').map((ids) => ids.join(',')),
      column('votes').map((votes) => votes.map((value) => (value === null ? 'null' : value)).join(',')),
      column('source_count'),
      column('discrepancies'),
    ],
  );
}
