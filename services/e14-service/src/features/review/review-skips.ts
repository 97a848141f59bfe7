import type { KeyValueStore } from '@castor/service-kit';
import { guardLeaseStore } from './review-leases.js';

/**
 * Tasks a reviewer skipped, kept from them for `skipSeconds` (other reviewers still get them):
 * one key per reviewer, `review:skips:<reviewer>` = {"<task>": <until, epoch ms>}, in the same
 * store as the leases and, like them, short-lived state that is not worth a table (a skip lost
 * with the store only means the task may come back sooner). Read once per look at the queue.
 */
export class ReviewSkips {
  constructor(
    private readonly store: KeyValueStore,
    private readonly skipSeconds: number,
  ) {}

  private static key = (reviewerId: string) => `review:skips:${reviewerId}`;

  /** The tasks set aside from this reviewer now, each with when it comes back (epoch ms), oldest skip first. */
  async of(reviewerId: string): Promise<Map<number, number>> {
    const stored = await guardLeaseStore(() => this.store.get(ReviewSkips.key(reviewerId)));
    const now = Date.now();
    const live = Object.entries(stored ? (JSON.parse(stored) as Record<string, number>) : {})
      .filter(([, until]) => until > now)
      .sort(([, a], [, b]) => a - b);
    return new Map(live.map(([taskId, until]) => [Number(taskId), until]));
  }

  /** Sets the task aside from this reviewer (again: a second skip starts the time over); when it comes back. */
  async add(reviewerId: string, taskId: number): Promise<Date> {
    const skips = await this.of(reviewerId);
    const until = Date.now() + this.skipSeconds * 1_000;
    skips.delete(taskId);
    skips.set(taskId, until);
    await guardLeaseStore(() =>
      this.store.set(ReviewSkips.key(reviewerId), JSON.stringify(Object.fromEntries(skips)), this.skipSeconds),
    );
    return new Date(until);
  }
}
