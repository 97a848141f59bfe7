import { withTransaction } from '@castor/service-kit';
import type pg from 'pg';
import {
  budgetResetsAt,
  budgetWindows,
  pageAllowance,
  type XBudgetLimits,
  type XWindowUsage,
} from '../../domain/x-budget.js';

/** Serialises reservations across replicas: the budget check and the reservation are one step. */
const BUDGET_LOCK = 0x78_62_75_64; // "xbud"

export interface XUsage {
  day: XWindowUsage;
  month: XWindowUsage;
}

export type Reservation =
  | { granted: true; id: number; maxResults: number }
  | { granted: false; resetsAt: Date; usage: XUsage };

export type ReadOutcome = 'settled' | 'failed';

/** A claimed refresh job with what the search needs. */
export interface ClaimedJob {
  queryId: string;
  candidateId: string | null;
  kind: 'term' | 'hashtag' | 'account';
  value: string;
  candidateSlug: string | null;
  sinceId: string | null;
  attempts: number;
  /** The lease this worker holds (whole milliseconds, so it survives a JS Date): every later write of the job is fenced by it. */
  leasedUntil: Date;
}

export interface JobSummary {
  jobs: number;
  parked: number;
  nextDueAt: Date | null;
  lastRunAt: Date | null;
  lastError: string | null;
}

const usageSql = `
  SELECT coalesce(sum(used) FILTER (WHERE status <> 'reserved'), 0)::int AS used,
         coalesce(sum(reserved) FILTER (WHERE status = 'reserved'), 0)::int AS reserved,
         coalesce(sum(users_read), 0)::int AS "usersRead"
    FROM x_reads WHERE day >= $1::date AND day < $2::date`;

/**
 * Every SQL statement of X reading: the read ledger (reserve before a call, settle after) that the
 * daily and monthly budgets are enforced on, and the durable refresh jobs (claimed with SKIP LOCKED
 * under a lease, so replicas share them and a crashed worker's job comes back).
 */
export class XRepository {
  constructor(private readonly pool: pg.Pool) {}

  private async usageIn(client: pg.PoolClient | pg.Pool, now: Date): Promise<XUsage> {
    const windows = budgetWindows(now);
    const day = await client.query<XWindowUsage>(usageSql, [isoDay(windows.dayStart), isoDay(windows.dayResetsAt)]);
    const month = await client.query<XWindowUsage>(usageSql, [
      isoDay(windows.monthStart),
      isoDay(windows.monthResetsAt),
    ]);
    return { day: day.rows[0] as XWindowUsage, month: month.rows[0] as XWindowUsage };
  }

  usage(now = new Date()): Promise<XUsage> {
    return this.usageIn(this.pool, now);
  }

