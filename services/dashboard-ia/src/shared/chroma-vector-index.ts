import { ProviderError, type ProviderErrorCode, Resilience } from '@castor/resilience';
import {
  ChromaClient,
  ChromaConnectionError,
  ChromaForbiddenError,
  ChromaRateLimitError,
  ChromaServerError,
  ChromaUnauthorizedError,
  type Collection,
  type Metadata,
  type Where,
} from 'chromadb';
import type { FastifyBaseLogger } from 'fastify';
import type { ChunkVector, VectorFilters, VectorHit, VectorIndex } from './vector-index.js';
import { VectorIndexUnavailable } from './vector-index-unavailable.js';

export interface ChromaVectorIndexOptions {
  /** Chroma's origin, e.g. http://chroma:8000 (CHROMA_URL); a path after the port is refused. */
  url: string;
  collection: string;
  tenant?: string;
  database?: string;
  log: Pick<FastifyBaseLogger, 'warn'>;
  /** Each request to Chroma is abandoned after this long (CHROMA_TIMEOUT_MS). */
  timeoutMs: number;
  /** Attempts per operation on 5xx, 429, timeouts and refused connections, the first included. */
  maxAttempts: number;
  /** First pause between attempts (exponential with jitter after it). */
  retryInitialDelayMs?: number;
}

/** Used when the server's pre-flight checks do not say how many records one request may carry. */
const CHROMA_DEFAULT_BATCH_SIZE = 1000;
const RETRY_MAX_DELAY_MS = 2_000;
/** Chroma failing this many times in a row opens the circuit: calls fail at once (lexical fallback). */
const BREAKER_THRESHOLD = 5;
const BREAKER_HALF_OPEN_AFTER_MS = 15_000;

/**
 * The metadata kept with each vector. Chroma metadata cannot hold null (the client drops null
 * keys) and a `where` clause cannot ask for a missing key, so a null `candidateId` or `visibleTo`
 * is stored as '' (no chunk id, candidate id or user id is empty).
 */
interface ChromaChunkMetadata extends Metadata {
  documentId: string;
  source: string;
  candidateId: string;
  visibleTo: string;
  createdAtMs: number;
  model: string;
}
const NONE = '';

/** Maps what the chromadb client throws to the resilience core's codes (which retries and trips the breaker). */
function classifyChromaError(error: unknown): ProviderError {
  const message = error instanceof Error ? error.message : String(error);
  let code: ProviderErrorCode;
  if (error instanceof ChromaConnectionError || error instanceof ChromaServerError) code = 'PROVIDER_UNAVAILABLE';
  else if (error instanceof ChromaRateLimitError) code = 'PROVIDER_RATE_LIMITED';
  else if (error instanceof ChromaUnauthorizedError || error instanceof ChromaForbiddenError) {
    code = 'PROVIDER_AUTH_FAILED';
  }
  // The client's own validation and Chroma's 4xx: the request itself is wrong, retrying cannot help.
  else if (error instanceof Error && error.name.startsWith('Chroma')) code = 'PROVIDER_REJECTED';
  else code = 'PROVIDER_BAD_RESPONSE';
  return new ProviderError(code, 'chroma', message, { cause: error });
}

/**
 * Builds the `where` clause of a query: the model, the viewer's visibility and the optional filters,
 * all required. Dates compare with `createdAtMs`, both bounds inclusive like the lexical search.
 */
function chromaWhere(filters: VectorFilters): Where {
  const clauses: Where[] = [{ model: { $eq: filters.model } }, { visibleTo: { $in: [NONE, filters.viewer] } }];
  if (filters.documentId !== undefined) clauses.push({ documentId: { $eq: filters.documentId } });
  if (filters.source !== undefined) clauses.push({ source: { $eq: filters.source } });
  if (filters.candidateId !== undefined) clauses.push({ candidateId: { $eq: filters.candidateId } });
  if (filters.from !== undefined) clauses.push({ createdAtMs: { $gte: epochMs(filters.from, 'from') } });
  if (filters.to !== undefined) clauses.push({ createdAtMs: { $lte: epochMs(filters.to, 'to') } });
  return { $and: clauses };
}

function epochMs(iso: string, name: string): number {
  const value = Date.parse(iso);
  if (Number.isNaN(value)) throw new RangeError(`filter ${name} is not an ISO date: ${iso}`);
  return value;
}

/**
 * The vector half of retrieval in a Chroma server (≥ 1.0) through the official client: one cosine
 * collection, embeddings passed in (never Chroma's embedding functions), metadata for the filters.
 * Every call has a timeout, a bounded retry and a circuit breaker; whatever fails surfaces as
 * `VectorIndexUnavailable` so retrieval falls back to lexical search.
 *
 * One collection holds one embedding dimension: changing to a model of another dimension needs a
 * new CHROMA_COLLECTION (Chroma refuses the vectors otherwise, and the refusal is logged).
 */
