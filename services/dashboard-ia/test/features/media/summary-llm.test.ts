import { type FakeOpenAi, startFakeOpenAi } from '@castor/fake-apis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';
import { fixturePosts, followCandidates, importConversation, PERIOD } from './conversation-fixture.js';

const OPENAI_KEY = 'sk-test-summary';
const WRITTEN = 'La conversación sobre Cepeda creció y su tono neto fue positivo en el periodo.';

describe('the written summary of an analysis', () => {
  let openai: FakeOpenAi;
  let online: DashboardUnderTest;
  let offline: DashboardUnderTest;
  let analyst: { online: string; offline: string };

  beforeAll(async () => {
    openai = await startFakeOpenAi({ apiKeys: [OPENAI_KEY] });
    online = await startDashboardForTests({ OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${openai.url}/v1` });
    offline = await startDashboardForTests();
    analyst = { online: (await online.token('analyst')).token, offline: (await offline.token('analyst')).token };
    for (const [service, token] of [
      [online, analyst.online],
      [offline, analyst.offline],
    ] as const) {
      await followCandidates(service, token);
      await importConversation(service, token, fixturePosts());
    }
  });
  afterAll(async () => {
    await online?.close();
    await offline?.close();
    await openai?.close();
  });

  const analyze = (service: DashboardUnderTest, token: string, excludeBots = false) =>
    service.app.inject({
      method: 'POST',
      url: '/api/media/analyze',
      headers: { authorization: `Bearer ${token}` },
      payload: { candidate: 'cepeda', ...PERIOD, excludeBots },
    });

  it('is written by the configured LLM from the figures, and says which provider wrote it', async () => {
    openai.script({ kind: 'json', content: { text: WRITTEN } });
    const response = await analyze(online, analyst.online);
    expect(response.statusCode).toBe(200);
    expect(response.json().summary).toEqual({ text: WRITTEN, provider: 'openai', model: 'gpt-4o' });
    // The model was given the analysis's figures, not the posts' texts.
    const prompt = JSON.stringify(openai.completions.at(-1)?.body.messages);
    expect(prompt).toContain('Iván Cepeda');
    expect(prompt).toContain('shareOfVoice');
  });

  it('falls back to the offline template, which says it is offline, when the LLM fails', async () => {
    openai.script({ kind: 'error', status: 500 }, { times: 10 });
    // Other figures (bots left out): the answer above is cached for the same figures.
    const response = await analyze(online, analyst.online, true);
    expect(response.statusCode).toBe(200);
    expect(response.json().summary.provider).toBe('offline');
  });

  it('is the offline template when no LLM is configured', async () => {
    const response = await analyze(offline, analyst.offline);
    expect(response.json().summary).toMatchObject({ provider: 'offline', model: 'castor-summary-template' });
    expect(response.json().summary.text).toMatch(/sin conexión/);
  });
});
