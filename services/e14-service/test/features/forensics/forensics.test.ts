import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELECTION, get, honestSheet, post } from '../../support/fixtures.js';
import { recordsOf, startWithFixtureElection, votes } from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;
const alerts = async (query: string) => recordsOf(e14, admin).alerts(query);

beforeAll(async () => {
  ({ e14, admin } = await startWithFixtureElection());
  // Mesa 001 of puesto 01-001-01-01, an ordinary one, is in before the signals' mesas arrive.
  const first = await post(e14, '/api/e14/process-v2', admin, honestSheet('01-001-01-01-001', votes([7, 3])));
  if (first.statusCode !== 201) throw new Error(`mesa 01-001-01-01-001 was not stored: ${first.body}`);
});
afterAll(async () => e14?.close());

describe('forensic signals', () => {
  it('flag identical vectors, one-candidate mesas and turnout outliers, and resolve them when gone', async () => {
    // Puesto 01-001-01-01 (habilitados 350): mesa 001 already in; add twins and a one-sided mesa.
    await post(e14, '/api/e14/process-v2', admin, honestSheet('01-001-01-01-002', votes([90, 60])));
    await post(e14, '/api/e14/process-v2', admin, honestSheet('01-001-01-01-003', votes([90, 60])));
    await post(
      e14,
      '/api/e14/process-v2',
      admin,
      honestSheet('01-001-01-01-004', votes([340]), { blancos: 0, nulos: 0, noMarcados: 0 }),
    );
    expect(await e14.forensics.drain()).toBeGreaterThan(0);
    const rules = (await alerts('territory=01-001')).items
      .map((item: { rule: string; mesaKey: string }) => `${item.rule} ${item.mesaKey}`)
      .sort();
    expect(rules).toEqual([
      'identical_vectors 01-001-01-01-002',
      'identical_vectors 01-001-01-01-003',
      'one_candidate 01-001-01-01-004',
      'turnout_outlier 01-001-01-01-004',
    ]);
    // A corrected version of mesa 003 (reviewer) ends the twin: the system resolves both alerts.
    await post(
      e14,
      '/api/e14/process-v2',
      admin,
      honestSheet('01-001-01-01-003', votes([91, 59]), { source: 'reviewer' }),
    );
    await e14.forensics.drain();
    const open = (await alerts('territory=01-001&status=open&rule=identical_vectors')).total;
    expect(open).toBe(0);
    const fingerprint = await get(
      e14,
      `/api/forensics/fingerprint?election=${ELECTION}&corporation=GOBERNADOR&territory=01-001&bins=10`,
      admin,
    );
    expect(fingerprint.json(), fingerprint.body).toMatchObject({ mesas: 4 });
    expect(fingerprint.json().histogram[9][9]).toBe(1);
  });
});
