import {
  type CropRef,
  type E14SubmissionV2,
  e14SubmissionV2Schema,
  type Field,
  type ReviewAnswer,
  type ReviewOutcome,
  type ReviewTask,
  type RuleFinding,
} from '@castor/contracts';
import { AppError } from '@castor/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { withTransaction } from '../../db/client.js';
import { toSheet } from '../../domain/sheet.js';
import { type Actor, actorName } from '../../shared/actor.js';
import { type AuditInput, appendAudit } from '../../shared/audit-chain.js';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import type { FormIntake } from '../../shared/form-intake.js';
import { type Lease, REVIEW_CODES, type ReviewLeases } from './review-leases.js';
import type { ReviewMetrics } from './review-metrics.js';

type CellState = 'read' | 'empty' | 'illegible';
interface Answer {
  state: CellState;
  value: number | null;
}

/** Two different reviewers giving the same answer close a task; three without that escalate it. */
const AGREEMENT = 2;
const ENTRIES_BEFORE_ESCALATION = 3;
/** How many queued tasks one look at the queue tries to lease before reading the next page. */
const CLAIM_PAGE = 50;

/** Who stores the reviewer version of a form through intake (and signs its audit entries). */
const REVIEW_DESK: Actor = { sub: 'review-desk', role: 'reviewer' };
const REVIEW_DESK_NAME = 'system:review-desk';

const PRINTED_LABELS: Record<string, string> = {
  'nivelacion.sufragantes': 'TOTAL VOTANTES FORMULARIO E-11',
  'nivelacion.urna': 'TOTAL VOTOS EN LA URNA',
  'nivelacion.incinerados': 'TOTAL VOTOS INCINERADOS',
  blancos: 'VOTOS EN BLANCO',
  nulos: 'VOTOS NULOS',
  noMarcados: 'VOTOS NO MARCADOS',
  sumaTotal: 'SUMA TOTAL DE VOTOS',
};

export const toAnswer = (answer: ReviewAnswer): Answer =>
  answer.illegible
    ? { state: 'illegible', value: null }
    : answer.empty
      ? { state: 'empty', value: null }
      : { state: 'read', value: answer.value ?? null };

const sameAnswer = (a: Answer, b: Answer) => a.state === b.state && (a.state !== 'read' || a.value === b.value);

/** The answer at least AGREEMENT entries share, if any. */
function consensusOf(entries: readonly Answer[]): Answer | null {
  for (const entry of entries) {
    if (entries.filter((other) => sameAnswer(entry, other)).length >= AGREEMENT) return entry;
  }
  return null;
}

interface TaskRow {
  id: string;
  form_id: string;
  field_path: string;
  reason: ReviewTask['reason'];
  status: ReviewTask['status'];
  created_at: Date;
  resolved_state: CellState | null;
  resolved_value: number | null;
  resolution: 'consensus' | 'admin' | null;
}

interface ClosedForm {
  formId: number;
}

/**
 * The review desk: hands out review tasks under a lease, records blind double entries, closes a
 * task when two reviewers agree (or an admin decides), and when a form's last task closes stores
 * the reviewer version of the form through intake, which re-runs the rules, alerts,
 * reconciliation, rollups, results cache invalidation and audit.
 */
