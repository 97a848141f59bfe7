import { createPublicKey } from 'node:crypto';
import type { Jwks } from '@castor/contracts';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYP, type KeyResolver } from '@castor/service-kit';
import { and, desc, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { createSigner } from 'fast-jwt';
import type { CoreDb } from '../../db/client.js';
import { signingKeys } from '../../db/schema.js';
import { generateSigningKey, openText, sealText } from './key-crypto.js';

/** Allowance for clock skew between services when deciding a retired key is no longer needed. */
const CLOCK_SKEW_SECONDS = 300;
const ROTATION_LOCK_ID = 72_014_2027;
/** Other replicas may rotate; an unknown kid makes us reload at most this often. */
const RELOAD_COOLDOWN_MS = 2_000;

export interface KeyRingOptions {
  encryptionKey: Buffer;
  issuer: string;
  audience: string;
  accessTokenSeconds: number;
  rotationDays: number;
  /** A new key is published this long before it starts signing (longer than AUTH_JWKS_REFRESH_MS). */
  prepublishSeconds: number;
}

type Signer = (payload: Record<string, unknown>) => string;

/**
 * The access-token signing keys. A rotation publishes the next key at once and activates it
 * `prepublishSeconds` later, so every service has fetched it before it signs a token; the key it
 * replaces keeps verifying until every token it signed has expired, then leaves the JWKS and its
 * private part is erased.
 */
export class KeyRing {
  private activeKid = '';
  private activeSince = new Date(0);
  private pendingActivation: Date | undefined;
  private signer: Signer | undefined;
  private publicKeys = new Map<string, { pem: string; jwk: Record<string, string> }>();
  private loadedAt = 0;
  private activationTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: CoreDb,
    private readonly options: KeyRingOptions,
  ) {}

  /** Loads the published keys, creating the first key or rotating an old one as needed. */
  async load(): Promise<void> {
    const rows = await this.db
      .select()
      .from(signingKeys)
      .where(or(isNull(signingKeys.publishedUntil), gt(signingKeys.publishedUntil, sql`now()`)))
      .orderBy(desc(signingKeys.createdAt));
    const now = Date.now();
    // Rows are newest first: the active key is the newest one whose activation has come.
    const active = rows.find(
      (row) =>
        row.privateKeyEncrypted !== null &&
        row.activatesAt.getTime() <= now &&
        (row.retiredAt === null || row.retiredAt.getTime() > now),
    );
    if (!active?.privateKeyEncrypted) {
      await this.rotate({ immediately: true });
      return;
    }
    const pending = rows
      .filter((row) => row.activatesAt.getTime() > now)
      .sort((a, b) => a.activatesAt.getTime() - b.activatesAt.getTime())[0];
    this.pendingActivation = pending?.activatesAt;
    clearTimeout(this.activationTimer);
    if (pending) {
      // Switch signers as soon as the next key's activation comes.
      this.activationTimer = setTimeout(
        () => void this.load().catch(() => undefined),
        pending.activatesAt.getTime() - now + 10,
      );
      this.activationTimer.unref();
    }
    this.publicKeys = new Map(
      rows.map((row) => [
        row.kid,
        {
          pem: createPublicKey({ key: row.publicJwk, format: 'jwk' })
            .export({ type: 'spki', format: 'pem' })
            .toString(),
          jwk: row.publicJwk,
        },
      ]),
    );
    if (active.kid !== this.activeKid) {
      let privatePem: string;
      try {
        privatePem = openText(active.privateKeyEncrypted, active.kid, this.options.encryptionKey);
      } catch (error) {
        throw new Error(
          'JWT_KEY_ENCRYPTION_KEY does not decrypt the signing keys stored in the database: it is not the key they were created with. Restore the original value.',
          { cause: error },
        );
      }
      this.signer = createSigner({
        key: privatePem,
        algorithm: ACCESS_TOKEN_ALGORITHM,
        kid: active.kid,
        iss: this.options.issuer,
        aud: this.options.audience,
        expiresIn: this.options.accessTokenSeconds * 1000,
        header: { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYP },
      }) as Signer;
      this.activeKid = active.kid;
    }
    this.activeSince = active.activatesAt;
    this.loadedAt = Date.now();
  }

  /**
   * Publishes a new key that starts signing after the pre-publication delay (at once for the very
   * first key) and schedules the retirement of the current ones. Safe when replicas race.
   */
  async rotate(options: { immediately?: boolean } = {}): Promise<{
    activeKid: string;
    nextKid: string;
    activatesAt: string;
    retiredKids: string[];
  }> {
    const key = generateSigningKey();
    const delaySeconds = options.immediately ? 0 : this.options.prepublishSeconds;
    const activatesAt = new Date(Date.now() + delaySeconds * 1000);
    const retired = await this.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${ROTATION_LOCK_ID})`);
      const retiredRows = await tx
        .update(signingKeys)
        .set({
          retiredAt: activatesAt,
          publishedUntil: new Date(
            activatesAt.getTime() + (this.options.accessTokenSeconds + CLOCK_SKEW_SECONDS) * 1000,
          ),
        })
        .where(isNull(signingKeys.retiredAt))
        .returning({ kid: signingKeys.kid });
      await tx.insert(signingKeys).values({
        kid: key.kid,
        algorithm: ACCESS_TOKEN_ALGORITHM,
        publicJwk: key.publicJwk,
        privateKeyEncrypted: sealText(key.privatePem, key.kid, this.options.encryptionKey),
        activatesAt,
      });
      // Keys no longer published need no private part any more.
      await tx
        .update(signingKeys)
        .set({ privateKeyEncrypted: null })
        .where(and(isNotNull(signingKeys.privateKeyEncrypted), lt(signingKeys.publishedUntil, sql`now()`)));
      return retiredRows.map((row) => row.kid);
    });
    await this.load();
    return {
      activeKid: this.activeKid,
      nextKid: key.kid,
      activatesAt: activatesAt.toISOString(),
      retiredKids: retired,
    };
  }

  /** Rotates when the active key is older than the configured period and no successor is pending. */
  async rotateIfDue(): Promise<boolean> {
    if (this.options.rotationDays === 0 || this.pendingActivation) return false;
    const ageDays = (Date.now() - this.activeSince.getTime()) / 86_400_000;
    if (ageDays < this.options.rotationDays) return false;
    await this.rotate();
    return true;
  }

  stop(): void {
    clearTimeout(this.activationTimer);
  }

  sign(payload: { sub: string; role: string; jti: string }): string {
    if (!this.signer) throw new Error('key ring not loaded');
    return this.signer(payload);
  }

  get currentKid(): string {
    return this.activeKid;
  }

  readonly resolveKey: KeyResolver = Object.assign(
    async (kid: string): Promise<string | undefined> => {
      const known = this.publicKeys.get(kid);
      if (known) return known.pem;
      if (Date.now() - this.loadedAt > RELOAD_COOLDOWN_MS) {
        await this.load();
        return this.publicKeys.get(kid)?.pem;
      }
      return undefined;
    },
    { isTrusted: (kid: string) => this.publicKeys.has(kid) },
  );

  jwks(): Jwks {
    return { keys: [...this.publicKeys.values()].map(({ jwk }) => ({ ...jwk, use: 'sig' as const })) as Jwks['keys'] };
  }
}
