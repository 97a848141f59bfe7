import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { honestSheet, post } from '../../support/fixtures.js';
import {
  divipolWithOneMoreMesa,
  recordsOf,
  startWithFixtureElection,
  submitCopiesThatDiffer,
  submitWithOfficialFeeds,
  votes,
} from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;
const results = async (territory = '', format = 'json') => recordsOf(e14, admin).results(territory, format);

// The records the results read: Bogotá with one more mesa (16 expected in all), and in
// puesto 01-031-99-01 a mesa whose copies differ and one whose escrutinio differs (both disputed).
beforeAll(async () => {
  ({ e14, admin } = await startWithFixtureElection());
  await post(e14, '/api/elections/import', admin, divipolWithOneMoreMesa());
  await submitCopiesThatDiffer(e14, admin);
  await submitWithOfficialFeeds(e14, admin);
});
afterAll(async () => e14?.close());

describe('results', () => {
  it('results add up at every level, from reconciled truth only, and change when a mesa arrives', async () => {
    const national = (await results()).json();
    const departamento = (await results('01')).json();
    const municipio = (await results('01-031')).json();
    const puesto = (await results('01-031-99-01')).json();
    const mesaLevel = (await results('01-031-99-01-003')).json();
    const truth = await e14.app.pg.query(
      `SELECT sum(v)::int AS votes FROM reconciliations r, unnest(r.votes) v WHERE r.corporation = 'GOBERNADOR'`,
    );
    expect(national.totals.candidateVotes).toBe(truth.rows[0].votes);
    expect(departamento.totals.candidateVotes).toBe(national.totals.candidateVotes);
    expect(municipio.coverage).toMatchObject({ mesasExpected: 9, mesasIn: 2, mesasDisputed: 2 });
    expect(national.coverage.mesasExpected).toBe(9 + 4 + 3);
    expect(puesto.children.map((child: { code: string }) => child.code)).toContain('01-031-99-01-003');
    expect(mesaLevel.options.map((option: { votes: number }) => option.votes).slice(0, 3)).toEqual([150, 100, 0]);
    expect(national.children.map((child: { code: string }) => child.code)).toEqual(['01', '16']);
    const zona = (await results('01-031-99')).json();
    expect(municipio.children.map((child: { code: string }) => child.code)).toEqual(['01-031-99']);
    expect(zona.children.map((child: { code: string; name: string }) => `${child.code} ${child.name}`)).toEqual([
      '01-031-99-01 CATIVO',
      '01-031-99-02 LA PLAYA',
    ]);
    expect(zona.totals).toEqual(municipio.totals);
    expect(zona.children[0].coverage).toMatchObject({ mesasExpected: 6, mesasIn: 2 });
    // Cache invalidation: a new mesa changes the (cached) national answer.
    await post(e14, '/api/e14/process-v2', admin, honestSheet('01-001-01-01-001', votes([7, 3])));
    const after = (await results()).json();
    expect(after.totals.candidateVotes).toBe(national.totals.candidateVotes + 10);
    expect(after.coverage.mesasIn).toBe(national.coverage.mesasIn + 1);
    const csv = await results('01-031-99-01-003', 'csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[1]).toBe('01-031-99-01-003,mesa,GOBERNADOR,1,CANDIDATO 1,150');
  });

  it('answers municipio and zona after municipio and zona (the statements are prepared once per level)', async () => {
    // Sequential requests reuse one pooled connection, where a statement name keeps its first text.
    for (const territory of ['01-001', '16-001', '01-001-01', '16-001-01']) {
      const response = await results(territory);
      expect(response.statusCode, response.body).toBe(200);
    }
  });
});
