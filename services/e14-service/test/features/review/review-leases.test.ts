import { type RedisServerHandle, startRedisServer } from '@castor/dev-infra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, importFixture } from '../../support/fixtures.js';
import { type ReviewDesk, reviewDesk } from '../../support/review-fixtures.js';
import { type E14UnderTest, startE14ForTests } from '../../testing.js';

// This file runs its own redis-server, so it can stop it under a running service.
let redis: RedisServerHandle;
let e14: E14UnderTest;
let admin: string;
let desk: ReviewDesk;

beforeAll(async () => {
  const started = await startRedisServer();
  if (!started) throw new Error('redis-server is not installed (apt-get install redis-server)');
  redis = started;
  e14 = await startE14ForTests({ REDIS_URL: redis.url, E14_REVIEW_LEASE_SECONDS: '1' });
  admin = (await e14.token('admin')).token;
  await importFixture(e14, admin);
  desk = reviewDesk(e14, admin);
});
afterAll(async () => {
  await e14?.close();
  await redis?.stop();
});

// The outage test stops this file's Redis for good, so it runs last even with --sequence.shuffle.
describe('review leases', { shuffle: false }, () => {
  it('returns an abandoned task to the queue when its lease expires', async () => {
    const { votes1, votes2 } = await desk.storeOcrSheet('01-031-99-01-002');
    const [ana, beto] = [await desk.reviewer(), await desk.reviewer()];
    const abandoned = await desk.pendingFor(ana, votes1);
    expect(await e14.app.redis?.pttl(`review:lease:${votes1}`)).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const taken = await desk.pendingFor(beto, votes1);
    expect(taken.lease?.token).not.toBe(abandoned.lease?.token);
    // Ana comes back too late: the task is Beto's now, and nothing of hers was recorded.
    const late = await desk.submit(ana, abandoned, { value: 50 });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('REVIEW_LEASE_HELD');
    expect((await desk.submit(beto, taken, { value: 50 })).json()).toMatchObject({ status: 'pending', entries: 1 });
    // An expired lease nobody took is no obstacle: the answer is still recorded.
    const slow = await desk.pendingFor(ana, votes1);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect((await desk.submit(ana, slow, { value: 50 })).json()).toMatchObject({ status: 'done', entries: 2 });
    // votes.2 takes an answer too (the outage test counts entries from the task it is handed).
    expect((await desk.submit(ana, await desk.pendingFor(ana, votes2), { value: 40 })).statusCode).toBe(200);
  });

  it('with Redis down, hands out nothing (503 with a stable code) and loses no answer', async () => {
    await desk.storeOcrSheet('01-031-99-01-003');
    const [carla, dario] = [await desk.reviewer(), await desk.reviewer()];
    const leased = await desk.pending(carla);
    if (!leased) throw new Error('no task handed out');
    await redis.stop();
    await waitFor(() => e14.app.redis?.status !== 'ready');

    const refused = await get(e14, '/api/review/pending', dario);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json().error.code).toBe('REVIEW_LEASES_UNAVAILABLE');
    // The answer to a task already handed out is kept (PostgreSQL decides, not the lease).
    const answered = await desk.submit(carla, leased, { value: 50 });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({ replay: false, entries: leased.entries + 1 });
    const stored = await e14.app.pg.query(
      'SELECT value FROM review_entries WHERE task_id = $1 ORDER BY created_at DESC LIMIT 1',
      [leased.taskId],
    );
    expect(stored.rows).toEqual([{ value: 50 }]);
    // A retry during the outage is a replay, not a second entry.
    expect((await desk.submit(carla, leased, { value: 50 })).json()).toMatchObject({
      replay: true,
      entries: leased.entries + 1,
    });
    const health = await e14.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.json().status).toBe('degraded');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
