import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { findFreePort } from './ports.js';

export interface RedisServerHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function findRedisServerBinary(): string | undefined {
  for (const candidate of [
    process.env.REDIS_SERVER_BIN,
    'redis-server',
    '/usr/bin/redis-server',
    '/usr/sbin/redis-server',
  ]) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve();
      });
      socket.on('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * Starts a throwaway `redis-server` (no persistence, loopback only) on a free port. Returns
 * undefined when no binary is installed, so callers can fall back or fail as they must.
 */
export async function startRedisServer(): Promise<RedisServerHandle | undefined> {
  const binary = findRedisServerBinary();
  if (!binary) return undefined;
  const port = await findFreePort();
  const child: ChildProcess = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory',
      '256mb',
      '--maxmemory-policy',
      'allkeys-lru',
    ],
    { stdio: 'ignore' },
  );
  await waitForPort(port, 5_000);
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
