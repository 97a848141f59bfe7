import type { PricingTable, TokenUsage } from './pricing.js';

export interface UsageRecord {
  provider: string;
  model: string;
  /** What the call was for, e.g. 'e14.read'. */
  operation: string;
  /** What was processed (an image hash), to tie costs to documents. */
  subject?: string;
  at: Date;
  usage: TokenUsage;
  /** USD; null when the model has no price in the table. Cache hits cost 0. */
  costUsd: number | null;
  /** Answered from the response cache: no provider call was made. */
  cached: boolean;
  attempts: number;
  durationMs: number;
  /** 'bad_response' calls were billed by the provider even though their answer was refused. */
  outcome: 'ok' | 'bad_response';
}

export interface UsageTotals {
  calls: number;
  cachedCalls: number;
  unpricedCalls: number;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: number;
}

const emptyTotals = (): UsageTotals => ({
  calls: 0,
  cachedCalls: 0,
  unpricedCalls: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  costUsd: 0,
});

/**
 * Tokens and cost of every provider call in this process, per provider and model. Totals are
 * priced from summed token counts (integers), so they do not drift however many calls there are.
 * `onRecord` lets a service persist each record (per page, per job) as it happens.
 */
export class UsageLedger {
  private readonly byModel = new Map<string, { provider: string; model: string; totals: UsageTotals }>();

  constructor(
    private readonly pricing: PricingTable,
    private readonly onRecord?: (record: UsageRecord) => void,
  ) {}

  record(entry: Omit<UsageRecord, 'costUsd' | 'at'> & { at?: Date }): UsageRecord {
    const record: UsageRecord = {
      ...entry,
      at: entry.at ?? new Date(),
      costUsd: entry.cached ? 0 : this.pricing.costOf(entry.model, entry.usage),
    };
    const key = `${record.provider}\u0000${record.model}`;
    const bucket = this.byModel.get(key) ?? { provider: record.provider, model: record.model, totals: emptyTotals() };
    this.byModel.set(key, bucket);
    const totals = bucket.totals;
    totals.calls += 1;
    if (record.cached) {
      totals.cachedCalls += 1;
    } else {
      if (record.costUsd === null) totals.unpricedCalls += 1;
      totals.inputTokens += record.usage.inputTokens;
      totals.outputTokens += record.usage.outputTokens;
      totals.cacheWriteTokens += record.usage.cacheWriteTokens;
      totals.cacheReadTokens += record.usage.cacheReadTokens;
      totals.costUsd = this.pricing.costOf(record.model, totals) ?? 0;
    }
    this.onRecord?.(record);
    return record;
  }

  /** Totals per provider and model, and over everything. Unpriced tokens are counted but cost nothing here. */
  totals(): { overall: UsageTotals; byModel: Array<{ provider: string; model: string } & UsageTotals> } {
    const overall = emptyTotals();
    const byModel = [...this.byModel.values()].map(({ provider, model, totals }) => {
      for (const key of Object.keys(overall) as Array<keyof UsageTotals>) overall[key] += totals[key];
      return { provider, model, ...totals };
    });
    return { overall, byModel };
  }
}
