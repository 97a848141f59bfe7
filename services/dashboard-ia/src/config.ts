import { authVerifierEnv, baseServiceEnv, envInt, envPort, envRate, loadConfig } from '@castor/service-kit';
import { z } from 'zod';

export const dashboardEnvSchema = z.object({
  ...baseServiceEnv,
  ...authVerifierEnv,
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
});

export type DashboardConfig = z.output<typeof dashboardEnvSchema>;

export function loadDashboardConfig(env: Record<string, string | undefined> = process.env): DashboardConfig {
  return loadConfig('dashboard-ia', dashboardEnvSchema, env);
}
