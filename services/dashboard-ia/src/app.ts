import { fileURLToPath } from 'node:url';
import {
  createLlmClient,
  type Embedder,
  embedderFromConfig,
  type LlmClient,
  PricingTable,
  UsageLedger,
} from '@castor/ai-providers';
import { loadBotModel } from '@castor/bot-detector';
import { Resilience } from '@castor/resilience';
import {
  createServiceApp,
  remoteAuth,
  type ServiceApp,
  type ServiceOptions,
  serviceOptionsFromEnv,
} from '@castor/service-kit';
import { type DashboardConfig, embeddingConfigOf, llmConfigOf } from './config.js';
import { OfflineSummaryWriter } from './domain/analysis-summary.js';
import { DEFAULT_TREND_RULE } from './domain/trends.js';
import { AdvisorRepository } from './features/advisor/advisor.repository.js';
import { advisorRoutes } from './features/advisor/advisor.routes.js';
import { AdvisorService } from './features/advisor/advisor.service.js';
import { botsRoutes } from './features/bots/bots.routes.js';
import { CampaignRepository } from './features/campaign/campaign.repository.js';
import { campaignRoutes } from './features/campaign/campaign.routes.js';
import { CampaignService } from './features/campaign/campaign.service.js';
import { CandidatesRepository } from './features/candidates/candidates.repository.js';
import { candidatesRoutes } from './features/candidates/candidates.routes.js';
import { ChatRepository } from './features/chat/chat.repository.js';
import { chatRoutes } from './features/chat/chat.routes.js';
import { ChatService } from './features/chat/chat.service.js';
import { documentsRoutes, ragRoutes } from './features/documents/documents.routes.js';
import { DocumentsService } from './features/documents/documents.service.js';
import { RagService } from './features/documents/rag.service.js';
import { ForecastRepository } from './features/forecast/forecast.repository.js';
import { forecastRoutes } from './features/forecast/forecast.routes.js';
import { ForecastService } from './features/forecast/forecast.service.js';
import { importsRoutes } from './features/imports/imports.routes.js';
import { ImportsService } from './features/imports/imports.service.js';
import { AnalysesRepository } from './features/media/analyses.repository.js';
import { MediaRepository } from './features/media/media.repository.js';
import { mediaRoutes } from './features/media/media.routes.js';
import { MediaService } from './features/media/media.service.js';
import { sentimentRoutes } from './features/sentiment/sentiment.routes.js';
import { SentimentModelsRepository } from './features/sentiment/sentiment-models.repository.js';
import { SentimentModelsService } from './features/sentiment/sentiment-models.service.js';
import { SentimentScores } from './features/sentiment/sentiment-scores.js';
import { TeamRepository } from './features/team/team.repository.js';
import { teamRoutes } from './features/team/team.routes.js';
import { TeamService } from './features/team/team.service.js';
import { SpikeDetector } from './features/trends/spike-detector.js';
import { TrendsRepository } from './features/trends/trends.repository.js';
import { trendsRoutes } from './features/trends/trends.routes.js';
import { TrendsService } from './features/trends/trends.service.js';
import { XRepository } from './features/x/x.repository.js';
import { xRoutes } from './features/x/x.routes.js';
import { XService } from './features/x/x.service.js';
import { classifyXError, XClient } from './features/x/x-client.js';
import { XReads } from './features/x/x-reads.js';
import { authorBotScorer } from './shared/author-bots.js';
import { ChromaVectorIndex } from './shared/chroma-vector-index.js';
import { ChunkEmbeddingBackfill, embeddingKey } from './shared/chunk-embedding-backfill.js';
import type { ChunkStore } from './shared/chunk-store.js';
import { HybridChunkStore } from './shared/hybrid-chunk-store.js';
import { LlmSummaryWriter } from './shared/llm-summary-writer.js';
import { PostScoring } from './shared/post-scoring.js';
import { PostStore } from './shared/post-store.js';
import { PostgresChunkStore } from './shared/postgres-chunk-store.js';
import { PostgresVectorIndex } from './shared/postgres-vector-index.js';
import { ServiceSentiment } from './shared/sentiment-provider.js';
import type { VectorIndex } from './shared/vector-index.js';

