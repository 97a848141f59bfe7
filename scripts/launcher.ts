/**
 * `pnpm start`'s launcher (scripts/start.ts) as the smoke test and the web e2e suite run it: on a
 * state folder of their own, on free ports, with a database and rate-limit counters of its own
 * rather than the machine's shared servers (the launcher creates fixed database names and roles).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

export interface Launcher {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr as they came. */
  output(): string;
  /**
   * The first match of `pattern` in what it printed; rejects when it exits or `timeoutMs` passes
   * first (the error says what was awaited).
   */
  waitFor(what: string, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM, as Ctrl-C would; resolves with its exit code once it has stopped everything. */
  stop(): Promise<number | null>;
}

/** `settings`: variables of the services' configuration this run sets (e.g. shorter review leases). */
export function startLauncher(stateDir: string, settings: Record<string, string> = {}): Launcher {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...settings,
    CASTOR_STATE_DIR: stateDir,
    CORE_SERVICE_PORT: '0',
    E14_SERVICE_PORT: '0',
    DASHBOARD_IA_PORT: '0',
    WEB_PORT: '0',
  };
  // NODE_ENV too: vitest sets it to test, and a person's pnpm start runs without it.
  for (const variable of ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV']) delete env[variable];
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const waitFor = async (what: string, pattern: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(output);
      if (match) return match;
      if (child.exitCode !== null) throw new Error(`the launcher exited (code ${child.exitCode}) before ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
      await new Promise((done) => setTimeout(done, 200));
    }
  };
  const stop = async () => {
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    child.kill('SIGTERM');
    return exited;
  };
  return { child, output: () => output, waitFor, stop };
}
