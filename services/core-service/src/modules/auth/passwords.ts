import { randomBytes } from 'node:crypto';
import { serviceUnavailable } from '@castor/service-kit';
import { type Algorithm, hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';

/** `Algorithm.Argon2id`; the enum is a const enum, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm;
/** OWASP's minimum argon2id configuration: 19 MiB, 2 iterations, 1 lane. */
export const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * argon2id with a bound on concurrent hashes: each takes 19 MiB, so a burst of logins would
 * otherwise exhaust memory. Work beyond the bound waits in a bounded queue, then gets 503 BUSY.
 */
export class PasswordHasher {
  private readonly limit;
  private dummyHash: Promise<string> | undefined;

  constructor(
    maxConcurrency: number,
    private readonly maxQueue: number,
  ) {
    this.limit = pLimit(maxConcurrency);
  }

  private admit(): void {
    if (this.limit.pendingCount >= this.maxQueue) {
      throw serviceUnavailable('BUSY', 'The sign-in service is busy; try again in a moment', 1);
    }
  }

  hash(password: string): Promise<string> {
    this.admit();
    return this.limit(() => hash(password, ARGON2_OPTIONS));
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    this.admit();
    return this.limit(() => verify(passwordHash, password).catch(() => false));
  }

  /**
   * Spends the same time as a real verification, for logins to unknown emails, so response time
   * does not reveal whether an account exists.
   */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyHash ??= hash(randomBytes(16).toString('hex'), ARGON2_OPTIONS);
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
