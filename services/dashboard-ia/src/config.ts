import {
  type EmbeddingConfig,
  embeddingConfigFromEnv,
  embeddingEnvSchema,
  type LlmConfig,
  llmConfigFromEnv,
  llmEnvSchema,
} from '@castor/ai-providers';
import { type XPriceTable, xPriceTableSchema } from '@castor/contracts';
import { authVerifierEnv, baseServiceEnv, envInt, envPort, envRate, envUrl, loadConfig } from '@castor/service-kit';
import { z } from 'zod';
import { X_DEFAULT_PRICES } from './domain/x-budget.js';

/** Reading X (Twitter) API v2: without TWITTER_BEARER_TOKEN nothing is read and imports are the way in. */
const xEnv = {
  TWITTER_BEARER_TOKEN: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('App-only bearer token of the X API v2; unset = nothing is read from X (imports still work)'),
  TWITTER_API_BASE_URL: envUrl(['https', 'http'])
    .default('https://api.x.com')
    .describe('X API origin (tests and offline runs point it at a loopback fake)'),
  TWITTER_DAILY_TWEET_LIMIT: envInt(500, 0, 10_000_000).describe(
    'Posts that may be read from X per UTC day; each search reserves its max_results before the call',
  ),
  TWITTER_MONTHLY_TWEET_LIMIT: envInt(15_000, 0, 100_000_000).describe(
    'Posts that may be read from X per UTC calendar month',
  ),
  TWITTER_PRICING_JSON: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return X_DEFAULT_PRICES;
      try {
        return xPriceTableSchema.partial().strict().parse(JSON.parse(value)) as Partial<XPriceTable>;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON like {"postRead":0.005,"userRead":0.01} (USD)' });
        return z.NEVER;
      }
    })
    .transform((prices): XPriceTable => ({ ...X_DEFAULT_PRICES, ...prices }))
    .describe(
      'JSON {postRead, userRead}: USD per post and per user profile X returns, over the built-in pay-per-use prices (0.005 and 0.01)',
    ),
  CACHE_TTL_TWITTER: envInt(900, 1, 7 * 86_400).describe(
    'How long an X answer is kept and served again for the same request, seconds (a repeated read costs nothing)',
  ),
  TWITTER_REFRESH_INTERVAL_MINUTES: envInt(60, 0, 7 * 24 * 60).describe(
    'Minutes between scheduled refreshes of each tracked query (only with TWITTER_BEARER_TOKEN); 0 = only on POST /api/media/x/refresh',
  ),
  TWITTER_REFRESH_POLL_MS: envInt(30_000, 50, 3_600_000).describe('How often the refresh jobs are polled'),
  TWITTER_REFRESH_MAX_PAGES: envInt(5, 1, 1_000).describe(
    'Search pages (up to 100 posts each) one refresh of a query may read',
  ),
  TWITTER_REFRESH_MAX_ATTEMPTS: envInt(5, 1, 100).describe(
    'Failed refreshes in a row after which a query is parked until a manual refresh or a restart',
  ),
  TWITTER_REFRESH_LEASE_SECONDS: envInt(900, 30, 86_400).describe(
    "How long a worker holds a refresh job; a crashed worker's job returns after it",
  ),
  TWITTER_RATE_LIMIT_MAX_WAIT_SECONDS: envInt(60, 0, 900).describe(
    'Longest wait for an X rate-limit window to reset inside a refresh; a longer one reschedules the job at the reset',
  ),
  TWITTER_TIMEOUT_MS: envInt(15_000, 1_000, 120_000).describe('Timeout of one X request'),
  TWITTER_MAX_ATTEMPTS: envInt(4, 1, 10).describe(
    'Attempts per X request on 429, 5xx and timeouts, the first included',
  ),
  TWITTER_RETRY_INITIAL_DELAY_MS: envInt(500, 1, 60_000).describe('First backoff between attempts of an X request'),
  TWITTER_QUERY_FILTERS: z
    .string()
    .default('lang:es -is:retweet')
    .describe('X search operators added to every tracked query (a retweet repeats a post and would be paid again)'),
};

