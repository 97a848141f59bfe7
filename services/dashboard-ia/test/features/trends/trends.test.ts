import { withTransaction } from '@castor/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingAuthor, IncomingPost } from '../../../src/shared/post-store.js';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';

const HOUR = 3_600_000;
const BACKGROUND = [
  'Cepeda habló de salud en Medellín',
  'Abelardo propone seguridad para Cali',
  'La economía preocupa a los jóvenes',
  'Cepeda y la educación pública',
  'Abelardo visitó Barranquilla con empresarios',
  'El transporte en Bogotá sigue mal',
];

const author = (id: string): IncomingAuthor => ({
  id,
  username: id,
  name: null,
  accountCreatedAt: null,
  description: null,
  location: null,
  url: null,
  profileImageUrl: null,
  protected: null,
  verified: null,
  verifiedType: null,
  followers: 100,
  following: 100,
  tweets: 100,
  listed: 0,
});

const post = (id: string, authorId: string, text: string, postedAt: Date, likes = 0): IncomingPost => ({
  id,
  authorId,
  text,
  postedAt,
  lang: 'es',
  likes,
  reposts: 0,
  replies: 0,
  quotes: 0,
  source: 'import',
  candidateIds: [],
});

describe('trends and spike alerts', () => {
  let service: DashboardUnderTest;
  let analyst: string;
  const now = new Date();

  const store = (authors: IncomingAuthor[], posts: IncomingPost[]) =>
    withTransaction(service.app.pg, (client) => service.posts.save(client, authors, posts));

  const get = (url: string, token = analyst) =>
    service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    service = await startDashboardForTests();
    analyst = (await service.token('analyst')).token;
    for (const [slug, name, term] of [
      ['cepeda', 'Iván Cepeda', 'Cepeda'],
      ['abelardo', 'Abelardo de la Espriella', 'Abelardo'],
    ] as const) {
      const created = await service.app.inject({
        method: 'POST',
        url: '/api/campaign/candidates',
        headers: { authorization: `Bearer ${analyst}` },
        payload: { slug, name, queries: [{ kind: 'term', value: term }] },
      });
      expect(created.statusCode).toBe(201);
    }

    // A steady background: six days, three posts an hour from a pool of 30 people.
    const authors = Array.from({ length: 30 }, (_, index) => author(`p${index}`));
    const background: IncomingPost[] = [];
    for (let hour = 1; hour <= 6 * 24; hour++) {
      for (let slot = 0; slot < 3; slot++) {
        const index = hour * 3 + slot;
        background.push(
          post(
            `b${index}`,
            `p${index % 30}`,
            BACKGROUND[index % BACKGROUND.length] as string,
            new Date(now.getTime() - hour * HOUR - slot * 60_000),
          ),
        );
      }
    }
    // Debate night, the last hour: 40 people post the debate's hashtag about Cepeda.
    const viewers = Array.from({ length: 40 }, (_, index) => author(`v${index}`));
    const burst = viewers.map((viewer, index) =>
      post(
        `d${index}`,
        viewer.id,
        `Cepeda ganó el debate sobre la reforma rural #DebateCaracol`,
        new Date(now.getTime() - (index + 1) * 60_000),
        index,
      ),
    );
    // The same hour, 40 suspected bots push another hashtag about Abelardo.
    const bots = Array.from({ length: 40 }, (_, index) => author(`bot${index}`));
    const botBurst = bots.map((bot, index) =>
      post(`x${index}`, bot.id, `Abelardo arrasó #FraudeDebate`, new Date(now.getTime() - (index + 1) * 60_000)),
    );
    await store([...authors, ...viewers, ...bots], [...background, ...burst, ...botBurst]);
    await service.app.pg.query("UPDATE authors SET bot_suspected = true, bot_likelihood = 0.95 WHERE id LIKE 'bot%'");
    await service.app.pg.query("UPDATE posts SET author_suspected_bot = true WHERE author_id LIKE 'bot%'");

    // New posts scored → the spike detector runs (debounced) after the scoring pass.
    service.scoring.kick();
    await service.scoring.idle();
    await service.spikes.idle();
  });
  afterAll(async () => service?.close());

  it('a debate-night hashtag by many people trends overall and for its candidate, with the posts behind it', async () => {
    const response = await get('/api/campaign/trending?window=1h');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.rule).toMatchObject({ minZ: 3, minAuthors: 5, baselineWindows: 24 });
    const debate = body.trends.find((trend: { term: string }) => trend.term === '#debatecaracol');
    expect(debate).toMatchObject({ kind: 'hashtag', candidate: null, volume: 40, authors: 40 });
    expect(debate.baseline).toBe(0);
    expect(debate.zScore).toBeGreaterThanOrEqual(3);
    expect(debate.posts).toHaveLength(5);
    expect(debate.posts[0]).toMatchObject({ id: 'd39', engagement: 39, authorUsername: 'v39' });
    // The steady background never trends.
    expect(body.trends.map((trend: { term: string }) => trend.term)).not.toContain('salud');
    // The debate's words cluster into a topic.
    const topic = body.trends.find((trend: { kind: string }) => trend.kind === 'topic');
    expect(topic?.terms).toEqual(expect.arrayContaining(['#debatecaracol']));

    const cepeda = (await get('/api/campaign/trending?window=1h&candidate=cepeda')).json();
    expect(cepeda.trends.find((trend: { term: string }) => trend.term === '#debatecaracol')).toMatchObject({
      candidate: 'cepeda',
      volume: 40,
    });
    const abelardo = (await get('/api/campaign/trending?window=1h&candidate=abelardo')).json();
    expect(abelardo.trends.map((trend: { term: string }) => trend.term)).not.toContain('#debatecaracol');
  });

  it('a bots-only burst does not trend unless bots are included', async () => {
    const without = (await get('/api/campaign/trending?window=1h')).json();
    expect(without.includeBots).toBe(false);
    expect(without.trends.map((trend: { term: string }) => trend.term)).not.toContain('#fraudedebate');
    const withBots = (await get('/api/campaign/trending?window=1h&includeBots=true')).json();
    expect(withBots.trends.find((trend: { term: string }) => trend.term === '#fraudedebate')).toMatchObject({
      volume: 40,
      authors: 40,
    });
  });

  it('looks at a past moment with `at`: before the debate nothing trended', async () => {
    const before = new Date(now.getTime() - 2 * HOUR).toISOString();
    const body = (await get(`/api/campaign/trending?window=1h&at=${encodeURIComponent(before)}`)).json();
    expect(body.window.to).toBe(before);
    expect(body.trends.map((trend: { term: string }) => trend.term)).not.toContain('#debatecaracol');
  });

  it('stores each spike once: after scoring, and not again on the next check', async () => {
    const { rows } = await service.app.pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM spike_alerts WHERE term = '#debatecaracol' AND "window" = '1h' AND candidate_id IS NULL`,
    );
    expect(rows[0]?.n).toBe(1);
    const again = await service.spikes.detect(new Date());
    expect(again.filter((alert) => alert.term === '#debatecaracol')).toEqual([]);
    const spikes = (await get('/api/campaign/spikes')).json().spikes as Array<{
      term: string;
      candidate: string | null;
      kind: string;
      window: string;
    }>;
    expect(
      spikes.filter((spike) => spike.term === '#debatecaracol' && spike.candidate === null && spike.window === '1h'),
    ).toHaveLength(1);
    expect(spikes.map((spike) => spike.term)).not.toContain('#fraudedebate');
    // Cepeda's total volume spiked too.
    expect(spikes).toContainEqual(expect.objectContaining({ kind: 'volume', term: 'cepeda', candidate: 'cepeda' }));
    const ofAbelardo = (await get('/api/campaign/spikes?candidate=abelardo')).json().spikes as Array<{
      candidate: string;
    }>;
    expect(ofAbelardo.every((spike) => spike.candidate === 'abelardo')).toBe(true);
    const metrics = await service.app.inject({ method: 'GET', url: '/api/metrics' });
    expect(metrics.body).toMatch(/dashboard_spike_alerts_total\{kind="hashtag"[^}]*\} [1-9]/);
    const stored = await service.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM topics');
    expect(stored.rows[0]?.n).toBeGreaterThan(0);
  });

  it('exports the trends as CSV', async () => {
    const response = await get('/api/campaign/trending.csv?window=1h');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toMatch(/tendencias-general-/);
    const lines = response.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('tipo,tendencia,terminos,candidato,volumen,linea_base,z,autores,publicaciones');
    expect(lines.some((line) => line.startsWith('hashtag,#debatecaracol,#debatecaracol,,40,'))).toBe(true);
  });

  it('refuses bad input with clear codes, and witnesses and reviewers', async () => {
    expect((await get('/api/campaign/trending?window=3d')).json().error.code).toBe('VALIDATION_FAILED');
    expect((await get('/api/campaign/trending?at=ayer')).json().error.code).toBe('VALIDATION_FAILED');
    const unknown = await get('/api/campaign/trending?candidate=nadie');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CANDIDATE_UNKNOWN');
    expect((await get('/api/campaign/spikes?candidate=nadie')).statusCode).toBe(404);
    expect((await get('/api/campaign/trending.csv?candidate=nadie')).statusCode).toBe(404);
    for (const role of ['witness', 'reviewer'] as const) {
      const token = (await service.token(role)).token;
      expect((await get('/api/campaign/trending', token)).statusCode).toBe(403);
      expect((await get('/api/campaign/spikes', token)).statusCode).toBe(403);
    }
    const viewer = (await service.token('viewer')).token;
    expect((await get('/api/campaign/trending', viewer)).statusCode).toBe(200);
  });
});
