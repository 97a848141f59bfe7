import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, verify as verifySignature } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadE14Config } from '../../../src/config.js';
import { withTransaction } from '../../../src/db/client.js';
import { verifyExportPages } from '../../../src/features/audit/export-verification.js';
import { appendAudit } from '../../../src/shared/audit-chain.js';
import { verifySignedAuditHead } from '../../../src/shared/audit-head.js';
import { get, honestSheet, importFixture, post } from '../../support/fixtures.js';
import { beforeAllStarted } from '../../support/lifecycle.js';
import { type E14UnderTest, startE14ForTests } from '../../testing.js';

const keys = generateKeyPairSync('ed25519');
const signingKey = keys.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
const publicKey = keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

let e14: E14UnderTest;
let admin: string;

beforeAllStarted(
  async () => ({ e14: await startE14ForTests({ E14_AUDIT_SIGNING_KEY: signingKey }) }),
  async (started) => {
    e14 = started.e14;
    admin = (await e14.token('admin')).token;
    await importFixture(e14, admin);
    const stored = await post(e14, '/api/e14/process-v2', admin, honestSheet('01-031-99-02-001', [31, 20, 0, 0]));
    expect(stored.statusCode).toBe(201);
  },
);

const headOf = async (token = admin) => (await get(e14, '/api/audit/head', token)).json();
const verifyAgainst = async (head?: { seq: number; hash: string }) =>
  (await get(e14, `/api/audit/verify${head ? `?headSeq=${head.seq}&headHash=${head.hash}` : ''}`, admin)).json();

/** Deletes the entries after `seq` and rewinds audit_head to it, as a superuser with the protection off would. */
async function truncateAfter(head: { seq: number; hash: string }) {
  const client = await e14.app.pg.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query('DELETE FROM audit_log WHERE seq > $1', [head.seq]);
    await client.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1', [head.seq, head.hash]);
  } finally {
    await client.query('RESET session_replication_role');
    client.release();
  }
}

describe('the signed chain head', () => {
  it('is signed with Ed25519 over the RFC 8785 JSON of {format, seq, hash, at}, by the configured key', async () => {
    const head = await headOf();
    expect(head).toMatchObject({
      format: 'castor-audit-head/1',
      seq: 3,
      signed: true,
      algorithm: 'Ed25519',
      publicKey,
    });
    const text = JSON.stringify({ at: head.at, format: head.format, hash: head.hash, seq: head.seq });
    const signature = Buffer.from(head.signature, 'base64');
    expect(verifySignature(null, Buffer.from(text), keys.publicKey, signature)).toBe(true);
    expect(verifySignedAuditHead(head, publicKey)).toBe(true);
    expect(verifySignedAuditHead({ ...head, seq: head.seq - 1 }, publicKey)).toBe(false);
    const otherKey = generateKeyPairSync('ed25519')
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64');
    expect(verifySignedAuditHead(head, otherKey)).toBe(false);
  });

  it('is read by viewers too, not by reviewers; the export carries it signed', async () => {
    expect((await get(e14, '/api/audit/head', (await e14.token('viewer')).token)).statusCode).toBe(200);
    expect((await get(e14, '/api/audit/head', (await e14.token('reviewer')).token)).statusCode).toBe(403);
    const exported = (await get(e14, '/api/audit/export', admin)).json();
    expect(exported.signedHead).toMatchObject({ seq: exported.head.seq, hash: exported.head.hash, signed: true });
    expect(verifySignedAuditHead(exported.signedHead, publicKey)).toBe(true);
  });

  it('reveals a truncated tail that a published head had covered', async () => {
    const earlier = await headOf();
    await withTransaction(e14.app.pg, (client) =>
      appendAudit(client, [
        { actor: 'system:test', action: 'test.later', entity: 'test', entityId: '1' },
        { actor: 'system:test', action: 'test.later', entity: 'test', entityId: '2' },
      ]),
    );
    const published = await headOf();
    expect(published.seq).toBe(earlier.seq + 2);
    expect(await verifyAgainst(published)).toMatchObject({ ok: true, publishedHead: { seq: published.seq } });
    await truncateAfter(earlier);
    // The shortened chain is consistent in itself: only the published head tells.
    expect(await verifyAgainst()).toMatchObject({ ok: true, head: { seq: earlier.seq } });
    expect(await verifyAgainst(earlier)).toMatchObject({ ok: true });
    expect(await verifyAgainst(published)).toMatchObject({
      ok: false,
      firstBroken: { seq: published.seq, reason: 'truncated', expected: published.hash },
      firstMismatch: { kind: 'chain', field: 'truncated' },
    });
    const forged = { seq: earlier.seq, hash: 'f'.repeat(64) };
    expect(await verifyAgainst(forged)).toMatchObject({
      ok: false,
      firstBroken: { seq: earlier.seq, reason: 'truncated', found: earlier.hash },
    });
  });

  it('refuses a published head given by half; the query and the head are in the OpenAPI document', async () => {
    const response = await get(e14, '/api/audit/verify?headSeq=3', admin);
    expect(response.statusCode).toBe(400);
    const { paths } = (await e14.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const parameters = paths['/api/audit/verify'].get.parameters.map((parameter: { name: string }) => parameter.name);
    expect(parameters).toEqual(expect.arrayContaining(['headSeq', 'headHash']));
    expect(paths['/api/audit/head'].get.responses['200']).toBeDefined();
  });
});

const CLI = fileURLToPath(new URL('../../../src/cli.ts', import.meta.url));

/** Runs the command line; its JSON answer and exit code. */
async function cli(args: string[], env: Record<string, string> = {}) {
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, ...env },
  });
  const { stdout, code } = await run.then(
    ({ stdout }) => ({ stdout, code: 0 }),
    (failed: { stdout: string; code: number }) => ({ stdout: failed.stdout, code: failed.code }),
  );
  return { code, answer: JSON.parse(stdout) };
}

