import {
  PIPELINE_ACTIVITY_BUCKET_MINUTES,
  PIPELINE_ACTIVITY_MAX_BUCKETS,
  PIPELINE_ACTIVITY_MIN_WINDOW_MINUTES,
  PIPELINE_ACTIVITY_WINDOW_HOURS,
  type PipelineActivity,
} from '@castor/contracts';
import type pg from 'pg';
import { withTransaction } from '../../db/client.js';

const MINUTE_MS = 60_000;
/** Buckets start on round clock minutes (date_bin's origin). */
const BUCKET_ORIGIN = '2000-01-01T00:00:00Z';

/** The narrowest bucket width that keeps a window of `spanMs` within the most buckets a chart shows. */
export function bucketMinutesFor(spanMs: number): number {
  const fits = PIPELINE_ACTIVITY_BUCKET_MINUTES.find(
    (minutes) => spanMs / (minutes * MINUTE_MS) <= PIPELINE_ACTIVITY_MAX_BUCKETS,
  );
  return fits ?? Math.max(...PIPELINE_ACTIVITY_BUCKET_MINUTES);
}

interface BucketRow {
  start: Date;
  received: number;
  read: number;
  validated: number;
  backlog: number;
}

/**
 * An election's documents over time (election night's throughput and backlog): received, read and
 * validated per bucket, from the first document (at least the shortest window, at most the longest) to now. Each count
 * reads one range of `e14_documents_election_created_idx` or `_finished_idx`; the backlog is walked
 * back from today's (received minus finished after each bucket), so no query counts the whole past.
 * Both queries read one snapshot (and one now()), so the walk lands exactly on today's backlog.
 */
export class PipelineActivityRepository {
  constructor(private readonly pool: pg.Pool) {}

  activity(electionCode: string): Promise<PipelineActivity> {
    return withTransaction(this.pool, async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return activityIn(client, electionCode);
    });
  }
}

async function activityIn(client: pg.PoolClient, electionCode: string): Promise<PipelineActivity> {
  const bounds = await client.query<{ first: Date | null; now: Date }>(
    'SELECT min(created_at) AS first, now() AS now FROM e14_documents WHERE election_code = $1',
    [electionCode],
  );
  const { first, now } = bounds.rows[0] ?? { first: null, now: new Date() };
  if (!first)
    return { election: electionCode, bucketMinutes: bucketMinutesFor(0), generatedAt: now.toISOString(), buckets: [] };
  const longest = now.getTime() - PIPELINE_ACTIVITY_WINDOW_HOURS * 60 * MINUTE_MS;
  const shortest = now.getTime() - PIPELINE_ACTIVITY_MIN_WINDOW_MINUTES * MINUTE_MS;
  const from = new Date(Math.max(Math.min(first.getTime(), shortest), longest));
  const bucketMinutes = bucketMinutesFor(now.getTime() - from.getTime());
  const rows = await client.query<BucketRow>(
    `WITH bins AS (
         SELECT generate_series(date_bin($2::interval, $3::timestamptz, $4::timestamptz), $5::timestamptz, $2::interval) AS start
       ),
       window_start AS (SELECT min(start) AS at FROM bins),
       received AS (
         SELECT date_bin($2::interval, created_at, $4::timestamptz) AS start, count(*)::int AS received
         FROM e14_documents
         WHERE election_code = $1 AND created_at >= (SELECT at FROM window_start)
         GROUP BY 1
       ),
       finished AS (
         SELECT date_bin($2::interval, d.finished_at, $4::timestamptz) AS start, count(*)::int AS finished,
                count(*) FILTER (WHERE d.state = 'done')::int AS read,
                count(*) FILTER (WHERE d.state = 'done' AND f.status = 'validated')::int AS validated
         FROM e14_documents d LEFT JOIN e14_forms f ON f.id = d.form_id
         WHERE d.election_code = $1 AND d.finished_at >= (SELECT at FROM window_start)
         GROUP BY 1
       ),
       waiting AS (
         SELECT count(*)::int AS now FROM e14_documents
         WHERE election_code = $1 AND state IN ('queued', 'processing')
       )
       SELECT b.start, coalesce(r.received, 0) AS received, coalesce(f.read, 0) AS read,
              coalesce(f.validated, 0) AS validated,
              ((SELECT now FROM waiting) - coalesce(sum(coalesce(r.received, 0) - coalesce(f.finished, 0))
                 OVER (ORDER BY b.start DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::int AS backlog
       FROM bins b LEFT JOIN received r ON r.start = b.start LEFT JOIN finished f ON f.start = b.start
       ORDER BY b.start`,
    [electionCode, `${bucketMinutes} minutes`, from, BUCKET_ORIGIN, now],
  );
  return {
    election: electionCode,
    bucketMinutes,
    generatedAt: now.toISOString(),
    buckets: rows.rows.map((row) => ({ ...row, start: row.start.toISOString() })),
  };
}
