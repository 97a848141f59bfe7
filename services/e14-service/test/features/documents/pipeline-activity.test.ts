import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELECTION, get, honestSheet, post } from '../../support/fixtures.js';
import { startWithFixtureElection, votes } from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

/** Election night's activity chart: documents inserted at known times, their buckets read back. */
let e14: E14UnderTest;
let admin: string;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Bucket {
  start: string;
  received: number;
  read: number;
  validated: number;
  backlog: number;
}

interface Placed {
  election?: string;
  createdAt: number;
  finishedAt?: number;
  state: 'queued' | 'processing' | 'done' | 'failed';
  formId?: number;
}

/** Documents as the pipeline leaves them, at the given times (the pipeline's own timestamps are now()). */
async function place(documents: Placed[]) {
  for (const document of documents) {
    await e14.app.pg.query(
      `INSERT INTO e14_documents (kind, election_code, state, max_attempts, submitted_by, form_id, created_at, finished_at)
       VALUES ('upload', $1, $2, 3, 'admin:test', $3, $4, $5)`,
      [
        document.election ?? ELECTION,
        document.state,
        document.formId ?? null,
        new Date(document.createdAt),
        document.finishedAt === undefined ? null : new Date(document.finishedAt),
      ],
    );
  }
}

async function activity(election: string, token = admin) {
  return get(e14, `/api/pipeline/activity?election=${election}`, token);
}

/** A stored form of the fixture election and its status. */
async function storedForm(mesa: string, sheet = honestSheet(mesa, votes([40, 30]))) {
  const response = await post(e14, '/api/e14/forms', admin, sheet);
  expect(response.statusCode).toBe(201);
  const form = await e14.app.pg.query<{ id: string; status: string }>(
    `SELECT f.id, f.status FROM e14_forms f JOIN mesas m ON m.id = f.mesa_id WHERE m.mesa_key = $1`,
    [mesa],
  );
  const row = form.rows[0];
  if (!row) throw new Error(`no form stored for ${mesa}`);
  return { id: Number(row.id), status: row.status };
}

beforeAll(async () => {
  ({ e14, admin } = await startWithFixtureElection());
});
afterAll(async () => e14?.close());

