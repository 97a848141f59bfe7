import { randomBytes } from 'node:crypto';
import { httpError, type KeyValueStore } from '@castor/service-kit';

export interface Lease {
  taskId: number;
  token: string;
  expiresAt: Date;
}

/** What the lease store says about a submitted token. */
export type LeaseCheck = 'held' | 'expired' | 'stale' | 'other' | 'unavailable';

/**
 * Review leases in the service's key-value store (Redis; the in-process store when the service
 * runs without Redis): `review:lease:<task>` = "<reviewer> <token>", created with SET NX and an
 * expiry, so a task is with one reviewer at a time and returns to the queue when abandoned;
 * `review:holder:<reviewer>` points back at it, so asking again hands out the same task.
 *
 * When Redis is unreachable no lease can be given: handing tasks out without one would give the
 * same cell to several reviewers at once, so GET /api/review/pending answers 503
 * REVIEW_LEASES_UNAVAILABLE (nothing is lost: tasks and entries live in PostgreSQL). An answer
 * to a task already handed out is still accepted: the lease only spreads the work, while the
 * entry itself is checked and written under row locks in PostgreSQL.
 */
export class ReviewLeases {
  constructor(
    private readonly store: KeyValueStore,
    private readonly ttlSeconds: number,
  ) {}

  private static leaseKey = (taskId: number) => `review:lease:${taskId}`;
  private static holderKey = (reviewerId: string) => `review:holder:${reviewerId}`;

  /** The lease this reviewer still holds, if any. */
  async heldBy(reviewerId: string): Promise<Lease | null> {
    return this.guard(async () => {
      const holder = await this.store.get(ReviewLeases.holderKey(reviewerId));
      if (!holder) return null;
      const [task, token] = holder.split(' ');
      const taskId = Number(task);
      if (!Number.isSafeInteger(taskId) || !token) return null;
      const key = ReviewLeases.leaseKey(taskId);
      if ((await this.store.get(key)) !== `${reviewerId} ${token}`) {
        await this.store.deleteIfEquals(ReviewLeases.holderKey(reviewerId), holder);
        return null;
      }
      return { taskId, token, expiresAt: new Date(Date.now() + (await this.store.ttl(key)) * 1_000) };
    });
  }

  /** Takes the task for this reviewer; null when another reviewer holds it. */
  async acquire(taskId: number, reviewerId: string): Promise<Lease | null> {
    return this.guard(async () => {
      const token = randomBytes(18).toString('base64url');
      const taken = await this.store.setIfAbsent(
        ReviewLeases.leaseKey(taskId),
        `${reviewerId} ${token}`,
        this.ttlSeconds,
      );
      if (!taken) return null;
      await this.store.set(ReviewLeases.holderKey(reviewerId), `${taskId} ${token}`, this.ttlSeconds);
      return { taskId, token, expiresAt: new Date(Date.now() + this.ttlSeconds * 1_000) };
    });
  }

  /**
   * held: this reviewer's current lease; expired: nobody holds the task any more (the answer is
   * still welcome); stale: an older lease of the same reviewer; other: another reviewer has it now.
   */
  async check(taskId: number, reviewerId: string, token: string): Promise<LeaseCheck> {
    let current: string | null;
    try {
      current = await this.store.get(ReviewLeases.leaseKey(taskId));
    } catch {
      return 'unavailable';
    }
    if (current === null) return 'expired';
    if (current === `${reviewerId} ${token}`) return 'held';
    return current.startsWith(`${reviewerId} `) ? 'stale' : 'other';
  }

  /** Ends a lease after the answer is recorded (best effort: it expires anyway). */
  async release(taskId: number, reviewerId: string, token: string): Promise<void> {
    await Promise.all([
      this.store.deleteIfEquals(ReviewLeases.leaseKey(taskId), `${reviewerId} ${token}`),
      this.store.deleteIfEquals(ReviewLeases.holderKey(reviewerId), `${taskId} ${token}`),
    ]).catch(() => undefined);
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw httpError(
        'REVIEW_LEASES_UNAVAILABLE',
        'Review tasks cannot be handed out right now (the lease store is unreachable); nothing is lost, try again shortly',
        undefined,
        { cause: error, headers: { 'retry-after': '5' } },
      );
    }
  }
}
