import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DocumentsRepository } from './documents.repository.js';

/** Prometheus metrics of the document pipeline, on the app's registry. */
export class PipelineMetrics {
  readonly stageSeconds: Histogram<'stage'>;
  readonly documentSeconds: Histogram<'outcome'>;
  readonly jobs: Counter<'outcome'>;
  readonly providerCalls: Counter<'provider' | 'outcome'>;
  readonly providerCostUsd: Counter<'provider' | 'model'>;
  readonly providerTokens: Counter<'provider' | 'kind'>;

  constructor(registry: Registry, documents: Pick<DocumentsRepository, 'backlog'>) {
    const registers = [registry];
    this.stageSeconds = new Histogram({
      name: 'e14_pipeline_stage_seconds',
      help: 'Time of each pipeline stage of one document (fetch, read, vision, intake)',
      labelNames: ['stage'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.documentSeconds = new Histogram({
      name: 'e14_pipeline_document_seconds',
      help: 'From a document received (upload or queued) to its job finishing, by outcome (stored = validated or sent to review)',
      labelNames: ['outcome'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    this.jobs = new Counter({
      name: 'e14_pipeline_jobs_total',
      help: 'Document jobs by outcome: stored, duplicate, failed (refused for good), retried, dead',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.providerCalls = new Counter({
      name: 'e14_ocr_provider_calls_total',
      help: 'Vision provider readings by outcome (ok, cached, failed, fallback to local only)',
      labelNames: ['provider', 'outcome'] as const,
      registers,
    });
    this.providerCostUsd = new Counter({
      name: 'e14_ocr_cost_usd_total',
      help: 'OCR provider spend in USD (priced from the usage ledger)',
      labelNames: ['provider', 'model'] as const,
      registers,
    });
    this.providerTokens = new Counter({
      name: 'e14_ocr_tokens_total',
      help: 'OCR provider tokens by kind (input, output)',
      labelNames: ['provider', 'kind'] as const,
      registers,
    });
    const backlog = new Gauge({
      name: 'e14_pipeline_backlog',
      help: 'Documents queued or processing, and the age of the oldest waiting one',
      labelNames: ['measure'] as const,
      registers,
      async collect() {
        const row = await documents.backlog();
        backlog.set({ measure: 'documents' }, row?.backlog ?? 0);
        backlog.set({ measure: 'oldest_waiting_seconds' }, row?.oldest ?? 0);
      },
    });
  }

  /** Runs one stage of a document's job, its time observed in `e14_pipeline_stage_seconds`. */
  async timed<T>(stage: string, task: () => Promise<T>): Promise<T> {
    const end = this.stageSeconds.startTimer({ stage });
    try {
      return await task();
    } finally {
      end();
    }
  }
}
