import { setMaxListeners } from 'node:events';
import { linkAbort, ProviderError, Resilience, retryAfterMs } from '@castor/resilience';
import PQueue from 'p-queue';
import { z } from 'zod';
import { type IndexEntry, type MesaIndex, parseMesaIndex } from './index-file.js';
import { type PublishedFileRef, publishedFilePath, siteUrl } from './layout.js';
import {
  E14FileSource,
  type FetchOptions,
  type FileOutcome,
  type FileResult,
  type MesaResult,
  sourceSizeLimits,
} from './source.js';
import { MemoryValidatorStore, type StoredValidators, type ValidatorStore } from './validators.js';
import { judgeBody } from './verdict.js';

const PROVIDER = 'registraduria';

export const registraduriaOptionsSchema = z.object({
  /** Where the site is; tests point it at @castor/fake-apis. */
  baseUrl: z.url(),
  election: z
    .string()
    .regex(/^[A-Z0-9]{1,16}$/)
    .default('PRE'),
  /** Path of the index of mesas (assumed; see src/index-file.ts). */
  indexPath: z.string().startsWith('/').default('/assets/temis/allTransmissionCodes.json'),
  /** Requests in flight at once. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Requests started per second, evenly spaced; retries count too. */
  requestsPerSecond: z.number().positive().max(1_000).default(4),
  maxAttempts: z.number().int().min(1).max(10).default(5),
  initialDelayMs: z.number().int().min(0).default(500),
  maxDelayMs: z.number().int().min(1).default(30_000),
  /** A retry-after longer than this fails the file (to be rescheduled) instead of holding the crawl. */
  maxRetryAfterMs: z.number().int().min(0).default(120_000),
  /** One request (headers and body), not counting the wait for a slot. */
  requestTimeoutMs: z.number().int().min(100).default(30_000),
  ...sourceSizeLimits,
  /** The index is re-validated (a conditional request) when older than this. */
  indexMaxAgeMs: z.number().int().min(0).default(60_000),
  /** Consecutive failures (5xx, timeouts, network) that stop all requests for `halfOpenAfterMs`. */
  breakerThreshold: z.number().int().min(1).default(10),
  halfOpenAfterMs: z.number().int().min(1).default(30_000),
  userAgent: z.string().min(1).default('CASTOR electoral observation (polite E-14 downloader)'),
});
export type RegistraduriaOptions = z.input<typeof registraduriaOptionsSchema> & {
  /** Where ETag/Last-Modified per URL are remembered; memory by default. */
  validators?: ValidatorStore;
};

export interface ScraperStats {
  requests: number;
  notModified: number;
  retries: number;
  hostPauses: number;
  bytes: number;
}

type Downloaded =
  | { status: number; headers: Headers; body: Buffer }
  | { status: number; headers: Headers; tooLarge: { declaredBytes: number | null } };

