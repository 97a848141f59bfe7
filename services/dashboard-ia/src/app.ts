import { fileURLToPath } from 'node:url';
import { Resilience } from '@castor/resilience';
import { offlineSentimentProvider } from '@castor/sentiment-es';
import {
  createServiceApp,
  remoteAuth,
  type ServiceApp,
  type ServiceOptions,
  serviceOptionsFromEnv,
} from '@castor/service-kit';
import type { DashboardConfig } from './config.js';
import { CandidatesRepository } from './features/candidates/candidates.repository.js';
import { candidatesRoutes } from './features/candidates/candidates.routes.js';
import { importsRoutes } from './features/imports/imports.routes.js';
import { ImportsService } from './features/imports/imports.service.js';
import { sentimentRoutes } from './features/sentiment/sentiment.routes.js';
import { SentimentScores } from './features/sentiment/sentiment-scores.js';
import { XRepository } from './features/x/x.repository.js';
import { xRoutes } from './features/x/x.routes.js';
import { XService } from './features/x/x.service.js';
import { classifyXError, XClient } from './features/x/x-client.js';
import { XReads } from './features/x/x-reads.js';
import { PostScoring } from './shared/post-scoring.js';
import { PostStore } from './shared/post-store.js';

export const SERVICE_NAME = 'dashboard-ia';
export const SERVICE_VERSION = '0.1.0';
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

const MB = 1_048_576;
/** Heap and time one import's parsing thread may use (a 64 MB CSV parses in ~3 s with ~400 MB). */
const IMPORT_THREAD = { heapMb: 512, timeoutMs: 120_000 };

export interface DashboardApp {
  app: ServiceApp;
  posts: PostStore;
  scoring: PostScoring;
  x: XService;
}

/**
 * Builds dashboard-ia: the service kit (tokens verified locally with core's JWKS) plus the
 * followed candidates, post imports and the background analysis of what is stored.
 */
export async function buildDashboardApp(
  config: DashboardConfig,
  overrides: Pick<ServiceOptions, 'logger'> & { migrationsFolder?: string } = {},
): Promise<DashboardApp> {
  const app = await createServiceApp({
    ...serviceOptionsFromEnv(config, {
      name: SERVICE_NAME,
      version: SERVICE_VERSION,
      description:
        'The public conversation about the candidates: posts from X within a read budget or from imports, Spanish sentiment, bot likelihood, trends, rivals, and the campaign team.',
      migrationsFolder: overrides.migrationsFolder ?? MIGRATIONS_FOLDER,
    }),
    ...(overrides.logger === undefined ? {} : { logger: overrides.logger }),
    auth: remoteAuth(config),
  });

  const posts = new PostStore(app.pg);
  const sentiment = await offlineSentimentProvider();
  const scoring = new PostScoring({
    pool: app.pg,
    sentiment,
    bots: undefined,
    batch: config.DASHBOARD_SCORING_BATCH,
    log: app.log,
  });

  await app.register(candidatesRoutes, {
    prefix: '/api/campaign/candidates',
    repository: new CandidatesRepository(app.pg),
  });
  await app.register(importsRoutes, {
    prefix: '/api/media',
    bodyLimitBytes: config.DASHBOARD_IMPORT_BODY_LIMIT_MB * MB,
    imports: new ImportsService({
      pool: app.pg,
      store: posts,
      limits: { maxPosts: config.DASHBOARD_IMPORT_MAX_POSTS, ...IMPORT_THREAD },
      onStored: () => scoring.kick(),
    }),
  });

  const x = xService(app, config, posts, () => scoring.kick());
  await app.register(xRoutes, { prefix: '/api/media/x', x });
  app.addHook('onReady', async () => x.start());
  app.addHook('onClose', async () => x.stop());

  await app.register(sentimentRoutes, {
    prefix: '/api/sentiment',
    scores: new SentimentScores(sentiment, app.store, config.CACHE_TTL_SENTIMENT),
  });

  // What an earlier run stored and did not score yet (it stopped midway) is scored now.
  app.addHook('onReady', async () => scoring.kick());
  app.addHook('onClose', async () => scoring.idle());
  return { app, posts, scoring, x };
}

/**
 * Reading X: the ledger and jobs in PostgreSQL, the answers cached in the service store, and the
 * client only when TWITTER_BEARER_TOKEN is set (without it the budget route says X is not configured).
 */
function xService(app: ServiceApp, config: DashboardConfig, posts: PostStore, onStored: () => void): XService {
  const repository = new XRepository(app.pg);
  const limits = { daily: config.TWITTER_DAILY_TWEET_LIMIT, monthly: config.TWITTER_MONTHLY_TWEET_LIMIT };
  const reads =
    config.TWITTER_BEARER_TOKEN === undefined
      ? null
      : new XReads({
          client: new XClient({
            bearerToken: config.TWITTER_BEARER_TOKEN,
            baseUrl: config.TWITTER_API_BASE_URL,
            timeoutMs: config.TWITTER_TIMEOUT_MS,
          }),
          ledger: repository,
          store: app.store,
          resilience: new Resilience({
            provider: 'x',
            // The client times each request itself (TWITTER_TIMEOUT_MS).
            attemptTimeoutMs: null,
            maxAttempts: config.TWITTER_MAX_ATTEMPTS,
            initialDelayMs: config.TWITTER_RETRY_INITIAL_DELAY_MS,
            maxDelayMs: 30_000,
            maxRetryAfterMs: config.TWITTER_RATE_LIMIT_MAX_WAIT_SECONDS * 1000,
            breakerThreshold: 5,
            halfOpenAfterMs: 30_000,
            classify: classifyXError,
            onRetry: ({ attempt, delayMs, error }) =>
              app.log.warn({ attempt, delayMs, code: error.code, status: error.status }, 'X request retried'),
          }),
          limits,
          cacheTtlSeconds: config.CACHE_TTL_TWITTER,
        });
  return new XService({
    pool: app.pg,
    repository,
    reads,
    posts,
    onStored,
    settings: {
      limits,
      prices: config.TWITTER_PRICING_JSON,
      intervalMinutes: config.TWITTER_REFRESH_INTERVAL_MINUTES === 0 ? null : config.TWITTER_REFRESH_INTERVAL_MINUTES,
      pollMs: config.TWITTER_REFRESH_POLL_MS,
      maxPagesPerRun: config.TWITTER_REFRESH_MAX_PAGES,
      maxAttempts: config.TWITTER_REFRESH_MAX_ATTEMPTS,
      leaseSeconds: config.TWITTER_REFRESH_LEASE_SECONDS,
      queryFilters: config.TWITTER_QUERY_FILTERS,
    },
    log: app.log,
  });
}
