import type { CropRef, ReviewTask, RuleFinding } from '@castor/contracts';
import { and, count, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import type pg from 'pg';
import { createDb, type E14Db, withTransaction } from '../../db/client.js';
import { e14Forms, type elections, mesas, reviewEntries, reviewedForms, reviewTasks } from '../../db/schema/index.js';
import { type AuditInput, appendAudit } from '../../shared/audit-chain.js';
import type { Answer, CellState, Resolution } from './review-answers.js';

/** A review task; its text columns narrowed to the values their CHECK constraints allow. */
export type ReviewTaskRecord = Omit<
  typeof reviewTasks.$inferSelect,
  'reason' | 'status' | 'resolvedState' | 'resolution'
> & {
  reason: ReviewTask['reason'];
  status: ReviewTask['status'];
  resolvedState: CellState | null;
  resolution: Resolution | null;
};

/** A closed task's value for its field (a closed task always has a resolved state). */
export type ClosedField = Pick<ReviewTaskRecord, 'fieldPath' | 'resolvedValue' | 'resolvedBy'> & {
  resolvedState: CellState;
  resolution: Resolution | null;
};

/** One reviewer's entry of a task. */
export type ReviewEntryRecord = Pick<typeof reviewEntries.$inferSelect, 'reviewerId'> & Answer;

/** Where the reviewer version of a form stands. */
export type ReviewedFormRecord = Pick<typeof reviewedForms.$inferSelect, 'reviewedFormId'> & {
  state: 'pending' | 'stored' | 'refused';
  error: { code: string; message: string } | null;
};

/** A task with what a reviewer sees of its form: the stored submission, findings, crop. */
export type TaskViewRecord = Pick<ReviewTaskRecord, 'id' | 'formId' | 'fieldPath' | 'reason' | 'status'> &
  Pick<typeof e14Forms.$inferSelect, 'source' | 'payload'> & {
    entries: number;
    electionCode: (typeof elections.$inferSelect)['code'];
    mesaKey: (typeof mesas.$inferSelect)['mesaKey'];
    corporation: ReviewTask['context']['corporation'];
    copy: ReviewTask['context']['copy'];
    findings: RuleFinding[];
    crop: CropRef | null;
  };

/** What an admin's list of tasks is narrowed to (a mesa key names a mesa only within its election). */
export interface TaskListFilter {
  status: ReviewTask['status'];
  reason?: ReviewTask['reason'] | undefined;
  election?: { id: number; mesaKey?: string | undefined } | undefined;
}

/** Reviewer accuracy counts: entries given, entries on closed tasks, and those matching the closed value. */
export type ReviewerCounts = Pick<typeof reviewEntries.$inferSelect, 'reviewerId'> & {
  entries: number;
  judged: number;
  agreed: number;
};

/** A reviewer version written at closing and not yet stored through intake. */
export type PendingReviewedForm = Pick<typeof reviewedForms.$inferSelect, 'formId' | 'submission'>;

/** How many reviewer versions one flush stores. */
const FLUSH_BATCH = 500;

/** Every SQL statement of the review desk about tasks, entries and reviewer versions (crops: ReviewCropsRepository). */
export class ReviewRepository {
  private readonly db: E14Db;

  constructor(private readonly pool: pg.Pool) {
    this.db = createDb(pool);
  }

  /** Up to `limit` pending tasks after `afterId` the reviewer has not answered, oldest first. */
  async queuePage(reviewerId: string, afterId: number, limit: number): Promise<number[]> {
    const page = await this.pool.query<{ id: string }>({
      name: 'review-queue-page',
      text: `SELECT t.id FROM review_tasks t
             WHERE t.status = 'pending' AND t.id > $2
               AND NOT EXISTS (SELECT 1 FROM review_entries e WHERE e.task_id = t.id AND e.reviewer_id = $1)
             ORDER BY t.id LIMIT $3`,
      values: [reviewerId, afterId, limit],
    });
    return page.rows.map((row) => Number(row.id));
  }

  /** Up to `limit` ids of tasks matching `filter` after `afterId`, oldest first. */
  async taskIds(filter: TaskListFilter, afterId: number, limit: number): Promise<number[]> {
    const { status, election, reason } = filter;
    const mesaIds =
      election?.mesaKey === undefined
        ? undefined
        : this.db
            .select({ id: mesas.id })
            .from(mesas)
            .where(and(eq(mesas.electionId, election.id), eq(mesas.mesaKey, election.mesaKey)));
    const rows = await this.db
      .select({ id: reviewTasks.id })
      .from(reviewTasks)
      .innerJoin(e14Forms, eq(e14Forms.id, reviewTasks.formId))
      .where(
        and(
          eq(reviewTasks.status, status),
          gt(reviewTasks.id, afterId),
          reason === undefined ? undefined : eq(reviewTasks.reason, reason),
          election === undefined ? undefined : eq(e14Forms.electionId, election.id),
          mesaIds === undefined ? undefined : inArray(e14Forms.mesaId, mesaIds),
        ),
      )
      .orderBy(reviewTasks.id)
      .limit(limit);
    return rows.map((row) => row.id);
  }

  async hasEntry(taskId: number, reviewerId: string): Promise<boolean> {
    const rows = await this.db
      .select({ taskId: reviewEntries.taskId })
      .from(reviewEntries)
      .where(and(eq(reviewEntries.taskId, taskId), eq(reviewEntries.reviewerId, reviewerId)));
    return rows.length > 0;
  }

  /** The task with this reviewer's own entry and the task's entry count, if they answered it. */
  async answeredTask(
    taskId: number,
    reviewerId: string,
  ): Promise<{ task: ReviewTaskRecord; own: Answer; entries: number } | null> {
    const [row] = await this.db
      .select({
        task: reviewTasks,
        state: reviewEntries.state,
        value: reviewEntries.value,
        entries: sql<number>`(SELECT count(*) FROM review_entries x WHERE x.task_id = ${reviewTasks.id})::int`,
      })
      .from(reviewTasks)
      .innerJoin(reviewEntries, and(eq(reviewEntries.taskId, reviewTasks.id), eq(reviewEntries.reviewerId, reviewerId)))
      .where(eq(reviewTasks.id, taskId));
    if (!row) return null;
    return {
      task: row.task as ReviewTaskRecord,
      own: { state: row.state as CellState, value: row.value },
      entries: row.entries,
    };
  }

  /** The task with its form, election, mesa and the field's crop. */
  async taskView(taskId: number): Promise<TaskViewRecord | null> {
    const [view] = await this.taskViews([taskId]);
    return view ?? null;
  }

  /** These tasks (those that exist) with their form, election, mesa and the field's crop, oldest first. */
  async taskViews(taskIds: readonly number[]): Promise<TaskViewRecord[]> {
    const rows = await this.pool.query<{
      id: string;
      form_id: string;
      field_path: string;
      reason: TaskViewRecord['reason'];
      status: TaskViewRecord['status'];
      entries: number;
      election_code: string;
      corporation: TaskViewRecord['corporation'];
      copy: TaskViewRecord['copy'];
      source: string;
      findings: RuleFinding[];
      payload: unknown;
      mesa_key: string;
      crop: CropRef | null;
    }>({
      name: 'review-task-views',
      text: `SELECT t.id, t.form_id, t.field_path, t.reason, t.status,
                    (SELECT count(*) FROM review_entries e WHERE e.task_id = t.id)::int AS entries,
                    el.code AS election_code, f.corporation, f.copy, f.source, f.findings, f.payload, m.mesa_key,
                    fl.crop
             FROM review_tasks t
             JOIN e14_forms f ON f.id = t.form_id
             JOIN elections el ON el.id = f.election_id
             JOIN mesas m ON m.id = f.mesa_id
             LEFT JOIN e14_fields fl ON fl.form_id = t.form_id AND fl.path = t.field_path
             WHERE t.id = ANY($1::bigint[])
             ORDER BY t.id`,
      values: [taskIds],
    });
    return rows.rows.map(({ id, form_id, field_path, election_code, mesa_key, ...rest }) => ({
      ...rest,
      id: Number(id),
      formId: Number(form_id),
      fieldPath: field_path,
      electionCode: election_code,
      mesaKey: mesa_key,
    }));
  }

  /**
   * Runs `work` in a transaction holding the row locks of every task of the task's form (taken in
   * id order), with the task and its entries; null when there is no such task.
   */
  async withFormLocked<T>(
    taskId: number,
    work: (tx: ReviewTransaction, task: ReviewTaskRecord, entries: ReviewEntryRecord[]) => Promise<T>,
  ): Promise<T | null> {
    return withTransaction(this.pool, async (client) => {
      const db = createDb(client);
      const tasks = await db
        .select()
        .from(reviewTasks)
        .where(eq(reviewTasks.formId, sql`(SELECT form_id FROM review_tasks WHERE id = ${taskId})`))
        .orderBy(reviewTasks.id)
        .for('update');
      const task = tasks.find((row) => row.id === taskId) as ReviewTaskRecord | undefined;
      if (!task) return null;
      const entries = await db
        .select({ reviewerId: reviewEntries.reviewerId, state: reviewEntries.state, value: reviewEntries.value })
        .from(reviewEntries)
        .where(eq(reviewEntries.taskId, taskId))
        .orderBy(reviewEntries.createdAt);
      return work(new ReviewTransaction(client, db), task, entries as ReviewEntryRecord[]);
    });
  }

  /** Reviewer versions still to store through intake (of these forms, or all), oldest form first. */
  async pendingReviewedForms(formIds?: readonly number[]): Promise<PendingReviewedForm[]> {
    return this.db
      .select({ formId: reviewedForms.formId, submission: reviewedForms.submission })
      .from(reviewedForms)
      .where(
        and(
          eq(reviewedForms.state, 'pending'),
          formIds === undefined ? undefined : inArray(reviewedForms.formId, [...formIds]),
        ),
      )
      .orderBy(reviewedForms.formId)
      .limit(FLUSH_BATCH);
  }

  async markReviewedFormRefused(formId: number, error: { code: string; message: string }): Promise<void> {
    await this.db
      .update(reviewedForms)
      .set({ state: 'refused', error, updatedAt: sql`now()` })
      .where(eq(reviewedForms.formId, formId));
  }

  /**
   * Marks the reviewer version stored as form `reviewedFormId`. Cells people already judged
   * illegible stay illegible on the reviewer version, and the confidence rule would queue them
   * again: its tasks take over the closed tasks' judgement, signed by `by`.
   */
  async markReviewedFormStored(formId: number, reviewedFormId: number, by: string): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query(
        `UPDATE review_tasks r SET status = 'done', resolved_at = now(), resolved_state = o.resolved_state,
                resolved_value = o.resolved_value, resolution = o.resolution, resolved_by = $3
         FROM review_tasks o
         WHERE r.form_id = $2 AND r.status <> 'done' AND o.form_id = $1 AND o.field_path = r.field_path
           AND o.status = 'done'`,
        [formId, reviewedFormId, by],
      );
      await createDb(client)
        .update(reviewedForms)
        .set({ state: 'stored', reviewedFormId, error: null, updatedAt: sql`now()` })
        .where(eq(reviewedForms.formId, formId));
    });
  }

  async reviewedForm(formId: number): Promise<ReviewedFormRecord | null> {
    const [row] = await this.db
      .select({ state: reviewedForms.state, reviewedFormId: reviewedForms.reviewedFormId, error: reviewedForms.error })
      .from(reviewedForms)
      .where(eq(reviewedForms.formId, formId));
    return (row as ReviewedFormRecord | undefined) ?? null;
  }

  /** Per reviewer, ordered by reviewer id. */
  async reviewerCounts(): Promise<ReviewerCounts[]> {
    const rows = await this.pool.query<{ reviewer_id: string; entries: number; judged: number; agreed: number }>(
      `SELECT e.reviewer_id, count(*)::int AS entries,
              count(*) FILTER (WHERE t.status = 'done')::int AS judged,
              count(*) FILTER (WHERE t.status = 'done' AND e.state = t.resolved_state
                                 AND e.value IS NOT DISTINCT FROM t.resolved_value)::int AS agreed
       FROM review_entries e JOIN review_tasks t ON t.id = e.task_id
       GROUP BY e.reviewer_id ORDER BY e.reviewer_id`,
    );
    return rows.rows.map(({ reviewer_id, ...counts }) => ({ reviewerId: reviewer_id, ...counts }));
  }

  /**
   * One reviewer's entries: ever, in the last hour, in each of the last `minutes` minutes (oldest
   * first, the last one under way), and how many are on closed tasks and equal their closed value.
   */
  async reviewerActivity(
    reviewerId: string,
    minutes: number,
  ): Promise<{ entries: number; lastHour: number; perMinute: number[]; judged: number; agreed: number }> {
    const totals = await this.pool.query<{ entries: number; last_hour: number; judged: number; agreed: number }>({
      name: 'review-reviewer-activity',
      text: `SELECT count(*)::int AS entries,
                    count(*) FILTER (WHERE e.created_at > now() - interval '1 hour')::int AS last_hour,
                    count(*) FILTER (WHERE t.status = 'done')::int AS judged,
                    count(*) FILTER (WHERE t.status = 'done' AND e.state = t.resolved_state
                                       AND e.value IS NOT DISTINCT FROM t.resolved_value)::int AS agreed
             FROM review_entries e JOIN review_tasks t ON t.id = e.task_id
             WHERE e.reviewer_id = $1`,
      values: [reviewerId],
    });
    // Minutes ago, counted from the start of the minute under way (0 = this minute).
    const recent = await this.pool.query<{ ago: number; entries: number }>({
      name: 'review-reviewer-minutes',
      text: `SELECT ((extract(epoch FROM date_trunc('minute', now()) - date_trunc('minute', created_at)) / 60))::int AS ago,
                    count(*)::int AS entries
             FROM review_entries
             WHERE reviewer_id = $1 AND created_at >= date_trunc('minute', now()) - make_interval(mins => $2 - 1)
             GROUP BY 1`,
      values: [reviewerId, minutes],
    });
    const perMinute = new Array<number>(minutes).fill(0);
    for (const row of recent.rows)
      if (row.ago >= 0 && row.ago < minutes) perMinute[minutes - 1 - row.ago] = row.entries;
    const { entries = 0, last_hour = 0, judged = 0, agreed = 0 } = totals.rows[0] ?? {};
    return { entries, lastHour: last_hour, perMinute, judged, agreed };
  }

  /** Open tasks by status (the backlog gauge reads the same numbers). */
  async backlog(): Promise<{ pending: number; escalated: number }> {
    const rows = await this.db
      .select({ status: reviewTasks.status, n: count() })
      .from(reviewTasks)
      .where(inArray(reviewTasks.status, ['pending', 'escalated']))
      .groupBy(reviewTasks.status);
    const backlog = { pending: 0, escalated: 0 };
    for (const row of rows) backlog[row.status as keyof typeof backlog] = row.n;
    return backlog;
  }
}

