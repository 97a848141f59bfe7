import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { httpError, type KeyValueStore } from '@castor/service-kit';

export interface Lease {
  taskId: number;
  token: string;
  expiresAt: Date;
}

/** Lengths (base64url characters) of a token's nonce and of the signature that follows it. */
const NONCE_CHARS = 16;
const SIGNATURE_CHARS = 24;
/** The signing key lives this long in the store (a rotation only voids the leases out at that moment). */
const SECRET_TTL_SECONDS = 400 * 24 * 3_600;

/** A reviewer's two leases: the task on screen, and the one after it, fetched ahead. */
const LEASE_SLOTS = ['current', 'upcoming'] as const;
export type LeaseSlot = (typeof LEASE_SLOTS)[number];

/** What the lease store says about a submitted token. */
export type LeaseCheck = 'held' | 'expired' | 'stale' | 'other' | 'unavailable';

/**
 * Review leases in the service's key-value store (Redis; the in-process store when the service
 * runs without Redis): `review:lease:<task>` = "<reviewer> <token>", created with SET NX and an
 * expiry, so a task is with one reviewer at a time and returns to the queue when abandoned;
 * `review:holder:<reviewer>` points back at it, so asking again hands out the same task. A
 * reviewer may hold a second lease, the task after the current one (`review:upcoming:<reviewer>`),
 * so the desk fetches its crops before the current one is answered; it becomes the current one
 * when that is answered or skipped. A desk still showing a task renews its lease (the key's TTL).
 *
 * When Redis is unreachable no lease can be given: handing tasks out without one would give the
 * same cell to several reviewers at once, so GET /api/review/pending answers 503
 * REVIEW_LEASES_UNAVAILABLE (nothing is lost: tasks and entries live in PostgreSQL). An answer
 * to a task already handed out is still accepted (its token is checked by its signature, below),
 * and the entry itself is checked and written under row locks in PostgreSQL.
 *
 * A lease token is a nonce signed (HMAC) with the task id and the reviewer's user id, under a key
 * shared by every replica through the store. So an answer must carry
 * a token the desk issued to that reviewer for that task, even after the lease expired or was
 * released and while Redis is down: an invented token, another reviewer's, or one of another task
 * is refused, and both entries of a double entry come from reviewers the desk handed the task to.
 */
export class ReviewLeases {
  constructor(
    private readonly store: KeyValueStore,
    private readonly ttlSeconds: number,
  ) {}

  private static leaseKey = (taskId: number) => `review:lease:${taskId}`;
  private static slotKey = (slot: LeaseSlot, reviewerId: string) =>
    slot === 'current' ? `review:holder:${reviewerId}` : `review:upcoming:${reviewerId}`;
  private static secretKey = 'review:lease-secret';
  private secret: Buffer | null = null;

  /** The lease this reviewer still holds in `slot`, if any. */
  async heldBy(reviewerId: string, slot: LeaseSlot = 'current'): Promise<Lease | null> {
    return this.guard(async () => {
      const slotKey = ReviewLeases.slotKey(slot, reviewerId);
      const holder = await this.store.get(slotKey);
      if (!holder) return null;
      const [task, token] = holder.split(' ');
      const taskId = Number(task);
      if (!Number.isSafeInteger(taskId) || !token) return null;
      const key = ReviewLeases.leaseKey(taskId);
      if ((await this.store.get(key)) !== `${reviewerId} ${token}`) {
        await this.store.deleteIfEquals(slotKey, holder);
        return null;
      }
      return { taskId, token, expiresAt: new Date(Date.now() + (await this.store.ttl(key)) * 1_000) };
    });
  }

  /** Makes the upcoming lease the current one; null when the reviewer holds no upcoming lease. */
  async promote(reviewerId: string): Promise<Lease | null> {
    const upcoming = await this.heldBy(reviewerId, 'upcoming');
    if (!upcoming) return null;
    return this.guard(async () => {
      const holder = `${upcoming.taskId} ${upcoming.token}`;
      await this.store.set(ReviewLeases.slotKey('current', reviewerId), holder, this.ttlSeconds);
      await this.store.deleteIfEquals(ReviewLeases.slotKey('upcoming', reviewerId), holder);
      return upcoming;
    });
  }