/** Campaign documents for retrieval: read and chunked in a thread within these limits. */
const documentsEnv = {
  DOCUMENT_MAX_FILE_SIZE_MB: envInt(20, 1, 512).describe('Largest document file (PDF, DOCX, Markdown, text) accepted'),
  DOCUMENT_MAX_PAGES: envInt(500, 1, 20_000).describe('Most pages an uploaded PDF may have'),
  DOCUMENT_MAX_CHARACTERS: envInt(2_000_000, 1_000, 100_000_000).describe(
    'Most characters of text one document may hold; reading stops and refuses it past this',
  ),
  DOCUMENT_READ_HEAP_MB: envInt(256, 32, 4_096).describe(
    "Heap of the thread that reads one upload (pdf.js, mammoth): a document needing more is refused, the service's memory is untouched",
  ),
  DOCUMENT_READ_TIMEOUT_MS: envInt(60_000, 1_000, 600_000).describe('Longest one document may take to read and chunk'),
  DOCUMENT_CHUNK_TOKENS: envInt(300, 20, 4_000).describe('Estimated tokens a retrieval chunk aims at'),
  DOCUMENT_CHUNK_OVERLAP_TOKENS: envInt(40, 0, 1_999).describe(
    'Tokens of whole sentences repeated from the previous chunk of the same section (under half of DOCUMENT_CHUNK_TOKENS)',
  ),
};

/** The vector half of retrieval: a Chroma server when CHROMA_URL is set, else the embedded index in dashboard_db. */
const chromaEnv = {
  CHROMA_URL: envUrl(['http', 'https'])
    .optional()
    .describe(
      'Origin of a Chroma server (≥ 1.0) holding the chunk embeddings, e.g. http://chroma:8000 (no path); unset = the embedded index in dashboard_db',
    ),
  CHROMA_COLLECTION: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]$/, {
      message:
        "must be 3-63 characters from [a-zA-Z0-9._-], starting and ending with a letter or digit (Chroma's rule)",
    })
    .default('castor_chunks')
    .describe(
      'Chroma collection of the chunk embeddings (cosine); one embedding dimension per collection, so a model of another dimension needs a new name',
    ),
  CHROMA_TENANT: z.string().trim().min(1).default('default_tenant').describe('Chroma tenant of the collection'),
  CHROMA_DATABASE: z.string().trim().min(1).default('default_database').describe('Chroma database of the collection'),
  CHROMA_TIMEOUT_MS: envInt(2_000, 100, 60_000).describe(
    'Timeout of one Chroma request; past it (and the retries) search answers from the lexical half alone',
  ),
  CHROMA_MAX_ATTEMPTS: envInt(2, 1, 10).describe(
    'Attempts per Chroma request on 5xx, 429, timeouts and refused connections, the first included',
  ),
};

export const SENTIMENT_PROVIDERS = ['offline', 'onnx', 'llm'] as const;

