import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';
import {
  BOT_AUTHORS,
  expectedFigures,
  type FixturePost,
  fixturePosts,
  followCandidates,
  importConversation,
  inPeriod,
  PERIOD,
} from './conversation-fixture.js';

describe('POST /api/media/analyze', () => {
  let service: DashboardUnderTest;
  let analyst: string;
  const posts = fixturePosts();
  const current = posts.filter(inPeriod(PERIOD));

  beforeAll(async () => {
    service = await startDashboardForTests();
    analyst = (await service.token('analyst')).token;
    await followCandidates(service, analyst);
    await importConversation(service, analyst, posts);
  });
  afterAll(async () => service?.close());

  const analyze = (payload: Record<string, unknown>, token = analyst) =>
    service.app.inject({
      method: 'POST',
      url: '/api/media/analyze',
      headers: { authorization: `Bearer ${token}` },
      payload,
    });

  for (const excludeBots of [false, true]) {
    it(`gives a candidate's figures ${excludeBots ? 'without' : 'with'} suspected bots`, async () => {
      const about = current.filter((post) => post.candidate === 'cepeda');
      const expected = expectedFigures(about, { excludeBots, allCandidatesPosts: current });
      expect(expected.bots).toBeGreaterThan(0);

      const response = await analyze({ candidate: 'cepeda', ...PERIOD, excludeBots, top: 3 });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.candidate).toMatchObject({ slug: 'cepeda', own: true });
      expect(body.query).toBeNull();
      expect(body.period).toEqual({ from: '2026-05-01T00:00:00.000Z', to: '2026-05-15T00:00:00.000Z' });
      expect(body.bots).toEqual({ excludeBots, suspectedBotPosts: expected.bots });
      expect(body.totals).toEqual({
        posts: expected.posts,
        authors: expected.authors,
        engagement: expected.engagement,
        botShare: expected.botShare,
      });
      expect(body.sentiment).toMatchObject({
        positive: expected.positive,
        neutral: expected.neutral,
        negative: expected.negative,
        unscored: 0,
      });
      expect(body.sentiment.net).toBeCloseTo(expected.net as number, 10);
      expect(body.shareOfVoice).toBeCloseTo(expected.shareOfVoice as number, 10);

      // Daily series: every day of the period, each with that day's posts.
      expect(body.series).toHaveLength(14);
      const kept = about.filter((post) => !(excludeBots && BOT_AUTHORS.has(post.author)));
      for (const point of body.series) {
        const day = kept.filter((post) => post.postedAt.slice(0, 10) === point.bucket.slice(0, 10));
        expect(point.posts).toBe(day.length);
        expect(point.botPosts).toBe(day.filter((post) => BOT_AUTHORS.has(post.author)).length);
      }

      // Top posts by engagement, then newest.
      const top = [...kept]
        .sort((a, b) => b.likes - a.likes || b.postedAt.localeCompare(a.postedAt) || a.id.localeCompare(b.id))
        .slice(0, 3);
      expect(body.topPosts.map((post: { id: string }) => post.id)).toEqual(top.map((post) => post.id));
      expect(body.topPosts[0]).toMatchObject({ authorUsername: top[0]?.author, engagement: top[0]?.likes });

      const byAuthor = new Map<string, FixturePost[]>();
      for (const post of kept) byAuthor.set(post.author, [...(byAuthor.get(post.author) ?? []), post]);
      const busiest = Math.max(...[...byAuthor.values()].map((list) => list.length));
      expect(body.topAuthors[0].posts).toBe(busiest);
      expect(body.topAuthors).toHaveLength(Math.min(3, byAuthor.size));
      if (excludeBots) {
        expect(body.topAuthors.some((author: { suspectedBot: boolean }) => author.suspectedBot)).toBe(false);
      }

      const tags = new Map<string, number>();
      for (const post of kept)
        if (post.hashtag) tags.set(post.hashtag.toLowerCase(), (tags.get(post.hashtag.toLowerCase()) ?? 0) + 1);
      const topTag = [...tags].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
      expect(body.topics[0]).toEqual({ label: `#${topTag?.[0]}`, terms: [topTag?.[0]], posts: topTag?.[1] });

      expect(body.summary).toMatchObject({ provider: 'offline', model: 'castor-summary-template' });
      expect(body.summary.text).toMatch(/sin conexión/);
      expect(body.summary.text).toContain(`${expected.posts} publicaciones sobre Iván Cepeda`);

      const stored = await service.app.pg.query('SELECT kind, request, result FROM analyses WHERE id = $1', [body.id]);
      expect(stored.rows[0]).toMatchObject({ kind: 'media', request: { candidate: 'cepeda', excludeBots } });
      expect(stored.rows[0].result.totals.posts).toBe(expected.posts);
    });
  }

  it('finds posts by words (Spanish stems), by #hashtag and counts no share of voice for a query', async () => {
    const words = await analyze({ query: 'reformas salud', ...PERIOD });
    expect(words.statusCode).toBe(200);
    const withWords = current.filter((post) => post.text.includes('reforma a la salud'));
    expect(withWords.length).toBeGreaterThan(0);
    expect(words.json().totals.posts).toBe(withWords.length);
    expect(words.json().shareOfVoice).toBeNull();
    expect(words.json().candidate).toBeNull();

    const hashtag = await analyze({ query: '#PazTotal', ...PERIOD, excludeBots: true });
    const tagged = current.filter((post) => post.hashtag === 'PazTotal' && !BOT_AUTHORS.has(post.author));
    expect(hashtag.json().totals.posts).toBe(tagged.length);
    expect(hashtag.json().summary.text).toContain('«#PazTotal»');

    // The word without '#' is found too; with '#' only where it is written as a hashtag.
    const none = await analyze({ query: '#opinion', ...PERIOD });
    expect(none.json().totals).toMatchObject({ posts: 0, authors: 0, engagement: 0, botShare: null });
    expect(none.json().series.every((point: { posts: number }) => point.posts === 0)).toBe(true);
  });

  it('groups by hour and by ISO week', async () => {
    const hourly = await analyze({
      candidate: 'fajardo',
      from: '2026-05-10T00:00:00Z',
      to: '2026-05-11T00:00:00Z',
      granularity: 'hour',
    });
    expect(hourly.json().series).toHaveLength(24);
    const day = current.filter((post) => post.candidate === 'fajardo' && post.postedAt.startsWith('2026-05-10'));
    expect(hourly.json().series.reduce((sum: number, point: { posts: number }) => sum + point.posts, 0)).toBe(
      day.length,
    );

    const weekly = await analyze({ candidate: 'fajardo', ...PERIOD, granularity: 'week' });
    // 2026-05-01 is a Friday: its ISO week starts Monday 27 April.
    expect(weekly.json().series.map((point: { bucket: string }) => point.bucket)).toEqual([
      '2026-04-27T00:00:00.000Z',
      '2026-05-04T00:00:00.000Z',
      '2026-05-11T00:00:00.000Z',
    ]);
    const fajardo = current.filter((post) => post.candidate === 'fajardo');
    expect(weekly.json().series.reduce((sum: number, point: { posts: number }) => sum + point.posts, 0)).toBe(
      fajardo.length,
    );
  });

  it('refuses bad input with a clear code', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...PERIOD }, 400, 'VALIDATION_FAILED'],
      [{ candidate: 'nadie' }, 404, 'CANDIDATE_UNKNOWN'],
      [{ candidate: 'cepeda', from: PERIOD.to, to: PERIOD.from }, 400, 'VALIDATION_FAILED'],
      [{ candidate: 'cepeda', from: '2025-01-01T00:00:00Z', to: '2026-05-01T00:00:00Z' }, 400, 'VALIDATION_FAILED'],
      [{ query: '!!!' }, 400, 'VALIDATION_FAILED'],
      [{ query: 'de la' }, 400, 'ANALYSIS_QUERY_UNSEARCHABLE'],
      [{ candidate: 'cepeda', granularity: 'minute' }, 400, 'VALIDATION_FAILED'],
      [{ candidate: 'cepeda', top: 500 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [payload, status, code] of cases) {
      const response = await analyze(payload);
      expect({ payload, status: response.statusCode, code: response.json().error?.code }).toEqual({
        payload,
        status,
        code,
      });
    }
  });

  it('lets admins, analysts and viewers analyse; witnesses and reviewers get 403', async () => {
    for (const role of ['admin', 'viewer'] as const) {
      const { token } = await service.token(role);
      expect((await analyze({ candidate: 'cepeda' }, token)).statusCode).toBe(200);
    }
    for (const role of ['witness', 'reviewer'] as const) {
      const { token } = await service.token(role);
      const response = await analyze({ candidate: 'cepeda' }, token);
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('FORBIDDEN');
    }
    const anonymous = await service.app.inject({
      method: 'POST',
      url: '/api/media/analyze',
      payload: { candidate: 'cepeda' },
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
