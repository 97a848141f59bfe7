import { loadSentimentModel, offlineSentimentProvider } from '@castor/sentiment-es';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentimentCacheKey } from '../../../src/features/sentiment/sentiment-scores.js';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';

describe('POST /api/sentiment/score', () => {
  let service: DashboardUnderTest;
  let analyst: string;

  beforeAll(async () => {
    service = await startDashboardForTests({ CACHE_TTL_SENTIMENT: '120' });
    analyst = (await service.token('analyst')).token;
  });
  afterAll(async () => service?.close());

  const send = (payload: unknown, token = analyst) =>
    service.app.inject({
      method: 'POST',
      url: '/api/sentiment/score',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      payload: payload as Record<string, unknown>,
    });

  it("scores texts in order with the offline model, its model and version on each, and caches each text's score", async () => {
    const texts = [
      'No está mal la propuesta del alcalde',
      'Qué boleta el concejo 🤡',
      'Sesión del concejo a las 3 p. m.',
    ];
    const response = await send({ texts: [...texts, texts[1]] });
    expect(response.statusCode).toBe(200);
    const model = await loadSentimentModel();
    const expected = model.score(texts).map((score) => ({
      label: score.label,
      score: score.score,
      model: 'castor-sentiment-es-offline',
      version: 'v1',
    }));
    expect(response.json()).toEqual({ scores: [...expected, expected[1]] });

    const provider = await offlineSentimentProvider();
    const key = sentimentCacheKey(provider, texts[0] as string);
    expect(JSON.parse((await service.app.store.get(key)) as string)).toEqual(expected[0]);
    const ttl = await service.app.store.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120);

    // A cached score is answered from the cache, not recomputed.
    const planted = { label: 'positive', score: 0.5, model: 'castor-sentiment-es-offline', version: 'v1' };
    await service.app.store.set(key, JSON.stringify(planted), 60);
    expect((await send({ texts: [texts[0]] })).json()).toEqual({ scores: [planted] });
  });

  it('takes up to 1,000 texts, and refuses more, none, empty ones, and the roles that may not score', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `Mensaje ${i} sobre el debate, muy bueno`);
    const response = await send({ texts: many });
    expect(response.statusCode).toBe(200);
    expect(response.json().scores).toHaveLength(1000);
    for (const payload of [{ texts: [...many, 'uno más'] }, { texts: [] }, { texts: ['  '] }, {}]) {
      const refused = await send(payload);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await send({ texts: ['hola'] }, '')).statusCode).toBe(401);
    const viewer = (await service.token('viewer')).token;
    expect((await send({ texts: ['hola'] }, viewer)).statusCode).toBe(403);
    const admin = (await service.token('admin')).token;
    expect((await send({ texts: ['hola'] }, admin)).statusCode).toBe(200);
  });
});
