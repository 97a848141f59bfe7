import type { UsageRecord } from '@castor/ai-providers';
import type pg from 'pg';

/** Every OCR provider call (the usage ledger persisted), and the spend it adds up to. */
export class OcrUsageRepository {
  constructor(private readonly pool: pg.Pool) {}

  async record(record: UsageRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ocr_usage (at, provider, model, subject, input_tokens, output_tokens, cost_usd, cached, outcome)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        record.at,
        record.provider,
        record.model,
        record.subject ?? null,
        record.usage.inputTokens,
        record.usage.outputTokens,
        record.costUsd,
        record.cached,
        record.outcome,
      ],
    );
  }

  /** Calls, cache hits, tokens and USD over every recorded call (unpriced: models without a price). */
  async spend() {
    const row = await this.pool.query<{
      calls: number;
      cached: number;
      input: string;
      output: string;
      cost: number;
      unpriced: number;
    }>(
      `SELECT count(*)::int AS calls, count(*) FILTER (WHERE cached)::int AS cached,
                coalesce(sum(input_tokens), 0)::text AS input, coalesce(sum(output_tokens), 0)::text AS output,
                coalesce(sum(cost_usd), 0)::float8 AS cost, count(*) FILTER (WHERE cost_usd IS NULL)::int AS unpriced
         FROM ocr_usage`,
    );
    const usage = row.rows[0];
    return {
      calls: usage?.calls ?? 0,
      cachedCalls: usage?.cached ?? 0,
      inputTokens: Number(usage?.input ?? 0),
      outputTokens: Number(usage?.output ?? 0),
      costUsd: usage?.cost ?? 0,
      unpricedCalls: usage?.unpriced ?? 0,
    };
  }
}
