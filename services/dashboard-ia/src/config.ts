import { type LlmConfig, llmConfigFromEnv, llmEnvSchema } from '@castor/ai-providers';
import { authVerifierEnv, baseServiceEnv, envInt, envPort, envRate, loadConfig } from '@castor/service-kit';
import { z } from 'zod';

export const SENTIMENT_PROVIDERS = ['offline', 'onnx', 'llm'] as const;

export const dashboardEnvSchema = z
  .object({
    ...baseServiceEnv,
    ...authVerifierEnv,
    ...llmEnvSchema.shape,
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
    RATE_LIMIT_DASHBOARD_READ: envRate('3000/minute').describe(
      'Budget per signed-in user for the analyses, trends and exports',
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
 * The text LLM layer's configuration from the service's parsed one: its variables are given back
 * as the strings the environment held (the provider order was split into a list) and read by
 * ai-providers' own parser, so both agree on every default.
 */
export function llmConfigOf(config: DashboardConfig): LlmConfig {
  const env: Record<string, string | undefined> = {};
  for (const name of Object.keys(llmEnvSchema.shape) as Array<keyof typeof llmEnvSchema.shape>) {
    const value = config[name];
    env[name] = Array.isArray(value) ? value.join(',') : value === undefined ? undefined : String(value);
  }
  return llmConfigFromEnv(env);
}
