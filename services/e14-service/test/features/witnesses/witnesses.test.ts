import { describe, expect, it } from 'vitest';
import { bearer, ELECTION, get, honestSheet, post, sendJson } from '../../support/fixtures.js';
import { votes, withFixtureElection } from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;

withFixtureElection((started) => {
  ({ e14, admin } = started);
});

const assign = (userId: string, body: unknown) =>
  sendJson(e14, 'PUT', `/api/witnesses/${userId}/assignments`, admin, body);

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

describe('what a witness or a phone sends, however odd', () => {
  it('refuses a NUL or a lone surrogate in the witness id with 400, never a 500', async () => {
    const body = { electionCode: ELECTION, territories: ['01-031'] };
    const nul = await assign(encodeURIComponent('w\u0000'), body);
    expect(nul.statusCode, nul.body).toBe(400);
    expect(nul.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [{ path: 'params.userId' }] },
    });
    // A URL can carry a lone \uD800 only as these UTF-8 bytes (an HTTP client turns the raw
    // character into U+FFFD before it leaves).
    const surrogate = await assign('w%ED%A0%80', body);
    expect(surrogate.statusCode, surrogate.body).toBe(400);
    expect(surrogate.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a NUL in a string field of POST /api/e14/process-v2 with 400 naming the field', async () => {
    const sheet = { ...honestSheet('01-031-99-01-001', votes([50, 40])), sourceRef: 'phone\u0000-7' };
    const response = await post(e14, '/api/e14/process-v2', admin, sheet);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [{ path: 'body.sourceRef' }] },
    });
  });

  it('answers ten concurrent identical PUTs of the same assignments all with 200 and the same territories', async () => {
    const witness = await e14.token('witness');
    const body = { electionCode: ELECTION, territories: ['01-031-99-02', '01-031-99-01'] };
    const responses = await Promise.all(Array.from({ length: 10 }, () => assign(witness.userId, body)));
    for (const response of responses) {
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().territories).toEqual(['01-031-99-01', '01-031-99-02']);
    }
    const read = await e14.app.inject({
      method: 'GET',
      url: `/api/witnesses/${witness.userId}/assignments?election=${ELECTION}`,
      headers: bearer(witness.token),
    });
    expect(read.json().territories).toEqual(['01-031-99-01', '01-031-99-02']);
  });
});
