import { createHash } from 'node:crypto';
import {
  type CandidateRef,
  type Forecast,
  type ForecastDashboardResponse,
  ICCE_DISCLAIMER,
  type IcceDayPoint,
  type IcceResponse,
  MAX_SERIES_POINTS,
  type MomentumResponse,
  type PollContest,
  type PollsImportResponse,
  type PollsResponse,
  type SeriesForecastResponse,
} from '@castor/contracts';
import {
  backtest,
  computeIcce,
  computeMomentum,
  forecastSeries,
  minimumSeasonalPoints,
  type Poll,
  parsePolls,
  weightedPollAverage,
} from '@castor/forecast';
import { httpError } from '@castor/service-kit';
import type { CandidateDayRow, ForecastCandidate, ForecastRepository, StoredPoll } from './forecast.repository.js';

const DAY_MS = 86_400_000;
/** A range left open is the six weeks up to today. */
const DEFAULT_RANGE_DAYS = 42;
/** Coverage of the ICCE and momentum bands. */
const BAND_LEVEL = 0.95;
const INTERVAL_LEVELS = [0.8, 0.95];
/** Daily conversation has a weekly rhythm. */
const WEEK = 7;
/** Backtests forecast a week ahead from every weekly origin after four weeks of training. */
const BACKTEST = { horizon: 7, minTrain: 28, step: 7 } as const;

export interface DayRangeRequest {
  candidate?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  alpha?: number | undefined;
}

const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);
const dayTime = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** The UTC days of the range, both ends included. */
function rangeDays(request: DayRangeRequest, now: Date): string[] {
  const to = request.to === undefined ? dayTime(isoDay(now.getTime())) : dayTime(request.to);
  const from = request.from === undefined ? to - (DEFAULT_RANGE_DAYS - 1) * DAY_MS : dayTime(request.from);
  const days: string[] = [];
  for (let time = from; time <= to; time += DAY_MS) days.push(isoDay(time));
  return days;
}

const insufficient = (minimum: number, received: number) => ({
  status: 'insufficient-data' as const,
  minimum,
  received,
  message: `datos insuficientes: se necesitan al menos ${minimum} días seguidos con datos y hay ${received}; no se muestra un pronóstico inventado`,
});

const publicRef = ({ id: _id, ...ref }: ForecastCandidate): CandidateRef => ref;

/**
 * ICCE, momentum, forecasts and polls for dashboard-ia: the daily counts come from the stored posts,
 * the mathematics from @castor/forecast.
 */
export class ForecastService {
  constructor(
    private readonly repository: ForecastRepository,
    private readonly settings: { alpha: number; now?: () => Date },
  ) {}

  private now(): Date {
    return this.settings.now?.() ?? new Date();
  }

  /** The candidates asked for: one by slug (404 CANDIDATE_UNKNOWN when not followed) or all. */
  private async candidatesOf(slug: string | undefined): Promise<ForecastCandidate[]> {
    const all = await this.repository.candidates();
    if (slug === undefined) return all;
    const candidate = all.find((entry) => entry.slug === slug);
    if (!candidate) throw httpError('CANDIDATE_UNKNOWN', `No candidate is followed as "${slug}"`);
    return [candidate];
  }

