import { hkdfSync } from 'node:crypto';
import type { TokenPair } from '@castor/contracts';
import type { KeyValueStore } from '@castor/service-kit';
import { openText, sealText } from '../keys/key-crypto.js';

interface Sealed {
  pair: TokenPair;
  issuedAt: number;
}

/**
 * The grace window of refresh-token rotation (Auth0's reuse interval, Okta's grace period): two
 * tabs that refresh with the same token at once must both stay signed in, so for `seconds` after
 * a rotation the rotated token returns the same new pair instead of counting as reuse. After the
 * window a replay is reuse again and revokes the family.
 *
 * The new pair is kept in the store under the old token's hash, sealed with a key derived from
 * the old token itself, which the server never stores: the store alone yields no usable token,
 * only someone presenting the old token can open it.
 */
export class RefreshGrace {
  constructor(
    private readonly store: KeyValueStore,
    private readonly seconds: number,
  ) {}

  private static key(tokenHash: string): string {
    return `refresh-grace:${tokenHash}`;
  }

  private static cipherKey(presented: string): Buffer {
    return Buffer.from(hkdfSync('sha256', presented, '', 'castor refresh grace', 32));
  }

  /**
   * Keeps `pair` as the answer to `presented`. Called inside the rotating transaction, before it
   * commits, so a concurrent presentation waiting on the row lock finds it.
   */
  async remember(presented: string, tokenHash: string, pair: TokenPair): Promise<void> {
    if (this.seconds === 0) return;
    const key = RefreshGrace.key(tokenHash);
    const sealed = sealText(JSON.stringify({ pair, issuedAt: Date.now() }), key, RefreshGrace.cipherKey(presented));
    await this.store.set(key, sealed.toString('base64'), this.seconds);
  }

  /** The pair `presented` was rotated to, while the window lasts (lifetimes counted down since). */
  async recall(presented: string, tokenHash: string): Promise<TokenPair | undefined> {
    if (this.seconds === 0) return undefined;
    const key = RefreshGrace.key(tokenHash);
    const stored = await this.store.get(key);
    if (!stored) return undefined;
    let sealed: Sealed;
    try {
      sealed = JSON.parse(openText(Buffer.from(stored, 'base64'), key, RefreshGrace.cipherKey(presented)));
    } catch {
      // Not sealed for this token (tampered with in the store): no grace, the caller treats it as reuse.
      return undefined;
    }
    const elapsed = Math.floor((Date.now() - sealed.issuedAt) / 1000);
    return {
      ...sealed.pair,
      expiresIn: sealed.pair.expiresIn - elapsed,
      refreshExpiresIn: sealed.pair.refreshExpiresIn - elapsed,
    };
  }
}
