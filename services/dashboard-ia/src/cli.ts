/**
 * dashboard-ia command line, for operators:
 *
 *   cli distill-sentiment [--sample N] [--seed S] [--activate]
 *       The configured LLM provider (OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_BASE_URL) labels
 *       N distinct stored posts (default 2000, sampled by seed S, default today's date), the offline
 *       sentiment model is retrained on its SentiMP-21 training split plus those labels, and the new
 *       version is stored in DATABASE_URL's `sentiment_models` (migrated first, as
 *       DATABASE_MIGRATION_URL's role when set) with its agreement report, printed here. With
 *       --activate it becomes the offline model: running replicas switch on their next check
 *       (SENTIMENT_MODEL_POLL_MS) and score their posts again. Otherwise an admin activates it with
 *       POST /api/sentiment/models/:version/activate.
 */
import { parseArgs } from 'node:util';
import { createLlmClient, llmConfigFromEnv, llmEnvSchema } from '@castor/ai-providers';
import { applyMigrations, createPool, envUrl, loadConfig } from '@castor/service-kit';
import { z } from 'zod';
import { MIGRATIONS_FOLDER } from './app.js';
import { distillStoredPosts, NoLlmProviderError } from './features/sentiment/distillation.js';

async function distillCommand(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      sample: { type: 'string', default: '2000' },
      seed: { type: 'string', default: new Date().toISOString().slice(0, 10) },
      activate: { type: 'boolean', default: false },
    },
  });
  const sample = z.coerce.number().int().min(10).max(100_000).parse(values.sample);
  const config = loadConfig(
    'dashboard-ia cli',
    z.object({
      DATABASE_URL: envUrl(['postgres', 'postgresql']),
      DATABASE_MIGRATION_URL: envUrl(['postgres', 'postgresql']).optional(),
      ...llmEnvSchema.shape,
    }),
  );
  const llm = createLlmClient(llmConfigFromEnv(), {
    log: { warn: (fields, message) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`) },
  });
  if (!llm.online) throw new NoLlmProviderError();
  const connection = { statementTimeoutMs: 600_000, applicationName: 'dashboard-cli' };
  const pool = createPool({ ...connection, connectionString: config.DATABASE_URL, poolMax: 2 });
  try {
    // As the service does at start: the owner role migrates and the runtime role works.
    await applyMigrations(
      pool,
      { ...connection, migrationsFolder: MIGRATIONS_FOLDER, migrationConnectionString: config.DATABASE_MIGRATION_URL },
      { info: () => {}, warn: (message) => process.stderr.write(`${message}\n`) },
    );
    const outcome = await distillStoredPosts({
      pool,
      llm,
      sample,
      seed: values.seed,
      activate: values.activate,
    });
    process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  } finally {
    await pool.end();
  }
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'distill-sentiment') await distillCommand(rest);
  else {
    process.stderr.write('usage: cli distill-sentiment [--sample N] [--seed S] [--activate]  (see src/cli.ts)\n');
    process.exitCode = 2;
  }
} catch (error) {
  if (!(error instanceof NoLlmProviderError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
