import { type FakeOpenAi, startFakeOpenAi } from '@castor/fake-apis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADVISOR_SYSTEM_PROMPT } from '../../../src/features/advisor/advisor.service.js';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';
import { untilEmbedded, uploadDocument } from '../documents/upload.js';
import {
  BOT_AUTHORS,
  fixturePosts,
  followCandidates,
  importConversation,
  PERIOD,
} from '../media/conversation-fixture.js';

const OPENAI_KEY = 'sk-test-advisor';
const ADVICE = { to: PERIOD.to, days: 14 };
const PROGRAMME = `# Programa de gobierno\n\n## Salud\n\nProponemos cien centros de salud con atención nocturna en los barrios, y la reforma a la salud concertada con los hospitales públicos.\n`;

/** Follows the fixture's candidates, imports its posts, plants a spike on "salud" and a programme that speaks of it. */
async function prepare(service: DashboardUnderTest, analyst: string) {
  await followCandidates(service, analyst);
  await importConversation(service, analyst, fixturePosts());
  await service.app.pg.query(
    `INSERT INTO spike_alerts (kind, term, candidate_id, "window", window_start, volume, baseline, z_score, authors, created_at)
     SELECT 'term', 'salud', id, '24h', '2026-05-09T00:00:00Z', 40, 6, 6.5, 12, '2026-05-10T00:00:00Z'
       FROM candidates WHERE slug = 'cepeda'`,
  );
  const uploaded = await uploadDocument(service, analyst, {
    filename: 'programa.md',
    contentType: 'text/markdown',
    bytes: Buffer.from(PROGRAMME),
  });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
}

describe('/api/advisor, offline rules', () => {
  let service: DashboardUnderTest;
  let analyst: string;

  beforeAll(async () => {
    service = await startDashboardForTests();
    analyst = (await service.token('analyst')).token;
    await prepare(service, analyst);
  });
  afterAll(async () => service?.close());

  const post = (url: string, payload?: object, token = analyst) =>
    service.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  it('recommends from the evidence, each recommendation citing it, most urgent first', async () => {
    const response = await post('/api/advisor/recommendations', ADVICE);
    expect(response.statusCode, response.body).toBe(200);
    const advice = response.json();
    expect(advice.candidate.slug).toBe('cepeda');
    expect(advice.answeredBy.offline).toBe(true);
    expect(advice.disclaimer).toMatch(/no miden intención de voto/);
    const [first] = advice.recommendations;
    // The planted spike (z 6.5) is the most urgent, with the programme's passage on the same subject.
    expect(first).toMatchObject({ priority: 'urgent', ownerRole: 'communications' });
    expect(first.title).toContain('salud');
    expect(first.evidence.map((entry: { kind: string }) => entry.kind)).toEqual(['spike', 'chunk']);
    for (const recommendation of advice.recommendations) expect(recommendation.evidence.length).toBeGreaterThan(0);
  });

  it('turns a recommendation into one team task, owned by a member with its role', async () => {
    const admin = (await service.token('admin')).token;
    const member = await post('/api/team/members', { name: 'Laura Gómez', role: 'communications' }, admin);
    expect(member.statusCode, member.body).toBe(201);
    const [recommendation] = (await post('/api/advisor/recommendations', ADVICE)).json().recommendations;
    const created = await post(`/api/advisor/recommendations/${recommendation.id}/task`);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      title: recommendation.title,
      priority: recommendation.priority,
      owner: { id: member.json().id },
      origin: { kind: 'recommendation', id: recommendation.id },
    });
    expect(created.json().description).toContain('Evidencia:');
    // Twice (a double click, two replicas): the same task.
    const [again, onceMore] = await Promise.all([
      post(`/api/advisor/recommendations/${recommendation.id}/task`),
      post(`/api/advisor/recommendations/${recommendation.id}/task`),
    ]);
    expect([again.statusCode, onceMore.statusCode]).toEqual([200, 200]);
    expect(again.json().id).toBe(created.json().id);
    const listed = (
      await service.app.inject({
        method: 'GET',
        url: '/api/advisor/recommendations',
        headers: { authorization: `Bearer ${analyst}` },
      })
    ).json().recommendations;
    expect(listed.find((entry: { id: string }) => entry.id === recommendation.id).taskId).toBe(created.json().id);
  });

  it('refuses viewers, unknown candidates and unknown recommendations', async () => {
    const viewer = (await service.token('viewer')).token;
    expect((await post('/api/advisor/recommendations', ADVICE, viewer)).statusCode).toBe(403);
    const unknown = await post('/api/advisor/recommendations', { ...ADVICE, candidate: 'nadie' });
    expect(unknown.json().error.code).toBe('CANDIDATE_UNKNOWN');
    const missing = await post('/api/advisor/recommendations/00000000-0000-4000-8000-000000000000/task');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('RECOMMENDATION_UNKNOWN');
    const bad = await post('/api/advisor/recommendations', { ...ADVICE, days: 0 });
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('/api/advisor through the LLM layer', () => {
  let openai: FakeOpenAi;
  let service: DashboardUnderTest;
  let analyst: string;

  beforeAll(async () => {
    openai = await startFakeOpenAi({ apiKeys: [OPENAI_KEY] });
    service = await startDashboardForTests({ OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${openai.url}/v1` });
    analyst = (await service.token('analyst')).token;
    await prepare(service, analyst);
    // Retrieval is hybrid once the programme is embedded: the evidence is picked from that state.
    await untilEmbedded(service, analyst);
  });
  afterAll(async () => {
    await service?.close();
    await openai?.close();
  });

  it('keeps only evidence it was given, and the posts reach the model as data', async () => {
    openai.setHandler(() => ({
      kind: 'json',
      content: {
        recommendations: [
          {
            title: 'Explicar la propuesta de salud',
            why: 'El pico sobre salud pide una respuesta con el programa.',
            priority: 'high',
            ownerRole: 'communications',
            evidenceIds: ['metric:tone', 'post:inventado'],
          },
          {
            title: 'Atacar al rival con un dato inventado',
            why: 'Sin evidencia.',
            priority: 'urgent',
            ownerRole: 'coordinator',
            evidenceIds: ['metric:otra'],
          },
        ],
      },
    }));
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/advisor/recommendations',
      headers: { authorization: `Bearer ${analyst}` },
      payload: ADVICE,
    });
    expect(response.statusCode, response.body).toBe(200);
    const advice = response.json();
    expect(advice.answeredBy).toEqual({ provider: 'openai', model: 'gpt-4o', offline: false });
    expect(advice.recommendations).toHaveLength(1);
    expect(advice.recommendations[0].evidence.map((entry: { id: string }) => entry.id)).toEqual(['metric:tone']);
    const [system, user] = openai.completions.at(-1)?.body.messages ?? [];
    expect(system?.content).toBe(ADVISOR_SYSTEM_PROMPT);
    expect(String(user?.content)).toContain('spike:');

    // The tone it reads is the fixture's: cepeda's posts of the period, people only.
    const own = fixturePosts().filter(
      (entry) =>
        entry.candidate === 'cepeda' &&
        entry.postedAt >= PERIOD.from &&
        entry.postedAt < PERIOD.to &&
        !BOT_AUTHORS.has(entry.author),
    );
    const negative = own.filter((entry) => entry.label === 'negative').length / own.length;
    expect(String(user?.content)).toContain(`negativo ${Math.round(negative * 1000) / 10} %`);
  });
});