/** Reads a body up to `limit` bytes, giving up (and closing the stream) as soon as it is larger. */
async function readCapped(response: Response, limit: number): Promise<Buffer | { declaredBytes: number | null }> {
  const header = response.headers.get('content-length');
  const declared = header !== null && /^\d+$/.test(header) ? Number(header) : null;
  if (declared !== null && declared > limit) {
    await response.body?.cancel();
    return { declaredBytes: declared };
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return { declaredBytes: declared };
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function classifyFetchError(error: unknown): ProviderError {
  return new ProviderError(
    'PROVIDER_UNAVAILABLE',
    PROVIDER,
    `request failed: ${(error as Error).message ?? String(error)}`,
    {
      cause: error,
    },
  );
}

/**
 * A polite downloader for the files the Registraduría publishes: bounded concurrency, evenly spaced
 * requests, retries with backoff on 429/5xx/network errors honouring retry-after (a 429 or 503 that
 * asks for a pause pauses every request to the host), a circuit breaker when the site is down,
 * conditional requests with remembered validators, a size cap, and a verdict by content.
 */
export class RegistraduriaClient extends E14FileSource {
  readonly origin = 'registraduria-site' as const;
  protected readonly crawlWindow: number;
  readonly options: z.output<typeof registraduriaOptionsSchema>;
  private readonly validators: ValidatorStore;
  private readonly queue: PQueue;
  private readonly resilience: Resilience;
  private readonly counters: ScraperStats = { requests: 0, notModified: 0, retries: 0, hostPauses: 0, bytes: 0 };
  private readonly closing = new AbortController();
  private pausedUntil = 0;
  private resumeTimer: NodeJS.Timeout | undefined;
  private index: { value: MesaIndex; etag: string | null; lastModified: string | null; checkedAt: number } | undefined;

  constructor(options: RegistraduriaOptions) {
    super();
    this.options = registraduriaOptionsSchema.parse(options);
    this.crawlWindow = this.options.concurrency * 2;
    this.validators = options.validators ?? new MemoryValidatorStore();
    // Every logical request listens for close(): thousands at once during a crawl, by design.
    setMaxListeners(0, this.closing.signal);
    // intervalCap 1 in a sliding window of 1/rate seconds: starts are evenly spaced, never bursty.
    this.queue = new PQueue({
      concurrency: this.options.concurrency,
      intervalCap: 1,
      interval: 1000 / this.options.requestsPerSecond,
      strict: true,
    });
    this.resilience = new Resilience({
      provider: PROVIDER,
      attemptTimeoutMs: null,
      maxAttempts: this.options.maxAttempts,
      initialDelayMs: this.options.initialDelayMs,
      maxDelayMs: this.options.maxDelayMs,
      maxRetryAfterMs: this.options.maxRetryAfterMs,
      breakerThreshold: this.options.breakerThreshold,
      halfOpenAfterMs: this.options.halfOpenAfterMs,
      classify: classifyFetchError,
      onRetry: () => {
        this.counters.retries += 1;
      },
    });
  }

  stats(): ScraperStats {
    return { ...this.counters };
  }

  get breakerState() {
    return this.resilience.breakerState;
  }

  fileUrl(file: PublishedFileRef): string {
    return siteUrl(this.options.baseUrl, publishedFilePath(file));
  }

  /** Cancels every download in flight or queued (their callers see PROVIDER_CANCELLED) and stops timers. */
  close(): void {
    this.closing.abort();
    clearTimeout(this.resumeTimer);
    this.queue.start();
  }

  /** Runs one logical request (all its attempts, each in a queue slot) until it ends, the caller aborts, or close(). */
  private async withRetries<T>(task: (signal: AbortSignal) => Promise<T>, signal: AbortSignal | undefined) {
    const linked = linkAbort([signal, this.closing.signal]);
    try {
      return await this.resilience.execute(
        (attemptSignal) => this.slot(() => task(attemptSignal), attemptSignal),
        linked.signal,
      );
    } finally {
      linked.dispose();
    }
  }

  /** The index of mesas, re-validated with a conditional request when older than indexMaxAgeMs. */
  async fetchIndex(signal?: AbortSignal): Promise<MesaIndex> {
    const cached = this.index;
    if (cached && Date.now() - cached.checkedAt < this.options.indexMaxAgeMs) return cached.value;
    const url = siteUrl(this.options.baseUrl, this.options.indexPath);
    const conditional = cached ? { etag: cached.etag, lastModified: cached.lastModified } : null;
    const { value: answer } = await this.withRetries(
      (attemptSignal) => this.download(url, conditional, this.options.maxIndexBytes, attemptSignal),
      signal,
    );
    if (answer.status === 304 && cached) {
      cached.checkedAt = Date.now();
      return cached.value;
    }
    if (!('body' in answer) || answer.status !== 200) {
      throw new ProviderError(
        'PROVIDER_BAD_RESPONSE',
        PROVIDER,
        `the index was not served (status ${answer.status}, or over the size cap)`,
        {
          status: answer.status,
        },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(answer.body.toString('utf8'));
    } catch (error) {
      throw new ProviderError(
        'PROVIDER_BAD_RESPONSE',
        PROVIDER,
        'the index is not JSON (the site may have answered its HTML page)',
        {
          cause: error,
        },
      );
    }
    let value: MesaIndex;
    try {
      value = parseMesaIndex(json);
    } catch (error) {
      throw new ProviderError('PROVIDER_BAD_RESPONSE', PROVIDER, (error as Error).message, { cause: error });
    }
    this.index = {
      value,
      etag: answer.headers.get('etag'),
      lastModified: answer.headers.get('last-modified'),
      checkedAt: Date.now(),
    };
    return value;
  }

  async fetchEntry(entry: IndexEntry, options: FetchOptions = {}): Promise<MesaResult> {
    return { entry, ...(await this.fetchFile(siteUrl(this.options.baseUrl, entry.path), options)) };
  }

  /**
   * Downloads one file and judges it by its bytes. Never throws for what the site did (that is
   * the outcome); throws PROVIDER_CANCELLED when the caller aborts. `force` skips the validators.
   */
  async fetchFile(url: string, options: FetchOptions = {}): Promise<FileResult> {
    const started = performance.now();
    const stored = options.force ? null : await this.validators.get(url);
    let outcome: FileOutcome;
    let attempts: number;
    try {
      const result = await this.withRetries(
        (attemptSignal) => this.fetchOnce(url, stored, attemptSignal),
        options.signal,
      );
      outcome = result.value;
      attempts = result.attempts;
    } catch (error) {
      if (!(error instanceof ProviderError) || error.code === 'PROVIDER_CANCELLED') throw error;
      attempts = error.attempts;
      outcome = {
        kind: 'failed',
        code: error.code,
        message: error.message,
        status: error.status ?? null,
        retryAfterMs: error.retryAfterMs ?? null,
      };
    }
    if (outcome.kind === 'pdf') {
      await this.validators.set(url, {
        etag: outcome.etag,
        lastModified: outcome.lastModified,
        sha256: outcome.sha256,
        size: outcome.size,
      });
    }
    return { origin: this.origin, url, attempts, durationMs: performance.now() - started, outcome };
  }

  /** Runs one request in a queue slot: counted against concurrency and the request rate. */
  private slot<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    return this.queue.add(task, { signal });
  }

  private pauseHost(ms: number) {
    const until = Date.now() + ms;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.counters.hostPauses += 1;
    this.queue.pause();
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => this.queue.start(), ms);
  }

  /** One HTTP exchange. 429 and 5xx become retryable errors; a pause they ask for holds every request. */
  private async download(
    url: string,
    conditional: { etag: string | null; lastModified: string | null } | null,
    limit: number,
    signal: AbortSignal,
  ): Promise<Downloaded> {
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, accept: '*/*' };
    if (conditional?.etag) headers['if-none-match'] = conditional.etag;
    if (conditional?.lastModified) headers['if-modified-since'] = conditional.lastModified;
    const request = linkAbort([signal], this.options.requestTimeoutMs);
    this.counters.requests += 1;
    try {
      const response = await fetch(url, { headers, signal: request.signal, redirect: 'follow' });
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel();
        const wait = retryAfterMs(response.headers);
        // The site asked everyone to wait, not just this URL: hold every request to it.
        if (wait !== undefined && (response.status === 429 || response.status === 503)) {
          this.pauseHost(Math.min(wait, this.options.maxRetryAfterMs));
        }
        throw new ProviderError(
          response.status === 429 ? 'PROVIDER_RATE_LIMITED' : 'PROVIDER_UNAVAILABLE',
          PROVIDER,
          `the site answered ${response.status}`,
          { status: response.status, ...(wait === undefined ? {} : { retryAfterMs: wait }) },
        );
      }
      if (response.status === 304) {
        await response.body?.cancel();
        this.counters.notModified += 1;
        return { status: 304, headers: response.headers, body: Buffer.alloc(0) };
      }
      const body = await readCapped(response, limit);
      if (!Buffer.isBuffer(body)) return { status: response.status, headers: response.headers, tooLarge: body };
      this.counters.bytes += body.length;
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      if (request.timedOut) {
        throw new ProviderError(
          'PROVIDER_TIMEOUT',
          PROVIDER,
          `no complete answer within ${this.options.requestTimeoutMs} ms`,
          {
            cause: error,
          },
        );
      }
      throw error;
    } finally {
      request.dispose();
    }
  }

  private async fetchOnce(url: string, stored: StoredValidators | null, signal: AbortSignal): Promise<FileOutcome> {
    const answer = await this.download(url, stored, this.options.maxFileBytes, signal);
    if ('tooLarge' in answer) {
      return { kind: 'too-large', limitBytes: this.options.maxFileBytes, declaredBytes: answer.tooLarge.declaredBytes };
    }
    if (answer.status === 304) {
      if (!stored)
        throw new ProviderError('PROVIDER_BAD_RESPONSE', PROVIDER, 'the site answered 304 to an unconditional request');
      return { kind: 'unchanged', sha256: stored.sha256, size: stored.size };
    }
    const verdict = judgeBody(answer.body);
    if (answer.status === 404 || answer.status === 410) {
      return {
        kind: 'missing',
        reason: 'not-found',
        status: answer.status,
        sha256: verdict.sha256,
        size: verdict.size,
      };
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new ProviderError('PROVIDER_REJECTED', PROVIDER, `the site answered ${answer.status}`, {
        status: answer.status,
      });
    }
    switch (verdict.kind) {
      case 'pdf':
        return {
          kind: 'pdf',
          sha256: verdict.sha256,
          size: verdict.size,
          bytes: answer.body,
          etag: answer.headers.get('etag'),
          lastModified: answer.headers.get('last-modified'),
        };
      case 'truncated-pdf':
        // A PDF without its end marker was cut in transit: worth another attempt.
        throw new ProviderError('PROVIDER_UNAVAILABLE', PROVIDER, `truncated PDF (${verdict.size} bytes, no %%EOF)`);
      case 'not-pdf':
        return {
          kind: 'missing',
          reason: verdict.reason === 'other' ? 'not-pdf' : verdict.reason,
          status: answer.status,
          sha256: verdict.sha256,
          size: verdict.size,
        };
    }
  }
}
