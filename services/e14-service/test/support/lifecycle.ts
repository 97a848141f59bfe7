import { afterAll, beforeAll } from 'vitest';
import { type E14UnderTest, startE14ForTests } from '../testing.js';

/**
 * For a test file: `start()` before its tests, and what it started handed to `use` (which keeps
 * what the tests need and may set up more); the e14 closed after the tests, even when `use` failed.
 */
export function beforeAllStarted<T extends { e14: E14UnderTest }>(
  start: () => Promise<T>,
  use: (started: T) => unknown,
  timeout?: number,
): void {
  let e14: E14UnderTest | undefined;
  beforeAll(async () => {
    const started = await start();
    e14 = started.e14;
    await use(started);
  }, timeout);
  afterAll(async () => e14?.close());
}

/** A started e14 listening on loopback: its base URL and an admin's token. */
export interface ListeningE14 {
  e14: E14UnderTest;
  baseUrl: string;
  admin: string;
}

/** A new e14 listening on loopback (with `env`), its base URL and an admin's token. */
export async function startListeningE14(env: Record<string, string> = {}): Promise<ListeningE14> {
  const e14 = await startE14ForTests(env);
  try {
    const baseUrl = await e14.app.listen({ host: '127.0.0.1', port: 0 });
    return { e14, baseUrl, admin: (await e14.token('admin')).token };
  } catch (error) {
    await e14.close();
    throw error;
  }
}

/** Where a demo load sends its sheets (`baseUrl` and `token`), and the e14 behind it. */
export interface DemoLoadTarget {
  e14: E14UnderTest;
  baseUrl: string;
  token: string;
}

/**
 * For a test file: a listening e14 and an admin's token for a demo load over HTTP, filled in
 * before the file's tests and closed after them.
 */
export function demoLoadTarget(): DemoLoadTarget {
  const target = {} as DemoLoadTarget;
  beforeAllStarted(startListeningE14, ({ e14, baseUrl, admin }) => {
    Object.assign(target, { e14, baseUrl, token: admin });
  });
  return target;
}