export const dashboardEnvSchema = z
  .object({
    ...baseServiceEnv,
    ...authVerifierEnv,
    ...llmEnvSchema.shape,
    ...embeddingEnvSchema.shape,
    ...xEnv,
    ...documentsEnv,
    ...chromaEnv,
    PORT: envPort(5003).describe('HTTP port of dashboard-ia'),
    REDIS_KEY_PREFIX: z.string().default('castor:dashboard:').describe('Prefix of every Redis key dashboard-ia writes'),
    DASHBOARD_IMPORT_BODY_LIMIT_MB: envInt(64, 1, 1_024).describe('Largest CSV or JSONL export of posts accepted'),
    DASHBOARD_IMPORT_MAX_POSTS: envInt(200_000, 1, 5_000_000).describe('Most posts one import may hold'),
    DASHBOARD_SCORING_BATCH: envInt(2_000, 10, 100_000).describe(
      'Posts (and authors) scored per step by the background analysis after an import or a read from X',
    ),
    CACHE_TTL_SENTIMENT: envInt(604_800, 1, 2_592_000).describe(
      "Seconds a text's sentiment score stays cached for POST /api/sentiment/score (per model and version)",
    ),
    DASHBOARD_SPIKE_CHECK_MS: envInt(300_000, 1_000, 86_400_000).describe(
      'How often spike alerts are checked besides after each scoring pass (milliseconds)',
    ),
    DASHBOARD_TREND_MIN_Z: z.coerce
      .number()
      .min(1)
      .max(20)
      .default(3)
      .describe('The z-score (Anscombe-transformed counts against the smoothed baseline) a trend must reach'),
    DASHBOARD_TREND_MIN_AUTHORS: envInt(5, 1, 10_000).describe('Distinct authors (bots left out) a trend needs'),
    RATE_LIMIT_DASHBOARD_READ: envRate('3000/minute').describe(
      'Budget per signed-in user for the analyses, trends and exports',
    ),
    ICCE_ALPHA: z.coerce
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe(
        "ICCE's weight of tone against share of conversation: ICCE = 100·(α·ISN′ + (1 − α)·ICR); 1 is tone only, 0 share only (a request may pass its own alpha)",
      ),
    SENTIMENT_PROVIDER: z
      .enum(SENTIMENT_PROVIDERS)
      .default('offline')
      .describe(
        'Who scores sentiment: offline (in-process model, the active distilled version if any), onnx (a transformer in SENTIMENT_ONNX_MODEL_DIR) or llm (the configured LLM provider, the offline model as fallback)',
      ),
    SENTIMENT_ONNX_MODEL_DIR: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe(
        'Local folder of the ONNX sentiment classifier (config.json, tokenizer.json, model.onnx); required when SENTIMENT_PROVIDER=onnx, nothing is downloaded',
      ),
    SENTIMENT_MODEL_POLL_MS: envInt(30_000, 1_000, 3_600_000).describe(
      'How often each replica checks which distilled sentiment model is active (one activated elsewhere is picked up within this), ms',
    ),
  })
  .superRefine((env, context) => {
    if (env.DOCUMENT_CHUNK_OVERLAP_TOKENS >= env.DOCUMENT_CHUNK_TOKENS / 2)
      context.addIssue({
        code: 'custom',
        path: ['DOCUMENT_CHUNK_OVERLAP_TOKENS'],
        message: 'must be under half of DOCUMENT_CHUNK_TOKENS',
      });
    if (env.CHROMA_URL?.match(/^https?:\/\/[^/?#]+[/?#]./))
      context.addIssue({
        code: 'custom',
        path: ['CHROMA_URL'],
        message: 'must be an origin without a path or query (the client adds /api/v2 itself)',
      });
    if (env.SENTIMENT_PROVIDER === 'onnx' && !env.SENTIMENT_ONNX_MODEL_DIR)
      context.addIssue({
        code: 'custom',
        path: ['SENTIMENT_ONNX_MODEL_DIR'],
        message: 'required when SENTIMENT_PROVIDER=onnx: the folder holding the exported model',
      });
  });

export type DashboardConfig = z.output<typeof dashboardEnvSchema>;

export function loadDashboardConfig(env: Record<string, string | undefined> = process.env): DashboardConfig {
  return loadConfig('dashboard-ia', dashboardEnvSchema, env);
}

/**
 * The variables of `schema` given back as the strings the environment held (the LLM provider order
 * was split into a list), so ai-providers' own parsers read them and both agree on every default.
 */
function environmentOf(config: DashboardConfig, schema: z.ZodObject): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const name of Object.keys(schema.shape) as Array<keyof DashboardConfig>) {
    const value = config[name];
    env[name] = Array.isArray(value) ? value.join(',') : value === undefined ? undefined : String(value);
  }
  return env;
}

/** The text LLM layer's configuration from the service's parsed one. */
export function llmConfigOf(config: DashboardConfig): LlmConfig {
  return llmConfigFromEnv(environmentOf(config, llmEnvSchema));
}

/**
 * The embedder's configuration (its own variables, and the OpenAI key, URL and retry settings it
 * shares with the text LLM layer); `embedderFromConfig` gives no embedder without OPENAI_API_KEY.
 */
export function embeddingConfigOf(config: DashboardConfig): EmbeddingConfig {
  return embeddingConfigFromEnv({
    ...environmentOf(config, llmEnvSchema),
    ...environmentOf(config, embeddingEnvSchema),
  });
}