  /**
   * Each candidate's daily ICCE over the range, with and without suspected bots. Posts not scored
   * yet are left out of every count (their number is reported), so a day's index never mixes
   * scored and unscored posts.
   */
  private async icceSeries(candidates: readonly ForecastCandidate[], days: readonly string[], alpha: number) {
    const from = new Date(dayTime(days[0] as string));
    const to = new Date(dayTime(days[days.length - 1] as string) + DAY_MS);
    const counts = await this.repository.dailyCounts(from, to);
    const tracked = new Map(counts.tracked.map((row) => [row.day, row]));
    const byKey = new Map(counts.candidates.map((row) => [`${row.candidateId} ${row.day}`, row]));
    const seriesOf = (candidate: ForecastCandidate, excludeBots: boolean): IcceDayPoint[] =>
      days.map((date) => {
        const row: Partial<CandidateDayRow> = byKey.get(`${candidate.id} ${date}`) ?? {};
        const day = tracked.get(date);
        const positive = (excludeBots ? row.humanPositive : row.positive) ?? 0;
        const negative = (excludeBots ? row.humanNegative : row.negative) ?? 0;
        const total = (excludeBots ? row.humanScored : row.scored) ?? 0;
        const allTracked = (excludeBots ? day?.humanScored : day?.scored) ?? 0;
        const icce = computeIcce({ positive, negative, total, allTracked }, { alpha, level: BAND_LEVEL });
        return {
          date,
          icce: icce.icce,
          isn: icce.isn,
          isnNormalized: icce.isnNormalized,
          icr: icce.icr,
          standardError: icce.standardError,
          lower: icce.lower,
          upper: icce.upper,
          posts: total,
          positive,
          negative,
          allTracked,
          unscored: (excludeBots ? row.humanUnscored : row.unscored) ?? 0,
          suspectedBotPosts: row.bots ?? 0,
        };
      });
    return candidates.map((candidate) => ({
      candidate,
      withBots: seriesOf(candidate, false),
      withoutBots: seriesOf(candidate, true),
    }));
  }

  async icce(request: DayRangeRequest & { excludeBots: boolean }): Promise<IcceResponse> {
    const candidates = await this.candidatesOf(request.candidate);
    const days = rangeDays(request, this.now());
    const alpha = request.alpha ?? this.settings.alpha;
    const series = await this.icceSeries(candidates, days, alpha);
    return {
      ...this.header(days, alpha),
      excludeBots: request.excludeBots,
      candidates: series.map((entry) => ({
        candidate: publicRef(entry.candidate),
        days: request.excludeBots ? entry.withoutBots : entry.withBots,
      })),
    };
  }

  async momentum(request: DayRangeRequest & { excludeBots: boolean; window: number }): Promise<MomentumResponse> {
    const candidates = await this.candidatesOf(request.candidate);
    const days = rangeDays(request, this.now());
    const alpha = request.alpha ?? this.settings.alpha;
    const series = await this.icceSeries(candidates, days, alpha);
    return {
      ...this.header(days, alpha),
      excludeBots: request.excludeBots,
      window: request.window,
      candidates: series.map((entry) => ({
        candidate: publicRef(entry.candidate),
        days: momentumOf(request.excludeBots ? entry.withoutBots : entry.withBots, request.window),
      })),
    };
  }

  async dashboard(request: DayRangeRequest & { horizon: number }): Promise<ForecastDashboardResponse> {
    const candidates = await this.candidatesOf(request.candidate);
    const days = rangeDays(request, this.now());
    const alpha = request.alpha ?? this.settings.alpha;
    const series = await this.icceSeries(candidates, days, alpha);
    const contests = await this.pollContests(days[days.length - 1] as string);
    const analysisOf = (points: IcceDayPoint[]) => {
      const run = trailingRun(points);
      return {
        days: points,
        momentum: momentumOf(points, WEEK),
        forecast: forecastOf(run, request.horizon, WEEK),
        backtest: backtestOf(run.values, WEEK),
      };
    };
    return {
      ...this.header(days, alpha),
      horizon: request.horizon,
      generatedAt: this.now().toISOString(),
      candidates: series.map((entry) => ({
        candidate: publicRef(entry.candidate),
        withBots: analysisOf(entry.withBots),
        withoutBots: analysisOf(entry.withoutBots),
        polls: contests.flatMap((contest) =>
          contest.average
            .filter((average) => average.candidate === entry.candidate.slug)
            .map((average) => ({ contest: contest.contest, average })),
        ),
      })),
      polls: contests,
    };
  }

  private header(days: readonly string[], alpha: number) {
    return {
      disclaimer: ICCE_DISCLAIMER,
      from: days[0] as string,
      to: days[days.length - 1] as string,
      alpha,
      level: BAND_LEVEL,
    };
  }

