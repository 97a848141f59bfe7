/**
 * Starts CASTOR once for the whole e2e project, the way `pnpm start` does (scripts/start.ts: an
 * embedded PostgreSQL, the built services, the gateway serving the built app, the demo election),
 * in a fresh state folder on free ports, and hands the specs its URL and first admin.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// The module augmented below: named so TypeScript resolves it in this file.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startLauncher } from '../../../scripts/launcher.js';
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
  // suite never drives a stale build. Without vitest's NODE_ENV=test, under which Vite would
  // bundle React's development build (double effects, slower): the suite drives what people get.
  const buildEnv = { ...process.env };
  delete buildEnv.NODE_ENV;
  execFileSync(
    'pnpm',
    [
      'exec',
      'turbo',
      'run',
      'build',
      '--filter=@castor/core-service...',
      '--filter=@castor/e14-service...',
      '--filter=@castor/dashboard-ia...',
      '--filter=@castor/web...',
      '--output-logs=errors-only',
    ],
    { cwd: root, stdio: 'inherit', env: buildEnv },
  );

  // CASTOR_E2E_STATE_DIR keeps the state (and the loaded demo election) between local runs.
  const keptStateDir = process.env.CASTOR_E2E_STATE_DIR;
  const stateDir = keptStateDir ? resolve(keptStateDir) : mkdtempSync(join(tmpdir(), 'castor-e2e-'));
  const launcher = startLauncher(stateDir, {
    // Short review leases, so the review journey sees the desk renew the lease of the cell on screen.
    E14_REVIEW_LEASE_SECONDS: '24',
    // Every journey signs in from 127.0.0.1, far more often than one person would (core-service's
    // own tests hold the sign-in budget to its default).
    RATE_LIMIT_AUTH: '300/minute',
  });
  const stop = async () => {
    await launcher.stop();
    if (!keptStateDir) rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    const [, url = ''] = await launcher.waitFor(
      'the web address',
      /CASTOR is running: open (http:\/\/\S+)/,
      START_TIMEOUT_MS,
    );
    const [, electionCode = ''] = await launcher.waitFor(
      'the demo election',
      /demo election (\S+) (loaded|already loaded)/,
      deadline - Date.now(),
    );
    const secrets = readFileSync(join(stateDir, 'secrets.env'), 'utf8');
    const secret = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(secrets)?.[1] ?? '';
    project.provide('castor', {
      url,
      admin: { email: secret('ADMIN_EMAIL'), password: secret('ADMIN_PASSWORD') },
      electionCode,
    });
  } catch (error) {
    await stop();
    const tail = launcher.output().split('\n').slice(-60).join('\n');
    throw new Error(
      `${error instanceof Error ? error.message : error}\n--- pnpm start output (last lines) ---\n${tail}`,
    );
  }
  return stop;
}
