/**
 * Starts CASTOR once for the whole e2e project, the way `pnpm start` does (scripts/start.ts: an
 * embedded PostgreSQL, the built services, the gateway serving the built app, the demo election),
 * in a fresh state folder on free ports, and hands the specs its URL and first admin.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// The module augmented below: named so TypeScript resolves it in this file.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_PATH } from './browser.js';

const root = resolve(import.meta.dirname, '../../..');

export interface Castor {
  /** The one address a person opens: the app, with /api/* routed to the services. */
  url: string;
  admin: { email: string; password: string };
  electionCode: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    castor: Castor;
  }
}

// The demo election loads in a minute or two alone; beside the other test projects, longer.
const START_TIMEOUT_MS = 480_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The e2e suite needs Chromium at ${CHROMIUM_PATH} (Debian: apt-get install -y chromium; .ci/run installs it). Set CHROMIUM_PATH to use another.`,
    );
  }
  // What pnpm start runs: turbo's cache makes this a few seconds when nothing changed, and the
  // suite never drives a stale build. Built as pnpm start builds, without vitest's NODE_ENV=test:
  // with it Vite bundles React's development build, and turbo (whose cache key leaves NODE_ENV out)
  // would then hand that build to pnpm start and the web bench too.
  execFileSync(
    'pnpm',
    [
      'exec',
      'turbo',
      'run',
      'build',
      '--filter=@castor/core-service...',
      '--filter=@castor/e14-service...',
      '--filter=@castor/web...',
      '--output-logs=errors-only',
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: undefined } },
  );

  // CASTOR_E2E_STATE_DIR keeps the state (and the loaded demo election) between local runs.
  const keptStateDir = process.env.CASTOR_E2E_STATE_DIR;
  const stateDir = keptStateDir ? resolve(keptStateDir) : mkdtempSync(join(tmpdir(), 'castor-e2e-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    CASTOR_STATE_DIR: stateDir,
    CORE_SERVICE_PORT: '0',
    E14_SERVICE_PORT: '0',
    WEB_PORT: '0',
    // Short review leases, so the review journey sees the desk renew the lease of the cell on screen.
    E14_REVIEW_LEASE_SECONDS: '24',
  };
  // Like the smoke test: a database and rate-limit counters of its own, not the ones other test
  // projects share on the machine's servers (the launcher creates fixed database names and roles).
  for (const variable of ['DATABASE_URL', 'REDIS_URL']) delete env[variable];

  let output = '';
  const launcher: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  launcher.stdout?.on('data', collect);
  launcher.stderr?.on('data', collect);

  const stop = async () => {
    if (launcher.exitCode === null) {
      const exited = new Promise((done) => launcher.once('exit', done));
      launcher.kill('SIGTERM');
      await exited;
    }
    if (!keptStateDir) rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let url: string | undefined;
    let electionCode: string | undefined;
    while (!(url && electionCode)) {
      if (launcher.exitCode !== null) throw new Error(`pnpm start exited with code ${launcher.exitCode}`);
      if (Date.now() > deadline)
        throw new Error(`pnpm start did not load the demo election in ${START_TIMEOUT_MS / 1000} s`);
      url = /CASTOR is running: open (http:\/\/\S+)/.exec(output)?.[1];
      electionCode = /demo election (\S+) (loaded|already loaded)/.exec(output)?.[1];
      await new Promise((done) => setTimeout(done, 250));
    }
    const secrets = readFileSync(join(stateDir, 'secrets.env'), 'utf8');
    const secret = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(secrets)?.[1] ?? '';
    project.provide('castor', {
      url,
      admin: { email: secret('ADMIN_EMAIL'), password: secret('ADMIN_PASSWORD') },
      electionCode,
    });
  } catch (error) {
    await stop();
    const tail = output.split('\n').slice(-60).join('\n');
    throw new Error(
      `${error instanceof Error ? error.message : error}\n--- pnpm start output (last lines) ---\n${tail}`,
    );
  }
  return stop;
}
