import type { ReviewTask } from '@castor/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { post } from '../../support/fixtures.js';
import { withFixtureElection } from '../../support/records-fixtures.js';
import { type ReviewDesk, reviewDesk } from '../../support/review-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let desk: ReviewDesk;

withFixtureElection((started) => {
  e14 = started.e14;
  desk = reviewDesk(e14, started.admin);
});
beforeEach(async () => desk.clear());

/** Submits `answer` for `taskId` under `leaseToken`, whatever task that token was issued for. */
const submitWith = (token: string, taskId: number, leaseToken: string, answer: Record<string, unknown>) =>
  post(e14, '/api/review/submit', token, { taskId, leaseToken, ...answer });

/** The task's status and entry count as PostgreSQL holds them. */
async function stateOf(taskId: number) {
  const result = await e14.app.pg.query<{ status: string; entries: number }>(
    `SELECT t.status, (SELECT count(*)::int FROM review_entries e WHERE e.task_id = t.id) AS entries
       FROM review_tasks t WHERE t.id = $1`,
    [taskId],
  );
  return result.rows[0];
}

function expectInvalidLease(response: Awaited<ReturnType<typeof submitWith>>) {
  expect(response.statusCode, response.body).toBe(409);
  expect(response.json().error.code).toBe('REVIEW_LEASE_INVALID');
}

const tokenOf = (task: ReviewTask) => task.lease?.token ?? '';

describe('review leases as access control', () => {
  it('refuses an answer under a made-up lease token for a task never handed out', async () => {
    const { votes1 } = await desk.storeOcrSheet('01-031-99-01-002');
    const ana = await desk.reviewer();
    expectInvalidLease(await submitWith(ana, votes1, 'x'.repeat(24), { value: 50 }));
    expect(await stateOf(votes1)).toEqual({ status: 'pending', entries: 0 });
  });

  it("refuses reviewer B answering with reviewer A's lease token, even after A answered", async () => {
    const { votes1 } = await desk.storeOcrSheet('01-031-99-01-003');
    const [ana, beto] = [await desk.reviewer(), await desk.reviewer()];
    const leased = await desk.pendingFor(ana, votes1);
    expect((await desk.submit(ana, leased, { value: 50 })).json()).toMatchObject({ status: 'pending', entries: 1 });
    // Ana's lease is released by her answer: Beto reusing it must not settle the cell.
    expectInvalidLease(await submitWith(beto, votes1, tokenOf(leased), { value: 50 }));
    expect(await stateOf(votes1)).toEqual({ status: 'pending', entries: 1 });
  });

  it('refuses a lease issued for one task used on another', async () => {
    const { votes1, votes2 } = await desk.storeOcrSheet('01-031-99-01-004');
    const ana = await desk.reviewer();
    const leased = await desk.pendingFor(ana, votes1);
    expectInvalidLease(await submitWith(ana, votes2, tokenOf(leased), { value: 40 }));
    expect(await stateOf(votes2)).toEqual({ status: 'pending', entries: 0 });
    // The lease still answers the task it was issued for.
    expect((await desk.submit(ana, leased, { value: 50 })).statusCode).toBe(200);
  });

  it('lets two reviewers who each got the task from /pending settle it', async () => {
    const { votes1 } = await desk.storeOcrSheet('01-031-99-01-005');
    const [ana, beto] = [await desk.reviewer(), await desk.reviewer()];
    await desk.submit(ana, await desk.pendingFor(ana, votes1), { value: 50 });
    const second = await desk.submit(beto, await desk.pendingFor(beto, votes1), { value: 50 });
    expect(second.json()).toMatchObject({ status: 'done', entries: 2 });
    expect(await stateOf(votes1)).toEqual({ status: 'done', entries: 2 });
  });
});
