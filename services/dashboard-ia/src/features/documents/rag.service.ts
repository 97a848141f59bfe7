import type { RagSearchFilters, RagSearchResponse, RagSourceResponse, RagStatsResponse } from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import type { ChunkStore } from '../../shared/chunk-store.js';
import { documentListItem } from './documents.service.js';

/** Search latencies kept for the stats, per replica: the most recent ones only. */
export const LATENCY_WINDOW = 1_000;

/** The most recent search latencies in a ring, and their percentiles (nearest rank). */
export class LatencyWindow {
  private readonly samples: number[] = [];
  private next = 0;

  constructor(private readonly size: number) {}

  record(ms: number): void {
    if (this.samples.length < this.size) this.samples.push(ms);
    else this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.size;
  }

  summary(): RagStatsResponse['queryLatencyMs'] {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (p: number) =>
      sorted.length === 0
        ? null
        : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null);
    return { p50: at(50), p95: at(95), samples: sorted.length, window: this.size };
  }
}

/**
 * Retrieval over the campaign's documents and the viewer's own indexed analyses: the top passages
 * for a question, the passage a citation names, and what the index holds.
 */
export class RagService {
  private readonly latency = new LatencyWindow(LATENCY_WINDOW);

  constructor(
    private readonly deps: {
      store: ChunkStore;
      candidateIdOf: (slug: string) => Promise<string | undefined>;
    },
  ) {}

  async search(
    request: { query: string; filters: RagSearchFilters; limit: number },
    viewer: string,
  ): Promise<RagSearchResponse> {
    const { candidate, ...filters } = request.filters;
    const candidateId = candidate === undefined ? undefined : await this.deps.candidateIdOf(candidate);
    if (candidate !== undefined && candidateId === undefined) {
      throw httpError('CANDIDATE_UNKNOWN', `No candidate is followed as "${candidate}"`);
    }
    const started = performance.now();
    const { hits, retrieval } = await this.deps.store.search(
      request.query,
      { ...filters, candidateId },
      request.limit,
      viewer,
    );
    const tookMs = performance.now() - started;
    this.latency.record(tookMs);
    return {
      query: request.query,
      chunks: hits.map((hit, index) => ({ ...hit, rank: index + 1 })),
      retrieval,
      tookMs: Math.round(tookMs * 10) / 10,
    };
  }

  async source(chunkId: string, viewer: string): Promise<RagSourceResponse> {
    const chunk = await this.deps.store.get(chunkId, viewer);
    if (!chunk) throw httpError('CHUNK_UNKNOWN', 'No such passage');
    return { ...chunk, document: documentListItem(chunk.document) };
  }

  async stats(): Promise<RagStatsResponse> {
    const counts = await this.deps.store.stats();
    return { ...counts, retrieval: this.deps.store.retrieval, queryLatencyMs: this.latency.summary() };
  }
}
