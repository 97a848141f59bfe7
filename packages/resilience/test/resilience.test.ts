import { describe, expect, it } from 'vitest';
import { isProviderError, ProviderError, Resilience, type ResilienceOptions, retryAfterMs } from '../src/index.js';

const options = (overrides: Partial<ResilienceOptions> = {}): ResilienceOptions => ({
  provider: 'test',
  attemptTimeoutMs: 1_000,
  maxAttempts: 4,
  initialDelayMs: 10,
  maxDelayMs: 50,
  maxRetryAfterMs: 10_000,
  breakerThreshold: 100,
  halfOpenAfterMs: 1_000,
  classify: (error) => new ProviderError('PROVIDER_UNAVAILABLE', 'test', String(error)),
  ...overrides,
});

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('Resilience core', () => {
  it('retries retryable failures up to maxAttempts, with jittered delays under the cap', async () => {
    const delays: number[] = [];
    const core = new Resilience(options({ onRetry: ({ delayMs }) => delays.push(delayMs) }));
    let calls = 0;
    const error = await rejection(
      core.execute(async () => {
        calls += 1;
        throw new Error('connection reset');
      }),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(error.attempts).toBe(4);
    expect(calls).toBe(4);
    expect(delays).toHaveLength(3);
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(50);
  });

  it('does not retry what retrying cannot fix', async () => {
    const core = new Resilience(options());
    let calls = 0;
    const error = await rejection(
      core.execute(async () => {
        calls += 1;
        throw new ProviderError('PROVIDER_REJECTED', 'test', 'bad request', { status: 400 });
      }),
    );
    expect(error.code).toBe('PROVIDER_REJECTED');
    expect(calls).toBe(1);
  });

  it('times out an operation that ignores its signal', async () => {
    const core = new Resilience(options({ attemptTimeoutMs: 100, maxAttempts: 1 }));
    const started = performance.now();
    const error = await rejection(core.execute(() => new Promise<never>(() => undefined)));
    expect(error.code).toBe('PROVIDER_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('stops waiting out a retry-after as soon as the caller aborts', async () => {
    const core = new Resilience(options());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const error = await rejection(
      core.execute(async () => {
        throw new ProviderError('PROVIDER_RATE_LIMITED', 'test', 'slow down', { status: 429, retryAfterMs: 5_000 });
      }, controller.signal),
    );
    expect(error.code).toBe('PROVIDER_CANCELLED');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('reads retry-after as seconds, HTTP-date or retry-after-ms', () => {
    const now = Date.parse('2026-06-21T21:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }), now)).toBe(7_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sun, 21 Jun 2026 21:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '7' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});

describe('ProviderError', () => {
  it('keeps provider errors typed for callers', () => {
    const error = new ProviderError('PROVIDER_TIMEOUT', 'anthropic', 'slow');
    expect(isProviderError(error, 'PROVIDER_TIMEOUT')).toBe(true);
    expect(error.retryable).toBe(true);
    expect(new ProviderError('PROVIDER_BAD_RESPONSE', 'anthropic', 'x').retryable).toBe(false);
  });
});
