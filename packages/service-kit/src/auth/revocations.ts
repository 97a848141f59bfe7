import { type RevocationsResponse, revocationsResponseSchema } from '@castor/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';

/** Pub/sub channel on which core-service announces revoked access tokens (not key-prefixed). */
export const REVOCATION_CHANNEL = 'castor:auth:revocations';

export type RevocationSource = (after: number) => Promise<RevocationsResponse>;

export function remoteRevocationSource(coreServiceUrl: string, timeoutMs = 3_000): RevocationSource {
  return async (after) => {
    const response = await fetch(new URL(`/api/auth/revocations?after=${after}`, coreServiceUrl), {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`revocation feed answered HTTP ${response.status}`);
    return revocationsResponseSchema.parse(await response.json());
  };
}

/**
 * The access-token deny-list, held in memory so the per-request check costs no I/O. It is filled
 * from core-service's revocation feed (polled; the durable path) and, when Redis is present, from
 * pub/sub announcements (the fast path). Entries leave when the token would have expired anyway.
 */
export class RevocationList {
  private readonly revoked = new Map<string, number>();
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;
  private subscriber: Redis | undefined;
  lastSyncAt = 0;

  constructor(
    private readonly source: RevocationSource,
    private readonly log?: FastifyBaseLogger,
  ) {}

  isRevoked(jti: string): boolean {
    const expiresAt = this.revoked.get(jti);
    return expiresAt !== undefined && expiresAt * 1000 > Date.now();
  }

  add(jti: string, expiresAt: number): void {
    if (expiresAt * 1000 > Date.now()) this.revoked.set(jti, expiresAt);
  }

  get size(): number {
    return this.revoked.size;
  }

  async sync(): Promise<void> {
    // Page through the feed until it has nothing newer than our cursor.
    for (;;) {
      const page = await this.source(this.cursor);
      for (const entry of page.revocations) this.add(entry.jti, entry.expiresAt);
      const advanced = page.cursor > this.cursor;
      this.cursor = Math.max(this.cursor, page.cursor);
      if (!advanced || page.revocations.length === 0) break;
    }
    this.lastSyncAt = Date.now();
    this.prune();
  }

  private prune(): void {
    const now = Date.now() / 1000;
    for (const [jti, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(jti);
  }

  /**
   * Starts polling and (with Redis) listening. Resolves after the first sync, or after
   * `firstSyncTimeoutMs` if the feed does not answer: a down core must not block a start.
   */
  async start(pollMs: number, redis: Redis | null, firstSyncTimeoutMs = 3_000): Promise<void> {
    const poll = () =>
      this.sync().catch((error: unknown) => this.log?.warn({ err: error }, 'revocation feed sync failed'));
    const first = poll();
    this.timer = setInterval(poll, pollMs);
    this.timer.unref();
    if (redis) {
      // A subscriber connection cannot run other commands, so it gets its own; it queues the
      // SUBSCRIBE until connected (the service connection fails fast instead) and re-subscribes
      // after reconnecting.
      this.subscriber = redis.duplicate({ enableOfflineQueue: true });
      this.subscriber.on('error', () => undefined);
      this.subscriber.on('message', (_channel: string, message: string) => {
        try {
          const { jti, expiresAt } = JSON.parse(message) as { jti: string; expiresAt: number };
          if (typeof jti === 'string' && typeof expiresAt === 'number') this.add(jti, expiresAt);
        } catch {
          // Malformed announcements are ignored; the poll is authoritative.
        }
      });
      void this.subscriber.subscribe(REVOCATION_CHANNEL).catch(() => undefined);
    }
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([first, new Promise((resolve) => (timeout = setTimeout(resolve, firstSyncTimeoutMs)))]);
    clearTimeout(timeout);
  }

  stop(): void {
    clearInterval(this.timer);
    this.subscriber?.disconnect();
  }
}
