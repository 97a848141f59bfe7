import type { AdvisorEvidence, Recommendation } from '@castor/contracts';
import type pg from 'pg';

export interface AdvisedCandidate {
  id: string;
  slug: string;
  name: string;
}

/** A candidate's conversation in one period: posts, tone, bots and share of voice. */
export interface PeriodFigures {
  posts: number;
  /** Scored posts (sentiment known): the base of the shares below. */
  scored: number;
  negative: number;
  positive: number;
  /** Posts by suspected bots, counted whether or not bots are left out of the rest. */
  botPosts: number;
  /** Posts about any followed candidate in the period (the share of voice's base). */
  allPosts: number;
}

export interface CandidateFigures {
  candidate: AdvisedCandidate;
  current: PeriodFigures;
  previous: PeriodFigures;
}

export interface NegativePost {
  id: string;
  text: string;
  engagement: number;
}

export interface RecentSpike {
  id: string;
  term: string;
  zScore: number;
  volume: number;
}

type NewRecommendation = Omit<Recommendation, 'taskId' | 'createdAt'>;

const RECOMMENDATION_COLUMNS = `id, title, why, priority, owner_role AS "ownerRole", evidence, task_id AS "taskId", created_at AS "createdAt"`;

const toRecommendation = (row: Omit<Recommendation, 'createdAt'> & { createdAt: Date }): Recommendation => ({
  ...row,
  createdAt: row.createdAt.toISOString(),
});

/** The evidence the advisor reads (posts, spikes) and the recommendations it keeps, in dashboard_db. */
export class AdvisorRepository {
  constructor(private readonly pool: pg.Pool) {}

  async candidates(): Promise<Array<AdvisedCandidate & { own: boolean }>> {
    const { rows } = await this.pool.query<AdvisedCandidate & { own: boolean }>(
      'SELECT id, slug, name, own FROM candidates ORDER BY slug',
    );
    return rows;
  }

  /**
   * Every candidate's figures in [from, to) and in the period of the same length before it, in one
   * pass over the post-candidate links (bots left out of all but `botPosts` when asked).
   */
  async figures(from: Date, to: Date, excludeBots: boolean): Promise<Map<string, Omit<CandidateFigures, 'candidate'>>> {
    const previousFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
    const { rows } = await this.pool.query<{ candidateId: string; period: 'current' | 'previous' } & PeriodFigures>(
      `WITH links AS (
         SELECT candidate_id, sentiment_label, author_suspected_bot, post_id,
                CASE WHEN posted_at >= $2 THEN 'current' ELSE 'previous' END AS period
           FROM post_candidates WHERE posted_at >= $1 AND posted_at < $3),
       totals AS (
         SELECT period, count(DISTINCT post_id) FILTER (WHERE NOT ($4 AND author_suspected_bot))::int AS all_posts
           FROM links GROUP BY period)
       SELECT l.candidate_id AS "candidateId", l.period,
              count(*) FILTER (WHERE NOT ($4 AND l.author_suspected_bot))::int AS posts,
              count(*) FILTER (WHERE NOT ($4 AND l.author_suspected_bot) AND l.sentiment_label IS NOT NULL)::int AS scored,
              count(*) FILTER (WHERE NOT ($4 AND l.author_suspected_bot) AND l.sentiment_label = 'negative')::int AS negative,
              count(*) FILTER (WHERE NOT ($4 AND l.author_suspected_bot) AND l.sentiment_label = 'positive')::int AS positive,
              count(*) FILTER (WHERE l.author_suspected_bot)::int AS "botPosts",
              max(t.all_posts) AS "allPosts"
         FROM links l JOIN totals t ON t.period = l.period
        GROUP BY l.candidate_id, l.period`,
      [previousFrom, from, to, excludeBots],
    );
    const empty = (): PeriodFigures => ({ posts: 0, scored: 0, negative: 0, positive: 0, botPosts: 0, allPosts: 0 });
    const figures = new Map<string, Omit<CandidateFigures, 'candidate'>>();
    for (const { candidateId, period, ...counts } of rows) {
      const entry = figures.get(candidateId) ?? { current: empty(), previous: empty() };
      entry[period] = counts;
      figures.set(candidateId, entry);
    }
    return figures;
  }

