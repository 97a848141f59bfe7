import { createHash } from 'node:crypto';
import { type KeyValueStore, tooManyRequests } from '@castor/service-kit';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Counts failed logins per email (hashed, so Redis holds no addresses). After `maxFailures`
 * within the lockout window the email is locked until the window ends. Unknown emails are
 * counted exactly like real ones, so a lock reveals nothing about who has an account.
 */
export class LoginThrottle {
  constructor(
    private readonly store: KeyValueStore,
    private readonly maxFailures: number,
    private readonly lockoutSeconds: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  private key(email: string): string {
    return `login-fail:${createHash('sha256').update(email).digest('hex').slice(0, 32)}`;
  }

  async assertNotLocked(email: string): Promise<void> {
    let count: number;
    let ttl: number;
    try {
      const value = await this.store.get(this.key(email));
      count = Number(value ?? 0);
      ttl = count >= this.maxFailures ? await this.store.ttl(this.key(email)) : 0;
    } catch (error) {
      // Without the store we cannot count; logins stay possible (per-address rate limits still apply).
      this.log.warn({ err: error }, 'login throttle unavailable');
      return;
    }
    if (count >= this.maxFailures) {
      throw tooManyRequests(
        'Too many failed sign-in attempts for this account. Try again later.',
        Math.max(ttl, 1),
        'ACCOUNT_LOCKED',
      );
    }
  }

  /** Returns true when this failure locked the email. */
  async recordFailure(email: string): Promise<boolean> {
    try {
      const { value } = await this.store.increment(this.key(email), this.lockoutSeconds);
      return value === this.maxFailures;
    } catch (error) {
      this.log.warn({ err: error }, 'login throttle unavailable');
      return false;
    }
  }

  async clear(email: string): Promise<void> {
    await this.store.delete(this.key(email)).catch(() => undefined);
  }
}
