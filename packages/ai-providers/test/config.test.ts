import { describe, expect, it } from 'vitest';
import { anthropicReaderConfigFromEnv } from '../src/index.js';

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
