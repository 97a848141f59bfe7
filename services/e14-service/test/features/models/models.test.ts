import { spawn } from 'node:child_process';
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelRollbackResponse, PipelineStatus, RecognizerModel } from '@castor/contracts';
import { latestModelVersion, MODELS_DIRECTORY, modelFileName } from '@castor/digit-recognizer';
import { afterAll, describe, expect, it } from 'vitest';
import { buildE14App, type E14App } from '../../../src/app.js';
import { ModelsRepository } from '../../../src/features/models/models.repository.js';
import { beforeAllStarted } from '../../support/lifecycle.js';
import { listeningE14With, pipelineElection, processSheet, sheetsOf } from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

const CODE = 'MODELS-2026';
const CLI = fileURLToPath(new URL('../../../src/cli.ts', import.meta.url));
const BUNDLED = latestModelVersion('handwritten');
const election = pipelineElection(CODE, 2);
let e14: E14UnderTest;
let baseUrl: string;
let admin: string;
const replicas: E14App[] = [];

// This instance reads nothing: the sheet is read by a second replica started later.
beforeAllStarted(
  () => listeningE14With(election, { E14_PIPELINE_AUTOSTART: 'false', E14_MODEL_POLL_MS: '100' }),
  (started) => {
    ({ e14, baseUrl, admin } = started);
  },
);
afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.app.close()));
});

/** Another replica of the service on the same database and Redis prefix. */
async function replica(overrides: Partial<E14UnderTest['config']> = {}): Promise<E14App> {
  const started = await buildE14App({ ...e14.config, ...overrides }, { logger: false });
  replicas.push(started);
  await started.app.ready();
  return started;
}

/** Registers a trained version (a committed model file's content) with `status`, as the trainer and the gate will. */
async function registerTrained(version: number, file: string, status: RecognizerModel['status']) {
  const json = readFileSync(join(MODELS_DIRECTORY, file), 'utf8');
  const registered = await new ModelsRepository(e14.app.pg).register(
    {
      version,
      json,
      sha256: hash('sha256', json, 'hex'),
      source: 'trained',
      status,
      learnedFromCells: 120,
      note: 'test',
    },
    false,
  );
  expect(registered).toBe(true);
}

const call = (url: string, token: string, body?: unknown) =>
  fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const rollback = (token: string, version: number) => call(`${baseUrl}/api/pipeline/model/rollback`, token, { version });

async function listed(): Promise<RecognizerModel[]> {
  const response = await call(`${baseUrl}/api/pipeline/models`, admin);
  expect(response.status).toBe(200);
  return ((await response.json()) as { models: RecognizerModel[] }).models;
}

async function modelInUse(url: string): Promise<PipelineStatus['model']> {
  const response = await call(`${url}/api/pipeline/status`, admin);
  expect(response.status).toBe(200);
  return ((await response.json()) as PipelineStatus).model;
}

const auditOf = async (action: string) =>
  (
    await e14.app.pg.query<{ actor: string; entity_id: string; before: unknown; after: unknown }>(
      'SELECT actor, entity_id, before, after FROM audit_log WHERE action = $1 ORDER BY seq',
      [action],
    )
  ).rows;

