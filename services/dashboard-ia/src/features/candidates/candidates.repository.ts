import type { CampaignCandidate, TrackedQueryInput } from '@castor/contracts';
import { withTransaction } from '@castor/service-kit';
import type pg from 'pg';

interface CandidateRow {
  id: string;
  slug: string;
  name: string;
  party: string | null;
  own: boolean;
  color: string | null;
  queries: CampaignCandidate['queries'];
}

const SELECT_CANDIDATES = `
  SELECT c.id, c.slug, c.name, c.party, c.own, c.color,
         COALESCE(json_agg(json_build_object('id', q.id, 'kind', q.kind, 'value', q.value, 'active', q.active)
                  ORDER BY q.kind, q.value) FILTER (WHERE q.id IS NOT NULL), '[]') AS queries
    FROM candidates c LEFT JOIN tracked_queries q ON q.candidate_id = c.id`;

/** Every SQL statement on candidates and their tracked queries. */
export class CandidatesRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<CampaignCandidate[]> {
    const { rows } = await this.pool.query<CandidateRow>(
      `${SELECT_CANDIDATES} GROUP BY c.id ORDER BY c.own DESC, c.name`,
    );
    return rows;
  }

  async findBySlug(slug: string): Promise<CampaignCandidate | undefined> {
    const { rows } = await this.pool.query<CandidateRow>(`${SELECT_CANDIDATES} WHERE c.slug = $1 GROUP BY c.id`, [
      slug,
    ]);
    return rows[0];
  }

  /** Creates the candidate and its queries in one transaction; undefined when the slug is taken. */
  async create(candidate: {
    slug: string;
    name: string;
    party: string | null;
    own: boolean;
    color: string | null;
    queries: readonly TrackedQueryInput[];
  }): Promise<string | undefined> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO candidates (slug, name, party, own, color) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (slug) DO NOTHING RETURNING id`,
        [candidate.slug, candidate.name, candidate.party, candidate.own, candidate.color],
      );
      const id = rows[0]?.id;
      if (id === undefined) return undefined;
      await client.query(
        `INSERT INTO tracked_queries (candidate_id, kind, value)
         SELECT $1, kind, value FROM unnest($2::text[], $3::text[]) AS q(kind, value) ON CONFLICT DO NOTHING`,
        [id, candidate.queries.map((query) => query.kind), candidate.queries.map((query) => query.value)],
      );
      return id;
    });
  }
}
