import type { XBudgetResponse, XPriceTable, XReadWindow, XRefreshResponse, XRefreshRun } from '@castor/contracts';
import { isProviderError } from '@castor/resilience';
import { httpError, withTransaction } from '@castor/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import {
  budgetWindows,
  readCostUsd,
  remainingPosts,
  type XBudgetLimits,
  type XWindowUsage,
  xSearchQuery,
} from '../../domain/x-budget.js';
import type { IncomingAuthor, IncomingPost, PostStore } from '../../shared/post-store.js';
import type { ClaimedJob, XRepository } from './x.repository.js';
import type { XApiPost, XApiUser } from './x-client.js';
import { XBudgetExhausted, type XReads } from './x-reads.js';

export interface XRefreshSettings {
  limits: XBudgetLimits;
  prices: XPriceTable;
  /** Minutes between a query's refreshes; null: refreshes only run when asked (POST /refresh). */
  intervalMinutes: number | null;
  pollMs: number;
  maxPagesPerRun: number;
  maxAttempts: number;
  leaseSeconds: number;
  /** Appended to every search (language, no retweets...). */
  queryFilters: string;
}

export interface XServiceDeps {
  pool: pg.Pool;
  repository: XRepository;
  /** null when X is not configured (no TWITTER_BEARER_TOKEN): the budget is shown, nothing is read. */
  reads: XReads | null;
  posts: Pick<PostStore, 'save'>;
  /** Called after posts were stored: the background analysis scores them. */
  onStored: () => void;
  settings: XRefreshSettings;
  log: FastifyBaseLogger;
}

const MINUTE = 60_000;

/**
 * Reading the tracked queries from X: each active tracked query has a durable refresh job; a run
 * pages through the recent search from the newest post already seen (since_id), stores posts and
 * authors through the post store, and reschedules itself. The budget, the cache and X's rate
 * limits are XReads'; this decides what a stopped run means for its job.
 */
