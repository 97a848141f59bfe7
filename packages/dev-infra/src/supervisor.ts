import type { ChildProcess } from 'node:child_process';

export interface SuperviseOptions {
  /** Used in the lines given to `log`. */
  name: string;
  /** Starts one run of the process; called again for every restart. */
  spawn: () => ChildProcess;
  /** Receives one line per crash and per restart, so the person at the console knows. */
  log: (line: string) => void;
  /** Wait before the first restart after a crash; doubles with every further crash. Default 1 s. */
  initialBackoffMs?: number;
  /** Longest wait between restarts. Default 30 s. */
  maxBackoffMs?: number;
  /** A run that stayed up this long was healthy: its crash restarts after `initialBackoffMs` again. Default 60 s. */
  resetAfterMs?: number;
}

export interface SupervisedProcess {
  /** The process of the current run (the last one started, which may have exited). */
  readonly child: ChildProcess;
  /** How many times the process has been restarted after a crash. */
  readonly restarts: number;
  /** Ends the current run (SIGTERM) and any pending restart; resolves once the process has exited. */
  stop(): Promise<void>;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `was killed by ${signal}`;
  return code === null ? 'could not be started' : `exited with code ${code}`;
}

/**
 * Keeps a child process running: whenever it exits without `stop()` having been called, it is
 * started again after a backoff, so one crashed service does not take a whole local system down
 * with it, and a service that crashes on every start does not spin the CPU.
 */
export function supervise(options: SuperviseOptions): SupervisedProcess {
  const initialBackoffMs = options.initialBackoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const resetAfterMs = options.resetAfterMs ?? 60_000;
  let stopped = false;
  let restarts = 0;
  let consecutiveCrashes = 0;
  let pendingRestart: NodeJS.Timeout | undefined;
  let child: ChildProcess;

  const run = (): ChildProcess => {
    const started = Date.now();
    const current = options.spawn();
    let ended = false;
    const onEnd = (code: number | null, signal: NodeJS.Signals | null) => {
      if (ended || stopped) return;
      ended = true;
      consecutiveCrashes = Date.now() - started >= resetAfterMs ? 1 : consecutiveCrashes + 1;
      const delay = Math.min(initialBackoffMs * 2 ** (consecutiveCrashes - 1), maxBackoffMs);
      options.log(`${options.name} ${describeExit(code, signal)}; restarting in ${seconds(delay)}`);
      pendingRestart = setTimeout(() => {
        pendingRestart = undefined;
        restarts += 1;
        child = run();
        options.log(`${options.name} restarted (restart ${restarts}, pid ${child.pid ?? 'none'})`);
      }, delay);
    };
    current.once('exit', onEnd);
    // A process that cannot be spawned at all emits 'error' and never 'exit'.
    current.on('error', () => {
      if (current.pid === undefined) onEnd(null, null);
    });
    return current;
  };

  child = run();
  return {
    get child() {
      return child;
    },
    get restarts() {
      return restarts;
    },
    stop() {
      stopped = true;
      clearTimeout(pendingRestart);
      const current = child;
      return new Promise<void>((done) => {
        if (current.exitCode !== null || current.signalCode !== null || current.pid === undefined) return done();
        current.once('exit', () => done());
        current.kill('SIGTERM');
      });
    },
  };
}