  /**
   * Reserves the posts a search page may read, in one transaction under a lock: as many as both
   * windows still allow (up to 100), or none, with when reading may start again.
   */
  reserveSearch(query: string, limits: XBudgetLimits, now = new Date()): Promise<Reservation> {
    return withTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [BUDGET_LOCK]);
      const usage = await this.usageIn(client, now);
      const maxResults = pageAllowance(limits, usage.day, usage.month);
      if (maxResults === 0) {
        return { granted: false, resetsAt: budgetResetsAt(limits, usage.month, budgetWindows(now)), usage };
      }
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO x_reads (day, endpoint, query, reserved) VALUES ($1::date, 'tweets/search/recent', $2, $3) RETURNING id`,
        [isoDay(now), query, maxResults],
      );
      return { granted: true, id: (rows[0] as { id: number }).id, maxResults };
    });
  }

  /** A user lookup reads no posts: it is recorded (and billed) by the users it returns. */
  async recordUserLookup(usernames: readonly string[], usersRead: number, outcome: ReadOutcome, now = new Date()) {
    await this.pool.query(
      `INSERT INTO x_reads (day, endpoint, query, reserved, used, users_read, status, settled_at)
       VALUES ($1::date, 'users/by', $2, 0, 0, $3, $4, now())`,
      [isoDay(now), usernames.join(','), usersRead, outcome],
    );
  }

  /** What the call really read: posts and users X returned (0 when it failed before answering). */
  async settle(id: number, postsRead: number, usersRead: number, outcome: ReadOutcome): Promise<void> {
    await this.pool.query(
      `UPDATE x_reads SET used = $2, users_read = $3, status = $4, settled_at = now() WHERE id = $1 AND status = 'reserved'`,
      [id, postsRead, usersRead, outcome],
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Refresh jobs

  /** One job per active tracked query (new queries get one due now). */
  async syncJobs(): Promise<void> {
    await this.pool.query(
      `INSERT INTO x_refresh_jobs (query_id) SELECT id FROM tracked_queries WHERE active ON CONFLICT DO NOTHING`,
    );
  }

  /** Makes jobs due now and releases parked ones (all, or those of the given queries). */
  async makeDue(queryIds: readonly string[] | null): Promise<void> {
    await this.pool.query(
      `UPDATE x_refresh_jobs SET due_at = now(), parked_at = NULL, attempts = 0
        WHERE $1::uuid[] IS NULL OR query_id = ANY($1::uuid[])`,
      [queryIds],
    );
  }

  /** The active tracked queries of a candidate; null when no candidate is followed as `slug`. */
  async candidateQueryIds(slug: string): Promise<string[] | null> {
    const { rows } = await this.pool.query<{ id: string | null }>(
      `SELECT q.id FROM candidates c LEFT JOIN tracked_queries q ON q.candidate_id = c.id AND q.active WHERE c.slug = $1`,
      [slug],
    );
    if (rows.length === 0) return null;
    return rows.flatMap((row) => (row.id === null ? [] : [row.id]));
  }

  /** At start: a restart is how a new token arrives, so parked jobs get another chance. */
  async releaseParked(): Promise<void> {
    await this.pool.query(`UPDATE x_refresh_jobs SET parked_at = NULL, attempts = 0 WHERE parked_at IS NOT NULL`);
  }

  /** What the given tracked queries are (for the runs a manual refresh could not claim). */
  async describeQueries(queryIds: readonly string[]) {
    const { rows } = await this.pool.query<{
      queryId: string;
      kind: 'term' | 'hashtag' | 'account';
      value: string;
      candidateSlug: string | null;
      dueAt: Date;
    }>(
      `SELECT q.id AS "queryId", q.kind, q.value, c.slug AS "candidateSlug", j.due_at AS "dueAt"
         FROM tracked_queries q LEFT JOIN candidates c ON c.id = q.candidate_id
         JOIN x_refresh_jobs j ON j.query_id = q.id
        WHERE q.id = ANY($1::uuid[])`,
      [queryIds],
    );
    return rows;
  }

  /**
   * Leases the next due job that no other worker holds (SKIP LOCKED), counting the attempt; only
   * among `queryIds` when given.
   */
  async claimNext(leaseSeconds: number, queryIds: readonly string[] | null): Promise<ClaimedJob | undefined> {
    const { rows } = await this.pool.query<ClaimedJob>(
      `WITH next AS (
         SELECT j.query_id FROM x_refresh_jobs j JOIN tracked_queries q ON q.id = j.query_id AND q.active
          WHERE j.due_at <= now() AND j.parked_at IS NULL AND (j.leased_until IS NULL OR j.leased_until < now())
            AND ($2::uuid[] IS NULL OR j.query_id = ANY($2::uuid[]))
          ORDER BY j.due_at LIMIT 1 FOR UPDATE OF j SKIP LOCKED)
       UPDATE x_refresh_jobs j
          SET leased_until = date_trunc('milliseconds', now() + make_interval(secs => $1)),
              attempts = j.attempts + 1
         FROM next, tracked_queries q LEFT JOIN candidates c ON c.id = q.candidate_id
        WHERE j.query_id = next.query_id AND q.id = next.query_id
       RETURNING j.query_id AS "queryId", q.candidate_id AS "candidateId", q.kind, q.value, c.slug AS "candidateSlug", j.since_id AS "sinceId",
                 j.attempts, j.leased_until AS "leasedUntil"`,
      [leaseSeconds, queryIds],
    );
    return rows[0];
  }

  /** The run read everything new: next run after the interval, from the newest post seen. */
  async complete(job: ClaimedJob, sinceId: string | null, nextDueAt: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE x_refresh_jobs SET due_at = $3, leased_until = NULL, attempts = 0, since_id = coalesce($4, since_id),
              last_error = NULL, last_run_at = now()
        WHERE query_id = $1 AND leased_until = $2`,
      [job.queryId, job.leasedUntil, nextDueAt, sinceId],
    );
    return rowCount === 1;
  }

  /**
   * The run stopped early; the job comes back at `dueAt`. A wait X or the budget imposes is not a
   * failure (`countsAsAttempt` false gives the attempt back).
   */
  async reschedule(job: ClaimedJob, dueAt: Date, error: string, countsAsAttempt: boolean): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE x_refresh_jobs SET due_at = $3, leased_until = NULL, last_error = $4, last_run_at = now(),
              attempts = CASE WHEN $5 THEN attempts ELSE greatest(attempts - 1, 0) END
        WHERE query_id = $1 AND leased_until = $2`,
      [job.queryId, job.leasedUntil, dueAt, error, countsAsAttempt],
    );
    return rowCount === 1;
  }

  /** Stops the job until a manual refresh or a restart releases it (X refused the token, or too many failures). */
  async park(job: ClaimedJob, error: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE x_refresh_jobs SET parked_at = now(), leased_until = NULL, last_error = $3, last_run_at = now()
        WHERE query_id = $1 AND leased_until = $2`,
      [job.queryId, job.leasedUntil, error],
    );
    return rowCount === 1;
  }

  async jobSummary(): Promise<JobSummary> {
    const { rows } = await this.pool.query<JobSummary>(
      `SELECT count(*)::int AS jobs, count(*) FILTER (WHERE parked_at IS NOT NULL)::int AS parked,
              min(due_at) FILTER (WHERE parked_at IS NULL) AS "nextDueAt", max(last_run_at) AS "lastRunAt",
              (SELECT last_error FROM x_refresh_jobs WHERE last_error IS NOT NULL
                ORDER BY last_run_at DESC NULLS LAST LIMIT 1) AS "lastError"
         FROM x_refresh_jobs j JOIN tracked_queries q ON q.id = j.query_id AND q.active`,
    );
    return rows[0] as JobSummary;
  }
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
