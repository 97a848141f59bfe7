import { readFileSync } from 'node:fs';
import { ICCE_DISCLAIMER } from '@castor/contracts';
import { computeIcce, computeMomentum, forecastSeries, parsePolls, weightedPollAverage } from '@castor/forecast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';
import {
  BOT_AUTHORS,
  CANDIDATES,
  type FixturePost,
  fixturePosts,
  followCandidates,
  importConversation,
  PREVIOUS,
} from '../media/conversation-fixture.js';

const POLLS_FILE = readFileSync(
  new URL('../../../../../packages/forecast/data/colombia-2014-polls.tsv', import.meta.url),
  'utf8',
);
const FIRST_DAY = PREVIOUS.from.slice(0, 10);
const LAST_DAY = '2026-05-14';
/** Posts the test leaves unscored, as if the background analysis had not reached them. */
const UNSCORED = new Set(['p140', 'p141', 'p147']);

interface DayPoint {
  date: string;
  icce: number | null;
  lower: number | null;
  upper: number | null;
  standardError: number | null;
  posts: number;
  allTracked: number;
  unscored: number;
  suspectedBotPosts: number;
}

describe('/api/forecast', () => {
  let service: DashboardUnderTest;
  let analyst: string;
  let viewer: string;
  const posts = fixturePosts();

  beforeAll(async () => {
    service = await startDashboardForTests({ ICCE_ALPHA: '0.4' });
    analyst = (await service.token('analyst')).token;
    viewer = (await service.token('viewer')).token;
    await followCandidates(service, analyst);
    await importConversation(service, analyst, posts);
    await service.app.pg.query('UPDATE posts SET sentiment_label = NULL WHERE id = ANY($1::text[])', [[...UNSCORED]]);
    await service.app.pg.query('UPDATE post_candidates SET sentiment_label = NULL WHERE post_id = ANY($1::text[])', [
      [...UNSCORED],
    ]);
  });
  afterAll(async () => service?.close());

  const get = (url: string, token = viewer) =>
    service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const post = (url: string, payload: unknown, token = analyst) =>
    service.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}` },
      payload: payload as object,
    });

  /** The day's counts as the contract defines them, derived from the fixture. */
  const countsOf = (slug: string, date: string, excludeBots: boolean) => {
    const kept = (entry: FixturePost) =>
      entry.postedAt.slice(0, 10) === date && !(excludeBots && BOT_AUTHORS.has(entry.author));
    const scored = posts.filter((entry) => kept(entry) && !UNSCORED.has(entry.id));
    const own = scored.filter((entry) => entry.candidate === slug);
    return {
      counts: {
        positive: own.filter((entry) => entry.label === 'positive').length,
        negative: own.filter((entry) => entry.label === 'negative').length,
        total: own.length,
        allTracked: scored.length,
      },
      unscored: posts.filter((entry) => kept(entry) && UNSCORED.has(entry.id) && entry.candidate === slug).length,
      bots: posts.filter(
        (entry) => entry.postedAt.slice(0, 10) === date && entry.candidate === slug && BOT_AUTHORS.has(entry.author),
      ).length,
    };
  };

  for (const excludeBots of [false, true]) {
    it(`gives every candidate's daily ICCE as computeIcce does on the stored counts (${excludeBots ? 'without' : 'with'} bots)`, async () => {
      const response = await get(`/api/forecast/icce?from=${FIRST_DAY}&to=${LAST_DAY}&excludeBots=${excludeBots}`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.disclaimer).toBe(ICCE_DISCLAIMER);
      expect(body.alpha).toBe(0.4);
      expect(body.candidates.map((entry: { candidate: { slug: string } }) => entry.candidate.slug).sort()).toEqual(
        CANDIDATES.map((candidate) => candidate.slug).sort(),
      );
      let checked = 0;
      for (const entry of body.candidates) {
        expect(entry.days).toHaveLength(28);
        for (const day of entry.days as DayPoint[]) {
          const expected = countsOf(entry.candidate.slug, day.date, excludeBots);
          const icce = computeIcce(expected.counts, { alpha: 0.4 });
          expect(day.posts).toBe(expected.counts.total);
          expect(day.allTracked).toBe(expected.counts.allTracked);
          expect(day.unscored).toBe(expected.unscored);
          expect(day.suspectedBotPosts).toBe(expected.bots);
          if (icce.icce === null) expect(day.icce).toBeNull();
          else {
            expect(day.icce).toBeCloseTo(icce.icce, 10);
            expect(day.lower).toBeCloseTo(icce.lower as number, 10);
            expect(day.upper).toBeCloseTo(icce.upper as number, 10);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(30);
    });
  }

  it('takes alpha from the request, and counts the unscored posts apart', async () => {
    const body = (await get(`/api/forecast/icce?candidate=cepeda&from=${FIRST_DAY}&to=${LAST_DAY}&alpha=1`)).json();
    expect(body.alpha).toBe(1);
    expect(body.candidates).toHaveLength(1);
    const unscored = body.candidates[0].days.reduce((sum: number, day: DayPoint) => sum + day.unscored, 0);
    expect(unscored).toBe(posts.filter((entry) => UNSCORED.has(entry.id) && entry.candidate === 'cepeda').length);
    for (const day of body.candidates[0].days as DayPoint[]) {
      const { counts } = countsOf('cepeda', day.date, false);
      expect(day.icce).toEqual(computeIcce(counts, { alpha: 1 }).icce);
    }
  });

  it('refuses unknown candidates and bad ranges', async () => {
    for (const route of ['icce', 'momentum', 'dashboard']) {
      const unknown = await get(`/api/forecast/${route}?candidate=nadie`);
      expect(unknown.statusCode, route).toBe(404);
      expect(unknown.json().error.code).toBe('CANDIDATE_UNKNOWN');
    }
    for (const query of ['from=2026-05-10&to=2026-05-01', 'from=2024-01-01&to=2026-01-01', 'alpha=2', 'to=mayo']) {
      const bad = await get(`/api/forecast/icce?${query}`);
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('gives the momentum as computeMomentum does on the ICCE series', async () => {
    const range = `candidate=abelardo&from=${FIRST_DAY}&to=${LAST_DAY}&excludeBots=true`;
    const icce = (await get(`/api/forecast/icce?${range}`)).json().candidates[0].days as DayPoint[];
    const response = await get(`/api/forecast/momentum?${range}&window=5`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.disclaimer).toBe(ICCE_DISCLAIMER);
    const expected = computeMomentum(
      icce.map((day) => day.icce),
      { window: 5 },
    );
    let slopes = 0;
    body.candidates[0].days.forEach((day: { slope: number | null; direction: string | null }, index: number) => {
      const reference = expected[index] as (typeof expected)[number];
      if (reference.slope === null) expect(day.slope).toBeNull();
      else {
        expect(day.slope).toBeCloseTo(reference.slope, 10);
        slopes++;
      }
      expect(day.direction).toBe(reference.direction);
    });
    expect(slopes).toBeGreaterThan(10);
  });

  it('gathers ICCE, momentum, forecast and backtest per candidate, and says "datos insuficientes" rather than invent', async () => {
    const response = await get(`/api/forecast/dashboard?from=${FIRST_DAY}&to=${LAST_DAY}&horizon=10`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.disclaimer).toBe(ICCE_DISCLAIMER);
    for (const entry of body.candidates) {
      for (const analysis of [entry.withBots, entry.withoutBots]) {
        expect(analysis.days).toHaveLength(28);
        expect(analysis.momentum).toHaveLength(28);
        // The forecast rests on the days since the last one without an index.
        let run = 0;
        const values: number[] = [];
        let end = analysis.days.length;
        while (end > 0 && analysis.days[end - 1].icce === null) end--;
        for (let index = end - 1; index >= 0 && analysis.days[index].icce !== null; index--) {
          run++;
          values.unshift(analysis.days[index].icce);
        }
        const reference = forecastSeries(values, { horizon: 10 });
        if (reference.ok) {
          expect(analysis.forecast.status).toBe('ok');
          expect(analysis.forecast.model).toBe(reference.model);
          expect(analysis.forecast.point).toHaveLength(10);
          expect(analysis.forecast.dates[0] > analysis.days[end - 1].date).toBe(true);
          expect(analysis.forecast.intervals.map((interval: { level: number }) => interval.level)).toEqual([0.8, 0.95]);
          analysis.forecast.point.forEach((value: number, step: number) => {
            expect(value).toBeCloseTo(reference.point[step] as number, 8);
            expect(analysis.forecast.intervals[1].lower[step]).toBeLessThan(analysis.forecast.intervals[0].lower[step]);
          });
        } else {
          expect(analysis.forecast).toMatchObject({ status: 'insufficient-data', received: run });
          expect(analysis.forecast.message).toMatch(/^datos insuficientes/);
        }
        // Four weeks of data are fewer than four weeks of training plus a week to score.
        expect(analysis.backtest).toMatchObject({ status: 'insufficient-data', minimum: 35, received: run });
      }
    }
  });

  describe('POST /series', () => {
    const START = Date.parse('2026-01-01T00:00:00Z');
    const dates = (count: number) =>
      Array.from({ length: count }, (_, index) => new Date(START + index * 86_400_000).toISOString().slice(0, 10));
    /** A trend, a weekly rhythm and a deterministic wobble: something ETS can fit. */
    const values = (count: number) =>
      Array.from(
        { length: count },
        (_, index) => 40 + 0.2 * index + 6 * Math.sin((2 * Math.PI * index) / 7) + ((index * 37) % 11) / 5,
      );

    it('forecasts a series with the chosen model, its intervals and its backtest', async () => {
      const response = await post(
        '/api/forecast/series',
        { dates: dates(70), values: values(70), horizon: 14 },
        viewer,
      );
      expect(response.statusCode).toBe(200);
      const body = response.json();
      const reference = forecastSeries(values(70), { horizon: 14 });
      if (!reference.ok) throw new Error('the reference forecast failed');
      expect(body.disclaimer).toBe(ICCE_DISCLAIMER);
      expect(body.forecast.status).toBe('ok');
      expect(body.forecast.model).toBe(reference.model);
      expect(body.forecast.dates[0]).toBe('2026-03-12');
      expect(body.forecast.point).toHaveLength(14);
      body.forecast.point.forEach((value: number, step: number) => {
        expect(value).toBeCloseTo(reference.point[step] as number, 8);
      });
      expect(body.backtest.status).toBe('ok');
      expect(body.backtest.origins).toBe(Math.floor((70 - 7 - 28) / 7) + 1);
      expect(body.backtest.coverage95).toBeGreaterThanOrEqual(0);
      expect(body.backtest.coverage95).toBeLessThanOrEqual(1);
      expect(body.backtest.model.mase).toBeGreaterThan(0);
    });

    it('answers a too short series with "datos insuficientes", not a forecast', async () => {
      const response = await post('/api/forecast/series', { dates: dates(5), values: values(5), horizon: 7 });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.forecast).toMatchObject({ status: 'insufficient-data', minimum: 8, received: 5 });
      expect(body.forecast.message).toMatch(/^datos insuficientes/);
      expect(body.forecast).not.toHaveProperty('point');
      expect(body.backtest.status).toBe('insufficient-data');
    });

    it('refuses series that are not consecutive days of numbers', async () => {
      const gap = dates(20);
      gap[10] = '2026-01-12';
      const repeated = dates(20);
      repeated[5] = repeated[4] as string;
      const cases: Array<[string, unknown, string]> = [
        ['gap', { dates: gap, values: values(20) }, 'FORECAST_SERIES_INVALID'],
        ['repeat', { dates: repeated, values: values(20) }, 'FORECAST_SERIES_INVALID'],
        ['lengths', { dates: dates(20), values: values(19) }, 'FORECAST_SERIES_INVALID'],
        ['too many', { dates: dates(1_001), values: values(1_001) }, 'FORECAST_SERIES_INVALID'],
        ['not a number', { dates: dates(3), values: [1, null, 3] }, 'VALIDATION_FAILED'],
        ['not a date', { dates: ['2026-02-30'], values: [1] }, 'VALIDATION_FAILED'],
        ['horizon', { dates: dates(20), values: values(20), horizon: 61 }, 'VALIDATION_FAILED'],
      ];
      for (const [name, payload, code] of cases) {
        const response = await post('/api/forecast/series', payload);
        expect(response.statusCode, name).toBe(400);
        expect(response.json().error.code, name).toBe(code);
      }
    });
  });

  describe('polls', () => {
    const upload = { contest: 'ejemplo 2014', content: POLLS_FILE, mapping: { santos: 'cepeda', zuluaga: 'abelardo' } };

    it('imports a polls file once, matching columns to candidates, and averages it by contest', async () => {
      const first = await post('/api/forecast/polls', upload);
      expect(first.statusCode).toBe(201);
      const created = first.json();
      expect(created).toMatchObject({ contest: 'ejemplo 2014', polls: 12, replayed: false });
      expect(created.matched).toEqual({ santos: 'cepeda', zuluaga: 'abelardo' });
      expect(created.otherOptions).toEqual(['ramirez', 'lopez', 'penalosa', 'blank', 'undecided']);

      const replay = await post('/api/forecast/polls', upload);
      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toMatchObject({ id: created.id, replayed: true });

      const listed = await get('/api/forecast/polls?asOf=2014-05-20');
      expect(listed.statusCode).toBe(200);
      const [contest, ...others] = listed.json().contests;
      expect(others).toHaveLength(0);
      expect(contest.polls).toHaveLength(12);
      const parsed = parsePolls(POLLS_FILE);
      if (!parsed.ok) throw new Error('the example file did not parse');
      const expected = weightedPollAverage(parsed.polls, { asOf: '2014-05-20' });
      const santos = expected.find((average) => average.option === 'santos');
      const cepeda = contest.average.find((average: { candidate: string | null }) => average.candidate === 'cepeda');
      expect(cepeda.option).toBe('cepeda');
      expect(cepeda.average).toBeCloseTo(santos?.average as number, 10);
      expect(cepeda.polls).toBe(santos?.polls);
      const blank = contest.average.find((average: { option: string }) => average.option === 'blank');
      expect(blank.candidate).toBeNull();

      const dashboard = (await get('/api/forecast/dashboard?candidate=cepeda&to=2014-05-20')).json();
      expect(dashboard.candidates[0].polls).toEqual([{ contest: 'ejemplo 2014', average: cepeda }]);
    });

    it('matches columns named like a candidate slug without a mapping', async () => {
      const content = 'pollster,since,up_to,sample_size,fajardo,otros\nacme,2026-05-01,2026-05-03,1000,12.5,30\n';
      const response = await post('/api/forecast/polls', { contest: 'slug match', content });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ matched: { fajardo: 'fajardo' }, otherOptions: ['otros'] });
    });

    it('refuses bad lines with their numbers and stores nothing', async () => {
      const before = (await service.app.pg.query('SELECT count(*)::int AS n FROM polls')).rows[0].n;
      const lines = POLLS_FILE.split('\n');
      lines[2] = (lines[2] as string).replace('1500', 'mil quinientos');
      lines[5] = (lines[5] as string).replace('2014-05-10', '2014-13-10');
      const response = await post('/api/forecast/polls', { ...upload, content: lines.join('\n') });
      expect(response.statusCode).toBe(400);
      const error = response.json().error;
      expect(error.code).toBe('POLLS_LINE_INVALID');
      expect(error.details.errors.map((entry: { line: number }) => entry.line)).toEqual([3, 6]);
      expect(error.message).toMatch(/^Line 3: /);
      const header = await post('/api/forecast/polls', { ...upload, content: 'pollster,since\nacme,2026-01-01\n' });
      expect(header.json().error.details.errors[0].line).toBe(1);
      const missingColumn = await post('/api/forecast/polls', { ...upload, mapping: { vargas: 'cepeda' } });
      expect(missingColumn.json().error.code).toBe('POLLS_LINE_INVALID');
      const twice = await post('/api/forecast/polls', { ...upload, mapping: { santos: 'cepeda', zuluaga: 'cepeda' } });
      expect(twice.json().error.code).toBe('POLLS_LINE_INVALID');
      const unknown = await post('/api/forecast/polls', { ...upload, mapping: { santos: 'nadie' } });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('CANDIDATE_UNKNOWN');
      const after = (await service.app.pg.query('SELECT count(*)::int AS n FROM polls')).rows[0].n;
      expect(after).toBe(before);
    });

    it('lets viewers read the polls but not import them', async () => {
      const forbidden = await post('/api/forecast/polls', { ...upload, contest: 'otro' }, viewer);
      expect(forbidden.statusCode).toBe(403);
      expect((await get('/api/forecast/polls', viewer)).statusCode).toBe(200);
      const anonymous = await service.app.inject({ method: 'GET', url: '/api/forecast/icce' });
      expect(anonymous.statusCode).toBe(401);
    });
  });
});
