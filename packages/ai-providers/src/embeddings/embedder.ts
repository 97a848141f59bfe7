import { ProviderError, Resilience } from '@castor/resilience';
import OpenAI from 'openai';
import { PricingTable } from '../core/pricing.js';
import { UsageLedger } from '../core/usage-ledger.js';
import { classifyOpenAiError } from '../llm/providers.js';
import type { LlmLogger } from '../llm/types.js';
import { type EmbeddingConfig, OPENAI_EMBEDDING_MODELS } from './config.js';

/** Turns texts into vectors for similarity search. */
export interface Embedder {
  readonly model: string;
  readonly dimensions: number;
  readonly provider: 'openai';
  /**
   * One L2-normalised vector per text, in the order given (so a dot product is the cosine).
   * `signal` cancels: rejects with PROVIDER_CANCELLED.
   */
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
}

export interface EmbedderDependencies {
  /** Tokens and cost of every request; one priced from `config.prices` when omitted. */
  ledger?: UsageLedger;
  log?: LlmLogger;
}

/**
 * Characters per token assumed when no tokenizer is at hand. OpenAI's tokenizer averages about 4
 * characters a token on English and fewer on Spanish (accents and longer words split more); 3 is
 * deliberately low so an input cut to `maxInputTokens × 3` characters stays under the model's
 * limit and a batch's estimate stays above what is billed. Digits or non-Latin scripts can run
 * below 3: the API then refuses the input (PROVIDER_REJECTED) rather than truncating it itself.
 */
const ESTIMATED_CHARACTERS_PER_TOKEN = 3;
/** The longest input of OpenAI's embedding models, for a model this layer does not know. */
const DEFAULT_MAX_INPUT_TOKENS = 8191;
const OPERATION = 'embeddings';

const estimateTokens = (text: string) => Math.ceil(text.length / ESTIMATED_CHARACTERS_PER_TOKEN);

/** Cuts a text to `maxCharacters` without splitting a surrogate pair. */
function truncate(text: string, maxCharacters: number): string {
  if (text.length <= maxCharacters) return text;
  const cut = text.slice(0, maxCharacters);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/**
 * Consecutive runs of texts, each within the request limits: at most `maxInputs` texts and
 * `maxTokens` estimated tokens (a single text always makes a batch: it was truncated to fit).
 */
function embeddingBatches(
  texts: readonly string[],
  maxInputs: number,
  maxTokens: number,
): Array<{ start: number; texts: string[] }> {
  const batches: Array<{ start: number; texts: string[] }> = [];
  let current: { start: number; texts: string[] } | null = null;
  let tokens = 0;
  for (const [index, text] of texts.entries()) {
    const textTokens = estimateTokens(text);
    if (!current || current.texts.length >= maxInputs || tokens + textTokens > maxTokens) {
      current = { start: index, texts: [] };
      batches.push(current);
      tokens = 0;
    }
    current.texts.push(text);
    tokens += textTokens;
  }
  return batches;
}

/** The `embedding` field as sent: base64 of little-endian float32 (asked for), or numbers (servers that ignore the format). */
function decodeEmbedding(embedding: unknown): Float32Array | null {
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    if (bytes.byteLength % Float32Array.BYTES_PER_ELEMENT !== 0) return null;
    // A copy: the Buffer may sit at an offset of a shared pool that Float32Array cannot view.
    const vector = new Float32Array(bytes.byteLength / Float32Array.BYTES_PER_ELEMENT);
    new Uint8Array(vector.buffer).set(bytes);
    return vector;
  }
  if (Array.isArray(embedding) && embedding.every((value) => typeof value === 'number')) {
    return Float32Array.from(embedding);
  }
  return null;
}

/** Scales to unit length in place; false for a zero or non-finite vector, which has no direction. */
function normalise(vector: Float32Array): boolean {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (!Number.isFinite(norm) || norm === 0) return false;
  for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] as number) / norm;
  return true;
}

/**
 * OpenAI's Embeddings API on the official SDK (any OpenAI-compatible base URL), each request behind
 * the same `Resilience` as the text providers: a timeout per attempt, retries on 429/5xx/timeouts
 * honouring retry-after, a circuit breaker. Texts are trimmed, cut to the model's input limit
 * (estimated, see ESTIMATED_CHARACTERS_PER_TOKEN) and sent in batches within the request limits,
 * one after another so a large document does not burst through the rate limit. Vectors are asked
 * for in base64 (a quarter of the JSON) and re-normalised on arrival, since a shortened vector
 * or a compatible server's is not guaranteed unit length. Every request's tokens go to the ledger.
 */
export class OpenAiEmbedder implements Embedder {
  readonly provider = 'openai' as const;
  readonly model: string;
  readonly dimensions: number;
  readonly ledger: UsageLedger;
  /** Private so the client (which holds the API key) never shows up in logs or inspection. */
  readonly #client: OpenAI;
  readonly #resilience: Resilience;
  readonly #maxBatchInputs: number;
  readonly #maxBatchTokens: number;
  readonly #maxInputCharacters: number;
  /** ada-002 refuses `dimensions`; its one size is sent by omitting it. */
  readonly #sendDimensions: boolean;

