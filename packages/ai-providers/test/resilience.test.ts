import { describe, expect, it } from 'vitest';
import {
  anthropicReaderConfigFromEnv,
  ProviderError,
  Resilience,
  type ResilienceOptions,
  retryAfterMs,
} from '../src/index.js';

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

describe('anthropicReaderConfigFromEnv', () => {
  it('is not configured without a key, and says why', () => {
    const setup = anthropicReaderConfigFromEnv({});
    expect(setup.configured).toBe(false);
    if (!setup.configured) expect(setup.reason).toContain('ANTHROPIC_API_KEY');
  });

  it('takes the model, base URL and price overrides from the environment', () => {
    const setup = anthropicReaderConfigFromEnv({
      ANTHROPIC_API_KEY: 'sk-ant-x',
      ANTHROPIC_MODEL: 'claude-haiku-5-5',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999',
      ANTHROPIC_PRICING_JSON: JSON.stringify({
        'claude-haiku-5-5': { inputPerMTok: 0.2, outputPerMTok: 1, cacheWritePerMTok: 0.25, cacheReadPerMTok: 0.02 },
      }),
    });
    if (!setup.configured) throw new Error('expected a configured reader');
    expect(setup.config).toMatchObject({
      model: 'claude-haiku-5-5',
      baseURL: 'http://127.0.0.1:9999',
      toolChoice: 'auto',
    });
    expect(setup.config.prices['claude-haiku-5-5']?.inputPerMTok).toBe(0.2);
    expect(setup.config.prices['claude-sonnet-5-5']).toBeDefined();
  });

  it('refuses invalid values, naming the variable', () => {
    expect(() => anthropicReaderConfigFromEnv({ ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'not a url' })).toThrow(
      /ANTHROPIC_BASE_URL/,
    );
    expect(() => anthropicReaderConfigFromEnv({ ANTHROPIC_PRICING_JSON: '{"m": {"inputPerMTok": -1}}' })).toThrow(
      /ANTHROPIC_PRICING_JSON/,
    );
  });
});