  /** Takes the task for this reviewer into `slot`; null when another reviewer holds it. */
  async acquire(taskId: number, reviewerId: string, slot: LeaseSlot = 'current'): Promise<Lease | null> {
    return this.guard(async () => {
      const nonce = randomBytes((NONCE_CHARS * 3) / 4).toString('base64url');
      const token = nonce + (await this.signature(taskId, reviewerId, nonce));
      const taken = await this.store.setIfAbsent(
        ReviewLeases.leaseKey(taskId),
        `${reviewerId} ${token}`,
        this.ttlSeconds,
      );
      if (!taken) return null;
      await this.store.set(ReviewLeases.slotKey(slot, reviewerId), `${taskId} ${token}`, this.ttlSeconds);
      return { taskId, token, expiresAt: new Date(Date.now() + this.ttlSeconds * 1_000) };
    });
  }

  /** Restarts the TTL of a lease this reviewer still holds under `token`; null when they do not. */
  async renew(taskId: number, reviewerId: string, token: string): Promise<Lease | null> {
    return this.guard(async () => {
      const renewed = await this.store.expireIfEquals(
        ReviewLeases.leaseKey(taskId),
        `${reviewerId} ${token}`,
        this.ttlSeconds,
      );
      if (!renewed) return null;
      await Promise.all(
        LEASE_SLOTS.map((slot) =>
          this.store.expireIfEquals(ReviewLeases.slotKey(slot, reviewerId), `${taskId} ${token}`, this.ttlSeconds),
        ),
      );
      return { taskId, token, expiresAt: new Date(Date.now() + this.ttlSeconds * 1_000) };
    });
  }

  /**
   * Takes back, under the same token, a lease that lapsed while nobody else took the task (the
   * desk kept the task on screen); it becomes the current one unless the reviewer holds another.
   * Null when another reviewer was quicker.
   */
  async retake(taskId: number, reviewerId: string, token: string): Promise<Lease | null> {
    return this.guard(async () => {
      const key = ReviewLeases.leaseKey(taskId);
      if (!(await this.store.setIfAbsent(key, `${reviewerId} ${token}`, this.ttlSeconds))) return null;
      await this.store.setIfAbsent(ReviewLeases.slotKey('current', reviewerId), `${taskId} ${token}`, this.ttlSeconds);
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

  /**
   * Whether the desk issued `token` to this reviewer for this task (whether or not the lease is still
   * current). Throws REVIEW_LEASES_UNAVAILABLE when the signing key was never read and cannot be.
   */
  async issued(taskId: number, reviewerId: string, token: string): Promise<boolean> {
    if (token.length !== NONCE_CHARS + SIGNATURE_CHARS) return false;
    const nonce = token.slice(0, NONCE_CHARS);
    const expected = Buffer.from(await this.guard(() => this.signature(taskId, reviewerId, nonce)));
    return timingSafeEqual(expected, Buffer.from(token.slice(NONCE_CHARS)));
  }

  /** Ends a lease after the answer is recorded or the task skipped (best effort: it expires anyway). */
  async release(taskId: number, reviewerId: string, token: string): Promise<void> {
    await Promise.all([
      this.store.deleteIfEquals(ReviewLeases.leaseKey(taskId), `${reviewerId} ${token}`),
      ...LEASE_SLOTS.map((slot) =>
        this.store.deleteIfEquals(ReviewLeases.slotKey(slot, reviewerId), `${taskId} ${token}`),
      ),
    ]).catch(() => undefined);
  }

  private async signature(taskId: number, reviewerId: string, nonce: string): Promise<string> {
    const mac = createHmac('sha256', await this.signingKey()).update(`${taskId} ${reviewerId} ${nonce}`);
    return mac.digest('base64url').slice(0, SIGNATURE_CHARS);
  }

  /**
   * The key every replica signs with, read from the store each time so all replicas agree (even
   * after the store lost it and one of them created a new one); the last key read answers while
   * the store is unreachable, so an answer to a task already handed out is not lost to an outage.
   */
  private async signingKey(): Promise<Buffer> {
    try {
      let stored = await this.store.get(ReviewLeases.secretKey);
      if (!stored) {
        await this.store.setIfAbsent(ReviewLeases.secretKey, randomBytes(32).toString('base64url'), SECRET_TTL_SECONDS);
        stored = await this.store.get(ReviewLeases.secretKey);
      }
      if (!stored) throw new Error('the lease signing key vanished from the store');
      this.secret = Buffer.from(stored, 'base64url');
      return this.secret;
    } catch (error) {
      if (this.secret) return this.secret;
      throw error;
    }
  }

  private guard<T>(work: () => Promise<T>): Promise<T> {
    return guardLeaseStore(work);
  }
}

/** Runs `work` on the lease store; its failure is a 503 REVIEW_LEASES_UNAVAILABLE the desk retries. */
export async function guardLeaseStore<T>(work: () => Promise<T>): Promise<T> {
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