/** `cli rollback-model <version>` in its own process on the service's database. */
function cli(version: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'rollback-model', version], {
    env: { PATH: process.env.PATH, DATABASE_URL: e14.config.DATABASE_URL },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('the recognizer model registry', () => {
  it('registers the committed model as the active version once, even when replicas start together', async () => {
    expect(await listed()).toMatchObject([{ version: BUNDLED, source: 'bundled', status: 'active' }]);
    const file = readFileSync(join(MODELS_DIRECTORY, modelFileName('handwritten', BUNDLED)), 'utf8');
    expect((await listed())[0]?.sha256).toBe(hash('sha256', file, 'hex'));
    expect(await modelInUse(baseUrl)).toMatchObject({ version: BUNDLED, source: 'bundled', learnedFromCells: 0 });

    await e14.app.pg.query('DELETE FROM recognizer_models');
    await Promise.all([replica({ E14_PIPELINE_AUTOSTART: false }), replica({ E14_PIPELINE_AUTOSTART: false })]);
    const rows = await e14.app.pg.query<{ version: number; status: string }>(
      'SELECT version, status FROM recognizer_models',
    );
    expect(rows.rows).toEqual([{ version: BUNDLED, status: 'active' }]);
  });

  it('rolls back to an earlier version for an admin only, audited, and answers 404 / 409 / replay', async () => {
    await registerTrained(BUNDLED + 1, modelFileName('handwritten', 2), 'retired');
    await registerTrained(BUNDLED + 2, modelFileName('handwritten', 2), 'rejected');
    await registerTrained(BUNDLED + 3, modelFileName('handwritten', 2), 'candidate');

    const analyst = (await e14.token('analyst')).token;
    expect((await rollback(analyst, BUNDLED + 1)).status).toBe(403);
    expect((await call(`${baseUrl}/api/pipeline/models`, analyst)).status).toBe(200);
    const reviewer = (await e14.token('reviewer')).token;
    expect((await call(`${baseUrl}/api/pipeline/models`, reviewer)).status).toBe(403);
    const unknown = await rollback(admin, 999);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'MODEL_VERSION_UNKNOWN' } });
    const rejected = await rollback(admin, BUNDLED + 2);
    expect(rejected.status).toBe(409);
    expect(await rejected.json()).toMatchObject({ error: { code: 'MODEL_VERSION_REJECTED' } });
    const candidate = await rollback(admin, BUNDLED + 3);
    expect(candidate.status).toBe(409);
    expect(await candidate.json()).toMatchObject({ error: { code: 'MODEL_VERSION_NOT_GATED' } });
    expect(await auditOf('recognizer_model.rolled_back')).toHaveLength(0);

    const done = await rollback(admin, BUNDLED + 1);
    expect(done.status).toBe(200);
    const answer = (await done.json()) as ModelRollbackResponse;
    expect(answer).toMatchObject({
      replay: false,
      previousVersion: BUNDLED,
      model: { version: BUNDLED + 1, status: 'active' },
    });
    const statuses = Object.fromEntries((await listed()).map((model) => [model.version, model.status]));
    expect(statuses).toEqual({
      [BUNDLED]: 'retired',
      [BUNDLED + 1]: 'active',
      [BUNDLED + 2]: 'rejected',
      [BUNDLED + 3]: 'candidate',
    });
    const [audit, ...more] = await auditOf('recognizer_model.rolled_back');
    expect(more).toHaveLength(0);
    expect(audit?.actor).toMatch(/^admin:/);
    expect(audit).toMatchObject({
      entity_id: String(BUNDLED + 1),
      before: { activeVersion: BUNDLED },
      after: { activeVersion: BUNDLED + 1 },
    });
    // The replica that answered reads with it at once; status shows it.
    expect(await modelInUse(baseUrl)).toMatchObject({ version: BUNDLED + 1, source: 'trained', learnedFromCells: 120 });

    const replay = await rollback(admin, BUNDLED + 1);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ replay: true, previousVersion: null });
    expect(await auditOf('recognizer_model.rolled_back')).toHaveLength(1);
    const metrics = await (await fetch(`${baseUrl}/api/metrics`)).text();
    expect(metrics).toMatch(/e14_recognizer_model_changes_total\{[^}]*change="rollback"[^}]*\} 1/);
  });

  it('reaches a running replica without a restart (CLI rollback), and its next sheet records that version', async () => {
    await registerTrained(BUNDLED + 4, modelFileName('handwritten', 3), 'retired');
    const reader = await replica({ E14_PIPELINE_AUTOSTART: true });
    const readerUrl = await reader.app.listen({ host: '127.0.0.1', port: 0 });
    expect(await modelInUse(readerUrl)).toMatchObject({ version: BUNDLED + 1 });

    const refused = await cli('999');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('MODEL_VERSION_UNKNOWN');
    const done = await cli(String(BUNDLED + 4));
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ replay: false, previousVersion: BUNDLED + 1 });
    expect((await auditOf('recognizer_model.rolled_back')).at(-1)).toMatchObject({
      actor: 'system:cli',
      entity_id: String(BUNDLED + 4),
    });

    // The replica sees it at its next poll (E14_MODEL_POLL_MS = 100 ms).
    for (let polls = 0; (await modelInUse(readerUrl))?.version !== BUNDLED + 4; polls++) {
      if (polls > 100) throw new Error('the replica never picked up the rolled-back model');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [submission] = sheetsOf(election, 1);
    if (!submission) throw new Error('no sheet');
    const document = await processSheet(readerUrl, admin, election, submission, {
      seed: 7,
      fields: { electionCode: CODE },
    });
    expect(document.state).toBe('done');
    const fields = await e14.app.pg.query<{ read_by: string | null; model_version: number | null }>(
      'SELECT read_by, model_version FROM e14_fields WHERE form_id = $1',
      [document.formId],
    );
    const local = fields.rows.filter((row) => row.read_by?.startsWith('castor-local'));
    expect(local.length).toBeGreaterThan(5);
    expect(new Set(local.map((row) => row.model_version))).toEqual(new Set([BUNDLED + 4]));
    // A cell the recognizer did not read (illegible, no reader) records no model.
    for (const row of fields.rows) if (row.read_by === null) expect(row.model_version).toBeNull();
  });
});
