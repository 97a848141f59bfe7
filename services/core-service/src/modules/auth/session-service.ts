import { randomUUID } from 'node:crypto';
import type { AccessTokenClaims, AuthResponse, TokenPair } from '@castor/contracts';
import { unauthorized } from '@castor/service-kit';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { CoreDb } from '../../db/client.js';
import { accountEvents, refreshTokens, users } from '../../db/schema.js';
import type { KeyRing } from '../keys/key-ring.js';
import { toUser } from '../users/user-dto.js';
import type { AccessTokenRevocations, RevokedAccessToken } from './access-revocations.js';
import type { LoginThrottle } from './login-throttle.js';
import { hashOpaqueToken, newOpaqueToken } from './opaque-tokens.js';
import type { PasswordHasher } from './passwords.js';
import type { RefreshGrace } from './refresh-grace.js';

type Tx = Parameters<Parameters<CoreDb['transaction']>[0]>[0];
type UserRow = typeof users.$inferSelect;
type TokenRow = typeof refreshTokens.$inferSelect;
type Rotation = { pair: TokenPair; user: UserRow } | { error: 'invalid' | 'reused' | 'disabled' };

export interface SessionDeps {
  db: CoreDb;
  keys: KeyRing;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  grace: RefreshGrace;
  revocations: AccessTokenRevocations;
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
}

const invalidCredentials = () => unauthorized('INVALID_CREDENTIALS', 'Wrong email or password');

/** Sign-in, refresh-token rotation with reuse detection, and sign-out. */
export class SessionService {
  constructor(private readonly deps: SessionDeps) {}

