import { fileURLToPath } from 'node:url';
import { type FakeOpenAi, startFakeOpenAi } from '@castor/fake-apis';
import { onnxSentimentProvider } from '@castor/sentiment-es';
import { ConfigError } from '@castor/service-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadDashboardConfig } from '../../../src/config.js';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';
import { campaignTexts, postModels, ruleLabeller, storePosts, teacherRule } from './campaign.js';

const TINY_ONNX = fileURLToPath(
  new URL('../../../../../packages/sentiment-es/test/fixtures/tiny-onnx-sentiment', import.meta.url),
);
const OPENAI_KEY = 'sk-proj-dashboard-provider-7f01';

describe('choosing the sentiment provider', () => {
  const score = async (service: DashboardUnderTest, texts: string[]) => {
    const { token } = await service.token('analyst');
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/sentiment/score',
      headers: { authorization: `Bearer ${token}` },
      payload: { texts },
    });
    expect(response.statusCode).toBe(200);
    return response.json().scores as Array<Record<string, unknown>>;
  };

  it('refuses to start with SENTIMENT_PROVIDER=onnx and no model folder, naming the variable', () => {
    const env = { DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://r/0', CORE_SERVICE_URL: 'http://core' };
    const refused = (() => {
      try {
        loadDashboardConfig({ ...env, SENTIMENT_PROVIDER: 'onnx' });
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(ConfigError);
    expect(String((refused as Error).message)).toContain('SENTIMENT_ONNX_MODEL_DIR');
    expect(() => loadDashboardConfig({ ...env, SENTIMENT_PROVIDER: 'bert' })).toThrow(/SENTIMENT_PROVIDER/);
    expect(loadDashboardConfig(env).SENTIMENT_PROVIDER).toBe('offline');
  });

  describe('onnx', () => {
    let service: DashboardUnderTest;
    beforeAll(async () => {
      service = await startDashboardForTests({ SENTIMENT_PROVIDER: 'onnx', SENTIMENT_ONNX_MODEL_DIR: TINY_ONNX });
    }, 60_000);
    afterAll(async () => service?.close());

    it('scores requests and stored posts with the operator-supplied transformer', async () => {
      const texts = ['bueno excelente', 'malo terrible', 'el informe'];
      const reference = await (await onnxSentimentProvider({ folder: TINY_ONNX })).score(texts);
      const scores = await score(service, texts);
      expect(scores).toEqual(
        reference.map((expected) => ({
          label: expected.label,
          score: expected.score,
          model: expected.model,
          version: expected.version,
          provider: 'onnx',
        })),
      );
      expect(reference[0]?.model).toMatch(/^onnx:/);
      await storePosts(service, texts);
      expect(await postModels(service)).toEqual({ [`${reference[0]?.model}@${reference[0]?.version}`]: 3 });
    });
  });

  describe('llm', () => {
    let openai: FakeOpenAi;
    let service: DashboardUnderTest;
    beforeAll(async () => {
      openai = await startFakeOpenAi({ apiKeys: [OPENAI_KEY], handler: ruleLabeller });
      service = await startDashboardForTests({
        SENTIMENT_PROVIDER: 'llm',
        OPENAI_API_KEY: OPENAI_KEY,
        OPENAI_BASE_URL: `${openai.url}/v1`,
        LLM_MAX_ATTEMPTS: '1',
        LLM_BREAKER_THRESHOLD: '50',
      });
    }, 60_000);
    afterAll(async () => {
      await service?.close();
      await openai?.close();
    });
    afterEach(() => openai.setHandler(ruleLabeller));

    it('labels many posts per call through the real OpenAI SDK, stored posts included', async () => {
      const texts = campaignTexts(8);
      const scores = await score(service, texts);
      expect(openai.completions).toHaveLength(1);
      expect(scores.map((s) => s.label)).toEqual(texts.map(teacherRule));
      for (const s of scores)
        expect(s).toMatchObject({ model: 'llm:openai:gpt-4o', version: 'es-co-prompt-v1', provider: 'llm' });

      await storePosts(service, campaignTexts(60));
      expect(openai.completions).toHaveLength(3); // 60 posts: 50 + 10
      expect(await postModels(service)).toEqual({ 'llm@es-co-prompt-v1': 60 });
    });

    it('falls back to the offline model when the LLM fails, and the answer says so', async () => {
      openai.setHandler(() => ({ kind: 'error', status: 500 }));
      const [fallback] = await score(service, ['Mañana hay sesión del concejo a las 3']);
      expect(fallback).toMatchObject({ model: 'castor-sentiment-es-offline', version: 'v1', provider: 'offline' });
      expect(fallback?.fallback).toMatch(/LLM/);
    });
  });
});