/** The statements of one closing transaction, on its connection, under the form's task locks. */
export class ReviewTransaction {
  constructor(
    private readonly client: pg.PoolClient,
    private readonly db: E14Db,
  ) {}

  async addEntry(taskId: number, reviewer: { sub: string; role: string }, answer: Answer): Promise<void> {
    await this.db.insert(reviewEntries).values({
      taskId,
      reviewerId: reviewer.sub,
      reviewerRole: reviewer.role,
      state: answer.state,
      value: answer.value,
    });
  }

  async escalate(taskId: number): Promise<void> {
    await this.db.update(reviewTasks).set({ status: 'escalated' }).where(eq(reviewTasks.id, taskId));
  }

  async close(taskId: number, answer: Answer, resolution: Resolution, by: string): Promise<void> {
    await this.db
      .update(reviewTasks)
      .set({
        status: 'done',
        resolvedAt: sql`now()`,
        resolvedState: answer.state,
        resolvedValue: answer.value,
        resolution,
        resolvedBy: by,
      })
      .where(eq(reviewTasks.id, taskId));
  }

  async openTaskCount(formId: number): Promise<number> {
    const [row] = await this.db
      .select({ open: count() })
      .from(reviewTasks)
      .where(and(eq(reviewTasks.formId, formId), ne(reviewTasks.status, 'done')));
    return row?.open ?? 0;
  }

