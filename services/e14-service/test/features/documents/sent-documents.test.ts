import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../../support/fixtures.js';
import { type E14UnderTest, startE14ForTests } from '../../testing.js';

/** GET /api/e14/documents: each sender sees only what they sent, newest first, a page at a time. */
let e14: E14UnderTest;
let witness: { token: string; userId: string };
let otherWitness: { token: string; userId: string };
let analyst: { token: string; userId: string };

interface Page {
  documents: Array<{ id: number; electionCode: string; mesaKey: string | null; state: string }>;
  nextBefore: number | null;
}

/** Documents as the pipeline leaves them, sent by `submittedBy`; their ids in insertion order. */
async function place(submittedBy: string, mesas: string[], election = 'SENT-2026'): Promise<number[]> {
  const ids: number[] = [];
  for (const mesa of mesas) {
    const row = await e14.app.pg.query<{ id: string }>(
      `INSERT INTO e14_documents (kind, election_code, mesa_key, state, max_attempts, submitted_by)
       VALUES ('upload', $1, $2, 'queued', 3, $3) RETURNING id`,
      [election, mesa, submittedBy],
    );
    ids.push(Number(row.rows[0]?.id));
  }
  return ids;
}

const sent = (query: string, token = witness.token) => get(e14, `/api/e14/documents${query}`, token);

beforeAll(async () => {
  e14 = await startE14ForTests();
  witness = await e14.token('witness');
  otherWitness = await e14.token('witness');
  analyst = await e14.token('analyst');
});
afterAll(async () => e14?.close());

describe('GET /api/e14/documents', () => {
  it("lists only the caller's own documents, newest first, in pages", async () => {
    const mine = await place(`witness:${witness.userId}`, ['01-001-01-01-001', '01-001-01-01-002', '01-001-01-01-003']);
    const theirs = await place(`witness:${otherWitness.userId}`, ['01-001-01-01-004']);
    const analystOwn = await place(`analyst:${analyst.userId}`, ['01-001-01-01-005']);

    const first = await sent('?limit=2');
    expect(first.statusCode).toBe(200);
    const firstPage = first.json() as Page;
    expect(firstPage.documents.map((document) => document.id)).toEqual([mine[2], mine[1]]);
    expect(firstPage.documents[0]).toMatchObject({ mesaKey: '01-001-01-01-003', state: 'queued' });
    expect(firstPage.nextBefore).toBe(mine[1]);

    const second = (await sent(`?limit=2&before=${firstPage.nextBefore}`)).json() as Page;
    expect(second.documents.map((document) => document.id)).toEqual([mine[0]]);
    expect(second.nextBefore).toBeNull();

    const other = (await sent('', otherWitness.token)).json() as Page;
    expect(other.documents.map((document) => document.id)).toEqual(theirs);
    // Staff see their own uploads here too, not everyone's.
    const staff = (await sent('', analyst.token)).json() as Page;
    expect(staff.documents.map((document) => document.id)).toEqual(analystOwn);
  });

  it('narrows to one election', async () => {
    const [elsewhere] = await place(`witness:${otherWitness.userId}`, ['01-001-01-01-006'], 'OTHER-2026');
    const only = (await sent('?election=OTHER-2026', otherWitness.token)).json() as Page;
    expect(only.documents.map((document) => document.id)).toEqual([elsewhere]);
    const none = (await sent('?election=OTHER-2026')).json() as Page;
    expect(none).toEqual({ documents: [], nextBefore: null });
  });

  it('refuses a bad query with 400 VALIDATION_FAILED', async () => {
    for (const query of [
      '?limit=0',
      '?limit=101',
      '?limit=ten',
      '?before=0',
      '?before=-3',
      '?election=not%20a%20code',
    ]) {
      const response = await sent(query);
      expect(response.statusCode, query).toBe(400);
      expect((response.json() as { error: { code: string } }).error.code, query).toBe('VALIDATION_FAILED');
    }
  });

  it('needs a signed-in caller', async () => {
    expect((await e14.app.inject({ method: 'GET', url: '/api/e14/documents' })).statusCode).toBe(401);
  });
});
