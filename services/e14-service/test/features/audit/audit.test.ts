import { describe, expect, it } from 'vitest';
import { withTransaction } from '../../../src/db/client.js';
import { appendAudit, checkEntries, GENESIS_HASH } from '../../../src/shared/audit-chain.js';
import { bearer, get } from '../../support/fixtures.js';
import { submitPuestoTwoSheets, withFixtureElection } from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;

withFixtureElection(async (started) => {
  ({ e14, admin } = started);
  await submitPuestoTwoSheets(e14, admin);
});

describe('hash-chained audit log', () => {
  it('verifies from genesis to the head', async () => {
    const response = await get(e14, '/api/audit/verify', admin);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ ok: true, firstBroken: null });
    expect(body.entries).toBe(7); // divipol import + 3 × (e14.stored + reconciliation.decided)
    expect(body.head.seq).toBe(7);
  });

  it('refuses UPDATE, DELETE and TRUNCATE at the database level', async () => {
    await expect(e14.app.pg.query(`UPDATE audit_log SET actor = 'someone else' WHERE seq = 2`)).rejects.toThrow(
      /append-only/,
    );
    await expect(e14.app.pg.query('DELETE FROM audit_log WHERE seq = 7')).rejects.toThrow(/append-only/);
    await expect(e14.app.pg.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  });

  it('exports with the chain head so a third party can verify offline with the same check', async () => {
    const response = await get(e14, '/api/audit/export?fromSeq=1&limit=100', admin);
    const body = response.json();
    expect(body.head).toEqual({ seq: 7, hash: body.entries.at(-1).hash });
    expect(checkEntries(body.entries, { seq: 0, hash: GENESIS_HASH })).toEqual({ last: body.head, broken: null });
    const forged = body.entries.map((entry: { seq: number; after: unknown }) =>
      entry.seq === 4 ? { ...entry, after: { ...(entry.after as object), version: 9 } } : entry,
    );
    expect(checkEntries(forged, { seq: 0, hash: GENESIS_HASH }).broken).toMatchObject({
      seq: 4,
      reason: 'hash_mismatch',
    });
    const paged = await get(e14, '/api/audit/export?fromSeq=3&limit=2', admin);
    expect(paged.json().entries.map((entry: { seq: number }) => entry.seq)).toEqual([3, 4]);
    expect(paged.json().nextFromSeq).toBe(5);
  });

  it('hashes what it stores: values that are not plain JSON are recorded as JSON.stringify writes them', async () => {
    const at = new Date('2026-03-08T16:00:00.000Z');
    await withTransaction(e14.app.pg, (client) =>
      appendAudit(client, [
        {
          actor: 'system:test',
          action: 'test.odd_values',
          entity: 'test',
          entityId: 'ñandú "1"\n',
          before: { when: at, ratio: Number.NaN, skipped: undefined, list: [undefined, Number.POSITIVE_INFINITY, -0] },
          after: { z: 1, a: { nested: 'é', b: [true, null] }, '10': 'x', '9': 'y' },
        },
        { actor: 'system:test', action: 'test.no_values', entity: 'test', entityId: '2' },
      ]),
    );
    const stored = await e14.app.pg.query<{ before: unknown; after: unknown }>(
      `SELECT before, after FROM audit_log WHERE action LIKE 'test.%' ORDER BY seq`,
    );
    expect(stored.rows).toEqual([
      {
        before: { list: [null, null, 0], ratio: null, when: '2026-03-08T16:00:00.000Z' },
        after: { '10': 'x', '9': 'y', a: { b: [true, null], nested: 'é' }, z: 1 },
      },
      { before: null, after: null },
    ]);
    expect((await get(e14, '/api/audit/verify', admin)).json()).toMatchObject({ ok: true, entries: 9 });
  });

  it('names the first broken link when a row is altered directly in the database', async () => {
    // Only a superuser who disables the protection triggers can do this; the chain still tells.
    const client = await e14.app.pg.connect();
    try {
      await client.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete');
      await client.query(`UPDATE audit_log SET after = jsonb_set(after::jsonb, '{version}', '5')::json WHERE seq = 4`);
      await client.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete');
    } finally {
      client.release();
    }
    const response = await e14.app.inject({ method: 'GET', url: '/api/audit/verify', headers: bearer(admin) });
    expect(response.json()).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: 'hash_mismatch' } });
  });

  it('publishes the head unsigned, and says so, when no signing key is configured', async () => {
    const head = (await get(e14, '/api/audit/head', admin)).json();
    expect(head).toMatchObject({ signed: false, signature: null, publicKey: null, keyId: null });
    expect(head).toHaveProperty('seq');
  });

  it('is read by admins and analysts only', async () => {
    const reviewer = (await e14.token('reviewer')).token;
    expect((await get(e14, '/api/audit/verify', reviewer)).statusCode).toBe(403);
  });
});
