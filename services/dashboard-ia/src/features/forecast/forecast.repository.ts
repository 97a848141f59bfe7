import type { CandidateRef } from '@castor/contracts';
import { withTransaction } from '@castor/service-kit';
import type pg from 'pg';

export interface ForecastCandidate extends CandidateRef {
  id: string;
}

/** One candidate's posts on one UTC day, split the ways the ICCE needs, with and without suspected bots. */
export interface CandidateDayRow {
  day: string;
  candidateId: string;
  positive: number;
  negative: number;
  scored: number;
  unscored: number;
  humanPositive: number;
  humanNegative: number;
  humanScored: number;
  humanUnscored: number;
  bots: number;
}

/** Scored posts about any followed candidate on a day (ICR's denominator), with and without bots. */
export interface TrackedDayRow {
  day: string;
  scored: number;
  humanScored: number;
}

export interface StoredPoll {
  contest: string;
  pollster: string;
  fieldStart: string;
  fieldEnd: string;
  sampleSize: number;
  source: string | null;
  line: number;
  /** option → { share, candidate slug or null } */
  shares: Array<{ option: string; candidate: string | null; share: number }>;
}

export interface NewPollImport {
  contentHash: string;
  contest: string;
  importedBy: string;
  polls: ReadonlyArray<{
    pollster: string;
    fieldStart: string;
    fieldEnd: string;
    sampleSize: number;
    source: string | null;
    line: number;
    shares: ReadonlyArray<{ option: string; candidateId: string | null; share: number }>;
  }>;
}

/**
 * Every link of the range counted per (day, candidate) and per day in one pass: GROUPING SETS give
 * the candidates' rows and the day totals (candidate_id NULL), FILTER clauses the sentiment and bot
 * splits. count(DISTINCT post_id) makes a post about two candidates count once in a day's total.
 * $1 the first instant, $2 the instant after the last day.
 */
const DAILY_COUNTS = {
  name: 'dashboard-forecast-daily-counts',
  text: `
    SELECT day, candidate_id AS "candidateId",
           count(DISTINCT post_id) FILTER (WHERE label = 'positive')::int AS positive,
           count(DISTINCT post_id) FILTER (WHERE label = 'negative')::int AS negative,
           count(DISTINCT post_id) FILTER (WHERE label IS NOT NULL)::int AS scored,
           count(DISTINCT post_id) FILTER (WHERE label IS NULL)::int AS unscored,
           count(DISTINCT post_id) FILTER (WHERE label = 'positive' AND NOT bot)::int AS "humanPositive",
           count(DISTINCT post_id) FILTER (WHERE label = 'negative' AND NOT bot)::int AS "humanNegative",
           count(DISTINCT post_id) FILTER (WHERE label IS NOT NULL AND NOT bot)::int AS "humanScored",
           count(DISTINCT post_id) FILTER (WHERE label IS NULL AND NOT bot)::int AS "humanUnscored",
           count(DISTINCT post_id) FILTER (WHERE bot)::int AS bots
      FROM (SELECT to_char(pc.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, pc.candidate_id, pc.post_id,
                   pc.sentiment_label AS label, pc.author_suspected_bot AS bot
              FROM post_candidates pc
             WHERE pc.posted_at >= $1::timestamptz AND pc.posted_at < $2::timestamptz) AS links
     GROUP BY GROUPING SETS ((day, candidate_id), (day))`,
};

