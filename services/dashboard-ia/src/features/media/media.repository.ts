import type { CandidateRef, Granularity, SentimentLabelValue } from '@castor/contracts';
import type pg from 'pg';
import type { TimePeriod } from '../../domain/conversation-figures.js';

export interface CandidateRow extends CandidateRef {
  id: string;
}

/** The posts an analysis is about: a followed candidate's, or those a free query finds. */
export type Selection = { kind: 'candidate'; candidateId: string } | { kind: 'query'; query: string };

export interface ConversationOptions {
  period: TimePeriod;
  granularity: Granularity;
  excludeBots: boolean;
  top: number;
}

/** The counts one pass over a selection gives; the service turns them into the contract's shape. */
export interface ConversationRow {
  totals: {
    all: number;
    bots: number;
    posts: number;
    authors: number;
    engagement: number;
    positive: number;
    neutral: number;
    negative: number;
    unscored: number;
  };
  series: Array<{
    bucket: string;
    posts: number;
    positive: number;
    neutral: number;
    negative: number;
    botPosts: number;
  }>;
  topPosts: Array<{
    id: string;
    text: string;
    authorId: string;
    authorUsername: string;
    postedAt: string;
    engagement: number;
    sentiment: SentimentLabelValue | null;
    sentimentScore: number | null;
    suspectedBot: boolean;
  }>;
  topAuthors: Array<{
    id: string;
    username: string;
    posts: number;
    engagement: number;
    botLikelihood: number | null;
    suspectedBot: boolean;
  }>;
  topics: Array<{ tag: string; posts: number }>;
  /** Posts of every followed candidate in the period (a post about two counts for each); null for a query. */
  allCandidatesPosts: number | null;
}

export interface ExportedPost {
  id: string;
  created_at: string;
  text: string;
  author_id: string;
  author_username: string;
  likes: number;
  reposts: number;
  replies: number;
  quotes: number;
  sentiment_label: string | null;
  sentiment_score: number | null;
  sentiment_model: string | null;
  author_suspected_bot: boolean;
}

/** What the statement counts per interval besides the series' own figures (the totals are their sums). */
interface BucketCounts {
  all: number;
  bots: number;
  unscored: number;
  engagement: number | string;
}

