import {
  type AnthropicReaderSetup,
  ClaudeE14Reader,
  PricingTable,
  ResponseCache,
  UsageLedger,
} from '@castor/ai-providers';
import type { KeyValueStore } from '@castor/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import type { OcrUsageRepository } from './ocr-usage.repository.js';
import type { PipelineMetrics } from './pipeline-metrics.js';

/**
 * The Claude Vision reader of the second opinion: its answers cached in the key-value store, every
 * call counted in the metrics and persisted in `ocr_usage` (a failed write is logged, never fails a read).
 */
export function createVisionReader(
  config: Extract<AnthropicReaderSetup, { configured: true }>['config'],
  deps: {
    store: KeyValueStore;
    metrics: PipelineMetrics;
    usage: Pick<OcrUsageRepository, 'record'>;
    log: FastifyBaseLogger;
  },
): ClaudeE14Reader {
  const { metrics, usage, log } = deps;
  const ledger = new UsageLedger(new PricingTable(config.prices), (record) => {
    const provider = record.provider;
    metrics.providerCalls.inc({ provider, outcome: record.cached ? 'cached' : record.outcome });
    metrics.providerTokens.inc({ provider, kind: 'input' }, record.usage.inputTokens);
    metrics.providerTokens.inc({ provider, kind: 'output' }, record.usage.outputTokens);
    if (record.costUsd) metrics.providerCostUsd.inc({ provider, model: record.model }, record.costUsd);
    usage.record(record).catch((error: unknown) => log.error({ err: error }, 'could not record OCR usage'));
  });
  return new ClaudeE14Reader({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    model: config.model,
    toolChoice: config.toolChoice,
    maxTokens: config.maxTokens,
    resilience: {
      attemptTimeoutMs: config.attemptTimeoutMs,
      maxAttempts: config.maxAttempts,
      onBreakerStateChange: (event) => log.warn({ provider: event.provider, state: event.state }, 'vision breaker'),
    },
    cache: new ResponseCache(deps.store, { keyPrefix: 'ai:e14:', ttlSeconds: config.cacheTtlSeconds }),
    ledger,
  });
}
