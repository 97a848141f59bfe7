import { generateElection } from '@castor/e14-synth';
import { loadElection } from '@castor/e14-synth-sheets/demo';
import { describe, expect, it } from 'vitest';
import { bearer } from '../support/fixtures.js';
import { demoLoadTarget } from '../support/lifecycle.js';

const target = demoLoadTarget();

/** The rollups recomputed from the reconciled truth, beside what intake maintained incrementally. */
const VOTES_MISMATCH = `
  WITH truth AS (
    SELECT m.puesto_id, m.municipio_id, r.corporation, u.candidate_id, sum(coalesce(u.votes, 0))::bigint AS votes
    FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id, unnest(r.candidate_ids, r.votes) AS u(candidate_id, votes)
    GROUP BY 1, 2, 3, 4),
  puesto_truth AS (SELECT puesto_id, corporation, candidate_id, votes FROM truth WHERE votes <> 0),
  puesto_kept AS (SELECT puesto_id, corporation, candidate_id, votes FROM puesto_vote_tallies WHERE votes <> 0),
  municipio_truth AS (
    SELECT municipio_id, corporation, candidate_id, sum(votes)::bigint AS votes FROM truth GROUP BY 1, 2, 3
    HAVING sum(votes) <> 0),
  municipio_kept AS (
    SELECT municipio_id, corporation, candidate_id, votes FROM municipio_vote_tallies WHERE votes <> 0)
  SELECT 'puesto' AS level, count(*) AS n FROM ((TABLE puesto_truth EXCEPT TABLE puesto_kept)
    UNION ALL (TABLE puesto_kept EXCEPT TABLE puesto_truth)) AS differing
  UNION ALL
  SELECT 'municipio', count(*) FROM ((TABLE municipio_truth EXCEPT TABLE municipio_kept)
    UNION ALL (TABLE municipio_kept EXCEPT TABLE municipio_truth)) AS differing`;

const COVERAGE_SUMS = `count(*)::int, count(*) FILTER (WHERE r.status = 'validated')::int,
  count(*) FILTER (WHERE r.status = 'needs_review')::int, count(*) FILTER (WHERE r.status = 'failed_rules')::int,
  count(*) FILTER (WHERE r.status = 'disputed')::int, sum(m.habilitados)::bigint,
  sum(coalesce(r.sufragantes, 0))::bigint, sum(coalesce(r.urna, 0))::bigint, sum(coalesce(r.incinerados, 0))::bigint,
  sum(coalesce(r.blancos, 0))::bigint, sum(coalesce(r.nulos, 0))::bigint, sum(coalesce(r.no_marcados, 0))::bigint`;
const COVERAGE_COLUMNS = `mesas_in, mesas_validated, mesas_needs_review, mesas_failed_rules, mesas_disputed,
  habilitados_in, sufragantes, urna, incinerados, blancos, nulos, no_marcados`;
const COVERAGE_MISMATCH = `
  WITH puesto_truth AS (
    SELECT m.puesto_id, r.corporation, ${COVERAGE_SUMS} FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id
    GROUP BY 1, 2),
  puesto_kept AS (SELECT puesto_id, corporation, ${COVERAGE_COLUMNS} FROM puesto_coverage),
  municipio_truth AS (
    SELECT m.municipio_id, m.departamento_id, r.corporation, ${COVERAGE_SUMS}
    FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id GROUP BY 1, 2, 3),
  municipio_kept AS (SELECT municipio_id, departamento_id, corporation, ${COVERAGE_COLUMNS} FROM municipio_coverage)
  SELECT 'puesto' AS level, count(*) AS n FROM ((TABLE puesto_truth EXCEPT TABLE puesto_kept)
    UNION ALL (TABLE puesto_kept EXCEPT TABLE puesto_truth)) AS differing
  UNION ALL
  SELECT 'municipio', count(*) FROM ((TABLE municipio_truth EXCEPT TABLE municipio_kept)
    UNION ALL (TABLE municipio_kept EXCEPT TABLE municipio_truth)) AS differing`;

async function mismatches(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [name, sql] of [
    ['votes', VOTES_MISMATCH],
    ['coverage', COVERAGE_MISMATCH],
  ] as const) {
    const result = await target.e14.app.pg.query<{ level: string; n: string }>(sql);
    for (const row of result.rows) counts[`${name} ${row.level}`] = Number(row.n);
  }
  return counts;
}

const NONE = { 'votes puesto': 0, 'votes municipio': 0, 'coverage puesto': 0, 'coverage municipio': 0 };

describe('rollups', () => {
  it('puesto and municipio rollups equal the reconciled truth through new, replaced and disputed truths', async () => {
    const election = generateElection({
      seed: 11,
      scale: { mesas: 150 },
      corporations: ['PRESIDENTE', 'CAMARA'],
      electionCode: 'ROLLUP-TEST',
    });
    // First copy: every truth is new. Several batches in flight share puestos and municipios.
    await loadElection(target, election, { copies: ['delegados'], batchSize: 25, concurrency: 4, official: false });
    expect(await mismatches()).toEqual(NONE);
    // The other copies replace truths (claveros outranks delegados), disputes appear, and the
    // official feeds re-decide every mesa.
    await loadElection(target, election, { copies: ['claveros', 'transmision'], batchSize: 25, concurrency: 4 });
    // A reviewer's reading of some mesas, with two vote rows swapped, becomes their new truth.
    const corrected = [...election.submissions({ copies: ['claveros'], source: 'reviewer' })]
      .slice(0, 40)
      .map((sheet) => {
        const votes = sheet.votes.map((row) => ({ ...row }));
        const [first, second] = votes;
        if (first && second) [first.votes, second.votes] = [second.votes, first.votes];
        return { ...sheet, votes };
      });
    const response = await target.e14.app.inject({
      method: 'POST',
      url: '/api/e14/process-v2/batch',
      headers: { ...bearer(target.token), 'content-type': 'application/json' },
      payload: JSON.stringify({ sheets: corrected }),
    });
    expect(response.statusCode, response.body).toBe(200);
    const replaced = await target.e14.app.pg.query<{ n: string; disputed: string }>(
      `SELECT count(*) FILTER (WHERE f.source = 'reviewer') AS n, count(*) FILTER (WHERE r.status = 'disputed') AS disputed
       FROM reconciliations r JOIN e14_forms f ON f.id = r.form_id`,
    );
    expect(Number(replaced.rows[0]?.n), 'reviewer readings became truths').toBeGreaterThan(0);
    expect(Number(replaced.rows[0]?.disputed), 'some mesas are disputed').toBeGreaterThan(0);
    expect(await mismatches()).toEqual(NONE);
  });
});
