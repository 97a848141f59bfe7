import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
} from 'cockatiel';
import { linkAbort } from './abort.js';
import { ProviderError } from './errors.js';

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

export interface ResilienceOptions {
  /** Names the provider in errors, events and metrics ('anthropic', 'registraduria'...). */
  provider: string;
  /**
   * Each attempt is abandoned after this long; null when the operation bounds itself (a scraper
   * whose attempts first wait for a slot in its rate-limited queue times only the request).
   */
  attemptTimeoutMs: number | null;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Exponential backoff with decorrelated jitter between attempts, from ~initial up to max. */
  initialDelayMs: number;
  maxDelayMs: number;
  /**
   * A retry-after longer than this is not slept through: the error is surfaced (with its
   * retryAfterMs) so a job queue can reschedule instead of holding a worker.
   */
  maxRetryAfterMs: number;
  /** Consecutive unavailability failures (5xx, 529, timeouts, network) that open the circuit. */
  breakerThreshold: number;
  /** How long the circuit stays open before one trial call is let through (half-open). */
  halfOpenAfterMs: number;
  /** Maps whatever the operation threw to a typed error. */
  classify: (error: unknown) => ProviderError;
  onRetry?: (event: { provider: string; attempt: number; delayMs: number; error: ProviderError }) => void;
  onBreakerStateChange?: (event: { provider: string; state: BreakerState }) => void;
}

export const DEFAULT_RESILIENCE = {
  attemptTimeoutMs: 60_000,
  maxAttempts: 4,
  initialDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 30_000,
} as const satisfies Partial<ResilienceOptions>;

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** Rejects as soon as the signal aborts, even if the operation ignores it. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Abandoned: its eventual rejection is expected and must not surface as unhandled.
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The small core every provider call goes through: a per-attempt timeout, retries with
 * exponential backoff and jitter on rate limits / unavailability (honouring retry-after), and a
 * circuit breaker per provider (closed → open after N consecutive unavailability failures →
 * half-open after a pause → closed on the first success). The breaker and the backoff come from
 * cockatiel; the retry loop is ours so waits are abortable and retry-after is honoured exactly.
 */
export class Resilience {
  readonly provider: string;
  private readonly options: ResilienceOptions;
  private readonly breaker: CircuitBreakerPolicy;

  constructor(options: ResilienceOptions) {
    if (options.maxAttempts < 1) throw new Error('maxAttempts must be at least 1');
    this.options = options;
    this.provider = options.provider;
    this.breaker = circuitBreaker(
      handleWhen((error) => error instanceof ProviderError && error.signalsUnavailability),
      { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breakerThreshold) },
    );
    this.breaker.onStateChange((state) =>
      options.onBreakerStateChange?.({ provider: this.provider, state: STATE_NAMES[state] }),
    );
  }

  get breakerState(): BreakerState {
    return STATE_NAMES[this.breaker.state];
  }

  /**
   * Runs `operation` with the protections above. The operation gets a signal that aborts on the
   * attempt timeout or the caller's signal. Resolves with the value and the attempts it took;
   * rejects with a ProviderError whose `attempts` says how many were made.
   */
  async execute<T>(
    operation: (signal: AbortSignal) => Promise<T>,
    callerSignal?: AbortSignal,
  ): Promise<{ value: T; attempts: number }> {
    let backoff: IBackoff<unknown> = new ExponentialBackoff({
      initialDelay: this.options.initialDelayMs,
      maxDelay: this.options.maxDelayMs,
    }).next();
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await this.breaker.execute(() => this.attempt(operation, callerSignal));
        return { value, attempts: attempt };
      } catch (raw) {
        const error =
          raw instanceof BrokenCircuitError
            ? new ProviderError('PROVIDER_CIRCUIT_OPEN', this.provider, `${this.provider} circuit is open`, {
                cause: raw,
              })
            : raw instanceof ProviderError
              ? raw
              : this.options.classify(raw);
        error.attempts = attempt;
        if (!error.retryable || attempt >= this.options.maxAttempts || callerSignal?.aborted) throw error;
        if (error.retryAfterMs !== undefined && error.retryAfterMs > this.options.maxRetryAfterMs) throw error;
        backoff = backoff.next(undefined);
        const delayMs = Math.max(backoff.duration, error.retryAfterMs ?? 0);
        this.options.onRetry?.({ provider: this.provider, attempt, delayMs, error });
        try {
          await sleep(delayMs, undefined, callerSignal ? { signal: callerSignal } : {});
        } catch {
          throw this.cancelled(attempt);
        }
      }
    }
  }

  private cancelled(attempts: number): ProviderError {
    const error = new ProviderError(
      'PROVIDER_CANCELLED',
      this.provider,
      `${this.provider} call cancelled by the caller`,
    );
    error.attempts = attempts;
    return error;
  }

  private async attempt<T>(operation: (signal: AbortSignal) => Promise<T>, callerSignal?: AbortSignal): Promise<T> {
    const linked = linkAbort([callerSignal], this.options.attemptTimeoutMs);
    try {
      if (linked.signal.aborted) throw linked.signal.reason;
      return await untilAborted(operation(linked.signal), linked.signal);
    } catch (error) {
      if (callerSignal?.aborted) throw this.cancelled(1);
      if (linked.timedOut) {
        throw new ProviderError(
          'PROVIDER_TIMEOUT',
          this.provider,
          `${this.provider} did not answer within ${this.options.attemptTimeoutMs} ms`,
          { cause: error },
        );
      }
      throw error instanceof ProviderError ? error : this.options.classify(error);
    } finally {
      linked.dispose();
    }
  }
}
