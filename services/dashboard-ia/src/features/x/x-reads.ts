import { createHash } from 'node:crypto';
import { ProviderError, type Resilience } from '@castor/resilience';
import type { KeyValueStore } from '@castor/service-kit';
import type { XBudgetLimits } from '../../domain/x-budget.js';
import type { XRepository } from './x.repository.js';
import {
  classifyXError,
  untilReset,
  type XClient,
  type XRateLimit,
  type XSearchPage,
  type XUsersPage,
} from './x-client.js';

/** No post may be read before `resetsAt`: the daily or monthly budget is spent. */
export class XBudgetExhausted extends Error {
  constructor(readonly resetsAt: Date) {
    super(`The X read budget is spent until ${resetsAt.toISOString()}`);
    this.name = 'XBudgetExhausted';
  }
}

export interface XReadsDeps {
  client: Pick<XClient, 'searchRecent' | 'usersByUsernames'>;
  ledger: Pick<XRepository, 'reserveSearch' | 'settle' | 'recordUserLookup'>;
  store: KeyValueStore;
  /** Retries 5xx and timeouts, waits through rate limits up to its `maxRetryAfterMs`, classifies with classifyXError. */
  resilience: Resilience;
  limits: XBudgetLimits;
  cacheTtlSeconds: number;
}

type Endpoint = 'tweets/search/recent' | 'users/by';

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url');

/**
 * Every read from X goes through here: answered from the cache when the same request was made
 * within CACHE_TTL_TWITTER (free), else within the budget (posts reserved in PostgreSQL before the
 * call, settled to what X returned after), after any rate-limit window X announced has reset
 * (shared by replicas through the store), with retries on 5xx and timeouts.
 */
export class XReads {
  constructor(private readonly deps: XReadsDeps) {}

  async searchPage(
    query: string,
    cursor: { sinceId?: string | undefined; nextToken?: string | undefined },
  ): Promise<{ page: XSearchPage; fromCache: boolean }> {
    const cacheKey = `x:search:${digest([query, cursor.sinceId ?? null, cursor.nextToken ?? null])}`;
    const cached = await this.deps.store.get(cacheKey);
    if (cached !== null) return { page: JSON.parse(cached) as XSearchPage, fromCache: true };

    const reservation = await this.deps.ledger.reserveSearch(query, this.deps.limits);
    if (!reservation.granted) throw new XBudgetExhausted(reservation.resetsAt);
    let page: XSearchPage;
    try {
      page = await this.call('tweets/search/recent', () =>
        this.deps.client.searchRecent({ query, maxResults: reservation.maxResults, ...cursor }),
      );
    } catch (error) {
      // An error status is not billed; a 200 whose body cannot be read may have been: keep it counted.
      const billed = error instanceof ProviderError && error.code === 'PROVIDER_BAD_RESPONSE';
      await this.deps.ledger.settle(reservation.id, billed ? reservation.maxResults : 0, 0, 'failed');
      throw error;
    }
    await this.deps.ledger.settle(reservation.id, page.data?.length ?? 0, page.includes?.users?.length ?? 0, 'settled');
    await this.deps.store.set(cacheKey, JSON.stringify(page), this.deps.cacheTtlSeconds);
    return { page, fromCache: false };
  }

  async usersByUsernames(usernames: readonly string[]): Promise<XUsersPage> {
    const cacheKey = `x:users:${digest([...usernames].sort())}`;
    const cached = await this.deps.store.get(cacheKey);
    if (cached !== null) return JSON.parse(cached) as XUsersPage;
    let page: XUsersPage;
    try {
      page = await this.call('users/by', () => this.deps.client.usersByUsernames(usernames));
    } catch (error) {
      await this.deps.ledger.recordUserLookup(usernames, 0, 'failed');
      throw error;
    }
    await this.deps.ledger.recordUserLookup(usernames, page.data?.length ?? 0, 'settled');
    await this.deps.store.set(cacheKey, JSON.stringify(page), this.deps.cacheTtlSeconds);
    return page;
  }

  /** One call with retries; each attempt first waits out a window X said is exhausted. */
  private async call<T>(
    endpoint: Endpoint,
    request: () => Promise<{ page: T; rateLimit: XRateLimit | undefined }>,
  ): Promise<T> {
    const { value } = await this.deps.resilience.execute(async () => {
      await this.checkWindow(endpoint);
      try {
        const { page, rateLimit } = await request();
        if (rateLimit?.remaining === 0) await this.noteExhausted(endpoint, rateLimit.reset);
        return page;
      } catch (raw) {
        const error = classifyXError(raw);
        if (error.code === 'PROVIDER_RATE_LIMITED' && error.retryAfterMs !== undefined) {
          await this.noteExhausted(endpoint, Math.ceil((Date.now() + error.retryAfterMs) / 1000));
        }
        throw error;
      }
    });
    return value;
  }

  /** A window X announced as exhausted (here or on another replica) is a rate limit until it resets. */
  private async checkWindow(endpoint: Endpoint): Promise<void> {
    const reset = Number(await this.deps.store.get(`x:window:${endpoint}`));
    if (!(reset * 1000 > Date.now())) return;
    throw new ProviderError('PROVIDER_RATE_LIMITED', 'x', `X rate limit on ${endpoint} until its reset`, {
      status: 429,
      retryAfterMs: untilReset(reset),
    });
  }

  private async noteExhausted(endpoint: Endpoint, resetEpochSeconds: number): Promise<void> {
    const ttlSeconds = Math.max(1, Math.ceil(resetEpochSeconds - Date.now() / 1000) + 1);
    await this.deps.store.set(`x:window:${endpoint}`, String(resetEpochSeconds), ttlSeconds);
  }
}