/** The SQL behind the ICCE, momentum, forecasts and polls. */
export class ForecastRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Every followed candidate, the campaign's own first. */
  async candidates(): Promise<ForecastCandidate[]> {
    const { rows } = await this.pool.query<ForecastCandidate>({
      name: 'dashboard-forecast-candidates',
      text: 'SELECT id, slug, name, own, color FROM candidates ORDER BY own DESC, name',
    });
    return rows;
  }

  async dailyCounts(from: Date, to: Date): Promise<{ candidates: CandidateDayRow[]; tracked: TrackedDayRow[] }> {
    const { rows } = await this.pool.query<CandidateDayRow & { candidateId: string | null }>({
      ...DAILY_COUNTS,
      values: [from.toISOString(), to.toISOString()],
    });
    const candidates: CandidateDayRow[] = [];
    const tracked: TrackedDayRow[] = [];
    for (const row of rows) {
      if (row.candidateId === null) tracked.push({ day: row.day, scored: row.scored, humanScored: row.humanScored });
      else candidates.push(row);
    }
    return { candidates, tracked };
  }

  async findPollImport(contentHash: string): Promise<{ id: string; contest: string; polls: number } | undefined> {
    const { rows } = await this.pool.query<{ id: string; contest: string; polls: number }>(
      'SELECT id, contest, polls FROM poll_imports WHERE content_hash = $1',
      [contentHash],
    );
    return rows[0];
  }

  /**
   * Stores an import's polls and their shares in one transaction; undefined when the same content
   * was stored meanwhile (the content hash is unique).
   */
  async insertPollImport(entry: NewPollImport): Promise<string | undefined> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO poll_imports (content_hash, contest, imported_by, polls) VALUES ($1, $2, $3, $4)
         ON CONFLICT (content_hash) DO NOTHING RETURNING id`,
        [entry.contentHash, entry.contest, entry.importedBy, entry.polls.length],
      );
      const importId = rows[0]?.id;
      if (importId === undefined) return undefined;
      const { rows: inserted } = await client.query<{ id: string; line: number }>(
        `INSERT INTO polls (import_id, contest, pollster, field_start, field_end, sample_size, source, line)
         SELECT $1, $2, u.* FROM unnest($3::text[], $4::date[], $5::date[], $6::int[], $7::text[], $8::int[])
                 AS u(pollster, field_start, field_end, sample_size, source, line)
         RETURNING id, line`,
        [
          importId,
          entry.contest,
          entry.polls.map((poll) => poll.pollster),
          entry.polls.map((poll) => poll.fieldStart),
          entry.polls.map((poll) => poll.fieldEnd),
          entry.polls.map((poll) => poll.sampleSize),
          entry.polls.map((poll) => poll.source),
          entry.polls.map((poll) => poll.line),
        ],
      );
      // A file's lines are unique, so they tell which id each poll got.
      const idByLine = new Map(inserted.map((row) => [row.line, row.id]));
      const shares = entry.polls.flatMap((poll) =>
        poll.shares.map((share) => ({ pollId: idByLine.get(poll.line) as string, ...share })),
      );
      await client.query(
        `INSERT INTO poll_shares (poll_id, option, candidate_id, share)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::float8[])`,
        [
          shares.map((share) => share.pollId),
          shares.map((share) => share.option),
          shares.map((share) => share.candidateId),
          shares.map((share) => share.share),
        ],
      );
      return importId;
    });
  }

  /** Every stored poll with its shares, by contest and fieldwork. */
  async polls(): Promise<StoredPoll[]> {
    const { rows } = await this.pool.query<StoredPoll>({
      name: 'dashboard-forecast-polls',
      text: `SELECT p.contest, p.pollster, to_char(p.field_start, 'YYYY-MM-DD') AS "fieldStart",
                    to_char(p.field_end, 'YYYY-MM-DD') AS "fieldEnd", p.sample_size AS "sampleSize", p.source, p.line,
                    coalesce(json_agg(json_build_object('option', s.option, 'candidate', c.slug, 'share', s.share)
                             ORDER BY s.option) FILTER (WHERE s.option IS NOT NULL), '[]') AS shares
               FROM polls p
               LEFT JOIN poll_shares s ON s.poll_id = p.id
               LEFT JOIN candidates c ON c.id = s.candidate_id
              GROUP BY p.id ORDER BY p.contest, p.field_end, p.pollster, p.line`,
    });
    return rows;
  }
}