  /** The candidate's most engaged negative posts of the period (people, not suspected bots). */
  async negativePosts(candidateId: string, from: Date, to: Date, limit: number): Promise<NegativePost[]> {
    const { rows } = await this.pool.query<NegativePost>(
      `SELECT p.id, p.text, pc.engagement FROM post_candidates pc JOIN posts p ON p.id = pc.post_id
        WHERE pc.candidate_id = $1 AND pc.posted_at >= $2 AND pc.posted_at < $3
          AND pc.sentiment_label = 'negative' AND NOT pc.author_suspected_bot
        ORDER BY pc.engagement DESC, p.id LIMIT $4`,
      [candidateId, from, to, limit],
    );
    return rows;
  }

  /** Spike alerts about the candidate detected in the period, strongest first. */
  async spikes(candidateId: string, from: Date, limit: number): Promise<RecentSpike[]> {
    const { rows } = await this.pool.query<RecentSpike>(
      `SELECT id::text, term, z_score AS "zScore", volume FROM spike_alerts
        WHERE candidate_id = $1 AND created_at >= $2 ORDER BY z_score DESC LIMIT $3`,
      [candidateId, from, limit],
    );
    return rows;
  }

  async save(
    candidateId: string,
    requestedBy: string,
    answeredBy: object,
    recommendations: readonly NewRecommendation[],
  ): Promise<Recommendation[]> {
    if (recommendations.length === 0) return [];
    const { rows } = await this.pool.query<Omit<Recommendation, 'createdAt'> & { createdAt: Date }>(
      `INSERT INTO advisor_recommendations (id, candidate_id, requested_by, title, why, priority, owner_role, evidence, answered_by)
       SELECT u.id, $1, $2, u.title, u.why, u.priority, u.owner_role, u.evidence, $3
         FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[])
              WITH ORDINALITY AS u(id, title, why, priority, owner_role, evidence, n)
        ORDER BY u.n
       RETURNING ${RECOMMENDATION_COLUMNS}`,
      [
        candidateId,
        requestedBy,
        JSON.stringify(answeredBy),
        recommendations.map((entry) => entry.id),
        recommendations.map((entry) => entry.title),
        recommendations.map((entry) => entry.why),
        recommendations.map((entry) => entry.priority),
        recommendations.map((entry) => entry.ownerRole),
        recommendations.map((entry) => JSON.stringify(entry.evidence satisfies AdvisorEvidence[])),
      ],
    );
    const byId = new Map(rows.map((row) => [row.id, toRecommendation(row)]));
    return recommendations.map((entry) => byId.get(entry.id) as Recommendation);
  }

  async recent(limit: number): Promise<Recommendation[]> {
    const { rows } = await this.pool.query<Omit<Recommendation, 'createdAt'> & { createdAt: Date }>(
      `SELECT ${RECOMMENDATION_COLUMNS} FROM advisor_recommendations ORDER BY created_at DESC, id LIMIT $1`,
      [limit],
    );
    return rows.map(toRecommendation);
  }

  async find(id: string): Promise<Recommendation | undefined> {
    const { rows } = await this.pool.query<Omit<Recommendation, 'createdAt'> & { createdAt: Date }>(
      `SELECT ${RECOMMENDATION_COLUMNS} FROM advisor_recommendations WHERE id = $1`,
      [id],
    );
    return rows[0] && toRecommendation(rows[0]);
  }

  /**
   * Runs `create` for a recommendation that has no task yet and links the task it made, one caller
   * at a time per recommendation (two clicks make one task); answers the task's id either way.
   */
  async linkTask(id: string, create: () => Promise<string>): Promise<{ taskId: string; created: boolean }> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [`advisor:${id}`]);
      const { rows } = await client.query<{ taskId: string | null }>(
        'SELECT task_id AS "taskId" FROM advisor_recommendations WHERE id = $1',
        [id],
      );
      const existing = rows[0]?.taskId;
      if (existing) return { taskId: existing, created: false };
      const taskId = await create();
      await client.query('UPDATE advisor_recommendations SET task_id = $2 WHERE id = $1', [id, taskId]);
      return { taskId, created: true };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`advisor:${id}`]).catch(() => undefined);
      client.release();
    }
  }
}
