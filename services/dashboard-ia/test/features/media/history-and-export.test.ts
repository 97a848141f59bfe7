import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';
import {
  BOT_AUTHORS,
  FORMULA_POSTS,
  fixturePosts,
  followCandidates,
  importConversation,
  inPeriod,
  PERIOD,
} from './conversation-fixture.js';

describe('analyses history and the posts export', () => {
  let service: DashboardUnderTest;
  let ana: string;
  let bruno: string;
  const posts = [...fixturePosts(), ...FORMULA_POSTS];

  beforeAll(async () => {
    service = await startDashboardForTests();
    ana = (await service.token('analyst')).token;
    bruno = (await service.token('analyst')).token;
    await followCandidates(service, ana);
    await importConversation(service, ana, posts);
  });
  afterAll(async () => service?.close());

  const get = (url: string, token: string) =>
    service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const analyze = async (payload: Record<string, unknown>, token: string) => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/media/analyze',
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
    expect(response.statusCode).toBe(200);
    return response.json() as { id: string; totals: { posts: number } };
  };

  it("lists the caller's analyses only, newest first, in keyset pages, and opens only one's own", async () => {
    const anas = [];
    for (const candidate of ['cepeda', 'abelardo', 'fajardo']) anas.push(await analyze({ candidate, ...PERIOD }, ana));
    const brunos = await analyze({ query: 'salud', ...PERIOD }, bruno);

    const first = await get('/api/media/history?limit=2', ana);
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.analyses.map((entry: { id: string }) => entry.id)).toEqual([anas[2]?.id, anas[1]?.id]);
    expect(page.analyses[0]).toMatchObject({ kind: 'media', request: { candidate: 'fajardo' } });
    expect(page.analyses[0].headline).toBe(
      `Sergio Fajardo: ${anas[2]?.totals.posts} publicaciones, neto ${page.analyses[0].headline.split('neto ')[1]}`,
    );
    expect(page.nextBefore).not.toBeNull();
    const second = (await get(`/api/media/history?limit=2&before=${encodeURIComponent(page.nextBefore)}`, ana)).json();
    expect(second.analyses.map((entry: { id: string }) => entry.id)).toEqual([anas[0]?.id]);
    expect(second.nextBefore).toBeNull();

    const brunoHistory = (await get('/api/media/history', bruno)).json();
    expect(brunoHistory.analyses.map((entry: { id: string }) => entry.id)).toEqual([brunos.id]);
    expect((await get('/api/media/history?kind=campaign', ana)).json().analyses).toEqual([]);

    const own = await get(`/api/media/analyses/${anas[0]?.id}`, ana);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ id: anas[0]?.id, candidate: { slug: 'cepeda' } });
    const foreign = await get(`/api/media/analyses/${anas[0]?.id}`, bruno);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('ANALYSIS_UNKNOWN');
    expect((await get('/api/media/analyses/not-a-uuid', ana)).statusCode).toBe(400);
  });

  it('exports a selection as CSV with sentiment, model and bot flag, formulas neutralised', async () => {
    const response = await get(
      `/api/media/posts.csv?candidate=fajardo&from=${PERIOD.from}&to=${PERIOD.to}&excludeBots=true`,
      ana,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="publicaciones-fajardo-2026-05-01-2026-05-15.csv"',
    );
    const rows = parse(response.body, { columns: true }) as Array<Record<string, string>>;
    const expected = posts
      .filter(inPeriod(PERIOD))
      .filter((post) => post.candidate === 'fajardo' && !BOT_AUTHORS.has(post.author))
      .sort((a, b) => a.postedAt.localeCompare(b.postedAt) || a.id.localeCompare(b.id));
    expect(rows.map((row) => row.id)).toEqual(expected.map((post) => post.id));
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'id',
      'created_at',
      'text',
      'author_id',
      'author_username',
      'likes',
      'reposts',
      'replies',
      'quotes',
      'sentiment_label',
      'sentiment_score',
      'sentiment_model',
      'author_suspected_bot',
    ]);
    for (const row of rows) {
      const post = expected.find((entry) => entry.id === row.id);
      expect(row.sentiment_label).toBe(post?.label);
      expect(row.author_suspected_bot).toBe('false');
      expect(row.sentiment_model).toMatch(/^castor-sentiment-es-offline@/);
    }
    const texts = new Map(rows.map((row) => [row.id, row.text]));
    for (const post of FORMULA_POSTS) expect(texts.get(post.id)).toBe(`'${post.text}`);
    const plain = expected.find((post) => post.id.startsWith('p'));
    expect(texts.get(plain?.id ?? '')).toBe(plain?.text);

    const withBots = parse(
      (await get(`/api/media/posts.csv?candidate=fajardo&from=${PERIOD.from}&to=${PERIOD.to}`, ana)).body,
      { columns: true },
    ) as Array<Record<string, string>>;
    const botRows = withBots.filter((row) => row.author_suspected_bot === 'true');
    expect(botRows.length).toBe(withBots.length - rows.length);
    expect(botRows.length).toBeGreaterThan(0);
  });

  it('exports a query, refuses bad filters, and keeps the export from viewers', async () => {
    const query = await get(`/api/media/posts.csv?query=%23PazTotal&from=${PERIOD.from}&to=${PERIOD.to}`, ana);
    const rows = parse(query.body, { columns: true }) as Array<Record<string, string>>;
    expect(rows.length).toBe(posts.filter(inPeriod(PERIOD)).filter((post) => post.hashtag === 'PazTotal').length);
    expect(query.headers['content-disposition']).toMatch(/publicaciones-consulta-/);

    expect((await get('/api/media/posts.csv?excludeBots=true', ana)).json().error.code).toBe('VALIDATION_FAILED');
    expect((await get('/api/media/posts.csv?candidate=nadie', ana)).json().error.code).toBe('CANDIDATE_UNKNOWN');
    expect((await get('/api/media/posts.csv?query=!!!', ana)).statusCode).toBe(400);
    const viewer = (await service.token('viewer')).token;
    expect((await get('/api/media/posts.csv?candidate=cepeda', viewer)).statusCode).toBe(403);
    expect((await get('/api/media/history', viewer)).statusCode).toBe(200);
  });
});
