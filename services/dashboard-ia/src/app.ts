import { fileURLToPath } from 'node:url';
import { loadSentimentModel } from '@castor/sentiment-es';
import {
  createServiceApp,
  remoteAuth,
  type ServiceApp,
  type ServiceOptions,
  serviceOptionsFromEnv,
} from '@castor/service-kit';
import type { DashboardConfig } from './config.js';
import { DEFAULT_TREND_RULE } from './domain/trends.js';
import { CandidatesRepository } from './features/candidates/candidates.repository.js';
import { candidatesRoutes } from './features/candidates/candidates.routes.js';
import { importsRoutes } from './features/imports/imports.routes.js';
import { ImportsService } from './features/imports/imports.service.js';
import { SpikeDetector } from './features/trends/spike-detector.js';
import { TrendsRepository } from './features/trends/trends.repository.js';
import { trendsRoutes } from './features/trends/trends.routes.js';
import { TrendsService } from './features/trends/trends.service.js';
import { PostScoring, type PostSentimentScorer } from './shared/post-scoring.js';
import { PostStore } from './shared/post-store.js';

export const SERVICE_NAME = 'dashboard-ia';
export const SERVICE_VERSION = '0.1.0';
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

const MB = 1_048_576;
/** An import's scoring batches within this make one spike check. */
const SPIKE_DEBOUNCE_MS = 1_000;
/** Heap and time one import's parsing thread may use (a 64 MB CSV parses in ~3 s with ~400 MB). */
const IMPORT_THREAD = { heapMb: 512, timeoutMs: 120_000 };

export interface DashboardApp {
  app: ServiceApp;
  posts: PostStore;
  scoring: PostScoring;
  trends: TrendsService;
  spikes: SpikeDetector;
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
  const trendsRepository = new TrendsRepository(app.pg);
  const trends = new TrendsService(trendsRepository, {
    minZ: config.DASHBOARD_TREND_MIN_Z,
    minAuthors: config.DASHBOARD_TREND_MIN_AUTHORS,
    smoothing: DEFAULT_TREND_RULE.smoothing,
  });
  const spikes = new SpikeDetector({
    pool: app.pg,
    trends,
    repository: trendsRepository,
    metrics: app.metrics,
    log: app.log,
    checkEveryMs: config.DASHBOARD_SPIKE_CHECK_MS,
    debounceMs: SPIKE_DEBOUNCE_MS,
  });
  const scoring = new PostScoring({
    pool: app.pg,
    sentiment: await offlineSentiment(),
    bots: undefined,
    batch: config.DASHBOARD_SCORING_BATCH,
    log: app.log,
    onScored: () => spikes.request(),
  });

  await app.register(candidatesRoutes, {
    prefix: '/api/campaign/candidates',
    repository: new CandidatesRepository(app.pg),
  });
  await app.register(trendsRoutes, {
    prefix: '/api/campaign',
    trends,
    repository: trendsRepository,
    rate: config.RATE_LIMIT_DASHBOARD_READ,
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

  // What an earlier run stored and did not score yet (it stopped midway) is scored now.
  app.addHook('onReady', async () => {
    scoring.kick();
    spikes.start();
  });
  app.addHook('onClose', async () => {
    await scoring.idle();
    await spikes.stop();
  });
  return { app, posts, scoring, trends, spikes };
}

async function offlineSentiment(): Promise<PostSentimentScorer> {
  const model = await loadSentimentModel();
  return {
    name: model.modelName,
    version: model.modelVersion,
    score: async (texts) => model.score(texts),
  };
}
