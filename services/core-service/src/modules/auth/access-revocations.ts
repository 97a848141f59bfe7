import type { RevocationsResponse } from '@castor/contracts';
import { REVOCATION_CHANNEL, type Redis, type RevocationList } from '@castor/service-kit';
import { asc, gt, lt, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { CoreDb } from '../../db/client.js';
import { revokedAccessTokens } from '../../db/schema.js';

export interface RevokedAccessToken {
  jti: string;
  userId: string | null;
  expiresAt: Date;
}

type Tx = Parameters<Parameters<CoreDb['transaction']>[0]>[0];
const FEED_PAGE = 1_000;

/**
 * Records revoked access tokens durably (the feed other services poll) and announces them on
 * Redis pub/sub for immediate effect. Announce only after the recording transaction commits.
 */
export class AccessTokenRevocations {
  constructor(
    private readonly db: CoreDb,
    private readonly redis: Redis | null,
    private readonly list: RevocationList,
    private readonly log: FastifyBaseLogger,
  ) {}

  async record(tx: Tx | CoreDb, tokens: RevokedAccessToken[], reason: string): Promise<RevokedAccessToken[]> {
    const live = tokens.filter((token) => token.expiresAt.getTime() > Date.now());
    if (live.length === 0) return [];
    await tx
      .insert(revokedAccessTokens)
      .values(live.map((token) => ({ ...token, reason })))
      .onConflictDoNothing();
    return live;
  }

  announce(tokens: RevokedAccessToken[]): void {
    for (const token of tokens) {
      const expiresAt = Math.ceil(token.expiresAt.getTime() / 1000);
      this.list.add(token.jti, expiresAt);
      this.redis
        ?.publish(REVOCATION_CHANNEL, JSON.stringify({ jti: token.jti, expiresAt }))
        .catch((error: unknown) =>
          this.log.warn({ err: error }, 'could not announce a revocation; the feed will carry it'),
        );
    }
  }

  async feed(after: number): Promise<RevocationsResponse> {
    const rows = await this.db
      .select({ seq: revokedAccessTokens.seq, jti: revokedAccessTokens.jti, expiresAt: revokedAccessTokens.expiresAt })
      .from(revokedAccessTokens)
      .where(gt(revokedAccessTokens.seq, after))
      .orderBy(asc(revokedAccessTokens.seq))
      .limit(FEED_PAGE);
    const now = Date.now();
    return {
      revocations: rows
        .filter((row) => row.expiresAt.getTime() > now)
        .map((row) => ({ seq: row.seq, jti: row.jti, expiresAt: Math.ceil(row.expiresAt.getTime() / 1000) })),
      cursor: rows.at(-1)?.seq ?? after,
    };
  }

  /** Rows of tokens that expired a day ago can no longer matter to anyone. */
  async purgeExpired(): Promise<number> {
    const deleted = await this.db
      .delete(revokedAccessTokens)
      .where(lt(revokedAccessTokens.expiresAt, sql`now() - interval '1 day'`))
      .returning({ seq: revokedAccessTokens.seq });
    return deleted.length;
  }
}