export class XService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly deps: XServiceDeps) {}

  get configured(): boolean {
    return this.deps.reads !== null;
  }

  /** Starts the scheduled refreshes (when X is configured and an interval is set). */
  async start(): Promise<void> {
    if (!this.configured || this.deps.settings.intervalMinutes === null) return;
    await this.deps.repository.releaseParked();
    this.timer = setInterval(() => {
      this.running ??= this.tick()
        .catch((error: unknown) => this.deps.log.warn({ err: error }, 'scheduled X refresh failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.deps.settings.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass of the scheduler: jobs for new queries, then every due job. */
  async tick(): Promise<XRefreshRun[]> {
    await this.deps.repository.syncJobs();
    return this.drain(null);
  }

  async budget(now = new Date()): Promise<XBudgetResponse> {
    const { limits, prices, intervalMinutes } = this.deps.settings;
    const usage = await this.deps.repository.usage(now);
    const windows = budgetWindows(now);
    const jobs = await this.deps.repository.jobSummary();
    return {
      configured: this.configured,
      reason: this.configured ? null : 'TWITTER_BEARER_TOKEN is not set: nothing is read from X',
      currency: 'USD',
      prices,
      day: readWindow(limits.daily, usage.day, prices, windows.dayResetsAt),
      month: readWindow(limits.monthly, usage.month, prices, windows.monthResetsAt),
      refresh: {
        scheduled: this.configured && intervalMinutes !== null,
        intervalMinutes,
        jobs: jobs.jobs,
        parked: jobs.parked,
        nextDueAt: jobs.nextDueAt?.toISOString() ?? null,
        lastRunAt: jobs.lastRunAt?.toISOString() ?? null,
        lastError: jobs.lastError,
      },
    };
  }

  /**
   * Refreshes now every active tracked query, or one candidate's: their jobs are made due (parked
   * ones released) and run here. Refused as a whole when nothing could be read for a reason that
   * holds for every query: X not configured, the budget spent, the token refused.
   */
  async refreshNow(candidateSlug?: string): Promise<XRefreshResponse> {
    if (!this.configured) {
      throw httpError(
        'X_NOT_CONFIGURED',
        'X is not configured (TWITTER_BEARER_TOKEN is not set): import posts instead',
      );
    }
    const { repository } = this.deps;
    await repository.syncJobs();
    const queryIds = candidateSlug === undefined ? null : await repository.candidateQueryIds(candidateSlug);
    if (queryIds === null && candidateSlug !== undefined) {
      throw httpError('CANDIDATE_UNKNOWN', `No candidate is followed as "${candidateSlug}"`);
    }
    await repository.makeDue(queryIds);
    const runs = await this.drain(queryIds);
    if (queryIds !== null) runs.push(...(await this.busyRuns(queryIds, runs)));

    const spent = runs.length > 0 && runs.every((run) => run.outcome === 'budget_exhausted' && run.pages === 0);
    if (spent) {
      const resetsAt = new Date(runs[0]?.nextDueAt ?? Date.now());
      const retryAfterSeconds = Math.max(1, Math.ceil((resetsAt.getTime() - Date.now()) / 1000));
      throw httpError(
        'X_BUDGET_EXHAUSTED',
        `The X read budget is spent until ${resetsAt.toISOString()}`,
        { resetsAt: resetsAt.toISOString(), retryAfterSeconds },
        { headers: { 'retry-after': String(retryAfterSeconds) } },
      );
    }
    const refused = runs.find((run) => run.outcome === 'auth_failed');
    if (refused) throw httpError('X_AUTH_FAILED', refused.error ?? 'X refused the bearer token');
    return { runs, budget: await this.budget() };
  }

  /** Runs due jobs (only those of `queryIds` when given) until none is left. */
  async drain(queryIds: readonly string[] | null): Promise<XRefreshRun[]> {
    const runs: XRefreshRun[] = [];
    for (;;) {
      const job = await this.deps.repository.claimNext(this.deps.settings.leaseSeconds, queryIds);
      if (!job) return runs;
      runs.push(await this.run(job));
    }
  }

  private async run(job: ClaimedJob): Promise<XRefreshRun> {
    const reads = this.deps.reads as XReads;
    const { settings, repository } = this.deps;
    const query = xSearchQuery(job, settings.queryFilters);
    const run: XRefreshRun = {
      queryId: job.queryId,
      candidate: job.candidateSlug,
      query,
      outcome: 'done',
      pages: 0,
      postsRead: 0,
      stored: 0,
      alreadyStored: 0,
      error: null,
      nextDueAt: null,
    };
    try {
      if (job.kind === 'account') await this.storeAccount(reads, job.value);
      let newestId: string | undefined;
      let nextToken: string | undefined;
      do {
        const { page } = await reads.searchPage(query, { sinceId: job.sinceId ?? undefined, nextToken });
        run.pages += 1;
        newestId ??= page.meta.newest_id;
        nextToken = page.meta.next_token;
        run.postsRead += page.data?.length ?? 0;
        const stored = await this.store(job, page.data ?? [], page.includes?.users ?? []);
        run.stored += stored.stored;
        run.alreadyStored += stored.alreadyStored;
      } while (nextToken !== undefined && run.pages < settings.maxPagesPerRun);
      const nextDueAt = new Date(Date.now() + (settings.intervalMinutes ?? 60) * MINUTE);
      await repository.complete(job, newestId ?? null, nextDueAt);
      run.nextDueAt = nextDueAt.toISOString();
      return run;
    } catch (error) {
      return this.stopped(job, run, error);
    }
  }

  /** What a run that stopped early means for its job; the posts it stored stay stored. */
  private async stopped(job: ClaimedJob, run: XRefreshRun, error: unknown): Promise<XRefreshRun> {
    const { repository, settings } = this.deps;
    const message = error instanceof Error ? error.message : String(error);
    run.error = message;
    // since_id is not moved: the next run reads again what this one missed (pages it did read are cached).
    if (error instanceof XBudgetExhausted) {
      await repository.reschedule(job, error.resetsAt, message, false);
      return { ...run, outcome: 'budget_exhausted', nextDueAt: error.resetsAt.toISOString() };
    }
    if (isProviderError(error, 'PROVIDER_RATE_LIMITED')) {
      const dueAt = new Date(Date.now() + (error.retryAfterMs ?? MINUTE));
      await repository.reschedule(job, dueAt, message, false);
      return { ...run, outcome: 'rate_limited', nextDueAt: dueAt.toISOString() };
    }
    if (isProviderError(error, 'PROVIDER_AUTH_FAILED')) {
      // Retrying cannot help until the token changes: the job waits for a manual refresh or a restart.
      await repository.park(job, message);
      return { ...run, outcome: 'auth_failed' };
    }
    if (!isProviderError(error)) this.deps.log.error({ err: error, queryId: job.queryId }, 'X refresh failed');
    if (job.attempts >= settings.maxAttempts) {
      await repository.park(job, `${message} (after ${job.attempts} attempts)`);
      return { ...run, outcome: 'failed' };
    }
    const backoffMinutes = Math.min(2 ** (job.attempts - 1), settings.intervalMinutes ?? 60);
    const dueAt = new Date(Date.now() + backoffMinutes * MINUTE);
    await repository.reschedule(job, dueAt, message, true);
    return { ...run, outcome: 'failed', nextDueAt: dueAt.toISOString() };
  }

  /** A tracked account's own profile, so its posts and the bot model have it even before it posts. */
  private async storeAccount(reads: XReads, username: string): Promise<void> {
    const page = await reads.usersByUsernames([username]);
    const authors = (page.data ?? []).map(incomingAuthor);
    if (authors.length === 0) return;
    await withTransaction(this.deps.pool, (client) => this.deps.posts.save(client, authors, []));
  }

  private async store(job: ClaimedJob, posts: readonly XApiPost[], users: readonly XApiUser[]) {
    // A post whose author X did not include (suspended since, withheld) cannot be stored: authors are required.
    const authors = new Map(users.map((user) => [user.id, incomingAuthor(user)]));
    const incoming = posts.filter((post) => authors.has(post.author_id)).map((post) => incomingPost(post, job));
    if (incoming.length === 0) return { stored: 0, alreadyStored: 0 };
    const result = await withTransaction(this.deps.pool, (client) =>
      this.deps.posts.save(client, [...authors.values()], incoming),
    );
    if (result.stored > 0) this.deps.onStored();
    return result;
  }

  /** The requested queries that another worker held during this refresh. */
  private async busyRuns(queryIds: readonly string[], runs: readonly XRefreshRun[]): Promise<XRefreshRun[]> {
    const ran = new Set(runs.map((run) => run.queryId));
    const missing = queryIds.filter((id) => !ran.has(id));
    if (missing.length === 0) return [];
    const described = await this.deps.repository.describeQueries(missing);
    return described.map((query) => ({
      queryId: query.queryId,
      candidate: query.candidateSlug,
      query: xSearchQuery(query, this.deps.settings.queryFilters),
      outcome: 'busy' as const,
      pages: 0,
      postsRead: 0,
      stored: 0,
      alreadyStored: 0,
      error: null,
      nextDueAt: query.dueAt.toISOString(),
    }));
  }
}

function readWindow(limit: number, usage: XWindowUsage, prices: XPriceTable, resetsAt: Date): XReadWindow {
  const remaining = remainingPosts(limit, usage);
  return {
    limit,
    used: usage.used,
    reserved: usage.reserved,
    remaining,
    usersRead: usage.usersRead,
    costUsd: readCostUsd(prices, usage.used, usage.usersRead),
    remainingCostUsd: readCostUsd(prices, remaining, 0),
    resetsAt: resetsAt.toISOString(),
  };
}

const dateOrNull = (value: string | undefined) => {
  const date = value === undefined ? null : new Date(value);
  return date !== null && !Number.isNaN(date.getTime()) ? date : null;
};

function incomingAuthor(user: XApiUser): IncomingAuthor {
  const metrics = user.public_metrics;
  return {
    id: user.id,
    username: user.username,
    name: user.name ?? null,
    accountCreatedAt: dateOrNull(user.created_at),
    description: user.description ?? null,
    location: user.location ?? null,
    url: user.url ?? null,
    profileImageUrl: user.profile_image_url ?? null,
    protected: user.protected ?? null,
    verified: user.verified ?? null,
    verifiedType: user.verified_type ?? null,
    followers: metrics?.followers_count ?? null,
    following: metrics?.following_count ?? null,
    tweets: metrics?.tweet_count ?? null,
    listed: metrics?.listed_count ?? null,
  };
}

function incomingPost(post: XApiPost, job: ClaimedJob): IncomingPost {
  const metrics = post.public_metrics;
  return {
    id: post.id,
    authorId: post.author_id,
    text: post.text,
    postedAt: new Date(post.created_at),
    lang: post.lang ?? null,
    likes: metrics?.like_count ?? 0,
    reposts: metrics?.retweet_count ?? 0,
    replies: metrics?.reply_count ?? 0,
    quotes: metrics?.quote_count ?? 0,
    source: 'x',
    // X matched the post to this query: it is about the query's candidate whatever the local matcher says.
    candidateIds: job.candidateId === null ? [] : [job.candidateId],
  };
}