describe('pipeline activity', () => {
  it('counts received, read and validated documents per minute of the last minutes, and the backlog after each', async () => {
    const validated = await storedForm('01-031-99-01-001');
    // Its suma total is not the sum of its rows: read, but not validated.
    const failedRules = await storedForm('01-031-99-01-002', {
      ...honestSheet('01-031-99-01-002', votes([40, 30])),
      sumaTotal: 999,
    });
    expect([validated.status, failedRules.status]).toEqual(['validated', 'failed_rules']);

    // Forty minutes back, on a minute: the window starts at the first document, in 1-minute buckets.
    const base = Math.floor(Date.now() / MINUTE) * MINUTE - 40 * MINUTE;
    await place([
      { createdAt: base + 10_000, finishedAt: base + 2 * MINUTE + 30_000, state: 'done', formId: validated.id },
      { createdAt: base + 20_000, finishedAt: base + 2 * MINUTE + 40_000, state: 'done', formId: failedRules.id },
      { createdAt: base + MINUTE + 5_000, finishedAt: base + 3 * MINUTE + 10_000, state: 'failed' },
      { createdAt: base + MINUTE + 30_000, state: 'queued' },
      { createdAt: base + 4 * MINUTE, state: 'processing' },
      { election: 'OTHER-ELECTION', createdAt: base + 30_000, state: 'queued' },
    ]);

    const response = await activity(ELECTION);
    expect(response.statusCode).toBe(200);
    const body = response.json() as { bucketMinutes: number; buckets: Bucket[] };
    expect(body.bucketMinutes).toBe(1);
    const at = (minute: number) => body.buckets.find((bucket) => Date.parse(bucket.start) === base + minute * MINUTE);
    expect(Date.parse(body.buckets[0]?.start ?? '')).toBe(base);
    expect([0, 1, 2, 3, 4, 5].map(at)).toEqual([
      { start: new Date(base).toISOString(), received: 2, read: 0, validated: 0, backlog: 2 },
      { start: new Date(base + MINUTE).toISOString(), received: 2, read: 0, validated: 0, backlog: 4 },
      { start: new Date(base + 2 * MINUTE).toISOString(), received: 0, read: 2, validated: 1, backlog: 2 },
      { start: new Date(base + 3 * MINUTE).toISOString(), received: 0, read: 0, validated: 0, backlog: 1 },
      { start: new Date(base + 4 * MINUTE).toISOString(), received: 1, read: 0, validated: 0, backlog: 2 },
      { start: new Date(base + 5 * MINUTE).toISOString(), received: 0, read: 0, validated: 0, backlog: 2 },
    ]);
    // Up to the current minute, the backlog there being today's.
    const last = body.buckets.at(-1);
    expect(Date.now() - Date.parse(last?.start ?? '')).toBeLessThan(2 * MINUTE);
    expect(last?.backlog).toBe(2);
    expect(body.buckets.length).toBeGreaterThanOrEqual(41);
  });

  it('covers at most the last 6 hours, in 5-minute buckets, counting older documents still waiting', async () => {
    const now = Date.now();
    await place([
      { election: 'LONG-NIGHT', createdAt: now - 8 * HOUR, finishedAt: now - 7 * HOUR, state: 'failed' },
      { election: 'LONG-NIGHT', createdAt: now - 7 * HOUR, state: 'queued' },
      { election: 'LONG-NIGHT', createdAt: now - 30 * MINUTE, finishedAt: now - 10 * MINUTE, state: 'done' },
    ]);
    const body = (await activity('LONG-NIGHT')).json() as { bucketMinutes: number; buckets: Bucket[] };
    expect(body.bucketMinutes).toBe(5);
    expect(body.buckets.length).toBeGreaterThanOrEqual(72);
    expect(body.buckets.length).toBeLessThanOrEqual(73);
    expect(now - Date.parse(body.buckets[0]?.start ?? '')).toBeLessThanOrEqual(6 * HOUR + 5 * MINUTE);
    expect(body.buckets[0]?.backlog).toBe(1);
    expect(body.buckets.reduce((sum, bucket) => sum + bucket.received, 0)).toBe(1);
    expect(body.buckets.reduce((sum, bucket) => sum + bucket.read, 0)).toBe(1);
    expect(Math.max(...body.buckets.map((bucket) => bucket.backlog))).toBe(2);
    expect(body.buckets.at(-1)?.backlog).toBe(1);
  });

  it('shows documents that just arrived against the last 30 minutes', async () => {
    await place([{ election: 'JUST-STARTED', createdAt: Date.now() - 5_000, state: 'queued' }]);
    const body = (await activity('JUST-STARTED')).json() as { bucketMinutes: number; buckets: Bucket[] };
    expect(body.bucketMinutes).toBe(1);
    expect(body.buckets.length).toBeGreaterThanOrEqual(30);
    expect(body.buckets.length).toBeLessThanOrEqual(32);
    expect(body.buckets.slice(0, -2).every((bucket) => bucket.received === 0 && bucket.backlog === 0)).toBe(true);
    expect(body.buckets.reduce((sum, bucket) => sum + bucket.received, 0)).toBe(1);
    expect(body.buckets.at(-1)?.backlog).toBe(1);
  });

  it('answers an election without documents with no buckets, and only admins and analysts', async () => {
    expect((await activity('NO-DOCUMENTS')).json()).toMatchObject({ election: 'NO-DOCUMENTS', buckets: [] });
    const analyst = (await e14.token('analyst')).token;
    expect((await activity(ELECTION, analyst)).statusCode).toBe(200);
    const witness = (await e14.token('witness')).token;
    expect((await activity(ELECTION, witness)).statusCode).toBe(403);
    expect((await activity('not a code')).statusCode).toBe(400);
  });
});
