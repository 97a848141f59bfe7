import type { ReviewTask } from '@castor/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { get, post } from '../../support/fixtures.js';
import { withFixtureElection } from '../../support/records-fixtures.js';
import { type ReviewDesk, reviewDesk } from '../../support/review-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

// What keeps a reviewer fast: skipping a cell, a lease kept alive while the cell is on screen, the
// next cell leased ahead so its crops are fetched before Enter, and their own numbers.
let e14: E14UnderTest;
let desk: ReviewDesk;

withFixtureElection((started) => {
  e14 = started.e14;
  desk = reviewDesk(e14, started.admin);
});
beforeEach(async () => desk.clear());

const redis = () => {
  if (!e14.app.redis) throw new Error('these tests need Redis (REDIS_URL)');
  return e14.app.redis;
};
/** Ends a lease the way its expiry would. */
const lapse = (task: ReviewTask) => redis().del(`review:lease:${task.taskId}`);

function expectError(response: Awaited<ReturnType<typeof post>>, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json().error.code).toBe(code);
}

describe('skipping a task', () => {
  it('hands this reviewer the next task and keeps the skipped one for the others', async () => {
    const { votes1, votes2 } = await desk.storeOcrSheet('01-031-99-01-001');
    const [ana, beto] = [await desk.reviewer(), await desk.reviewer()];
    const first = await desk.pendingFor(ana, votes1);
    const skipped = await desk.skip(ana, first);
    expect(skipped.statusCode, skipped.body).toBe(200);
    expect(skipped.json().taskId).toBe(votes1);
    const until = Date.parse(skipped.json().skippedUntil);
    expect(until).toBeGreaterThan(Date.now() + 590_000);
    expect(until).toBeLessThan(Date.now() + 610_000);
    // Skipping again is harmless.
    expect((await desk.skip(ana, first)).statusCode).toBe(200);

    await desk.pendingFor(ana, votes2);
    // Another reviewer still gets the skipped task, and settles nothing of Ana's.
    const taken = await desk.pendingFor(beto, votes1);
    expect((await desk.submit(beto, taken, { value: 50 })).json()).toMatchObject({ status: 'pending', entries: 1 });
  });

  it('gives the skipped tasks back when nothing else is left for this reviewer', async () => {
    const { votes1, votes2 } = await desk.storeOcrSheet('01-031-99-01-002');
    const ana = await desk.reviewer();
    expect((await desk.skip(ana, await desk.pendingFor(ana, votes1))).statusCode).toBe(200);
    const other = await desk.pendingFor(ana, votes2);
    expect((await desk.submit(ana, other, { value: 40 })).statusCode).toBe(200);
    const again = await desk.pendingFor(ana, votes1);
    expect((await desk.submit(ana, again, { value: 50 })).json()).toMatchObject({ status: 'pending', entries: 1 });
    expect(await desk.pending(ana)).toBeNull();
  });

  it("refuses a made-up token and another reviewer's lease with the lease error codes", async () => {
    const { votes1, votes2 } = await desk.storeOcrSheet('01-031-99-01-003');
    const [ana, beto] = [await desk.reviewer(), await desk.reviewer()];
    const anas = await desk.pendingFor(ana, votes1);
    expectError(await desk.skip(beto, anas), 409, 'REVIEW_LEASE_HELD');
    const made = await post(e14, `/api/review/tasks/${votes2}/skip`, beto, { leaseToken: 'x'.repeat(24) });
    expectError(made, 409, 'REVIEW_LEASE_INVALID');
    expectError(await post(e14, `/api/review/tasks/${votes1}/skip`, ana, {}), 400, 'VALIDATION_FAILED');
    // Ana's lease is untouched by Beto's attempt.
    expect((await desk.pendingFor(ana, votes1)).lease?.token).toBe(anas.lease?.token);
  });
});

describe('keeping a lease alive', () => {
  it('extends a lease the reviewer still holds', async () => {
    const { votes1 } = await desk.storeOcrSheet('01-031-99-01-004');
    const ana = await desk.reviewer();
    const task = await desk.pendingFor(ana, votes1);
    await redis().expire(`review:lease:${votes1}`, 5);
    const renewed = await desk.renew(ana, task);
    expect(renewed.statusCode, renewed.body).toBe(200);
    expect(renewed.json().taskId).toBe(votes1);
    expect(Date.parse(renewed.json().expiresAt)).toBeGreaterThan(Date.now() + 200_000);
    expect(await redis().pttl(`review:lease:${votes1}`)).toBeGreaterThan(200_000);
    // Still the same lease: asking again hands out the same task and token.
    expect((await desk.pendingFor(ana, votes1)).lease?.token).toBe(task.lease?.token);
  });

  it('takes back a lease that lapsed while nobody took the task', async () => {
    const { votes1 } = await desk.storeOcrSheet('01-031-99-01-005');
    const ana = await desk.reviewer();
    const task = await desk.pendingFor(ana, votes1);
    await lapse(task);
    expect((await desk.renew(ana, task)).statusCode).toBe(200);
    expect(await redis().pttl(`review:lease:${votes1}`)).toBeGreaterThan(200_000);
    expect((await desk.submit(ana, task, { value: 50 })).statusCode).toBe(200);
  });

  it('answers 409 REVIEW_LEASE_HELD once the lease lapsed and another reviewer took the task', async () => {
    const { votes1 } = await desk.storeOcrSheet('01-031-99-01-006');
    const [ana, beto] = [await desk.reviewer(), await desk.reviewer()];
    const task = await desk.pendingFor(ana, votes1);
    await lapse(task);
    const betos = await desk.pendingFor(beto, votes1);
    expectError(await desk.renew(ana, task), 409, 'REVIEW_LEASE_HELD');
    // Beto's lease is not disturbed, and a token never issued is refused.
    expect(await redis().get(`review:lease:${votes1}`)).toContain(betos.lease?.token);
    const made = await post(e14, `/api/review/tasks/${votes1}/lease`, ana, { leaseToken: 'y'.repeat(24) });
    expectError(made, 409, 'REVIEW_LEASE_HELD');
  });
});

