import { request } from 'node:http';
import { createServiceApp, RevocationList } from '@castor/service-kit';
import { createTestDatabase, testRedis } from '@castor/test-support';
import { describe, expect, it } from 'vitest';
import { testServiceOptions } from './helpers.js';

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new ones, and closes the pools', async () => {
    const database = await createTestDatabase('core');
    const redis = testRedis();
    const app = await createServiceApp(
      testServiceOptions(
        { name: 'shutdown-test', databaseUrl: database.url },
        {
          description: 'graceful shutdown',
          bodyLimitBytes: 1024,
          redis: { url: redis.url, keyPrefix: redis.keyPrefix },
          defaultRate: { max: 1_000, windowMs: 60_000 },
          auth: () => ({
            issuer: 'none',
            audience: 'none',
            resolveKey: Object.assign(async () => undefined, { isTrusted: () => false }),
            revocations: new RevocationList(async (after) => ({ revocations: [], cursor: after })),
            revocationPollMs: 60_000,
          }),
        },
      ),
    );
    app.get('/slow', { config: { auth: 'public' } }, async () => {
      await app.pg.query('SELECT pg_sleep(0.4)');
      return { done: true };
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const inFlight = get(`${url}/slow`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closeStarted = Date.now();
      const closing = app.close();
      expect(await inFlight).toBe(200);
      await closing;
      // No waiting out the keep-alive timeout (5 s) of the connection that was in flight.
      expect(Date.now() - closeStarted).toBeLessThan(2_000);
      await expect(get(`${url}/slow`)).rejects.toThrow();
      expect(app.pg.ending).toBe(true);
      // QUIT was answered; the socket closes right after.
      for (let wait = 0; wait < 20 && app.redis?.status !== 'end'; wait += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(app.redis?.status).toBe('end');
    } finally {
      await database.drop();
    }
  });
});