describe('offline and from a shell', () => {
  it('verifies an export: its signed head by a pinned key, and a head published earlier', async () => {
    const exported = (await get(e14, '/api/audit/export', admin)).json();
    const { head } = exported;
    expect(verifyExportPages([exported], { publicKey })).toMatchObject({
      ok: true,
      signedHead: 'valid',
      reached: head,
    });
    const stranger = generateKeyPairSync('ed25519')
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64');
    expect(verifyExportPages([exported], { publicKey: stranger })).toMatchObject({ ok: false, signedHead: 'invalid' });
    const resigned = { ...exported, signedHead: { ...exported.signedHead, seq: head.seq - 1 } };
    expect(verifyExportPages([resigned], { publicKey })).toMatchObject({ ok: false, signedHead: 'invalid' });
    expect(verifyExportPages([exported], { headSeq: 1, headHash: exported.entries[0].hash })).toMatchObject({
      ok: true,
      publishedHead: { seq: 1, contained: true },
    });
    expect(verifyExportPages([exported], { headSeq: head.seq + 1, headHash: 'a'.repeat(64) })).toMatchObject({
      ok: false,
      publishedHead: { contained: false },
    });
  });

  it('runs both verifications from the command line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'audit-export-')), 'export.json');
    const exported = (await get(e14, '/api/audit/export', admin)).json();
    writeFileSync(file, JSON.stringify(exported));
    expect(await cli(['verify-audit', file, '--public-key', publicKey])).toMatchObject({
      code: 0,
      answer: { ok: true, signedHead: 'valid', reached: exported.head },
    });
    const { code, answer } = await cli(['verify-audit-db'], {
      DATABASE_URL: e14.database.url,
      E14_AUDIT_SIGNING_KEY: signingKey,
    });
    expect(code).toBe(0);
    expect(answer).toMatchObject({ ok: true, firstMismatch: null, head: exported.head });
    expect(verifySignedAuditHead(answer.signedHead, publicKey)).toBe(true);
  });
});

describe('E14_AUDIT_SIGNING_KEY', () => {
  const base = {
    DATABASE_URL: 'postgres://localhost/x',
    REDIS_URL: 'redis://localhost',
    CORE_SERVICE_URL: 'http://localhost',
  };

  it('takes the key as PKCS#8 PEM, base64 DER or base64 seed, all the same key', () => {
    const pem = keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const seed = Buffer.from(keys.privateKey.export({ format: 'der', type: 'pkcs8' }))
      .subarray(-32)
      .toString('base64');
    for (const text of [pem, pem.replaceAll('\n', '\\n'), signingKey, seed]) {
      const key = loadE14Config({ ...base, E14_AUDIT_SIGNING_KEY: text }).E14_AUDIT_SIGNING_KEY;
      expect(key && createPublicKey(key).export({ format: 'der', type: 'spki' }).toString('base64')).toBe(publicKey);
    }
  });

  it('refuses anything but an Ed25519 private key, without echoing it', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' });
    for (const text of ['not-a-key', rsa.toString()]) {
      expect(() => loadE14Config({ ...base, E14_AUDIT_SIGNING_KEY: text })).toThrow(
        /E14_AUDIT_SIGNING_KEY: must be an Ed25519 private key/,
      );
    }
  });
});
