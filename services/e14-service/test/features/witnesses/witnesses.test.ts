import { describe, expect, it } from 'vitest';
import { bearer, ELECTION, get } from '../../support/fixtures.js';
import { withFixtureElection } from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;

withFixtureElection((started) => {
  ({ e14, admin } = started);
});

const assign = (userId: string, body: unknown) =>
  e14.app.inject({
    method: 'PUT',
    url: `/api/witnesses/${userId}/assignments`,
    headers: { ...bearer(admin), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

describe('/api/witnesses/:userId/assignments', () => {
  it('replaces the whole set, without repeats and in order', async () => {
    const witness = await e14.token('witness');
    const first = await assign(witness.userId, {
      electionCode: ELECTION,
      territories: ['01-031-99-02', '01-031-99-01', '01-031-99-02'],
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({
      userId: witness.userId,
      electionCode: ELECTION,
      territories: ['01-031-99-01', '01-031-99-02'],
    });
    await assign(witness.userId, { electionCode: ELECTION, territories: ['01-031'] });
    const read = await get(e14, `/api/witnesses/${witness.userId}/assignments?election=${ELECTION}`, witness.token);
    expect(read.json().territories).toEqual(['01-031']);
  });

  it("a witness cannot read another witness's assignments; an unknown election is 404", async () => {
    const witness = await e14.token('witness');
    const other = await e14.token('witness');
    const foreign = await get(e14, `/api/witnesses/${other.userId}/assignments?election=${ELECTION}`, witness.token);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('NOT_FOUND');
    const unknown = await assign(witness.userId, { electionCode: 'NO-SUCH-2099', territories: ['01'] });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('ELECTION_UNKNOWN');
  });
});
