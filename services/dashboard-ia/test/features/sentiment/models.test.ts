import { createLlmClient, llmConfigFromEnv } from '@castor/ai-providers';
import { type FakeOpenAi, startFakeOpenAi } from '@castor/fake-apis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { distillStoredPosts, NO_LLM_MESSAGE } from '../../../src/features/sentiment/distillation.js';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';
import { campaignTexts, postModels, ruleLabeller, storePosts, teacherRule } from './campaign.js';

const OPENAI_KEY = 'sk-proj-dashboard-distill-51ac';
const OFFLINE = 'castor-sentiment-es-offline';

describe('distilling the offline sentiment model from an LLM and activating it', () => {
  let openai: FakeOpenAi;
  let service: DashboardUnderTest;
  let admin: string;
  let analyst: string;
  const texts = campaignTexts(240);
  /** Stored posts: the 240 texts, the first 40 of them twice. */
  const POSTS = 280;

  beforeAll(async () => {
    openai = await startFakeOpenAi({ apiKeys: [OPENAI_KEY], handler: ruleLabeller });
    service = await startDashboardForTests({
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: `${openai.url}/v1`,
      LLM_MAX_ATTEMPTS: '1',
      SENTIMENT_MODEL_POLL_MS: '1000',
    });
    admin = (await service.token('admin')).token;
    analyst = (await service.token('analyst')).token;
    // Duplicates: the sample is drawn from distinct texts.
    await storePosts(service, [...texts, ...texts.slice(0, 40)]);
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    await openai?.close();
  });

  const request = (method: 'GET' | 'POST', url: string, token: string, payload?: Record<string, unknown>) =>
    service.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

  it('refuses without an LLM provider, saying which variables configure one', async () => {
    const offlineClient = createLlmClient(llmConfigFromEnv({}));
    await expect(
      distillStoredPosts({ pool: service.app.pg, llm: offlineClient, sample: 100, seed: 's', activate: false }),
    ).rejects.toThrow(NO_LLM_MESSAGE);
    expect(NO_LLM_MESSAGE).toContain('OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_BASE_URL');
    expect(openai.completions).toHaveLength(0);
  });

  let version = '';

  it('labels a sample of distinct stored posts with the LLM, retrains and stores the model (inactive) with its agreement report', async () => {
    const outcome = await distillStoredPosts({
      pool: service.app.pg,
      llm: service.llm,
      sample: 200,
      seed: 'campaign-test',
      activate: false,
    });
    version = outcome.version;
    expect(version).toMatch(/^v1\+distilled-\d{8}-[0-9a-f]{8}$/);
    expect(outcome.activated).toBe(false);
    const { report } = outcome;
    expect(report.teacher).toEqual({ name: 'llm', version: 'es-co-prompt-v1', kind: 'llm' });
    expect(report.sample).toMatchObject({ requested: 200, sampled: 200, teacherLabelled: 200, teacherFallbacks: 0 });
    // The real OpenAI SDK asked the fake, 50 posts per completion, for the strict answer schema.
    expect(openai.completions).toHaveLength(4);
    expect(openai.completions[0]?.jsonSchema?.strict).toBe(true);
    const asked = openai.completions.flatMap((completion) => {
      const prompt = String(completion.body.messages.at(-1)?.content);
      return (JSON.parse(prompt.slice(prompt.lastIndexOf('\n['))) as Array<{ text: string }>).map((post) => post.text);
    });
    expect(new Set(asked).size).toBe(200);
    // The slang is new to v1; the distilled model learns the teacher's labels.
    expect(report.heldOut.before.agreement).toBeLessThan(0.6);
    expect(report.heldOut.after.agreement).toBeGreaterThanOrEqual(0.9);
    expect(report.heldOut.after.cohenKappa).toBeGreaterThan(report.heldOut.before.cohenKappa);

    const listed = await request('GET', '/api/sentiment/models', analyst);
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toMatchObject({
      offlineVersion: 'v1',
      provider: { kind: 'offline', name: OFFLINE, version: 'v1' },
      models: [{ version, name: OFFLINE, active: false, report: { version } }],
    });
    expect(listed.json().models[0].report).toEqual(report);
  });

  it('activation is for admins, names an unknown version, and switches scoring and stored posts to the new model', async () => {
    const slang = ['Qué quimbeta la gobernadora con el metro', 'El concejal es un zorblat'];
    const before = (await request('POST', '/api/sentiment/score', analyst, { texts: slang })).json();
    expect(before.scores.map((score: { version: string }) => score.version)).toEqual(['v1', 'v1']);
    expect(await postModels(service)).toEqual({ [`${OFFLINE}@v1`]: POSTS });

    expect((await request('POST', `/api/sentiment/models/${version}/activate`, analyst)).statusCode).toBe(403);
    const unknown = await request('POST', '/api/sentiment/models/v1+distilled-20260101-00000000/activate', admin);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('SENTIMENT_MODEL_UNKNOWN');

    const activated = await request('POST', `/api/sentiment/models/${version}/activate`, admin);
    expect(activated.statusCode).toBe(200);
    expect(activated.json()).toEqual({ offlineVersion: version, postsToRescore: POSTS });

    const after = (await request('POST', '/api/sentiment/score', analyst, { texts: slang })).json();
    expect(after.scores).toMatchObject([
      { model: OFFLINE, version, provider: 'offline', label: teacherRule(slang[0] as string) },
      { model: OFFLINE, version, provider: 'offline', label: teacherRule(slang[1] as string) },
    ]);
    await service.scoring.idle();
    expect(await postModels(service)).toEqual({ [`${OFFLINE}@${version}`]: POSTS });
    const { rows } = await service.app.pg.query<{ label: string; text: string }>(
      `SELECT sentiment_label AS label, text FROM posts`,
    );
    const agreeing = rows.filter((row) => row.label === teacherRule(row.text)).length;
    expect(agreeing / rows.length).toBeGreaterThan(0.9);
    expect((await request('GET', '/api/sentiment/models', analyst)).json()).toMatchObject({
      offlineVersion: version,
      models: [{ version, active: true }],
    });

    // Back to the committed model.
    const reverted = await request('POST', '/api/sentiment/models/v1/activate', admin);
    expect(reverted.json()).toEqual({ offlineVersion: 'v1', postsToRescore: POSTS });
    await service.scoring.idle();
    expect(await postModels(service)).toEqual({ [`${OFFLINE}@v1`]: POSTS });
  });

  it('a model activated elsewhere (the CLI, another replica) is picked up on the next check', async () => {
    const outcome = await distillStoredPosts({
      pool: service.app.pg,
      llm: service.llm,
      sample: 120,
      seed: 'second-run',
      activate: true,
    });
    expect(outcome.activated).toBe(true);
    expect(service.sentiment.offlineModel.version).toBe('v1');
    await vi.waitFor(() => expect(service.sentiment.offlineModel.version).toBe(outcome.version), {
      timeout: 5_000,
      interval: 100,
    });
    // The poll also had the stored posts scored again with it.
    await vi.waitFor(
      async () => expect(await postModels(service)).toEqual({ [`${OFFLINE}@${outcome.version}`]: POSTS }),
      {
        timeout: 10_000,
        interval: 200,
      },
    );
    const score = (
      await request('POST', '/api/sentiment/score', analyst, { texts: ['Qué quimbeta el ministro'] })
    ).json();
    expect(score.scores[0]).toMatchObject({ version: outcome.version, label: 'positive' });
  });
});
