import { readFile } from 'node:fs/promises';
import type { SentimentDistillationReport } from '@castor/contracts';
import {
  createSentimentModel,
  distillSentiment,
  type LlmClient,
  llmSentimentProvider,
  offlineSentimentProvider,
  parseSentimp,
  readModelFile,
  sentimpCsvPath,
  sentimpSplit,
} from '@castor/sentiment-es';
import type pg from 'pg';
import { SentimentModelsRepository } from './sentiment-models.repository.js';

export const NO_LLM_MESSAGE = 'no LLM provider configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_BASE_URL';

export class NoLlmProviderError extends Error {
  constructor() {
    super(NO_LLM_MESSAGE);
    this.name = 'NoLlmProviderError';
  }
}

export interface DistillationRequest {
  pool: pg.Pool;
  llm: LlmClient;
  /** Distinct stored texts to have the LLM label. */
  sample: number;
  seed: string;
  /** Make the new version the active offline model (running services switch on their next poll). */
  activate: boolean;
  /** Posts per LLM completion. */
  llmBatchSize?: number;
  now?: Date;
}

export interface DistillationOutcome {
  version: string;
  activated: boolean;
  report: SentimentDistillationReport;
}

/**
 * `cli distill-sentiment`: the LLM labels a seeded sample of the stored posts (distinct texts), the
 * offline model in use (the active distilled version, else the committed one) is retrained on its
 * SentiMP-21 training split plus those labels, and the new version is stored in `sentiment_models`
 * with its agreement report, inactive unless `activate`.
 */
export async function distillStoredPosts(request: DistillationRequest): Promise<DistillationOutcome> {
  if (!request.llm.online) throw new NoLlmProviderError();
  const repository = new SentimentModelsRepository(request.pool);
  const active = await repository.activeVersion();
  const baseModel = active === null ? await readModelFile() : await repository.file(active);
  const offline = await offlineSentimentProvider(createSentimentModel(baseModel));
  const teacher = llmSentimentProvider({
    client: request.llm,
    fallback: offline,
    ...(request.llmBatchSize === undefined ? {} : { batchSize: request.llmBatchSize }),
  });
  // A random sample of distinct texts, drawn in the database; distillSentiment shuffles it again by the seed.
  const { rows } = await request.pool.query<{ text: string }>(
    `SELECT text FROM (SELECT DISTINCT text FROM posts) AS texts ORDER BY md5(text || $2) LIMIT $1`,
    [request.sample, request.seed],
  );
  const trainingPosts = sentimpSplit(parseSentimp(await readFile(sentimpCsvPath(), 'utf8'))).train;
  const { model, report } = await distillSentiment({
    texts: rows.map((row) => row.text),
    teacher,
    sampleSize: request.sample,
    seed: request.seed,
    baseModel,
    trainingPosts,
    ...(request.now === undefined ? {} : { now: request.now }),
  });
  await repository.insert({ file: model, report });
  if (request.activate) await repository.activate(model.version);
  return { version: model.version, activated: request.activate, report };
}