  /** Any daily series an analyst brings, forecast and backtested with the engine the ICCE uses. */
  forecastSeries(request: {
    dates: string[];
    values: number[];
    horizon: number;
    seasonPeriod: number;
  }): SeriesForecastResponse {
    const { dates, values } = request;
    if (dates.length !== values.length)
      throw httpError(
        'FORECAST_SERIES_INVALID',
        `${dates.length} dates but ${values.length} values: give one date per value`,
        {
          problem: 'length-mismatch',
        },
      );
    if (dates.length > MAX_SERIES_POINTS)
      throw httpError(
        'FORECAST_SERIES_INVALID',
        `At most ${MAX_SERIES_POINTS} points per series, got ${dates.length}`,
        {
          problem: 'too-many-points',
        },
      );
    for (let index = 1; index < dates.length; index++) {
      if (dayTime(dates[index] as string) - dayTime(dates[index - 1] as string) !== DAY_MS)
        throw httpError(
          'FORECAST_SERIES_INVALID',
          `dates[${index}] (${dates[index]}) is not the day after ${dates[index - 1]}: the series must be consecutive days, without gaps or repeats`,
          { problem: 'dates-not-consecutive', index },
        );
    }
    const run = { values, lastDate: dates[dates.length - 1] as string };
    return {
      disclaimer: ICCE_DISCLAIMER,
      forecast: forecastOf(run, request.horizon, request.seasonPeriod),
      backtest: backtestOf(values, request.seasonPeriod),
    };
  }