  /** The tasks of a form not closed yet, each with how many entries it has. */
  async openTasks(formId: number): Promise<(ReviewTaskRecord & { entries: number })[]> {
    const rows = await this.db
      .select()
      .from(reviewTasks)
      .where(and(eq(reviewTasks.formId, formId), ne(reviewTasks.status, 'done')))
      .orderBy(reviewTasks.id);
    const counts = await this.db
      .select({ taskId: reviewEntries.taskId, entries: count() })
      .from(reviewEntries)
      .where(
        inArray(
          reviewEntries.taskId,
          rows.map((row) => row.id),
        ),
      )
      .groupBy(reviewEntries.taskId);
    const entries = new Map(counts.map((row) => [row.taskId, row.entries]));
    return rows.map((row) => ({ ...(row as ReviewTaskRecord), entries: entries.get(row.id) ?? 0 }));
  }

  /** The stored submission of a form and the closed values of its tasks. */
  async formWithClosedTasks(formId: number): Promise<{ payload: unknown; closed: ClosedField[] }> {
    const [form] = await this.db.select({ payload: e14Forms.payload }).from(e14Forms).where(eq(e14Forms.id, formId));
    const closed = await this.db
      .select({
        fieldPath: reviewTasks.fieldPath,
        resolvedState: reviewTasks.resolvedState,
        resolvedValue: reviewTasks.resolvedValue,
        resolution: reviewTasks.resolution,
        resolvedBy: reviewTasks.resolvedBy,
      })
      .from(reviewTasks)
      .where(and(eq(reviewTasks.formId, formId), eq(reviewTasks.status, 'done')));
    return { payload: form?.payload, closed: closed as ClosedField[] };
  }

  /** Writes the reviewer version to store (once: a form closes once). */
  async saveReviewedForm(formId: number, submission: unknown): Promise<void> {
    await this.db
      .insert(reviewedForms)
      .values({ formId, submission })
      .onConflictDoNothing({ target: reviewedForms.formId });
  }

  async appendAudit(entries: readonly AuditInput[]): Promise<void> {
    await appendAudit(this.client, entries);
  }
}