const HASHTAG_PATTERN = '#([[:alnum:]_]+)';
/** Tokens of a query that must appear as written: "#CepedaPresidente", "@ABDELAESPRIELLA". */
const LITERAL_TOKEN = /(?<![\p{L}\p{N}_])[#@][\p{L}\p{N}_]+/gu;

/**
 * The selection, by index: a candidate's posts are one range of post_candidates' primary key
 * (candidate, posted_at) joined to posts by id; a query is the GIN full-text index with the period
 * and, for a #hashtag or @account, a recheck that the token is written as such (the parser drops
 * '#' and '@'). $1 candidate id or query, $2 from, $3 to, $7 the query's literal tokens.
 */
const SELECTIONS = {
  candidate: {
    source: 'post_candidates pc JOIN posts p ON p.id = pc.post_id',
    condition: 'pc.candidate_id = $1::uuid AND pc.posted_at >= $2::timestamptz AND pc.posted_at < $3::timestamptz',
  },
  query: {
    source: 'posts p',
    condition: `to_tsvector('spanish', p.text) @@ websearch_to_tsquery('spanish', $1::text)
                AND p.posted_at >= $2::timestamptz AND p.posted_at < $3::timestamptz
                AND NOT EXISTS (SELECT 1 FROM unnest($7::text[]) AS literal(token)
                                 WHERE strpos(lower(p.text), literal.token) = 0)`,
  },
} as const;

/**
 * Every figure of an analysis in one statement: the selection is read once into a materialised
 * CTE of narrow rows (no text; the top posts' texts are fetched by id) and each aggregate is a pass
 * over it in memory, the counts with FILTER clauses so bots left out and bots counted come from
 * the same pass. $4 excludeBots, $5 granularity, $6 top N.
 */
function conversationStatement(selection: keyof typeof SELECTIONS): string {
  // The denominator of the share of voice: every followed candidate's links in the period, an
  // index-only count unless bots are left out (then each link's post says whether it is a bot's).
  // An InitPlan in a CASE branch not taken is never run.
  const allCandidatesPosts =
    selection === 'candidate'
      ? `CASE WHEN $4::boolean
           THEN (SELECT count(*)::int FROM post_candidates pc JOIN posts p ON p.id = pc.post_id
                  WHERE pc.posted_at >= $2::timestamptz AND pc.posted_at < $3::timestamptz
                    AND NOT p.author_suspected_bot)
           ELSE (SELECT count(*)::int FROM post_candidates pc
                  WHERE pc.posted_at >= $2::timestamptz AND pc.posted_at < $3::timestamptz) END`
      : 'NULL::int';
  const keep = 'NOT ($4::boolean AND bot)';
  return `
    WITH selection AS MATERIALIZED (
      SELECT p.id, p.author_id, p.posted_at, p.likes + p.reposts + p.replies + p.quotes AS engagement,
             p.sentiment_label AS label, p.author_suspected_bot AS bot,
             -- The hashtags, read here so the rows kept in memory are narrow (no text).
             CASE WHEN strpos(p.text, '#') > 0
                  THEN ARRAY(SELECT DISTINCT lower(match[1]) FROM regexp_matches(p.text, '${HASHTAG_PATTERN}', 'g') AS match)
             END AS tags
        FROM ${SELECTIONS[selection].source} WHERE ${SELECTIONS[selection].condition})
    , by_author AS MATERIALIZED (
      SELECT author_id, count(*)::int AS posts, sum(engagement)::bigint AS engagement
        FROM selection WHERE ${keep} GROUP BY author_id)
    SELECT
      -- Per interval, the counts before (all, bots) and after leaving bots out; the totals are their sums.
      (SELECT coalesce(json_agg(json_build_object(
                'bucket', bucket, 'all', all_posts, 'bots', bots, 'posts', posts, 'positive', positive,
                'neutral', neutral, 'negative', negative, 'unscored', unscored, 'botPosts', bot_posts,
                'engagement', engagement) ORDER BY bucket), '[]')
         FROM (SELECT date_trunc($5::text, posted_at, 'UTC') AS bucket, count(*)::int AS all_posts,
                      count(*) FILTER (WHERE bot)::int AS bots,
                      count(*) FILTER (WHERE ${keep})::int AS posts,
                      count(*) FILTER (WHERE ${keep} AND label = 'positive')::int AS positive,
                      count(*) FILTER (WHERE ${keep} AND label = 'neutral')::int AS neutral,
                      count(*) FILTER (WHERE ${keep} AND label = 'negative')::int AS negative,
                      count(*) FILTER (WHERE ${keep} AND label IS NULL)::int AS unscored,
                      count(*) FILTER (WHERE ${keep} AND bot)::int AS bot_posts,
                      coalesce(sum(engagement) FILTER (WHERE ${keep}), 0)::bigint AS engagement
                 FROM selection GROUP BY 1) AS buckets) AS series,
      (SELECT count(*)::int FROM by_author) AS authors,
      (SELECT coalesce(json_agg(json_build_object(
                'id', t.id, 'text', p.text, 'authorId', t.author_id, 'authorUsername', a.username,
                'postedAt', t.posted_at, 'engagement', t.engagement, 'sentiment', t.label,
                'sentimentScore', p.sentiment_score, 'suspectedBot', t.bot)
                ORDER BY t.engagement DESC, t.posted_at DESC, t.id), '[]')
         FROM (SELECT * FROM selection WHERE ${keep} ORDER BY engagement DESC, posted_at DESC, id LIMIT $6::int) AS t
         JOIN posts p ON p.id = t.id JOIN authors a ON a.id = t.author_id) AS top_posts,
      (SELECT coalesce(json_agg(json_build_object(
                'id', t.author_id, 'username', a.username, 'posts', t.posts, 'engagement', t.engagement,
                'botLikelihood', a.bot_likelihood, 'suspectedBot', coalesce(a.bot_suspected, false))
                ORDER BY t.posts DESC, t.engagement DESC, t.author_id), '[]')
         FROM (SELECT * FROM by_author ORDER BY posts DESC, engagement DESC, author_id LIMIT $6::int) AS t
         JOIN authors a ON a.id = t.author_id) AS top_authors,
      (SELECT coalesce(json_agg(json_build_object('tag', tag, 'posts', posts) ORDER BY posts DESC, tag), '[]')
         FROM (SELECT tag, count(*)::int AS posts FROM selection, unnest(tags) AS tag
                WHERE ${keep} AND tags IS NOT NULL
                GROUP BY tag ORDER BY posts DESC, tag LIMIT $6::int) AS counted) AS topics,
      ${allCandidatesPosts} AS all_candidates_posts`;
}

const STATEMENTS = {
  candidate: { name: 'dashboard-media-conversation-candidate', text: conversationStatement('candidate') },
  query: { name: 'dashboard-media-conversation-query', text: conversationStatement('query') },
};

const EXPORT_BATCH = 2_000;

/** A page of the export: $4 excludeBots, then the keyset ($5 posted_at, $6 id) of the last row sent. */
function exportStatement(selection: keyof typeof SELECTIONS) {
  return {
    name: `dashboard-media-export-${selection}`,
    text: `
      SELECT p.id, p.posted_at AS created_at, p.text, p.author_id, a.username AS author_username,
             p.likes, p.reposts, p.replies, p.quotes, p.sentiment_label, p.sentiment_score, p.sentiment_model,
             p.author_suspected_bot
        FROM ${SELECTIONS[selection].source} JOIN authors a ON a.id = p.author_id
       WHERE ${SELECTIONS[selection].condition}
         AND NOT ($4::boolean AND p.author_suspected_bot)
         AND (p.posted_at, p.id) > ($5::timestamptz, $6::text)
       ORDER BY p.posted_at, p.id LIMIT ${EXPORT_BATCH}`,
  };
}
const EXPORT_STATEMENTS = { candidate: exportStatement('candidate'), query: exportStatement('query') };

/** The SQL behind media analyses: candidates by slug, the one-statement conversation figures, the posts export. */
export class MediaRepository {
  constructor(private readonly pool: pg.Pool) {}

  async candidateBySlug(slug: string): Promise<CandidateRow | undefined> {
    const { rows } = await this.pool.query<CandidateRow>({
      name: 'dashboard-media-candidate-by-slug',
      text: 'SELECT id, slug, name, own, color FROM candidates WHERE slug = $1',
      values: [slug],
    });
    return rows[0];
  }

  /** Whether Spanish full-text search finds any word in the query (not only "de", "la", "y"). */
  async searchable(query: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ nodes: number }>({
      name: 'dashboard-media-query-nodes',
      text: "SELECT numnode(websearch_to_tsquery('spanish', $1::text)) AS nodes",
      values: [query],
    });
    return (rows[0]?.nodes ?? 0) > 0;
  }

  async conversation(selection: Selection, options: ConversationOptions): Promise<ConversationRow> {
    const common = [
      options.period.from.toISOString(),
      options.period.to.toISOString(),
      options.excludeBots,
      options.granularity,
      options.top,
    ];
    const { rows } = await this.pool.query<{
      series: Array<ConversationRow['series'][number] & BucketCounts>;
      authors: number;
      top_posts: ConversationRow['topPosts'];
      top_authors: ConversationRow['topAuthors'];
      topics: ConversationRow['topics'];
      all_candidates_posts: number | null;
    }>(
      selection.kind === 'candidate'
        ? { ...STATEMENTS.candidate, values: [selection.candidateId, ...common] }
        : { ...STATEMENTS.query, values: [selection.query, ...common, literalTokens(selection.query)] },
    );
    const row = rows[0];
    if (!row) throw new Error('the conversation statement returned no row');
    const totals = {
      all: 0,
      bots: 0,
      posts: 0,
      authors: row.authors,
      engagement: 0,
      positive: 0,
      neutral: 0,
      negative: 0,
      unscored: 0,
    };
    for (const point of row.series) {
      totals.all += point.all;
      totals.bots += point.bots;
      totals.posts += point.posts;
      totals.engagement += Number(point.engagement);
      totals.positive += point.positive;
      totals.neutral += point.neutral;
      totals.negative += point.negative;
      totals.unscored += point.unscored;
    }
    return {
      totals,
      series: row.series.map(({ bucket, posts, positive, neutral, negative, botPosts }) => ({
        bucket,
        posts,
        positive,
        neutral,
        negative,
        botPosts,
      })),
      topPosts: row.top_posts.map((post) => ({ ...post, postedAt: new Date(post.postedAt).toISOString() })),
      topAuthors: row.top_authors.map((author) => ({ ...author, engagement: Number(author.engagement) })),
      topics: row.topics,
      allCandidatesPosts: row.all_candidates_posts,
    };
  }

  /** The selection's posts oldest first, in keyset batches, so an export of a year streams in bounded memory. */
  async *exportPosts(selection: Selection, period: TimePeriod, excludeBots: boolean): AsyncGenerator<ExportedPost> {
    const statement = EXPORT_STATEMENTS[selection.kind];
    let after = { postedAt: '-infinity', id: '' };
    for (;;) {
      const values: unknown[] = [
        selection.kind === 'candidate' ? selection.candidateId : selection.query,
        period.from.toISOString(),
        period.to.toISOString(),
        excludeBots,
        after.postedAt,
        after.id,
      ];
      if (selection.kind === 'query') values.push(literalTokens(selection.query));
      const { rows } = await this.pool.query<Omit<ExportedPost, 'created_at'> & { created_at: Date }>({
        ...statement,
        values,
      });
      for (const row of rows) yield { ...row, created_at: row.created_at.toISOString() };
      const last = rows.at(-1);
      if (rows.length < EXPORT_BATCH || !last) return;
      after = { postedAt: last.created_at.toISOString(), id: last.id };
    }
  }
}

/** The #hashtags and @accounts of a query, lower-case as `strpos(lower(text), …)` compares them. */
export function literalTokens(query: string): string[] {
  return [...query.matchAll(LITERAL_TOKEN)].map((match) => match[0].toLowerCase());
}