export const SERVICE_NAME = 'dashboard-ia';
export const SERVICE_VERSION = '0.1.0';
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

const MB = 1_048_576;
/** An import's scoring batches within this make one spike check. */
const SPIKE_DEBOUNCE_MS = 1_000;
/**
 * Heap and time one import's reading thread may use: it holds the file's bytes (outside its heap)
 * and one batch of posts, whatever the file's size; a batch reads in well under a second.
 */
const IMPORT_THREAD = { heapMb: 64, batchTimeoutMs: 30_000 };
/** A DOCX may declare this many times its size uncompressed before it is refused unread (a zip bomb). */
const DOCX_MAX_INFLATION_RATIO = 20;
/** Passages embedded per provider request by the backfill (one request per ~75,000 tokens). */
const EMBEDDING_BACKFILL_BATCH = 256;

export interface DashboardApp {
  app: ServiceApp;
  posts: PostStore;
  scoring: PostScoring;
  trends: TrendsService;
  spikes: SpikeDetector;
  x: XService;
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
    sentiment,
    bots: authorBotScorer(botModel),
    batch: config.DASHBOARD_SCORING_BATCH,
    log: app.log,
    onScored: () => spikes.request(),
  });

  const modelsService = new SentimentModelsService(sentimentModels, sentiment, () => scoring.kick());

  await app.register(botsRoutes, { prefix: '/api/bots', model: botModel });
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

  const x = xService(app, config, posts, () => scoring.kick());
  await app.register(xRoutes, { prefix: '/api/media/x', x });
  app.addHook('onReady', async () => x.start());
  app.addHook('onClose', async () => x.stop());

  await app.register(sentimentRoutes, {
    prefix: '/api/sentiment',
    scores: new SentimentScores(sentiment, app.store, config.CACHE_TTL_SENTIMENT),
    models: modelsService,
  });
  const team = new TeamService(new TeamRepository(app.pg));
  await app.register(teamRoutes, { prefix: '/api/team', team, exportRate: config.RATE_LIMIT_DASHBOARD_READ });
  const { documents, store } = await registerDocuments(
    app,
    config,
    llm,
    embedderFromConfig(embeddingConfigOf(config), { log: app.log }),
  );
  await app.register(advisorRoutes, {
    prefix: '/api/advisor',
    advisor: new AdvisorService({ repository: new AdvisorRepository(app.pg), store, team, llm }),
    rate: config.RATE_LIMIT_DASHBOARD_READ,
  });
  // A stored analysis is indexed for retrieval; a failure there never fails the analysis itself.
  const analyses = new AnalysesRepository(app.pg, (analysis) =>
    documents.indexAnalysis(analysis).catch((error: unknown) => {
      app.log.warn({ err: error, analysisId: analysis.id }, 'indexing an analysis for retrieval failed');
    }),
  );
  const media = new MediaService(
    new MediaRepository(app.pg),
    analyses,
    new LlmSummaryWriter(llm, new OfflineSummaryWriter()),
  );
  await app.register(mediaRoutes, { prefix: '/api/media', media, rate: config.RATE_LIMIT_DASHBOARD_READ });
  await app.register(campaignRoutes, {
    prefix: '/api/campaign',
    rate: config.RATE_LIMIT_DASHBOARD_READ,
    campaign: new CampaignService(new CampaignRepository(app.pg), {
      conversation: (request) => media.conversation(request),
      record: (entry) => analyses.record(entry),
    }),
  });
  await app.register(forecastRoutes, {
    prefix: '/api/forecast',
    rate: config.RATE_LIMIT_DASHBOARD_READ,
    forecast: new ForecastService(new ForecastRepository(app.pg), { alpha: config.ICCE_ALPHA }),
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
    spikes.start();
    trends.warm().catch((error: unknown) => app.log.warn({ err: error }, 'warming the trends term cache failed'));
  });
  app.addHook('onClose', async () => {
    clearInterval(pollModels);
    await scoring.idle();
    await spikes.stop();
  });
  return { app, posts, scoring, trends, spikes, x, llm, sentiment };
}

