import { connect, createServer, type Server, type Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@castor/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

/**
 * A TCP relay in front of the test PostgreSQL server: stopping it is, for core, PostgreSQL going
 * down (open connections drop, new ones are refused), without disturbing other test files.
 */
class PostgresRelay {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(private readonly target: URL) {
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  /** Listens on a free port; the database URL through the relay. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('relay has no port');
    const url = new URL(this.target);
    url.hostname = '127.0.0.1';
    url.port = String(address.port);
    return url.toString();
  }

  stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('login while PostgreSQL is down', () => {
  let database: TestDatabase;
  let relay: PostgresRelay;
  let core: CoreUnderTest;

  beforeAll(async () => {
    database = await createTestDatabase('core');
    relay = new PostgresRelay(new URL(database.url));
    core = await startCoreForTests({ DATABASE_URL: await relay.start() }, { database });
  });
  afterAll(async () => {
    await core?.close();
    await database?.drop();
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE with Retry-After, not 500', async () => {
    const { user, password } = await core.signIn('analyst');
    const credentials = { email: user.email, password };
    expect((await postJson(core, '/api/auth/login', credentials)).statusCode).toBe(200);

    await relay.stop();
    const login = await postJson(core, '/api/auth/login', credentials);
    expect(login.statusCode).toBe(503);
    expect(login.json()).toMatchObject({ error: { code: 'DEPENDENCY_UNAVAILABLE' } });
    expect(Number(login.headers['retry-after'])).toBeGreaterThan(0);
  });
});