export class ReviewService {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      catalogs: ElectionCatalogs;
      intake: FormIntake;
      leases: ReviewLeases;
      metrics: ReviewMetrics;
      log: FastifyBaseLogger;
    },
  ) {}

  /** The next task for this reviewer under a lease (the one they hold, if any), or null. */
  async next(actor: Actor): Promise<ReviewTask | null> {
    const { leases, pool } = this.deps;
    const held = await leases.heldBy(actor.sub);
    if (held) {
      const task = await this.view(held.taskId, held);
      if (task && task.status === 'pending' && !(await this.hasEntry(held.taskId, actor.sub))) return task;
    }
    let afterId = 0;
    for (;;) {
      const page = await pool.query<{ id: string }>({
        name: 'review-queue-page',
        text: `SELECT t.id FROM review_tasks t
               WHERE t.status = 'pending' AND t.id > $2
                 AND NOT EXISTS (SELECT 1 FROM review_entries e WHERE e.task_id = t.id AND e.reviewer_id = $1)
               ORDER BY t.id LIMIT $3`,
        values: [actor.sub, afterId, CLAIM_PAGE],
      });
      if (page.rows.length === 0) return null;
      for (const row of page.rows) {
        const taskId = Number(row.id);
        afterId = taskId;
        const lease = await leases.acquire(taskId, actor.sub);
        if (!lease) continue;
        const task = await this.view(taskId, lease);
        // Closed or answered between the page and the lease: give the lease back and go on.
        if (task && task.status === 'pending' && !(await this.hasEntry(taskId, actor.sub))) return task;
        await leases.release(taskId, actor.sub, lease.token);
      }
    }
  }

  /** One task with its context, without a lease (for an admin about to decide). */
  async get(taskId: number): Promise<ReviewTask> {
    const task = await this.view(taskId, null);
    if (!task) throw new AppError(404, REVIEW_CODES.TASK_NOT_FOUND, `No review task ${taskId}`);
    return task;
  }

  /** Tasks of one status, oldest first (an admin's list of escalated tasks to decide). */
  async list(status: ReviewTask['status'], afterTaskId: number, limit: number): Promise<ReviewTask[]> {
    const rows = await this.deps.pool.query<{ id: string }>(
      'SELECT id FROM review_tasks WHERE status = $1 AND id > $2 ORDER BY id LIMIT $3',
      [status, afterTaskId, limit],
    );
    const tasks: ReviewTask[] = [];
    for (const row of rows.rows) {
      const task = await this.view(Number(row.id), null);
      if (task) tasks.push(task);
    }
    return tasks;
  }

  /** A reviewer's entry for a task they were handed. Idempotent for the same reviewer and answer. */
  async submit(actor: Actor, taskId: number, leaseToken: string, raw: ReviewAnswer): Promise<ReviewOutcome> {
    const answer = toAnswer(raw);
    const replay = await this.replay(actor, taskId, answer);
    if (replay) return replay;
    const check = await this.deps.leases.check(taskId, actor.sub, leaseToken);
    if (check === 'other') {
      throw new AppError(409, REVIEW_CODES.LEASE_HELD, 'Your lease expired and another reviewer has this task now');
    }
    if (check === 'stale') {
      throw new AppError(409, REVIEW_CODES.LEASE_INVALID, 'This is not the lease token of your current lease');
    }
    if (check === 'unavailable') {
      this.deps.log.warn({ taskId }, 'review entry accepted without a lease check: the lease store is unreachable');
    }
    const outcome = await this.record(taskId, async (client, task, entries) => {
      const own = entries.find((entry) => entry.reviewer_id === actor.sub);
      if (own) return this.answerReplay(task, entries.length, own, answer);
      if (task.status === 'done') throw closedError(taskId);
      if (task.status === 'escalated') {
        throw new AppError(409, REVIEW_CODES.TASK_ESCALATED, `Task ${taskId} awaits an admin's decision`);
      }
      await client.query(
        `INSERT INTO review_entries (task_id, reviewer_id, reviewer_role, state, value) VALUES ($1, $2, $3, $4, $5)`,
        [taskId, actor.sub, actor.role, answer.state, answer.value],
      );
      const audit: AuditInput[] = [
        {
          actor: actorName(actor),
          action: 'review.entry',
          entity: 'review_task',
          entityId: String(taskId),
          after: answer,
        },
      ];
      const all = [...entries.map((entry) => ({ state: entry.state, value: entry.value })), answer];
      const agreed = consensusOf(all);
      if (agreed) return this.close(client, task, agreed, 'consensus', REVIEW_DESK_NAME, all.length, audit);
      if (all.length >= ENTRIES_BEFORE_ESCALATION) {
        await client.query(`UPDATE review_tasks SET status = 'escalated' WHERE id = $1`, [taskId]);
        audit.push({
          actor: REVIEW_DESK_NAME,
          action: 'review.escalated',
          entity: 'review_task',
          entityId: String(taskId),
          after: { entries: all },
        });
      }
      await appendAudit(client, audit);
      return this.outcome(taskId, all.length >= ENTRIES_BEFORE_ESCALATION ? 'escalated' : 'pending', all.length);
    });
    if (check === 'held') await this.deps.leases.release(taskId, actor.sub, leaseToken);
    return this.afterRecord(outcome);
  }

  /** An admin closes a task with their answer, whatever its entries say. */
  async decide(actor: Actor, taskId: number, raw: ReviewAnswer): Promise<ReviewOutcome> {
    const answer = toAnswer(raw);
    const outcome = await this.record(taskId, async (client, task, entries) => {
      if (task.status === 'done') {
        const resolved = { state: task.resolved_state ?? 'illegible', value: task.resolved_value };
        if (task.resolution === 'admin' && sameAnswer(resolved, answer)) {
          return { ...this.outcome(taskId, 'done', entries.length, resolved, 'admin'), replay: true };
        }
        throw closedError(taskId);
      }
      return this.close(client, task, answer, 'admin', actorName(actor), entries.length, []);
    });
    return this.afterRecord(outcome);
  }

  /** Stores through intake every reviewer version still waiting (after a close, and at start). */
  async flushReviewedForms(formIds?: readonly number[]): Promise<Map<number, ReviewOutcome['reviewedForm']>> {
    const { pool, intake, log } = this.deps;
    const rows = await pool.query<{ form_id: string; submission: E14SubmissionV2 }>(
      `SELECT form_id, submission FROM reviewed_forms
       WHERE state = 'pending' AND ($1::bigint[] IS NULL OR form_id = ANY($1::bigint[]))
       ORDER BY form_id LIMIT 500`,
      [formIds ?? null],
    );
    const results = new Map<number, ReviewOutcome['reviewedForm']>();
    for (const row of rows.rows) {
      const formId = Number(row.form_id);
      const [outcome] = await intake.submit([row.submission], REVIEW_DESK);
      if (!outcome) continue;
      if (!outcome.ok) {
        log.warn({ formId, error: outcome.error }, 'the reviewed version of a form was refused by intake');
        await pool.query(
          `UPDATE reviewed_forms SET state = 'refused', error = $2, updated_at = now() WHERE form_id = $1`,
          [formId, JSON.stringify({ code: outcome.error.code, message: outcome.error.message })],
        );
        results.set(formId, {
          state: 'refused',
          formId: null,
          mesaStatus: null,
          error: { code: outcome.error.code, message: outcome.error.message },
        });
        continue;
      }
      const reviewedFormId = outcome.result.formId;
      await withTransaction(pool, async (client) => {
        // Cells people already judged illegible stay illegible on the reviewer version, and the
        // confidence rule would queue them again: they carry the judgement over instead.
        await client.query(
          `UPDATE review_tasks r SET status = 'done', resolved_at = now(), resolved_state = o.resolved_state,
                  resolved_value = o.resolved_value, resolution = o.resolution, resolved_by = $3
           FROM review_tasks o
           WHERE r.form_id = $2 AND r.status <> 'done' AND o.form_id = $1 AND o.field_path = r.field_path
             AND o.status = 'done'`,
          [formId, reviewedFormId, REVIEW_DESK_NAME],
        );
        await client.query(
          `UPDATE reviewed_forms SET state = 'stored', reviewed_form_id = $2, error = NULL, updated_at = now()
           WHERE form_id = $1`,
          [formId, reviewedFormId],
        );
      });
      results.set(formId, {
        state: 'stored',
        formId: reviewedFormId,
        mesaStatus: outcome.result.mesaStatus,
        error: null,
      });
    }
    return results;
  }

  /** Accuracy of each reviewer against the closed value of the tasks they answered, and the backlog. */
  async reviewers() {
    const { pool } = this.deps;
    const rows = await pool.query<{ reviewer_id: string; entries: number; judged: number; agreed: number }>(
      `SELECT e.reviewer_id, count(*)::int AS entries,
              count(*) FILTER (WHERE t.status = 'done')::int AS judged,
              count(*) FILTER (WHERE t.status = 'done' AND e.state = t.resolved_state
                                 AND e.value IS NOT DISTINCT FROM t.resolved_value)::int AS agreed
       FROM review_entries e JOIN review_tasks t ON t.id = e.task_id
       GROUP BY e.reviewer_id ORDER BY e.reviewer_id`,
    );
    return {
      reviewers: rows.rows.map((row) => ({
        reviewerId: row.reviewer_id,
        entries: row.entries,
        judged: row.judged,
        agreed: row.agreed,
        accuracy: row.judged === 0 ? null : row.agreed / row.judged,
      })),
      backlog: await backlogOf(pool),
    };
  }

  private async hasEntry(taskId: number, reviewerId: string): Promise<boolean> {
    const row = await this.deps.pool.query('SELECT 1 FROM review_entries WHERE task_id = $1 AND reviewer_id = $2', [
      taskId,
      reviewerId,
    ]);
    return row.rows.length > 0;
  }

  /** A retry of an answer already recorded: the task as it stands, without touching the lease. */
  private async replay(actor: Actor, taskId: number, answer: Answer): Promise<ReviewOutcome | null> {
    const rows = await this.deps.pool.query<TaskRow & { state: CellState; value: number | null; entries: number }>(
      `SELECT t.*, e.state, e.value, (SELECT count(*) FROM review_entries x WHERE x.task_id = t.id)::int AS entries
       FROM review_tasks t JOIN review_entries e ON e.task_id = t.id AND e.reviewer_id = $2 WHERE t.id = $1`,
      [taskId, actor.sub],
    );
    const row = rows.rows[0];
    return row ? this.answerReplay(row, row.entries, row, answer) : null;
  }

  private answerReplay(task: TaskRow, entries: number, own: Answer, answer: Answer): ReviewOutcome {
    if (!sameAnswer(own, answer)) {
      throw new AppError(409, REVIEW_CODES.ENTRY_CONFLICT, `You already answered task ${task.id} differently`, {
        recorded: { state: own.state, value: own.value },
      });
    }
    const resolved =
      task.status === 'done' && task.resolved_state
        ? { state: task.resolved_state, value: task.resolved_value }
        : undefined;
    return {
      ...this.outcome(Number(task.id), task.status, entries, resolved, task.resolution ?? undefined),
      replay: true,
    };
  }

  /**
   * Runs `work` in a transaction holding the row locks of every task of the task's form, so two
   * tasks of one form closing at once cannot both miss being the last one.
   */
  private async record(
    taskId: number,
    work: (
      client: pg.PoolClient,
      task: TaskRow,
      entries: Array<Answer & { reviewer_id: string }>,
    ) => Promise<ReviewOutcome & { closed?: ClosedForm; turnaroundSeconds?: number }>,
  ) {
    return withTransaction(this.deps.pool, async (client) => {
      const tasks = await client.query<TaskRow>(
        `SELECT * FROM review_tasks WHERE form_id = (SELECT form_id FROM review_tasks WHERE id = $1)
         ORDER BY id FOR UPDATE`,
        [taskId],
      );
      const task = tasks.rows.find((row) => Number(row.id) === taskId);
      if (!task) throw new AppError(404, REVIEW_CODES.TASK_NOT_FOUND, `No review task ${taskId}`);
      const entries = await client.query<Answer & { reviewer_id: string }>(
        'SELECT reviewer_id, state, value FROM review_entries WHERE task_id = $1 ORDER BY created_at',
        [taskId],
      );
      return work(client, task, entries.rows);
    });
  }

  private async close(
    client: pg.PoolClient,
    task: TaskRow,
    answer: Answer,
    resolution: 'consensus' | 'admin',
    by: string,
    entries: number,
    audit: AuditInput[],
  ): Promise<ReviewOutcome & { closed?: ClosedForm; turnaroundSeconds?: number }> {
    const taskId = Number(task.id);
    const formId = Number(task.form_id);
    await client.query(
      `UPDATE review_tasks SET status = 'done', resolved_at = now(), resolved_state = $2, resolved_value = $3,
              resolution = $4, resolved_by = $5
       WHERE id = $1`,
      [taskId, answer.state, answer.value, resolution, by],
    );
    audit.push({
      actor: by,
      action: resolution === 'admin' ? 'review.decided' : 'review.agreed',
      entity: 'review_task',
      entityId: String(taskId),
      before: { reason: task.reason, status: task.status },
      after: { ...answer, resolution, formId, field: task.field_path },
    });
    const open = await client.query<{ open: number }>(
      `SELECT count(*)::int AS open FROM review_tasks WHERE form_id = $1 AND status <> 'done'`,
      [formId],
    );
    let closed: ClosedForm | undefined;
    if (open.rows[0]?.open === 0) {
      const submission = await reviewedSubmission(client, formId);
      await client.query(
        `INSERT INTO reviewed_forms (form_id, submission) VALUES ($1, $2) ON CONFLICT (form_id) DO NOTHING`,
        [formId, JSON.stringify(submission)],
      );
      audit.push({
        actor: REVIEW_DESK_NAME,
        action: 'review.form_reviewed',
        entity: 'e14_form',
        entityId: String(formId),
      });
      closed = { formId };
    }
    await appendAudit(client, audit);
    return {
      ...this.outcome(taskId, 'done', entries, answer, resolution),
      ...(closed ? { closed } : {}),
      turnaroundSeconds: (Date.now() - task.created_at.getTime()) / 1_000,
    };
  }

  private async afterRecord(
    outcome: ReviewOutcome & { closed?: ClosedForm; turnaroundSeconds?: number },
  ): Promise<ReviewOutcome> {
    const { closed, turnaroundSeconds, ...result } = outcome;
    if (turnaroundSeconds !== undefined && result.resolved) {
      this.deps.metrics.turnaround.observe({ resolution: result.resolved.resolution }, turnaroundSeconds);
    }
    if (!closed) return result;
    const stored = await this.flushReviewedForms([closed.formId]);
    return { ...result, reviewedForm: stored.get(closed.formId) ?? (await this.reviewedFormState(closed.formId)) };
  }

  private async reviewedFormState(formId: number): Promise<ReviewOutcome['reviewedForm']> {
    const row = await this.deps.pool.query<{
      state: 'pending' | 'stored' | 'refused';
      reviewed_form_id: string | null;
      error: { code: string; message: string } | null;
    }>('SELECT state, reviewed_form_id, error FROM reviewed_forms WHERE form_id = $1', [formId]);
    const found = row.rows[0];
    if (!found) return null;
    return {
      state: found.state,
      formId: found.reviewed_form_id === null ? null : Number(found.reviewed_form_id),
      mesaStatus: null,
      error: found.error,
    };
  }

  private outcome(
    taskId: number,
    status: ReviewOutcome['status'],
    entries: number,
    resolved?: Answer,
    resolution?: 'consensus' | 'admin',
  ): ReviewOutcome {
    return {
      taskId,
      status,
      entries,
      replay: false,
      resolved: resolved && resolution ? { state: resolved.state, value: resolved.value, resolution } : null,
      reviewedForm: null,
    };
  }

  /** The task as a reviewer sees it: the field, every provider's reading, the crop, the context. */
  private async view(taskId: number, lease: Lease | null): Promise<ReviewTask | null> {
    const rows = await this.deps.pool.query<{
      id: string;
      form_id: string;
      field_path: string;
      reason: ReviewTask['reason'];
      status: ReviewTask['status'];
      entries: number;
      election_code: string;
      corporation: ReviewTask['context']['corporation'];
      copy: ReviewTask['context']['copy'];
      source: string;
      findings: RuleFinding[];
      payload: unknown;
      mesa_key: string;
      crop: CropRef | null;
    }>({
      name: 'review-task-view',
      text: `SELECT t.id, t.form_id, t.field_path, t.reason, t.status,
                    (SELECT count(*) FROM review_entries e WHERE e.task_id = t.id)::int AS entries,
                    el.code AS election_code, f.corporation, f.copy, f.source, f.findings, f.payload, m.mesa_key,
                    fl.crop
             FROM review_tasks t
             JOIN e14_forms f ON f.id = t.form_id
             JOIN elections el ON el.id = f.election_id
             JOIN mesas m ON m.id = f.mesa_id
             LEFT JOIN e14_fields fl ON fl.form_id = t.form_id AND fl.path = t.field_path
             WHERE t.id = $1`,
      values: [taskId],
    });
    const row = rows.rows[0];
    if (!row) return null;
    const submission = e14SubmissionV2Schema.parse(row.payload);
    const field = toSheet(submission).fields.find((entry) => entry.path === row.field_path)?.field;
    if (!field) throw new Error(`review task ${taskId}: field ${row.field_path} is not on form ${row.form_id}`);
    const label = await this.labelOf(submission, row.field_path);
    const mentions = (finding: RuleFinding) => finding.fields.includes(row.field_path);
    return {
      taskId: Number(row.id),
      status: row.status,
      reason: row.reason,
      entries: row.entries,
      lease: lease ? { token: lease.token, expiresAt: lease.expiresAt.toISOString() } : null,
      field: {
        path: row.field_path,
        label,
        state: field.state,
        value: field.value,
        confidence: field.confidence,
        overwritten: field.overwritten,
        readBy: field.readBy ?? null,
        readings: readingsOf(field),
      },
      crop: {
        url: row.crop?.documentHash ? `/api/review/tasks/${row.id}/crop` : null,
        ref: row.crop ?? null,
      },
      context: {
        formId: Number(row.form_id),
        electionCode: row.election_code,
        mesaKey: row.mesa_key,
        corporation: row.corporation,
        copy: row.copy,
        source: row.source,
        rulesFailed: [...row.findings.filter(mentions), ...row.findings.filter((finding) => !mentions(finding))],
      },
    };
  }

  /** The row's label as printed: the candidate (and party) of a vote row, the list of a TOTAL. */
  private async labelOf(submission: E14SubmissionV2, path: string): Promise<string> {
    const printed = PRINTED_LABELS[path];
    if (printed) return printed;
    const catalog = await this.deps.catalogs.get(submission.electionCode);
    const { departamento, municipio } = submission.mesa;
    const resolve = (option: string) => catalog?.resolveOption(submission.corporation, departamento, municipio, option);
    if (path.startsWith('votes.')) {
      const option = path.slice('votes.'.length);
      const candidate = resolve(option);
      if (!candidate) return option;
      return `${option} ${candidate.name}${candidate.party && candidate.party !== candidate.name ? ` (${candidate.party})` : ''}`;
    }
    if (path.startsWith('listTotals.')) {
      const ballot = path.slice('listTotals.'.length);
      const listId = resolve(`${ballot}-0`)?.listId;
      const list = listId == null ? undefined : catalog?.lists.get(listId);
      return `TOTAL ${ballot}${list ? ` ${list.name}` : ''}`;
    }
    return path;
  }
}

