import type pg from 'pg';
import type { forensicQueue } from '../db/schema/index.js';

/**
 * Marks municipios whose forensic signals must be recomputed. The first mark sets the due time;
 * later marks before it runs change nothing, so a municipio receiving results continuously is
 * recomputed at most once per debounce period rather than once per sheet.
 */
export async function enqueueForensics(
  client: pg.PoolClient,
  entries: ReadonlyArray<Pick<typeof forensicQueue.$inferInsert, 'electionId' | 'municipioId' | 'corporation'>>,
  debounceMs: number,
): Promise<void> {
  const unique = new Map(entries.map((entry) => [`${entry.municipioId}|${entry.corporation}`, entry]));
  if (unique.size === 0) return;
  const sorted = [...unique.values()].sort(
    (a, b) =>
      a.municipioId - b.municipioId || (a.corporation < b.corporation ? -1 : a.corporation > b.corporation ? 1 : 0),
  );
  await client.query({
    name: 'forensics-enqueue',
    text: `INSERT INTO forensic_queue (municipio_id, corporation, election_id, due_at)
           SELECT m, c, e, now() + make_interval(secs => $4::double precision / 1000)
           FROM unnest($1::int[], $2::text[], $3::int[]) AS t(m, c, e)
           ON CONFLICT (municipio_id, corporation) DO NOTHING`,
    values: [
      sorted.map((entry) => entry.municipioId),
      sorted.map((entry) => entry.corporation),
      sorted.map((entry) => entry.electionId),
      debounceMs,
    ],
  });
}
