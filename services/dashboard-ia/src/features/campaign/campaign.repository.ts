import type { CandidateRef, Granularity } from '@castor/contracts';
import type pg from 'pg';
import type { ConversationCounts, TimePeriod } from '../../domain/conversation-figures.js';

export interface FollowedCandidate extends CandidateRef {
  id: string;
}

export interface CandidatePeriodCounts {
  current: ConversationCounts;
  previous: ConversationCounts;
}

export interface CandidatesConversation {
  /** Counts per candidate id, for the period and the one before (zero counts for a quiet candidate). */
  byCandidate: Map<string, CandidatePeriodCounts>;
  /** Posts of every followed candidate (the share-of-voice denominator), per period. */
  allCandidatesPosts: { current: number; previous: number };
  /** Posts per interval of the period per candidate id. */
  series: Array<{ bucket: string; candidateId: string; posts: number }>;
}

const COUNTS = (keep: string) => `json_build_object(
    'all', count(*)::int,
    'bots', count(*) FILTER (WHERE bot)::int,
    'posts', count(*) FILTER (WHERE ${keep})::int,
    'authors', count(DISTINCT author_id) FILTER (WHERE ${keep})::int,
    'engagement', coalesce(sum(engagement) FILTER (WHERE ${keep}), 0)::bigint,
    'positive', count(*) FILTER (WHERE ${keep} AND label = 'positive')::int,
    'neutral', count(*) FILTER (WHERE ${keep} AND label = 'neutral')::int,
    'negative', count(*) FILTER (WHERE ${keep} AND label = 'negative')::int)`;

/**
 * Every followed candidate's counts over the period and the previous one, in one statement: the
 * links of both periods are read once (post_candidates in posted_at order per candidate, joined to
 * posts by id), grouped by candidate and period with FILTER clauses, and the series of the
 * candidates compared is a second pass over the same rows. $1 previous period's start, $2 the
 * period's start, $3 its end, $4 excludeBots, $5 granularity, $6 the candidates in the series.
 */
const CANDIDATES_CONVERSATION = {
  name: 'dashboard-campaign-candidates-conversation',
  text: `
    WITH links AS MATERIALIZED (
      SELECT pc.candidate_id, pc.posted_at, pc.posted_at >= $2::timestamptz AS current, p.author_id,
             p.likes + p.reposts + p.replies + p.quotes AS engagement, p.sentiment_label AS label,
             p.author_suspected_bot AS bot
        FROM candidates c
        JOIN post_candidates pc ON pc.candidate_id = c.id
                               AND pc.posted_at >= $1::timestamptz AND pc.posted_at < $3::timestamptz
        JOIN posts p ON p.id = pc.post_id)
    SELECT
      (SELECT coalesce(json_agg(json_build_object('candidateId', candidate_id, 'current', current, 'counts', counts)), '[]')
         FROM (SELECT candidate_id, current, ${COUNTS('NOT ($4::boolean AND bot)')} AS counts
                 FROM links GROUP BY candidate_id, current) AS grouped) AS counts,
      (SELECT coalesce(json_agg(json_build_object('bucket', bucket, 'candidateId', candidate_id, 'posts', posts)), '[]')
         FROM (SELECT date_trunc($5::text, posted_at, 'UTC') AS bucket, candidate_id, count(*)::int AS posts
                 FROM links
                WHERE current AND NOT ($4::boolean AND bot) AND candidate_id = ANY($6::uuid[])
                GROUP BY 1, 2) AS buckets) AS series`,
};

const EMPTY_COUNTS: ConversationCounts = {
  all: 0,
  bots: 0,
  posts: 0,
  authors: 0,
  engagement: 0,
  positive: 0,
  neutral: 0,
  negative: 0,
};

/** The SQL behind the campaign view and the rivals comparison. */
export class CampaignRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Every followed candidate, the campaign's own first. */
  async candidates(): Promise<FollowedCandidate[]> {
    const { rows } = await this.pool.query<FollowedCandidate>({
      name: 'dashboard-campaign-candidates',
      text: 'SELECT id, slug, name, own, color FROM candidates ORDER BY own DESC, name',
    });
    return rows;
  }

  async conversation(options: {
    period: TimePeriod;
    previous: TimePeriod;
    excludeBots: boolean;
    granularity: Granularity;
    seriesOf: readonly string[];
  }): Promise<CandidatesConversation> {
    const { rows } = await this.pool.query<{
      counts: Array<{ candidateId: string; current: boolean; counts: ConversationCounts }>;
      series: CandidatesConversation['series'];
    }>({
      ...CANDIDATES_CONVERSATION,
      values: [
        options.previous.from.toISOString(),
        options.period.from.toISOString(),
        options.period.to.toISOString(),
        options.excludeBots,
        options.granularity,
        options.seriesOf,
      ],
    });
    const row = rows[0];
    if (!row) throw new Error('the candidates statement returned no row');
    const byCandidate = new Map<string, CandidatePeriodCounts>();
    const allCandidatesPosts = { current: 0, previous: 0 };
    for (const group of row.counts) {
      const entry = byCandidate.get(group.candidateId) ?? { current: EMPTY_COUNTS, previous: EMPTY_COUNTS };
      const counts = { ...group.counts, engagement: Number(group.counts.engagement) };
      if (group.current) entry.current = counts;
      else entry.previous = counts;
      allCandidatesPosts[group.current ? 'current' : 'previous'] += counts.posts;
      byCandidate.set(group.candidateId, entry);
    }
    return { byCandidate, allCandidatesPosts, series: row.series };
  }

  static readonly EMPTY = { current: EMPTY_COUNTS, previous: EMPTY_COUNTS } satisfies CandidatePeriodCounts;
}
