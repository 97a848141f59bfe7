import type { PostSummary, SpikeAlert, TrendWindow } from '@castor/contracts';
import type pg from 'pg';

/** The posts of a trends range, column by column (100,000s of rows: arrays, not objects). */
export interface WindowPosts {
  ids: string[];
  authors: string[];
  /** Which window each post is in: 0 the current one, k the k-th before it. */
  windows: number[];
  engagement: number[];
}

export interface NewSpikeAlert {
  kind: SpikeAlert['kind'];
  term: string;
  candidateId: string | null;
  window: TrendWindow;
  windowStart: Date;
  volume: number;
  baseline: number;
  zScore: number;
  authors: number;
}

const SPIKE_COLUMNS = `s.id, s.kind, s.term, c.slug AS candidate, s."window",
  s.window_start AS "windowStart", s.volume, s.baseline, s.z_score AS "zScore", s.authors, s.created_at AS "detectedAt"`;

interface SpikeRow extends Omit<SpikeAlert, 'windowStart' | 'detectedAt'> {
  windowStart: Date;
  detectedAt: Date;
}

const toSpike = (row: SpikeRow): SpikeAlert => ({
  ...row,
  windowStart: row.windowStart.toISOString(),
  detectedAt: row.detectedAt.toISOString(),
});

/** What trends and spike alerts read and write in dashboard_db. */
export class TrendsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async candidateId(slug: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM candidates WHERE slug = $1', [slug]);
    return rows[0]?.id;
  }

  async candidates(): Promise<Array<{ id: string; slug: string }>> {
    const { rows } = await this.pool.query<{ id: string; slug: string }>(
      'SELECT id, slug FROM candidates ORDER BY slug',
    );
    return rows;
  }

  /**
   * The posts of [to − windows × length, to), overall or about one candidate (the candidate's
   * links are one index range), suspected bots left out unless included.
   */
  async windowPosts(options: {
    candidateId: string | null;
    to: Date;
    lengthMs: number;
    windows: number;
    includeBots: boolean;
  }): Promise<WindowPosts> {
    const from = new Date(options.to.getTime() - options.lengthMs * options.windows);
    const scope =
      options.candidateId === null
        ? 'posts p WHERE p.posted_at >= $1 AND p.posted_at < $2'
        : `post_candidates pc JOIN posts p ON p.id = pc.post_id
            WHERE pc.candidate_id = $5 AND pc.posted_at >= $1 AND pc.posted_at < $2`;
    const { rows } = await this.pool.query<[string, string, number, number]>({
      text: `SELECT p.id, p.author_id,
                    floor((extract(epoch FROM $2::timestamptz - p.posted_at) * 1000 - 1) / $3)::int,
                    p.likes + p.reposts + p.replies + p.quotes
               FROM ${scope} AND ($4 OR NOT p.author_suspected_bot)`,
      values: [
        from.toISOString(),
        options.to.toISOString(),
        options.lengthMs,
        options.includeBots,
        ...(options.candidateId === null ? [] : [options.candidateId]),
      ],
      rowMode: 'array',
    });
    const result: WindowPosts = { ids: [], authors: [], windows: [], engagement: [] };
    for (const row of rows) {
      result.ids.push(row[0]);
      result.authors.push(row[1]);
      result.windows.push(row[2]);
      result.engagement.push(row[3]);
    }
    return result;
  }

  async texts(ids: readonly string[]): Promise<Array<[string, string]>> {
    const { rows } = await this.pool.query<[string, string]>({
      text: 'SELECT id, text FROM posts WHERE id = ANY($1::text[])',
      values: [ids],
      rowMode: 'array',
    });
    return rows;
  }

  async postSummaries(ids: readonly string[]): Promise<Map<string, PostSummary>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.pool.query<Omit<PostSummary, 'postedAt'> & { postedAt: Date }>(
      `SELECT p.id, p.text, p.author_id AS "authorId", a.username AS "authorUsername", p.posted_at AS "postedAt",
              p.likes + p.reposts + p.replies + p.quotes AS engagement, p.sentiment_label AS sentiment,
              p.sentiment_score AS "sentimentScore", p.author_suspected_bot AS "suspectedBot"
         FROM posts p JOIN authors a ON a.id = p.author_id WHERE p.id = ANY($1::text[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, { ...row, postedAt: row.postedAt.toISOString() }]));
  }

  /** Spike alerts, newest first, of one candidate (its own and none other) or of everyone. */
  async spikes(candidateId: string | null, limit: number): Promise<SpikeAlert[]> {
    const { rows } = await this.pool.query<SpikeRow>(
      `SELECT ${SPIKE_COLUMNS} FROM spike_alerts s LEFT JOIN candidates c ON c.id = s.candidate_id
        WHERE $1::uuid IS NULL OR s.candidate_id = $1
        ORDER BY s.created_at DESC, s.z_score DESC LIMIT $2`,
      [candidateId, limit],
    );
    return rows.map(toSpike);
  }

  /**
   * Stores the alerts that are new: one already stored for the same kind, term, candidate and window
   * length whose window overlaps this one is the same spike still going on. Replicas detecting at
   * once are serialised by a transaction-scoped advisory lock.
   */
  async insertSpikes(client: pg.PoolClient, alerts: readonly NewSpikeAlert[], lengthMs: number): Promise<SpikeAlert[]> {
    if (alerts.length === 0) return [];
    await client.query("SELECT pg_advisory_xact_lock(hashtext('castor:dashboard:spike_alerts'))");
    const { rows } = await client.query<SpikeRow>(
      `WITH inserted AS (
         INSERT INTO spike_alerts (kind, term, candidate_id, "window", window_start, volume, baseline, z_score, authors)
         SELECT u.* FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[], $6::int[],
                                $7::real[], $8::real[], $9::int[])
                      AS u(kind, term, candidate_id, "window", window_start, volume, baseline, z_score, authors)
          WHERE NOT EXISTS (
            SELECT 1 FROM spike_alerts s
             WHERE s.kind = u.kind AND s.term = u.term AND s."window" = u."window"
               AND s.candidate_id IS NOT DISTINCT FROM u.candidate_id
               AND s.window_start > u.window_start - make_interval(secs => $10::float8 / 1000)
               AND s.window_start < u.window_start + make_interval(secs => $10::float8 / 1000))
         RETURNING *)
       SELECT ${SPIKE_COLUMNS} FROM inserted s LEFT JOIN candidates c ON c.id = s.candidate_id`,
      [
        alerts.map((alert) => alert.kind),
        alerts.map((alert) => alert.term),
        alerts.map((alert) => alert.candidateId),
        alerts.map((alert) => alert.window),
        alerts.map((alert) => alert.windowStart.toISOString()),
        alerts.map((alert) => alert.volume),
        alerts.map((alert) => alert.baseline),
        alerts.map((alert) => alert.zScore),
        alerts.map((alert) => alert.authors),
        lengthMs,
      ],
    );
    return rows.map(toSpike);
  }

  /** The topics of the latest computation replace the previous ones. */
  async replaceTopics(
    client: pg.PoolClient,
    topics: ReadonlyArray<{ label: string; terms: readonly string[]; posts: number }>,
  ): Promise<void> {
    await client.query('DELETE FROM topics');
    if (topics.length === 0) return;
    await client.query(
      `INSERT INTO topics (label, terms, posts)
       SELECT * FROM unnest($1::text[], $2::jsonb[], $3::int[])`,
      [
        topics.map((topic) => topic.label),
        topics.map((topic) => JSON.stringify(topic.terms)),
        topics.map((topic) => topic.posts),
      ],
    );
  }
}
