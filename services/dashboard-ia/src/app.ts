import { fileURLToPath } from 'node:url';
import { createLlmClient, type LlmClient, PricingTable, UsageLedger } from '@castor/ai-providers';
import { loadBotModel } from '@castor/bot-detector';
import {
  createServiceApp,
  remoteAuth,
  type ServiceApp,
  type ServiceOptions,
  serviceOptionsFromEnv,
} from '@castor/service-kit';
import { type DashboardConfig, llmConfigOf } from './config.js';
import { botsRoutes } from './features/bots/bots.routes.js';
import { CandidatesRepository } from './features/candidates/candidates.repository.js';
import { candidatesRoutes } from './features/candidates/candidates.routes.js';
import { importsRoutes } from './features/imports/imports.routes.js';
import { ImportsService } from './features/imports/imports.service.js';
import { sentimentRoutes } from './features/sentiment/sentiment.routes.js';
import { SentimentModelsRepository } from './features/sentiment/sentiment-models.repository.js';
import { SentimentModelsService } from './features/sentiment/sentiment-models.service.js';
import { SentimentScores } from './features/sentiment/sentiment-scores.js';
import { TeamRepository } from './features/team/team.repository.js';
import { teamRoutes } from './features/team/team.routes.js';
import { TeamService } from './features/team/team.service.js';
import { authorBotScorer } from './shared/author-bots.js';
import { PostScoring } from './shared/post-scoring.js';
import { PostStore } from './shared/post-store.js';
import { ServiceSentiment } from './shared/sentiment-provider.js';

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
  /** The one text LLM client (sentiment, media summaries); offline when no provider is configured. */
  llm: LlmClient;
  /** The configured sentiment provider, switching when another distilled model is activated. */
  sentiment: ServiceSentiment;
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
  const llmConfig = llmConfigOf(config);
  const llm = createLlmClient(llmConfig, {
    store: app.store,
    ledger: new UsageLedger(new PricingTable(llmConfig.prices)),
    log: app.log,
  });
  const sentimentModels = new SentimentModelsRepository(app.pg);
  const sentiment = await ServiceSentiment.create({ config, llm, models: sentimentModels, log: app.log });
  const botModel = loadBotModel();
  const scoring = new PostScoring({
    pool: app.pg,
    sentiment,
    bots: authorBotScorer(botModel),
    batch: config.DASHBOARD_SCORING_BATCH,
    log: app.log,
  });

  const modelsService = new SentimentModelsService(sentimentModels, sentiment, () => scoring.kick());

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
    models: modelsService,
  });
  await app.register(teamRoutes, {
    prefix: '/api/team',
    team: new TeamService(new TeamRepository(app.pg)),
    exportRate: config.RATE_LIMIT_DASHBOARD_READ,
  });

  // A model activated on another replica or by the CLI is picked up here on the next check.
  const pollModels = setInterval(() => {
    sentiment
      .refresh()
      .then((switched) => (switched ? modelsService.rescoreStale() : 0))
      .catch((error: unknown) => app.log.warn({ err: error }, 'checking the active sentiment model failed'));
  }, config.SENTIMENT_MODEL_POLL_MS).unref();

  // What an earlier run stored and did not score yet (it stopped midway), or scored with an offline
  // version no longer active (one activated while no replica ran), is scored now.
  app.addHook('onReady', async () => {
    await modelsService.rescoreStale();
    scoring.kick();
  });
  app.addHook('onClose', async () => {
    clearInterval(pollModels);
    await scoring.idle();
  });
  return { app, posts, scoring, llm, sentiment };
}
