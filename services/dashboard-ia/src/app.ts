import { fileURLToPath } from 'node:url';
import { loadBotModel } from '@castor/bot-detector';
import { offlineSentimentProvider } from '@castor/sentiment-es';
import {
  createServiceApp,
  remoteAuth,
  type ServiceApp,
  type ServiceOptions,
  serviceOptionsFromEnv,
} from '@castor/service-kit';
import type { DashboardConfig } from './config.js';
import { OfflineSummaryWriter } from './domain/analysis-summary.js';
import { botsRoutes } from './features/bots/bots.routes.js';
import { CampaignRepository } from './features/campaign/campaign.repository.js';
import { campaignRoutes } from './features/campaign/campaign.routes.js';
import { CampaignService } from './features/campaign/campaign.service.js';
import { CandidatesRepository } from './features/candidates/candidates.repository.js';
import { candidatesRoutes } from './features/candidates/candidates.routes.js';
import { importsRoutes } from './features/imports/imports.routes.js';
import { ImportsService } from './features/imports/imports.service.js';
import { AnalysesRepository } from './features/media/analyses.repository.js';
import { MediaRepository } from './features/media/media.repository.js';
import { mediaRoutes } from './features/media/media.routes.js';
import { MediaService } from './features/media/media.service.js';
import { sentimentRoutes } from './features/sentiment/sentiment.routes.js';
import { SentimentScores } from './features/sentiment/sentiment-scores.js';
import { TeamRepository } from './features/team/team.repository.js';
import { teamRoutes } from './features/team/team.routes.js';
import { TeamService } from './features/team/team.service.js';
import { authorBotScorer } from './shared/author-bots.js';
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
}

/**
 * Builds dashboard-ia: the service kit (tokens verified locally with core's JWKS) plus the
 * followed candidates, post imports, the background analysis of what is stored and the campaign team.
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
  const botModel = loadBotModel();
  const scoring = new PostScoring({
    pool: app.pg,
    sentiment,
    bots: authorBotScorer(botModel),
    batch: config.DASHBOARD_SCORING_BATCH,
    log: app.log,
  });

  await app.register(botsRoutes, { prefix: '/api/bots', model: botModel });
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

  await app.register(sentimentRoutes, {
    prefix: '/api/sentiment',
    scores: new SentimentScores(sentiment, app.store, config.CACHE_TTL_SENTIMENT),
  });
  await app.register(teamRoutes, {
    prefix: '/api/team',
    team: new TeamService(new TeamRepository(app.pg)),
    exportRate: config.RATE_LIMIT_DASHBOARD_READ,
  });
  const analyses = new AnalysesRepository(app.pg);
  const media = new MediaService(new MediaRepository(app.pg), analyses, new OfflineSummaryWriter());
  await app.register(mediaRoutes, { prefix: '/api/media', media, rate: config.RATE_LIMIT_DASHBOARD_READ });
  await app.register(campaignRoutes, {
    prefix: '/api/campaign',
    rate: config.RATE_LIMIT_DASHBOARD_READ,
    campaign: new CampaignService(new CampaignRepository(app.pg), {
      conversation: (request) => media.conversation(request),
      record: (entry) => analyses.record(entry),
    }),
  });

  // What an earlier run stored and did not score yet (it stopped midway) is scored now.
  app.addHook('onReady', async () => scoring.kick());
  app.addHook('onClose', async () => scoring.idle());
  return { app, posts, scoring };
}