export class ChromaVectorIndex implements VectorIndex {
  readonly name = 'chroma';

  private constructor(
    private readonly collection: Collection,
    private readonly resilience: Resilience,
    private readonly batchSize: number,
  ) {}

  /** Gets or creates the collection (cosine space) and reads the server's batch limit. */
  static async connect(options: ChromaVectorIndexOptions): Promise<ChromaVectorIndex> {
    const origin = new URL(options.url);
    if (origin.pathname !== '/' || origin.search !== '') {
      throw new Error(`CHROMA_URL must be an origin without a path (the client adds /api/v2): ${options.url}`);
    }
    const ssl = origin.protocol === 'https:';
    const client = new ChromaClient({
      host: origin.hostname,
      port: origin.port === '' ? (ssl ? 443 : 80) : Number(origin.port),
      ssl,
      ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
      ...(options.database === undefined ? {} : { database: options.database }),
    });
    const resilience = new Resilience({
      provider: 'chroma',
      attemptTimeoutMs: options.timeoutMs,
      maxAttempts: options.maxAttempts,
      initialDelayMs: options.retryInitialDelayMs ?? 100,
      maxDelayMs: RETRY_MAX_DELAY_MS,
      maxRetryAfterMs: RETRY_MAX_DELAY_MS,
      breakerThreshold: BREAKER_THRESHOLD,
      halfOpenAfterMs: BREAKER_HALF_OPEN_AFTER_MS,
      classify: classifyChromaError,
      onRetry: ({ attempt, delayMs, error }) =>
        options.log.warn({ attempt, delayMs, code: error.code, err: error.message }, 'Chroma request retried'),
      onBreakerStateChange: ({ state }) => options.log.warn({ state }, 'Chroma circuit breaker changed state'),
    });
    const call = <T>(operation: string, run: () => Promise<T>) => execute(resilience, operation, run);
    const collection = await call('connect', () =>
      client.getOrCreateCollection({
        name: options.collection,
        // null, not undefined: the client would otherwise look for its default embedding package.
        embeddingFunction: null,
        configuration: { hnsw: { space: 'cosine' } },
      }),
    );
    // get-or-create keeps an existing collection's settings: similarities are only right in cosine.
    const space = collection.configuration.hnsw?.space ?? collection.configuration.spann?.space;
    if (space !== undefined && space !== null && space !== 'cosine') {
      throw new Error(`Chroma collection ${options.collection} uses the ${space} space, not cosine`);
    }
    const reported = await call('connect', () => client.getMaxBatchSize());
    return new ChromaVectorIndex(collection, resilience, reported > 0 ? reported : CHROMA_DEFAULT_BATCH_SIZE);
  }

  async upsert(vectors: readonly ChunkVector[]): Promise<void> {
    for (let start = 0; start < vectors.length; start += this.batchSize) {
      const batch = vectors.slice(start, start + this.batchSize);
      const metadatas = batch.map(
        ({ model, meta }): ChromaChunkMetadata => ({
          documentId: meta.documentId,
          source: meta.source,
          candidateId: meta.candidateId ?? NONE,
          visibleTo: meta.visibleTo ?? NONE,
          createdAtMs: meta.createdAtMs,
          model,
        }),
      );
      const records = {
        ids: batch.map((vector) => vector.chunkId),
        embeddings: batch.map((vector) => Array.from(vector.embedding)),
        metadatas,
      };
      // Upsert by id: a batch retried after a timeout that Chroma did apply changes nothing.
      await this.call('upsert', () => this.collection.upsert(records));
    }
  }

  async deleteDocument(documentId: string): Promise<void> {
    await this.call('deleteDocument', () => this.collection.delete({ where: { documentId: { $eq: documentId } } }));
  }

  async query(embedding: Float32Array, limit: number, filters: VectorFilters): Promise<VectorHit[]> {
    if (limit <= 0) return [];
    const where = chromaWhere(filters);
    const result = await this.call('query', () =>
      this.collection.query({
        queryEmbeddings: [Array.from(embedding)],
        nResults: limit,
        where,
        include: ['distances'],
      }),
    );
    const ids = result.ids[0] ?? [];
    const distances = result.distances[0] ?? [];
    return ids.map((chunkId, index) => ({ chunkId, similarity: 1 - (distances[index] ?? 1) }));
  }

  count(): Promise<number> {
    return this.call('count', () => this.collection.count());
  }

  private call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return execute(this.resilience, operation, run);
  }
}

async function execute<T>(resilience: Resilience, operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return (await resilience.execute(run)).value;
  } catch (error) {
    const failure = error instanceof ProviderError ? error : classifyChromaError(error);
    throw new VectorIndexUnavailable(
      'chroma',
      operation,
      failure.code,
      `Chroma ${operation} failed after ${failure.attempts} attempt(s) (${failure.code}): ${failure.message}`,
      { cause: failure },
    );
  }
}
