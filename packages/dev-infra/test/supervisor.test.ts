import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SupervisedProcess, supervise } from '../src/index.js';

// A service that crashes on its first run and stays up on its second: the marker file is what
// it remembers between runs.
const crashOnce = `
const fs = require('node:fs');
const marker = process.argv[1];
if (!fs.existsSync(marker)) { fs.writeFileSync(marker, ''); process.exit(1); }
setInterval(() => undefined, 1000);
`;

const folders: string[] = [];
const supervised: SupervisedProcess[] = [];
afterEach(async () => {
  for (const process of supervised.splice(0)) await process.stop();
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function until(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const isAlive = (pid: number | undefined) => {
  try {
    return pid !== undefined && process.kill(pid, 0);
  } catch {
    return false;
  }
};

describe('supervise', () => {
  it('restarts a crashed process after the backoff, says so, and stop() ends it for good', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'castor-supervisor-'));
    folders.push(folder);
    const marker = join(folder, 'crashed-once');
    const lines: string[] = [];
    const spawnedAt: number[] = [];
    let exitedAt = 0;
    const service = supervise({
      name: 'tiny-service',
      spawn: () => {
        spawnedAt.push(Date.now());
        const child = spawn(process.execPath, ['-e', crashOnce, marker], { stdio: 'ignore' });
        child.once('exit', () => {
          exitedAt = Date.now();
        });
        return child;
      },
      log: (line) => lines.push(line),
      initialBackoffMs: 400,
    });
    supervised.push(service);
    const first = service.child;

    await until('the restart', () => spawnedAt.length === 2);
    expect(existsSync(marker)).toBe(true);
    expect(first.exitCode).toBe(1);
    expect((spawnedAt[1] ?? 0) - exitedAt).toBeGreaterThanOrEqual(390);
    expect(service.restarts).toBe(1);
    expect(service.child).not.toBe(first);
    expect(lines).toEqual([
      'tiny-service exited with code 1; restarting in 0.4 s',
      `tiny-service restarted (restart 1, pid ${service.child.pid})`,
    ]);
    await sleep(200);
    expect(isAlive(service.child.pid)).toBe(true);

    const second = service.child;
    await service.stop();
    expect(second.signalCode).toBe('SIGTERM');
    expect(isAlive(second.pid)).toBe(false);
    await sleep(1_000);
    expect(spawnedAt).toHaveLength(2);
    expect(lines).toHaveLength(2);
  });

  it('doubles the wait after each crash in a row, up to the maximum', async () => {
    const lines: string[] = [];
    const service = supervise({
      name: 'always-crashes',
      spawn: () => spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' }),
      log: (line) => lines.push(line),
      initialBackoffMs: 100,
      maxBackoffMs: 300,
    });
    supervised.push(service);
    await until('four crashes', () => lines.filter((line) => line.includes('restarting')).length >= 4);
    await service.stop();
    expect(lines.filter((line) => line.includes('restarting')).slice(0, 4)).toEqual([
      'always-crashes exited with code 3; restarting in 0.1 s',
      'always-crashes exited with code 3; restarting in 0.2 s',
      'always-crashes exited with code 3; restarting in 0.3 s',
      'always-crashes exited with code 3; restarting in 0.3 s',
    ]);
  });

  it('goes back to the first wait after a run that stayed up long enough', async () => {
    const lines: string[] = [];
    const service = supervise({
      name: 'crashes-later',
      spawn: () => spawn(process.execPath, ['-e', 'setTimeout(() => process.exit(2), 150)'], { stdio: 'ignore' }),
      log: (line) => lines.push(line),
      initialBackoffMs: 100,
      resetAfterMs: 100,
    });
    supervised.push(service);
    await until('three crashes', () => lines.filter((line) => line.includes('restarting')).length >= 3);
    await service.stop();
    expect(new Set(lines.filter((line) => line.includes('restarting')))).toEqual(
      new Set(['crashes-later exited with code 2; restarting in 0.1 s']),
    );
  });
});
