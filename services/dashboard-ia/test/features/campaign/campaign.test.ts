import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatShare } from '../../../src/domain/analysis-summary.js';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';
import {
  CANDIDATES,
  expectedFigures,
  fixturePosts,
  followCandidates,
  importConversation,
  inPeriod,
  PERIOD,
  PREVIOUS,
  type Slug,
} from '../media/conversation-fixture.js';

describe('/api/campaign analyses', () => {
  let service: DashboardUnderTest;
  let analyst: string;
  const posts = fixturePosts();
  const current = posts.filter(inPeriod(PERIOD));
  const previous = posts.filter(inPeriod(PREVIOUS));

  beforeAll(async () => {
    service = await startDashboardForTests();
    analyst = (await service.token('analyst')).token;
    await followCandidates(service, analyst);
    await importConversation(service, analyst, posts);
  });
  afterAll(async () => service?.close());

  const send = (url: string, payload: Record<string, unknown>, token = analyst) =>
    service.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload });

  /** A candidate's measures as the contract defines them, derived from the fixture. */
  const measuresOf = (slug: Slug, within: typeof posts, excludeBots: boolean) => {
    const figures = expectedFigures(
      within.filter((post) => post.candidate === slug),
      { excludeBots, allCandidatesPosts: within },
    );
    return {
      posts: figures.posts,
      authors: figures.authors,
      engagement: figures.engagement,
      shareOfVoice: figures.shareOfVoice,
      positiveShare: figures.positiveShare,
      negativeShare: figures.negativeShare,
      net: figures.net,
      botShare: figures.botShare,
    };
  };

  for (const excludeBots of [false, true]) {
    it(`compares rivals side by side with the change against the previous period (${excludeBots ? 'without' : 'with'} bots)`, async () => {
      const response = await send('/api/campaign/rivals/compare', {
        candidates: ['cepeda', 'abelardo'],
        ...PERIOD,
        excludeBots,
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.previousPeriod).toEqual({ from: '2026-04-17T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' });
      expect(body.candidates.map((entry: { candidate: { slug: string } }) => entry.candidate.slug)).toEqual([
        'cepeda',
        'abelardo',
      ]);
      for (const entry of body.candidates) {
        const slug = entry.candidate.slug as Slug;
        const now = measuresOf(slug, current, excludeBots);
        const before = measuresOf(slug, previous, excludeBots);
        expect(before.posts).toBeGreaterThan(0);
        for (const [measure, value] of Object.entries(now)) {
          expect(entry.measures[measure], `${slug} ${measure}`).toBeCloseTo(value as number, 10);
          expect(entry.previous[measure], `${slug} previous ${measure}`).toBeCloseTo(
            before[measure as keyof typeof before] as number,
            10,
          );
        }
        expect(entry.change.posts).toBeCloseTo((now.posts - before.posts) / before.posts, 10);
        expect(entry.change.shareOfVoice).toBeCloseTo(
          (now.shareOfVoice as number) - (before.shareOfVoice as number),
          10,
        );
        expect(entry.change.net).toBeCloseTo((now.net as number) - (before.net as number), 10);
      }
      expect(body.series).toHaveLength(14);
      const total = (slug: string) =>
        body.series.reduce(
          (sum: number, point: { posts: Record<string, number> }) => sum + (point.posts[slug] ?? 0),
          0,
        );
      expect(total('cepeda')).toBe(measuresOf('cepeda', current, excludeBots).posts);
      expect(total('abelardo')).toBe(measuresOf('abelardo', current, excludeBots).posts);
      expect(body.series[0].posts).toHaveProperty('cepeda');
      expect(body.series[0].posts).not.toHaveProperty('fajardo');
    });
  }

  it('compares all followed candidates by default and gives the same comparison as CSV', async () => {
    const all = (await send('/api/campaign/rivals/compare', { ...PERIOD })).json();
    expect(all.candidates).toHaveLength(CANDIDATES.length);
    const shares = all.candidates.reduce(
      (sum: number, entry: { measures: { shareOfVoice: number } }) => sum + entry.measures.shareOfVoice,
      0,
    );
    expect(shares).toBeCloseTo(1, 10);

    const csv = await service.app.inject({
      method: 'GET',
      url: `/api/campaign/rivals/compare.csv?candidates=cepeda,fajardo&from=${PERIOD.from}&to=${PERIOD.to}&excludeBots=true`,
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="rivales-2026-05-01-2026-05-15.csv"');
    const rows = parse(csv.body, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((row) => row.candidate)).toEqual(['cepeda', 'fajardo']);
    const fajardoNow = measuresOf('fajardo', current, true);
    const fajardoBefore = measuresOf('fajardo', previous, true);
    expect(Number(rows[1]?.posts)).toBe(fajardoNow.posts);
    expect(Number(rows[1]?.previous_posts)).toBe(fajardoBefore.posts);
    expect(Number(rows[1]?.change_net)).toBeCloseTo((fajardoNow.net as number) - (fajardoBefore.net as number), 10);
    expect(rows[1]?.exclude_bots).toBe('true');

    for (const query of ['candidates=cepeda', 'candidates=cepeda,cepeda', 'candidates=cepeda,nadie']) {
      const bad = await service.app.inject({
        method: 'GET',
        url: `/api/campaign/rivals/compare.csv?${query}`,
        headers: { authorization: `Bearer ${analyst}` },
      });
      expect(bad.statusCode, query).toBe(query.endsWith('nadie') ? 404 : 400);
    }
    const viewer = (await service.token('viewer')).token;
    const forbidden = await service.app.inject({
      method: 'GET',
      url: '/api/campaign/rivals/compare.csv',
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(forbidden.statusCode).toBe(403);
  });

  it('analyses the own candidate among the rivals, ranked, with findings, and stores it', async () => {
    const response = await send('/api/campaign/analyze', { ...PERIOD });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.analysis.candidate.slug).toBe('cepeda');
    const own = measuresOf('cepeda', current, false);
    expect(body.analysis.totals.posts).toBe(own.posts);
    expect(body.analysis.shareOfVoice).toBeCloseTo(own.shareOfVoice as number, 10);
    expect(body.rivals.map((rival: { candidate: { slug: string } }) => rival.candidate.slug).sort()).toEqual([
      'abelardo',
      'fajardo',
    ]);
    const everyone = CANDIDATES.map((candidate) => measuresOf(candidate.slug, current, false));
    const rank = (value: (m: typeof own) => number | null) =>
      everyone.filter((m) => (value(m) ?? -2) > (value(own) ?? -2)).length + 1;
    expect(body.rank).toEqual({
      shareOfVoice: rank((m) => m.shareOfVoice),
      net: rank((m) => m.net),
      of: 3,
    });
    const before = measuresOf('cepeda', previous, false);
    const change = formatShare(Math.abs(own.posts - before.posts) / before.posts);
    expect(body.highlights[0]).toBe(
      `El volumen ${own.posts > before.posts ? 'subió' : 'bajó'} ${change} frente al periodo anterior (${before.posts} → ${own.posts} publicaciones).`,
    );

    const history = await service.app.inject({
      method: 'GET',
      url: '/api/media/history?kind=campaign',
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(history.json().analyses.map((entry: { id: string }) => entry.id)).toEqual([body.analysis.id]);

    const rival = (await send('/api/campaign/analyze', { candidate: 'fajardo', ...PERIOD, excludeBots: true })).json();
    expect(rival.analysis.candidate.slug).toBe('fajardo');
    expect(rival.bots.excludeBots).toBe(true);
  });

  it('answers 404 for an unknown candidate or when no own candidate is followed, 403 for witnesses', async () => {
    const unknown = await send('/api/campaign/analyze', { candidate: 'nadie' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CANDIDATE_UNKNOWN');
    await service.app.pg.query('UPDATE candidates SET own = false');
    try {
      const noOwn = await send('/api/campaign/analyze', {});
      expect(noOwn.statusCode).toBe(404);
      expect(noOwn.json().error).toMatchObject({ code: 'CANDIDATE_UNKNOWN', message: expect.stringMatching(/own/) });
    } finally {
      await service.app.pg.query("UPDATE candidates SET own = true WHERE slug = 'cepeda'");
    }
    const badPeriod = await send('/api/campaign/analyze', { from: PERIOD.to, to: PERIOD.from });
    expect(badPeriod.statusCode).toBe(400);
    const viewer = (await service.token('viewer')).token;
    expect((await send('/api/campaign/rivals/compare', {}, viewer)).statusCode).toBe(200);
    for (const role of ['witness', 'reviewer'] as const) {
      const { token } = await service.token(role);
      expect((await send('/api/campaign/analyze', {}, token)).statusCode).toBe(403);
      expect((await send('/api/campaign/rivals/compare', {}, token)).statusCode).toBe(403);
    }
  });
});