/**
 * The campaign's documents, the retrieval over them, and the chat that answers from them.
 * Retrieval is lexical (BM25 over dashboard_db's Spanish lexemes) and, with an embedder, hybrid:
 * vectors in Chroma when CHROMA_URL is set, else in dashboard_db searched in memory.
 */
async function registerDocuments(
  app: ServiceApp,
  config: DashboardConfig,
  llm: LlmClient,
  embedder: Embedder | undefined,
): Promise<{ documents: DocumentsService; store: ChunkStore }> {
  const store = await documentStore(app, config, embedder);
  const candidates = new CandidatesRepository(app.pg);
  const candidateIdOf = async (slug: string) => (await candidates.findBySlug(slug))?.id;
  const maxFileBytes = config.DOCUMENT_MAX_FILE_SIZE_MB * MB;
  const documents = new DocumentsService({
    store,
    candidateIdOf,
    limits: {
      maxBytes: maxFileBytes,
      maxPages: config.DOCUMENT_MAX_PAGES,
      maxCharacters: config.DOCUMENT_MAX_CHARACTERS,
      maxInflationRatio: DOCX_MAX_INFLATION_RATIO,
    },
    chunking: { targetTokens: config.DOCUMENT_CHUNK_TOKENS, overlapTokens: config.DOCUMENT_CHUNK_OVERLAP_TOKENS },
    thread: { heapMb: config.DOCUMENT_READ_HEAP_MB, timeoutMs: config.DOCUMENT_READ_TIMEOUT_MS },
  });
  const rate = config.RATE_LIMIT_DASHBOARD_READ;
  await app.register(documentsRoutes, { prefix: '/api/documents', documents, maxFileBytes, rate });
  const rag = new RagService({ store, candidateIdOf });
  await app.register(ragRoutes, { prefix: '/api/chat/rag', rag, rate });
  const chat = new ChatService({ rag, store, llm, repository: new ChatRepository(app.pg) });
  await app.register(chatRoutes, { prefix: '/api/chat/rag', chat, rate });
  return { documents, store };
}

/** The chunk store, its in-memory indexes loaded before serving so every answer ranks the same way. */
async function documentStore(app: ServiceApp, config: DashboardConfig, embedder: Embedder | undefined) {
  const started = performance.now();
  const lexical = new PostgresChunkStore(app.pg);
  await lexical.loadIndex();
  if (!embedder) {
    app.log.info({ ms: Math.round(performance.now() - started) }, 'document search: offline lexical (no embeddings)');
    return lexical;
  }
  const key = embeddingKey(embedder);
  const vectors = await vectorIndex(app, config, key, embedder.dimensions);
  if (!vectors) return lexical;
  const backfill = new ChunkEmbeddingBackfill({
    pool: app.pg,
    embedder,
    index: vectors,
    log: app.log,
    batch: EMBEDDING_BACKFILL_BATCH,
  });
  app.addHook('onClose', async () => backfill.close());
  backfill.trigger();
  app.log.info(
    { ms: Math.round(performance.now() - started), index: vectors.name, model: key },
    'document search: hybrid (lexical + vectors)',
  );
  return new HybridChunkStore({ lexical, vectors, embedder, backfill, log: app.log });
}

/**
 * Chroma when CHROMA_URL is set, else the embedded index. Chroma down at start leaves search
 * lexical (and says so) rather than the dashboard down; a restart once it is back adds the vectors.
 */
async function vectorIndex(
  app: ServiceApp,
  config: DashboardConfig,
  key: string,
  dimensions: number,
): Promise<VectorIndex | undefined> {
  if (config.CHROMA_URL === undefined) return PostgresVectorIndex.load(app.pg, key, dimensions);
  try {
    return await ChromaVectorIndex.connect({
      url: config.CHROMA_URL,
      collection: config.CHROMA_COLLECTION,
      tenant: config.CHROMA_TENANT,
      database: config.CHROMA_DATABASE,
      timeoutMs: config.CHROMA_TIMEOUT_MS,
      maxAttempts: config.CHROMA_MAX_ATTEMPTS,
      log: app.log,
    });
  } catch (error) {
    app.log.error({ err: error }, 'Chroma is unreachable: document search stays lexical until a restart finds it');
    return undefined;
  }
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