  constructor(config: EmbeddingConfig & { apiKey: string }, dependencies: EmbedderDependencies = {}) {
    this.model = config.model;
    this.dimensions = config.dimensions;
    this.ledger = dependencies.ledger ?? new UsageLedger(new PricingTable(config.prices));
    const known = OPENAI_EMBEDDING_MODELS[config.model];
    this.#sendDimensions = known?.shortenable ?? true;
    this.#maxInputCharacters = (known?.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS) * ESTIMATED_CHARACTERS_PER_TOKEN;
    this.#maxBatchInputs = config.maxBatchInputs;
    this.#maxBatchTokens = config.maxBatchTokens;
    this.#client = new OpenAI({
      apiKey: config.apiKey,
      ...(config.baseURL ? { baseURL: config.baseURL } : {}),
      timeout: config.resilience.attemptTimeoutMs,
      maxRetries: 0,
      logLevel: 'off',
    });
    const log = dependencies.log;
    this.#resilience = new Resilience({
      provider: this.provider,
      ...config.resilience,
      classify: (error) => classifyOpenAiError(error),
      onBreakerStateChange: ({ state }) =>
        log?.warn(
          { provider: this.provider, model: this.model, operation: OPERATION, state },
          'embeddings circuit changed',
        ),
    });
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const inputs = texts.map((text, index) => {
      const trimmed = text.trim();
      // The API refuses an empty input and a vector of nothing would match anything: the caller's bug.
      if (trimmed.length === 0) {
        throw new ProviderError('PROVIDER_INVALID_INPUT', this.provider, `text ${index} is empty: nothing to embed`);
      }
      return truncate(trimmed, this.#maxInputCharacters);
    });
    const vectors: Float32Array[] = [];
    for (const batch of embeddingBatches(inputs, this.#maxBatchInputs, this.#maxBatchTokens)) {
      const batchVectors = await this.#embedBatch(batch.texts, options.signal);
      vectors.push(...batchVectors);
    }
    return vectors;
  }

  async #embedBatch(texts: string[], callerSignal: AbortSignal | undefined): Promise<Float32Array[]> {
    const started = performance.now();
    let attempt = 0;
    const { value, attempts } = await this.#resilience.execute(async (signal) => {
      attempt += 1;
      const response = await this.#client.embeddings.create(
        {
          model: this.model,
          input: texts,
          encoding_format: 'base64',
          ...(this.#sendDimensions ? { dimensions: this.dimensions } : {}),
        },
        { signal },
      );
      const usage = {
        inputTokens: response.usage?.prompt_tokens ?? 0,
        outputTokens: 0,
        cacheWriteTokens: 0,
        cacheReadTokens: 0,
      };
      const problem = this.#readVectors(response.data, texts.length);
      if (typeof problem !== 'string') return { vectors: problem, usage };
      // Billed even though unusable; not retried (the same request would get the same answer).
      this.ledger.record({
        provider: this.provider,
        model: this.model,
        operation: OPERATION,
        usage,
        cached: false,
        attempts: attempt,
        durationMs: performance.now() - started,
        outcome: 'bad_response',
      });
      throw new ProviderError('PROVIDER_BAD_RESPONSE', this.provider, `OpenAI embeddings refused: ${problem}`);
    }, callerSignal);
    this.ledger.record({
      provider: this.provider,
      model: this.model,
      operation: OPERATION,
      usage: value.usage,
      cached: false,
      attempts,
      durationMs: performance.now() - started,
      outcome: 'ok',
    });
    return value.vectors;
  }

  /** The vectors in input order, unit length, or what is wrong with the answer. */
  #readVectors(data: ReadonlyArray<{ index: number; embedding: unknown }>, expected: number): Float32Array[] | string {
    if (data.length !== expected) return `${data.length} vectors for ${expected} texts`;
    const vectors = new Array<Float32Array | undefined>(expected);
    for (const item of data) {
      const vector = decodeEmbedding(item.embedding);
      if (!vector) return `vector ${item.index} is not float32 numbers`;
      if (vector.length !== this.dimensions) {
        return `vector ${item.index} has ${vector.length} dimensions, ${this.dimensions} were asked for`;
      }
      if (!normalise(vector)) return `vector ${item.index} is zero or not finite`;
      if (!Number.isInteger(item.index) || item.index < 0 || item.index >= expected || vectors[item.index]) {
        return `vector index ${item.index} is out of range or repeated`;
      }
      vectors[item.index] = vector;
    }
    return vectors as Float32Array[];
  }
}

/**
 * The embedder for a service, from `embeddingConfigFromEnv()`; undefined without an OpenAI key,
 * and the caller then retrieves with lexical search only (and says "offline lexical").
 */
export function embedderFromConfig(
  config: EmbeddingConfig,
  dependencies: EmbedderDependencies = {},
): Embedder | undefined {
  if (!config.apiKey) return undefined;
  return new OpenAiEmbedder({ ...config, apiKey: config.apiKey }, dependencies);
}