describe('the next task leased ahead', () => {
  it('leases the task after this one too, promoted once this one is answered', async () => {
    const { votes1, votes2 } = await desk.storeOcrSheet('01-031-99-02-001');
    const ana = await desk.reviewer();
    const first = await desk.pendingAhead(ana);
    expect([first.task?.taskId, first.upcoming?.taskId]).toEqual([votes1, votes2]);
    expect(first.upcoming?.lease?.token).toMatch(/^[A-Za-z0-9_-]{40}$/);
    // Asking again changes nothing; without ahead the upcoming one is not shown.
    const leases = ({ task, upcoming }: typeof first) => [task?.lease?.token, upcoming?.lease?.token];
    expect(leases(await desk.pendingAhead(ana))).toEqual(leases(first));
    expect((await get(e14, '/api/review/pending', ana)).json()).toMatchObject({
      task: { taskId: votes1 },
      upcoming: null,
    });

    expect((await desk.submit(ana, first.task as ReviewTask, { value: 50 })).statusCode).toBe(200);
    const second = await desk.pendingAhead(ana);
    expect(second.task?.taskId).toBe(votes2);
    expect(second.task?.lease?.token).toBe(first.upcoming?.lease?.token);
    expect(second.upcoming).toBeNull();
    expect((await desk.submit(ana, second.task as ReviewTask, { value: 40 })).statusCode).toBe(200);
    expect(await desk.pendingAhead(ana)).toEqual({ task: null, upcoming: null });
  });

  it('never gives two reviewers the same task, as current or as upcoming', async () => {
    for (const mesa of ['01-031-99-02-002', '01-031-99-02-003', '01-001-01-01-001']) await desk.storeOcrSheet(mesa);
    const reviewers = await Promise.all([desk.reviewer(), desk.reviewer(), desk.reviewer()]);
    const handed = await Promise.all(reviewers.map((token) => desk.pendingAhead(token)));
    const ids = handed.flatMap(({ task, upcoming }) => [task?.taskId, upcoming?.taskId]);
    expect(ids.every((id) => id !== undefined)).toBe(true);
    expect(new Set(ids).size).toBe(6);
  });

  it('skipping the current task makes the upcoming one current', async () => {
    const { votes1, votes2 } = await desk.storeOcrSheet('01-001-01-01-002');
    const ana = await desk.reviewer();
    const first = await desk.pendingAhead(ana);
    expect((await desk.skip(ana, first.task as ReviewTask)).statusCode).toBe(200);
    const next = await desk.pendingAhead(ana);
    expect(next.task?.taskId).toBe(votes2);
    // Only the skipped task is left to come after it.
    expect(next.upcoming?.taskId).toBe(votes1);
  });
});

describe("a reviewer's own numbers", () => {
  it('counts only the caller’s entries, judged against the closed values', async () => {
    const { votes1, votes2 } = await desk.storeOcrSheet('01-001-01-01-003');
    const [ana, beto, carla] = [await desk.reviewer(), await desk.reviewer(), await desk.reviewer()];
    await desk.submit(ana, await desk.pendingFor(ana, votes1), { value: 50 });
    await desk.submit(ana, await desk.pendingFor(ana, votes2), { value: 40 });
    // Beto agrees on votes.1 (it closes) and not on votes.2 (it waits for a third entry).
    await desk.submit(beto, await desk.pendingFor(beto, votes1), { value: 50 });
    await desk.submit(beto, await desk.pendingFor(beto, votes2), { value: 41 });
    await desk.skip(carla, await desk.pendingFor(carla, votes2));

    const me = async (token: string) => {
      const response = await get(e14, '/api/review/me', token);
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };
    const anas = await me(ana);
    expect(Object.keys(anas).sort()).toEqual(
      ['accuracy', 'agreed', 'entries', 'judged', 'lastHour', 'perMinute', 'skipped'].sort(),
    );
    expect(anas).toMatchObject({ entries: 2, lastHour: 2, judged: 1, agreed: 1, accuracy: 1, skipped: 0 });
    expect(anas.perMinute).toHaveLength(15);
    expect(anas.perMinute.reduce((sum: number, n: number) => sum + n, 0)).toBe(2);
    expect(await me(carla)).toEqual({
      entries: 0,
      lastHour: 0,
      perMinute: new Array(15).fill(0),
      judged: 0,
      agreed: 0,
      accuracy: null,
      skipped: 1,
    });
    // An old entry counts in the total, not in the last hour.
    await e14.app.pg.query(
      `UPDATE review_entries SET created_at = now() - interval '2 hours' WHERE task_id = $1 AND reviewer_id = (
         SELECT reviewer_id FROM review_entries WHERE task_id = $1 ORDER BY created_at LIMIT 1)`,
      [votes1],
    );
    expect(await me(ana)).toMatchObject({ entries: 2, lastHour: 1, judged: 1, agreed: 1 });
    const witness = (await e14.token('witness')).token;
    expect((await get(e14, '/api/review/me', witness)).statusCode).toBe(403);
  });
});