const closedError = (taskId: number) => new AppError(409, REVIEW_CODES.TASK_CLOSED, `Task ${taskId} is already closed`);

/** Provider readings kept on a fused field (absent on structured submissions). */
const readingsOf = (field: Field): ReviewTask['field']['readings'] => field.readings ?? [];

/** Open tasks by status (the backlog gauge reads the same numbers). */
export async function backlogOf(pool: pg.Pool): Promise<{ pending: number; escalated: number }> {
  const rows = await pool.query<{ status: 'pending' | 'escalated'; n: number }>(
    `SELECT status, count(*)::int AS n FROM review_tasks WHERE status <> 'done' GROUP BY status`,
  );
  const backlog = { pending: 0, escalated: 0 };
  for (const row of rows.rows) backlog[row.status] = row.n;
  return backlog;
}

/**
 * The form with every reviewed field replaced by its closed value, as source `reviewer`. A
 * reviewed field keeps its crop and every provider reading; its confidence is 1 and it is no
 * longer marked over-written (a person read the final digits).
 */
async function reviewedSubmission(client: pg.PoolClient, formId: number): Promise<E14SubmissionV2> {
  const form = await client.query<{ payload: unknown }>('SELECT payload FROM e14_forms WHERE id = $1', [formId]);
  const submission = e14SubmissionV2Schema.parse(form.rows[0]?.payload);
  const tasks = await client.query<{ field_path: string; resolved_state: CellState; resolved_value: number | null }>(
    `SELECT field_path, resolved_state, resolved_value FROM review_tasks WHERE form_id = $1 AND status = 'done'`,
    [formId],
  );
  const reviewed = new Map(tasks.rows.map((row) => [row.field_path, row]));
  const sheet = toSheet(submission);
  const replace = (path: string, field: Field): Field => {
    const task = reviewed.get(path);
    if (!task) return field;
    return {
      ...field,
      state: task.resolved_state,
      value: task.resolved_state === 'read' ? task.resolved_value : null,
      confidence: 1,
      overwritten: false,
      readBy: 'review',
    };
  };
  const fieldAt = (path: string) => {
    const found = sheet.fields.find((entry) => entry.path === path);
    if (!found) throw new Error(`form ${formId} has no field ${path}`);
    return replace(path, found.field);
  };
  const { sumaTotal, ...rest } = sheet.submission;
  return {
    ...rest,
    source: 'reviewer',
    sourceRef: `review:form:${formId}`,
    nivelacion: {
      sufragantes: fieldAt('nivelacion.sufragantes'),
      urna: fieldAt('nivelacion.urna'),
      incinerados: fieldAt('nivelacion.incinerados'),
    },
    votes: sheet.submission.votes.map((row, index) => ({
      ...row,
      votes: fieldAt(sheet.votes[index]?.path ?? ''),
    })),
    listTotals: sheet.submission.listTotals.map((total, index) => ({
      ...total,
      total: fieldAt(sheet.listTotals[index]?.path ?? ''),
    })),
    blancos: fieldAt('blancos'),
    nulos: fieldAt('nulos'),
    noMarcados: fieldAt('noMarcados'),
    ...(sumaTotal === undefined ? {} : { sumaTotal: fieldAt('sumaTotal') }),
  };
}
