import { createHash } from 'node:crypto';
import { type KeyValueStore, tooManyRequests } from '@castor/service-kit';

export interface LoginLimits {
  /** Failures one client address may make against one account before that pair is locked. */
  maxFailures: number;
  /** Failures against one account from all addresses after which the account counts as under attack. */
  accountMaxFailures: number;
  lockoutSeconds: number;
}

/**
 * Failed-login throttling that cannot be turned into a lockout weapon (OWASP Authentication
 * Cheat Sheet: lock per account *and* client address, not per account alone).
 *
 * - Failures are counted per (email, address). After `maxFailures` that address is locked for
 *   that email (even the right password is refused from it) until the window ends.
 * - Failures are also counted per email over every address. Past `accountMaxFailures` the account
 *   is under attack: one failure then locks an address, so a botnet gets one guess per address.
 * - An address with no failures against the email is never locked, so the real user, signing in
 *   from their own address with the right password, gets in whatever others are doing.
 * - Success clears only its own pair; the account-wide count keeps running out its window so a
 *   sign-in by the real user does not reopen five guesses per address to an ongoing attack.
 *
 * Emails and addresses are hashed, so the store holds neither. Unknown emails are counted exactly
 * like real ones, so a lock reveals nothing about who has an account. The store must survive a
 * Redis outage (FallbackStore): counters fall back to in-process ones, never to none.
 */
export class LoginThrottle {
  constructor(
    private readonly store: KeyValueStore,
    private readonly limits: LoginLimits,
  ) {}

  private key(...parts: string[]): string {
    return `login-fail:${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)}`;
  }

  /** Failures this address may make against the email right now before it is locked. */
  private async allowance(email: string): Promise<number> {
    const accountFailures = Number((await this.store.get(this.key(email))) ?? 0);
    return accountFailures >= this.limits.accountMaxFailures ? 1 : this.limits.maxFailures;
  }

  async assertNotLocked(email: string, address: string): Promise<void> {
    const pair = this.key(email, address);
    const failures = Number((await this.store.get(pair)) ?? 0);
    if (failures === 0 || failures < (await this.allowance(email))) return;
    throw tooManyRequests(
      'Too many failed sign-in attempts for this account from this address. Try again later.',
      Math.max(await this.store.ttl(pair), 1),
      'ACCOUNT_LOCKED',
    );
  }

  /** Returns true when this failure locked the address for the email. */
  async recordFailure(email: string, address: string): Promise<boolean> {
    await this.store.increment(this.key(email), this.limits.lockoutSeconds);
    const { value } = await this.store.increment(this.key(email, address), this.limits.lockoutSeconds);
    return value >= (await this.allowance(email));
  }

  async clear(email: string, address: string): Promise<void> {
    await this.store.delete(this.key(email, address));
  }
}