  /** Issues an access token and the next refresh token of `familyId`. Runs inside the caller's transaction. */
  private async issue(tx: Tx, user: UserRow, familyId: string, parentId: string | null): Promise<TokenPair> {
    const jti = randomUUID();
    const accessToken = this.deps.keys.sign({ sub: user.id, role: user.role, jti });
    const refreshToken = newOpaqueToken('castor_rt');
    await tx.insert(refreshTokens).values({
      userId: user.id,
      familyId,
      parentId,
      tokenHash: hashOpaqueToken(refreshToken),
      accessJti: jti,
      accessExpiresAt: new Date(Date.now() + this.deps.accessTokenSeconds * 1000),
      expiresAt: new Date(Date.now() + this.deps.refreshTokenSeconds * 1000),
    });
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn: this.deps.accessTokenSeconds,
      refreshToken,
      refreshExpiresIn: this.deps.refreshTokenSeconds,
    };
  }

  /** `clientAddress` scopes the lockout (see LoginThrottle); in-process callers share one. */
  async login(email: string, password: string, clientAddress = 'in-process'): Promise<AuthResponse> {
    await this.deps.throttle.assertNotLocked(email, clientAddress);
    const [user] = await this.deps.db.select().from(users).where(eq(users.email, email));
    const valid = user
      ? await this.deps.hasher.verify(user.passwordHash, password)
      : await this.deps.hasher.verifyAgainstNothing(password);
    if (!user || !valid) {
      const locked = await this.deps.throttle.recordFailure(email, clientAddress);
      if (locked && user) {
        await this.deps.db.insert(accountEvents).values({ userId: user.id, kind: 'login.locked', detail: {} });
      }
      throw invalidCredentials();
    }
    if (user.disabled) throw unauthorized('ACCOUNT_DISABLED', 'This account has been disabled by an administrator');
    await this.deps.throttle.clear(email, clientAddress);
    const tokens = await this.deps.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(users)
        .set({ lastLoginAt: sql`now()` })
        .where(eq(users.id, user.id))
        .returning();
      return { pair: await this.issue(tx, user, randomUUID(), null), user: updated ?? user };
    });
    return { ...tokens.pair, user: toUser(tokens.user) };
  }

  /**
   * Rotates a refresh token. The row lock serialises concurrent presentations of one token: the
   * first rotates it; a later one within the grace window gets the same new pair (RefreshGrace),
   * any other finds it used, which is reuse and revokes the whole family (and the access tokens
   * issued from it).
   */
  async refresh(presented: string): Promise<AuthResponse> {
    const toAnnounce: RevokedAccessToken[] = [];
    const outcome = await this.deps.db.transaction(async (tx) => this.rotate(tx, presented, toAnnounce));
    this.deps.revocations.announce(toAnnounce);
    if ('error' in outcome) {
      if (outcome.error === 'reused') {
        throw unauthorized(
          'REFRESH_TOKEN_REUSED',
          'This refresh token was already used; every session it belonged to has been signed out',
        );
      }
      if (outcome.error === 'disabled') {
        throw unauthorized('ACCOUNT_DISABLED', 'This account has been disabled by an administrator');
      }
      throw unauthorized('REFRESH_TOKEN_INVALID', 'The refresh token is not valid; sign in again');
    }
    return { ...outcome.pair, user: toUser(outcome.user) };
  }

  private async rotate(tx: Tx, presented: string, toAnnounce: RevokedAccessToken[]): Promise<Rotation> {
    const tokenHash = hashOpaqueToken(presented);
    const [token] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).for('update');
    if (!token || token.revokedAt || token.expiresAt.getTime() <= Date.now()) return { error: 'invalid' };
    if (token.usedAt) {
      const again = await this.withinGrace(tx, presented, token);
      if (again) return again;
      toAnnounce.push(...(await this.revokeFamily(tx, token.familyId, 'refresh-token-reuse')));
      await tx.insert(accountEvents).values({
        userId: token.userId,
        kind: 'refresh.reuse_detected',
        detail: { familyId: token.familyId },
      });
      return { error: 'reused' };
    }
    const [user] = await tx.select().from(users).where(eq(users.id, token.userId));
    if (!user || user.disabled) {
      toAnnounce.push(...(await this.revokeFamily(tx, token.familyId, 'account-disabled')));
      return { error: 'disabled' };
    }
    await tx.update(refreshTokens).set({ usedAt: sql`now()` }).where(eq(refreshTokens.id, token.id));
    const pair = await this.issue(tx, user, token.familyId, token.id);
    await this.deps.grace.remember(presented, tokenHash, pair);
    return { pair, user };
  }

  /**
   * The pair `token` was just rotated to, if the grace window is still open and that pair is
   * still the family's newest (not rotated or revoked since); otherwise undefined (reuse).
   */
  private async withinGrace(tx: Tx, presented: string, token: TokenRow): Promise<Rotation | undefined> {
    const pair = await this.deps.grace.recall(presented, token.tokenHash);
    if (!pair) return undefined;
    const [successor] = await tx
      .select({ id: refreshTokens.id })
      .from(refreshTokens)
      .where(
        and(
          eq(refreshTokens.tokenHash, hashOpaqueToken(pair.refreshToken)),
          eq(refreshTokens.parentId, token.id),
          isNull(refreshTokens.usedAt),
          isNull(refreshTokens.revokedAt),
        ),
      );
    if (!successor) return undefined;
    const [user] = await tx.select().from(users).where(eq(users.id, token.userId));
    return user && !user.disabled ? { pair, user } : { error: 'disabled' };
  }

  /** Signs out: revokes the presented access token, and the refresh family (or every session). */
  async logout(claims: AccessTokenClaims, refreshToken: string | undefined, allSessions: boolean): Promise<void> {
    const announced = await this.deps.db.transaction(async (tx) => {
      const revoked = await this.deps.revocations.record(
        tx,
        [{ jti: claims.jti, userId: claims.sub, expiresAt: new Date(claims.exp * 1000) }],
        'logout',
      );
      if (allSessions) {
        revoked.push(...(await this.revokeUserSessions(tx, claims.sub, 'logout-all')));
      } else if (refreshToken) {
        const [token] = await tx
          .select({ familyId: refreshTokens.familyId })
          .from(refreshTokens)
          .where(and(eq(refreshTokens.tokenHash, hashOpaqueToken(refreshToken)), eq(refreshTokens.userId, claims.sub)));
        if (token) revoked.push(...(await this.revokeFamily(tx, token.familyId, 'logout')));
      }
      return revoked;
    });
    this.deps.revocations.announce(announced);
  }

  private async revokeFamily(tx: Tx, familyId: string, reason: string): Promise<RevokedAccessToken[]> {
    const rows = await tx
      .update(refreshTokens)
      .set({ revokedAt: sql`now()`, revokedReason: reason })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
      .returning();
    return this.revokeAccessTokensOf(tx, rows, reason);
  }

  /** Ends every session of a user (disable, role change, sign out everywhere). */
  async revokeUserSessions(tx: Tx, userId: string, reason: string): Promise<RevokedAccessToken[]> {
    await tx
      .update(refreshTokens)
      .set({ revokedAt: sql`now()`, revokedReason: reason })
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
    // Every access token issued to the user that has not expired yet, whatever its family's state.
    const live = await tx
      .select()
      .from(refreshTokens)
      .where(and(eq(refreshTokens.userId, userId), gt(refreshTokens.accessExpiresAt, sql`now()`)));
    return this.revokeAccessTokensOf(tx, live, reason);
  }

  private revokeAccessTokensOf(
    tx: Tx,
    rows: Array<typeof refreshTokens.$inferSelect>,
    reason: string,
  ): Promise<RevokedAccessToken[]> {
    const unique = new Map(
      rows.map((row) => [row.accessJti, { jti: row.accessJti, userId: row.userId, expiresAt: row.accessExpiresAt }]),
    );
    return this.deps.revocations.record(tx, [...unique.values()], reason);
  }
}
