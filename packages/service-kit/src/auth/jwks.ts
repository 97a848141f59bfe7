import { createPublicKey } from 'node:crypto';
import { jwksSchema } from '@castor/contracts';

/** Returns the PEM public key for a `kid`, or undefined when no such key is trusted. */
export interface KeyResolver {
  (kid: string): Promise<string | undefined>;
  /** Whether `kid` is trusted right now, from what is already loaded (no fetch): cheap enough per request. */
  isTrusted(kid: string): boolean;
}

export interface RemoteJwksOptions {
  url: string;
  algorithm: string;
  /** Refetch at most this often on an unknown kid, so forged kids cannot make us hammer core. */
  cooldownMs?: number;
  /**
   * Background refresh period. core publishes a new key before signing with it (for longer than
   * this period), so a rotation never produces a token we cannot verify; retired keys drop out.
   */
  refreshMs?: number;
  fetchTimeoutMs?: number;
}

/**
 * Verifies tokens locally with core-service's published keys: one fetch, then cached, refetched
 * on an unknown kid (key rotation) and periodically. Only the `kid` of a token is used to pick a
 * key; key references inside a token (`jku`, `x5u`, `jwk`) are never followed.
 */
export interface RemoteKeyResolver extends KeyResolver {
  refresh(): Promise<void>;
  start(): void;
  stop(): void;
}

export function createRemoteJwksResolver(options: RemoteJwksOptions): RemoteKeyResolver {
  const cooldownMs = options.cooldownMs ?? 1_000;
  const refreshMs = options.refreshMs ?? 60_000;
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 3_000;
  let keys = new Map<string, string>();
  let fetchedAt = 0;
  let inFlight: Promise<void> | undefined;

  async function fetchKeys(): Promise<void> {
    const response = await fetch(options.url, { signal: AbortSignal.timeout(fetchTimeoutMs) });
    if (!response.ok) throw new Error(`JWKS answered HTTP ${response.status}`);
    const jwks = jwksSchema.parse(await response.json());
    const next = new Map<string, string>();
    for (const jwk of jwks.keys) {
      if (jwk.alg !== options.algorithm) continue;
      const pem = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
      next.set(jwk.kid, pem);
    }
    keys = next;
    fetchedAt = Date.now();
  }

  function refresh(): Promise<void> {
    inFlight ??= fetchKeys().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  let timer: NodeJS.Timeout | undefined;
  const refreshQuietly = () =>
    refresh().catch(() => {
      // Keep serving the keys we have; an unreachable core must not reject valid tokens.
    });

  const resolve = async (kid: string) => {
    const known = keys.get(kid);
    if (known) return known;
    if (Date.now() - fetchedAt >= cooldownMs) await refreshQuietly();
    return keys.get(kid);
  };
  return Object.assign(resolve, {
    isTrusted: (kid: string) => keys.has(kid),
    refresh,
    start() {
      void refreshQuietly();
      timer = setInterval(refreshQuietly, refreshMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  });
}
