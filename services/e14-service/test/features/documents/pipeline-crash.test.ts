import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDivipol, pipelineElection, renderPdf, sheetsOf, upload } from '../../support/pipeline-fixtures.js';
import { type E14UnderTest, startE14ForTests } from '../../testing.js';

const CODE = 'CRASH-2026';
const SHEETS = 6;
const SERVER = fileURLToPath(new URL('../../../src/server.ts', import.meta.url));
const election = pipelineElection(CODE, 12);
let e14: E14UnderTest;
let baseUrl: string;
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** The service in its own process, on the same database and Redis prefix, its workers started. */
async function startReplica(): Promise<ChildProcess> {
  const { config } = e14;
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      DATABASE_URL: config.DATABASE_URL,
      REDIS_URL: config.REDIS_URL,
      REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX,
      CORE_SERVICE_URL: config.CORE_SERVICE_URL,
      E14_FORENSICS_ENABLED: 'false',
      E14_PIPELINE_READ_THREADS: '1',
      E14_PIPELINE_POLL_MS: '50',
      E14_PIPELINE_LEASE_MS: '2000',
      E14_PIPELINE_RETRY_BASE_MS: '50',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

const count = async (sql: string) => (await e14.app.pg.query<{ n: number }>(sql)).rows[0]?.n ?? 0;

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

beforeAll(async () => {
  // This process only receives uploads; the replicas in child processes do the work.
  e14 = await startE14ForTests({ E14_PIPELINE_AUTOSTART: 'false' });
  baseUrl = await e14.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await e14?.close();
});

describe('a replica killed in the middle of a job', () => {
  it('loses no document and records no mesa twice once a replica runs again', async () => {
    const admin = (await e14.token('admin')).token;
    const imported = await importDivipol(baseUrl, admin, election.divipol);
    expect(imported.status).toBe(200);
    for (const [index, sheet] of sheetsOf(election, SHEETS).entries()) {
      const response = await upload(baseUrl, admin, await renderPdf(election, sheet, 500 + index), {
        electionCode: CODE,
      });
      expect(response.status).toBe(202);
    }

    const first = await startReplica();
    // Kill it (SIGKILL: no shutdown hook runs) while a job is being stored, or at least while one is leased.
    await until(
      async () =>
        (await count(`SELECT count(*)::int AS n FROM e14_documents WHERE state = 'processing' AND stage = 'intake'`)) >
          0 || (await count(`SELECT count(*)::int AS n FROM e14_documents WHERE state = 'done'`)) >= 2,
      90_000,
      'a job in progress',
    );
    first.kill('SIGKILL');
    await once(first, 'exit');
    const interrupted = await count(`SELECT count(*)::int AS n FROM e14_documents WHERE state = 'processing'`);
    expect(interrupted).toBeGreaterThan(0);

    const second = await startReplica();
    await until(
      async () => (await count(`SELECT count(*)::int AS n FROM e14_documents WHERE state = 'done'`)) === SHEETS,
      120_000,
      'the queue to drain',
    );
    second.kill('SIGTERM');
    await once(second, 'exit');

    expect(await count(`SELECT count(*)::int AS n FROM e14_documents WHERE state <> 'done'`)).toBe(0);
    // One form per mesa: the retried jobs submitted their saved reading again and intake knew it.
    expect(await count('SELECT count(*)::int AS n FROM e14_forms')).toBe(SHEETS);
    expect(await count('SELECT count(DISTINCT mesa_id)::int AS n FROM e14_forms')).toBe(SHEETS);
    expect(await count('SELECT count(DISTINCT form_id)::int AS n FROM e14_documents')).toBe(SHEETS);
    // The jobs the kill interrupted were taken again after their lease ran out.
    expect(await count('SELECT count(*)::int AS n FROM e14_documents WHERE attempts > 1')).toBe(interrupted);
    // Two service processes, a kill and a lease expiry: on a loaded 2-core runner this takes minutes.
  }, 240_000);
});
