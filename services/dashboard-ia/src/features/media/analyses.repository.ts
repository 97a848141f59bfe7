import type { ANALYSIS_KINDS, CampaignAnalysis, MediaAnalysis, RivalsComparison } from '@castor/contracts';
import type pg from 'pg';

export type AnalysisKind = (typeof ANALYSIS_KINDS)[number];
/** A stored answer, as the route of its kind gave it. */
export type StoredAnalysisResult = MediaAnalysis | CampaignAnalysis | RivalsComparison;

export interface StoredAnalysisHead {
  id: string;
  kind: AnalysisKind;
  /** ISO with microseconds, exactly as stored, so a keyset page never skips a row. */
  createdAt: string;
  request: Record<string, unknown>;
  /** What the history line is made of, read from the stored result. */
  subject: string;
  posts: number;
  net: number | null;
}

const CREATED_AT_ISO = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The figures of a history line, wherever the kind keeps them: a media analysis at the top, a campaign
 * analysis under `analysis`, a comparison as the sum of its candidates' posts.
 */
const HEADLINE_FIGURES = `
  CASE kind
    WHEN 'media' THEN json_build_object('subject', coalesce(result->'candidate'->>'name', result->>'query'),
                                        'posts', (result->'totals'->>'posts')::int, 'net', (result->'sentiment'->>'net')::float8)
    WHEN 'campaign' THEN json_build_object('subject', result->'analysis'->'candidate'->>'name',
                                           'posts', (result->'analysis'->'totals'->>'posts')::int,
                                           'net', (result->'analysis'->'sentiment'->>'net')::float8)
    ELSE json_build_object('subject', (SELECT string_agg(c->'candidate'->>'name', ' vs. ')
                                         FROM jsonb_array_elements(result->'candidates') AS c),
                           'posts', (SELECT sum((c->'measures'->>'posts')::int)
                                       FROM jsonb_array_elements(result->'candidates') AS c),
                           'net', NULL)
  END`;

export interface AnalysisRecord {
  id: string;
  kind: AnalysisKind;
  requestedBy: string;
  request: unknown;
  result: unknown;
}

/** The analyses users asked for, each readable by its author only. */
export class AnalysesRepository {
  /** `onRecorded` runs after each insert (app.ts indexes the analysis for retrieval there). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly onRecorded: (analysis: AnalysisRecord) => Promise<void> = async () => {},
  ) {}

  async record(analysis: AnalysisRecord): Promise<void> {
    await this.pool.query({
      name: 'dashboard-analyses-record',
      text: 'INSERT INTO analyses (id, kind, requested_by, request, result) VALUES ($1, $2, $3, $4, $5)',
      values: [
        analysis.id,
        analysis.kind,
        analysis.requestedBy,
        JSON.stringify(analysis.request),
        JSON.stringify(analysis.result),
      ],
    });
    await this.onRecorded(analysis);
  }

  /** The user's analyses newest first, older than `before` (exclusive) when given. */
  async history(
    requestedBy: string,
    options: { kind: AnalysisKind | undefined; before: string | undefined; limit: number },
  ): Promise<StoredAnalysisHead[]> {
    const { rows } = await this.pool.query<{
      id: string;
      kind: AnalysisKind;
      created_at: string;
      request: Record<string, unknown>;
      figures: { subject: string | null; posts: number | null; net: number | null };
    }>({
      name: 'dashboard-analyses-history',
      text: `SELECT id, kind, ${CREATED_AT_ISO} AS created_at, request, ${HEADLINE_FIGURES} AS figures
               FROM analyses
              WHERE requested_by = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::timestamptz IS NULL OR created_at < $3)
              ORDER BY created_at DESC, id DESC LIMIT $4`,
      values: [requestedBy, options.kind ?? null, options.before ?? null, options.limit],
    });
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      createdAt: row.created_at,
      request: row.request,
      subject: row.figures.subject ?? '',
      posts: row.figures.posts ?? 0,
      net: row.figures.net,
    }));
  }

  /** One of the user's analyses as it was answered; undefined when there is none or it is someone else's. */
  async result(requestedBy: string, id: string): Promise<StoredAnalysisResult | undefined> {
    const { rows } = await this.pool.query<{ result: StoredAnalysisResult }>({
      name: 'dashboard-analyses-result',
      text: 'SELECT result FROM analyses WHERE id = $1 AND requested_by = $2',
      values: [id, requestedBy],
    });
    return rows[0]?.result;
  }
}