  /**
   * Stores a polls file: every row validated first (all bad lines reported with their numbers, nothing
   * stored), each option column matched to a followed candidate by the mapping or by slug, all in one
   * transaction. The same content, contest and mapping again is a replay.
   */
  async importPolls(
    request: { contest: string; content: string; mapping: Record<string, string> },
    importedBy: string,
  ): Promise<PollsImportResponse> {
    const parsed = parsePolls(request.content);
    if (!parsed.ok) {
      const first = parsed.errors[0] as { line: number; message: string };
      throw httpError(
        'POLLS_LINE_INVALID',
        `Line ${first.line}: ${first.message}${parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more lines)` : ''}`,
        { errors: parsed.errors },
      );
    }
    const candidates = await this.repository.candidates();
    const idBySlug = new Map(candidates.map((candidate) => [candidate.slug, candidate.id]));
    for (const column of Object.keys(request.mapping)) {
      if (!parsed.options.includes(column))
        throw httpError('POLLS_LINE_INVALID', `Line 1: the mapping names column "${column}", which the file lacks`, {
          errors: [{ line: 1, message: `no column "${column}"` }],
        });
    }
    const matched: Record<string, string> = {};
    for (const option of parsed.options) {
      const slug = request.mapping[option] ?? (idBySlug.has(option) ? option : undefined);
      if (slug === undefined) continue;
      if (!idBySlug.has(slug))
        throw httpError('CANDIDATE_UNKNOWN', `No candidate is followed as "${slug}" (column "${option}")`);
      const twice = Object.entries(matched).find(([, other]) => other === slug);
      if (twice)
        throw httpError(
          'POLLS_LINE_INVALID',
          `Line 1: columns "${twice[0]}" and "${option}" both name candidate "${slug}"`,
          {
            errors: [{ line: 1, message: `"${twice[0]}" and "${option}" both name "${slug}"` }],
          },
        );
      matched[option] = slug;
    }
    const otherOptions = parsed.options.filter((option) => matched[option] === undefined);
    const contentHash = createHash('sha256')
      .update(JSON.stringify([request.contest, request.content, Object.entries(matched).sort()]))
      .digest('hex');
    const previous = await this.repository.findPollImport(contentHash);
    if (previous) return { ...previous, matched, otherOptions, replayed: true };
    const id = await this.repository.insertPollImport({
      contentHash,
      contest: request.contest,
      importedBy,
      polls: parsed.polls.map((poll) => ({
        pollster: poll.pollster,
        fieldStart: poll.fieldStart,
        fieldEnd: poll.fieldEnd,
        sampleSize: poll.sampleSize,
        source: poll.source,
        line: poll.line,
        shares: Object.entries(poll.shares).map(([option, share]) => ({
          option,
          candidateId: matched[option] === undefined ? null : (idBySlug.get(matched[option] as string) as string),
          share,
        })),
      })),
    });
    if (id === undefined) {
      const stored = (await this.repository.findPollImport(contentHash)) as {
        id: string;
        contest: string;
        polls: number;
      };
      return { ...stored, matched, otherOptions, replayed: true };
    }
    return { id, contest: request.contest, polls: parsed.polls.length, matched, otherOptions, replayed: false };
  }

  async polls(asOf: string | undefined): Promise<PollsResponse> {
    return { disclaimer: ICCE_DISCLAIMER, contests: await this.pollContests(asOf ?? isoDay(this.now().getTime())) };
  }

  /** The stored polls by contest, each with its weighted average as of `asOf`. */
  private async pollContests(asOf: string): Promise<PollContest[]> {
    const byContest = new Map<string, StoredPoll[]>();
    for (const poll of await this.repository.polls()) {
      byContest.set(poll.contest, [...(byContest.get(poll.contest) ?? []), poll]);
    }
    return [...byContest].map(([contest, stored]) => {
      const candidateOf = new Map<string, string | null>();
      const polls = stored.map((poll): Poll => {
        const shares: Record<string, number> = {};
        for (const share of poll.shares) {
          const key = share.candidate ?? share.option;
          shares[key] = share.share;
          candidateOf.set(key, share.candidate);
        }
        const { contest: _contest, shares: _shares, ...rest } = poll;
        return { ...rest, shares };
      });
      return {
        contest,
        asOf,
        polls: polls.map(({ line: _line, ...poll }) => poll),
        average: weightedPollAverage(polls, { asOf }).map((average) => ({
          option: average.option,
          candidate: candidateOf.get(average.option) ?? null,
          average: average.average,
          standardError: average.standardError,
          polls: average.polls,
          effectivePolls: average.effectivePolls,
        })),
      };
    });
  }
}

function momentumOf(points: readonly IcceDayPoint[], window: number) {
  const momentum = computeMomentum(
    points.map((point) => point.icce),
    { window, level: BAND_LEVEL },
  );
  return points.map((point, index) => {
    const { slope, lower, upper, direction, points: used } = momentum[index] as (typeof momentum)[number];
    return { date: point.date, icce: point.icce, slope, lower, upper, direction, points: used };
  });
}

/**
 * The values a forecast may rest on: the days since the last day without an index (no scored
 * posts), up to the last day with one. ETS takes no gaps, and filling them would invent data.
 */
function trailingRun(points: readonly IcceDayPoint[]): { values: number[]; lastDate: string | null } {
  let end = points.length;
  while (end > 0 && points[end - 1]?.icce === null) end--;
  let start = end;
  while (start > 0 && points[start - 1]?.icce !== null) start--;
  return {
    values: points.slice(start, end).map((point) => point.icce as number),
    lastDate: end > 0 ? (points[end - 1]?.date as string) : null,
  };
}

function forecastOf(
  run: { values: number[]; lastDate: string | null },
  horizon: number,
  seasonPeriod: number,
): Forecast {
  const result = forecastSeries(run.values, { horizon, seasonPeriod, levels: INTERVAL_LEVELS });
  if (!result.ok || run.lastDate === null) return insufficient(result.ok ? 1 : result.minimum, run.values.length);
  const last = dayTime(run.lastDate);
  return {
    status: 'ok',
    model: result.model,
    aicc: result.aicc,
    dates: result.point.map((_, step) => isoDay(last + (step + 1) * DAY_MS)),
    point: result.point,
    intervals: result.intervals,
  };
}

function backtestOf(values: readonly number[], seasonPeriod: number) {
  const minTrain = Math.max(BACKTEST.minTrain, minimumSeasonalPoints(seasonPeriod));
  const result = backtest(values, { ...BACKTEST, minTrain, seasonPeriod });
  if (!result.ok) return insufficient(result.minimum, result.received);
  return {
    status: 'ok' as const,
    horizon: BACKTEST.horizon,
    origins: result.origins,
    forecasts: result.forecasts,
    model: result.model,
    naive: result.naive,
    seasonalNaive: result.seasonalNaive,
    coverage95: result.coverage95,
    coverage80: result.coverage80,
  };
}
