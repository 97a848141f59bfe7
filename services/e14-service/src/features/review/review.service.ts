import {
  REVIEW_ACTIVITY_MINUTES,
  type ReviewAnswer,
  type ReviewerActivity,
  type ReviewLeaseRenewed,
  type ReviewOutcome,
  type ReviewPendingResponse,
  type ReviewSkipped,
  type ReviewTask,
  type ReviewTaskListQuery,
} from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { toSheet } from '../../domain/sheet.js';
import { arithmeticRules } from '../../domain/sheet-rules.js';
import { type Actor, actorName } from '../../shared/actor.js';
import type { AuditInput } from '../../shared/audit-chain.js';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import type { FormIntake } from '../../shared/form-intake.js';
import type { ReviewEntryRecord, ReviewRepository, ReviewTaskRecord, ReviewTransaction } from './review.repository.js';
import {
  type Answer,
  consensusOf,
  ENTRIES_BEFORE_ESCALATION,
  type Resolution,
  sameAnswer,
  toAnswer,
} from './review-answers.js';
import type { ReviewCrops } from './review-crops.js';
import type { Lease, LeaseCheck, LeaseSlot, ReviewLeases } from './review-leases.js';
import type { ReviewMetrics } from './review-metrics.js';
import type { ReviewSkips } from './review-skips.js';
import { toReviewTask } from './review-task-view.js';
import { reviewedSubmission } from './reviewed-submission.js';

/** The audit action of a task's close, by who closed it. */
const CLOSE_ACTIONS: Record<Resolution, string> = {
  consensus: 'review.agreed',
  admin: 'review.decided',
  model: 'review.closed_by_model',
};

/** How many queued tasks one look at the queue tries to lease before reading the next page. */
const CLAIM_PAGE = 50;

/** Who stores the reviewer version of a form through intake (and signs its audit entries). */
const REVIEW_DESK: Actor = { sub: 'review-desk', role: 'reviewer' };
const REVIEW_DESK_NAME = 'system:review-desk';

/** The statements the review desk runs. */
export type ReviewStore = Pick<
  ReviewRepository,
  | 'queuePage'
  | 'taskIds'
  | 'hasEntry'
  | 'answeredTask'
  | 'taskView'
  | 'taskViews'
  | 'withFormLocked'
  | 'pendingReviewedForms'
  | 'markReviewedFormRefused'
  | 'markReviewedFormStored'
  | 'reviewedForm'
  | 'reviewerCounts'
  | 'reviewerActivity'
  | 'backlog'
>;

type ReviewedForm = ReviewOutcome['reviewedForm'];

/** An outcome recorded in the closing transaction, with what is left to do once it committed. */
type Recorded = ReviewOutcome & { closedFormId?: number; turnaroundSeconds?: number };

/**
 * The review desk: hands out review tasks under a lease, records blind double entries, closes a
 * task when two reviewers agree (or an admin decides), and when a form's last task closes stores
 * the reviewer version of the form through intake, which re-runs the rules, alerts,
 * reconciliation, rollups, results cache invalidation and audit.
 */
export class ReviewService {
  constructor(
    private readonly deps: {
      repository: ReviewStore;
      catalogs: ElectionCatalogs;
      /** Whether a task's row has a printed label to cut from its scan (ReviewCrops). */
      printedLabels: Pick<ReviewCrops, 'hasPrintedLabel'>;
      intake: FormIntake;
      leases: ReviewLeases;
      skips: ReviewSkips;
      metrics: Pick<ReviewMetrics, 'turnaround'>;
      log: FastifyBaseLogger;
    },
  ) {}

  /**
   * The task for this reviewer under a lease (the one they hold, else the upcoming one they were
   * handed ahead, else the next in the queue), or null; with `ahead`, the task after it too, under
   * a second lease, so the desk can fetch its crops while the reviewer works on the first.
   */
  async next(actor: Actor, ahead: boolean): Promise<ReviewPendingResponse> {
    const task = (await this.held(actor, 'current')) ?? (await this.promoted(actor)) ?? (await this.claimNext(actor));
    if (!task || !ahead) return { task, upcoming: null };
    const upcoming = (await this.held(actor, 'upcoming')) ?? (await this.claimNext(actor, 'upcoming'));
    return { task, upcoming: upcoming?.taskId === task.taskId ? null : upcoming };
  }

  /**
   * Gives the task back and keeps it from this reviewer for a while (others still get it); the
   * next /pending hands them another. Skipping again is harmless.
   */
  async skip(actor: Actor, taskId: number, leaseToken: string): Promise<ReviewSkipped> {
    const { leases, skips } = this.deps;
    const alreadySkipped = (await skips.of(actor.sub)).has(taskId);
    if (!(alreadySkipped && (await leases.issued(taskId, actor.sub, leaseToken)))) {
      await this.checkLease(actor, taskId, leaseToken);
    }
    await leases.release(taskId, actor.sub, leaseToken);
    return { taskId, skippedUntil: (await skips.add(actor.sub, taskId)).toISOString() };
  }

  /**
   * Keeps the lease of a task still on the reviewer's screen; one that lapsed while nobody took
   * the task is taken again under the same token. 409 REVIEW_LEASE_HELD once another reviewer has it.
   */
  async renew(actor: Actor, taskId: number, leaseToken: string): Promise<ReviewLeaseRenewed> {
    const renewed =
      (await this.deps.leases.renew(taskId, actor.sub, leaseToken)) ??
      (await this.retakeLapsed(actor, taskId, leaseToken));
    return { taskId, expiresAt: renewed.expiresAt.toISOString() };
  }

  /** The caller's own throughput and accuracy (never anything of another reviewer). */
  async activity(actor: Actor): Promise<ReviewerActivity> {
    const { repository, skips } = this.deps;
    const [counts, skipped] = await Promise.all([
      repository.reviewerActivity(actor.sub, REVIEW_ACTIVITY_MINUTES),
      skips.of(actor.sub),
    ]);
    return {
      ...counts,
      accuracy: counts.judged === 0 ? null : counts.agreed / counts.judged,
      skipped: skipped.size,
    };
  }

  /** One task with its context, without a lease (for an admin about to decide). */
  async get(taskId: number): Promise<ReviewTask> {
    const task = await this.view(taskId, null);
    if (!task) throw taskNotFound(taskId);
    return task;
  }

  /**
   * A page of the tasks matching `query`, oldest first, and the cursor of the next page (null on
   * the last one). `after` wins over `afterTaskId`, the cursor's older name.
   */
  async list(query: ReviewTaskListQuery): Promise<{ tasks: ReviewTask[]; nextCursor: string | null }> {
    const { repository, catalogs } = this.deps;
    const election =
      query.election === undefined
        ? undefined
        : { id: (await catalogs.requireElection(query.election)).id, mesaKey: query.mesa };
    const afterId = query.after === undefined ? query.afterTaskId : Number(query.after);
    // One task more than the page tells whether another page follows.
    const ids = await repository.taskIds(
      { status: query.status, reason: query.reason, election },
      afterId,
      query.limit + 1,
    );
    const page = ids.slice(0, query.limit);
    const rows = await repository.taskViews(page);
    const tasks = await Promise.all(rows.map((row) => toReviewTask(this.deps, row, null)));
    const last = page.at(-1);
    return { tasks, nextCursor: ids.length > query.limit && last !== undefined ? String(last) : null };
  }

  /** A reviewer's entry for a task they were handed. Idempotent for the same reviewer and answer. */
  async submit(actor: Actor, taskId: number, leaseToken: string, raw: ReviewAnswer): Promise<ReviewOutcome> {
    const answer = toAnswer(raw);
    const replay = await this.replay(actor, taskId, answer);
    if (replay) return replay;
    const check = await this.checkLease(actor, taskId, leaseToken);
    const outcome = await this.record(taskId, (tx, task, entries) => this.enter(tx, actor, task, entries, answer));
    if (check === 'held') await this.deps.leases.release(taskId, actor.sub, leaseToken);
    return this.afterRecord(outcome);
  }

  /** An admin closes a task with their answer, whatever its entries say. */
  async decide(actor: Actor, taskId: number, raw: ReviewAnswer): Promise<ReviewOutcome> {
    const answer = toAnswer(raw);
    const outcome = await this.record(taskId, async (tx, task, entries) => {
      if (task.status === 'cancelled') throw closedError(taskId);
      if (task.status === 'done') {
        const resolved = { state: task.resolvedState ?? 'illegible', value: task.resolvedValue };
        if (task.resolution === 'admin' && sameAnswer(resolved, answer)) {
          return { ...outcomeOf(taskId, 'done', entries.length, resolved, 'admin'), replay: true };
        }
        throw closedError(taskId);
      }
      return this.close(tx, task, answer, 'admin', actorName(actor), entries.length, []);
    });
    return this.afterRecord(outcome);
  }

  /**
   * A promoted model read the cells of a form's waiting tasks again with confidence: the tasks
   * close with those values (audited with the model's version) only if they are every open task of
   * the form, none has an entry yet (a task a person answered stays with people), and the form with
   * those values has no illegible field and agrees with its own sums (the arithmetic rules), as a
   * reading must for its cells to skip review. All of them or none. Returns how many closed.
   */
  async closeFormByModel(
    formId: number,
    readings: readonly { taskId: number; answer: Answer }[],
    modelVersion: number,
  ): Promise<number> {
    const [first] = readings;
    if (!first) return 0;
    const by = `system:recognizer-v${modelVersion}`;
    const answers = new Map(readings.map((reading) => [reading.taskId, reading.answer]));
    const outcome = await this.deps.repository.withFormLocked(first.taskId, async (tx, task) => {
      if (task.formId !== formId) return null;
      const open = await tx.openTasks(formId);
      if (open.some((row) => row.status !== 'pending' || row.entries > 0 || !answers.has(row.id))) return null;
      const { payload, closed } = await tx.formWithClosedTasks(formId);
      const read = open.map((row) => {
        const answer = answers.get(row.id) as Answer;
        return {
          fieldPath: row.fieldPath,
          resolvedState: answer.state,
          resolvedValue: answer.value,
          resolution: 'model' as const,
          resolvedBy: by,
        };
      });
      // An illegible field leaves the sums unable to confirm anything: the form stays with people.
      const completed = toSheet(reviewedSubmission(formId, payload, [...closed, ...read]));
      if (completed.fields.some(({ field }) => field.state === 'illegible')) return null;
      if (arithmeticRules(completed).length > 0) return null;
      let recorded: Recorded | null = null;
      for (const row of open) recorded = await this.close(tx, row, answers.get(row.id) as Answer, 'model', by, 0, []);
      return recorded ? { recorded, count: open.length } : null;
    });
    if (!outcome) return 0;
    await this.afterRecord(outcome.recorded);
    return outcome.count;
  }

  /** Stores through intake every reviewer version still waiting (after a close, and at start). */
  async flushReviewedForms(formIds?: readonly number[]): Promise<Map<number, ReviewedForm>> {
    const results = new Map<number, ReviewedForm>();
    for (const { formId, submission } of await this.deps.repository.pendingReviewedForms(formIds)) {
      const stored = await this.storeReviewedForm(formId, submission);
      if (stored) results.set(formId, stored);
    }
    return results;
  }

  /** Accuracy of each reviewer against the closed value of the tasks they answered, and the backlog. */
  async reviewers() {
    const { repository } = this.deps;
    const counts = await repository.reviewerCounts();
    return {
      reviewers: counts.map((row) => ({
        reviewerId: row.reviewerId,
        entries: row.entries,
        judged: row.judged,
        agreed: row.agreed,
        accuracy: row.judged === 0 ? null : row.agreed / row.judged,
      })),
      backlog: await repository.backlog(),
    };
  }

  /** The task this reviewer holds in `slot`, if it is still theirs to answer. */
  private async held(actor: Actor, slot: LeaseSlot): Promise<ReviewTask | null> {
    const lease = await this.deps.leases.heldBy(actor.sub, slot);
    return lease ? this.openFor(actor, lease.taskId, lease) : null;
  }

  /** The upcoming task made the current one (the one on screen was answered or skipped). */
  private async promoted(actor: Actor): Promise<ReviewTask | null> {
    const lease = await this.deps.leases.promote(actor.sub);
    return lease ? this.openFor(actor, lease.taskId, lease) : null;
  }

  /**
   * Leases into `slot` the first queued task this reviewer may answer, page after page of the
   * queue, passing over the tasks they skipped; when nothing else is left, those again, the
   * earliest skipped first (a skip postpones a cell, it does not hide the last ones).
   */
  private async claimNext(actor: Actor, slot: LeaseSlot = 'current'): Promise<ReviewTask | null> {
    const skipped = await this.deps.skips.of(actor.sub);
    let afterId = 0;
    for (;;) {
      const page = await this.deps.repository.queuePage(actor.sub, afterId, CLAIM_PAGE);
      if (page.length === 0) break;
      afterId = page.at(-1) ?? afterId;
      const task = await this.claimFirst(
        actor,
        slot,
        page.filter((taskId) => !skipped.has(taskId)),
      );
      if (task) return task;
    }
    return this.claimFirst(actor, slot, [...skipped.keys()]);
  }

  /** Leases the first of these tasks that nobody holds and this reviewer may still answer. */
  private async claimFirst(actor: Actor, slot: LeaseSlot, taskIds: readonly number[]): Promise<ReviewTask | null> {
    const { leases } = this.deps;
    for (const taskId of taskIds) {
      const lease = await leases.acquire(taskId, actor.sub, slot);
      if (!lease) continue;
      const task = await this.openFor(actor, taskId, lease);
      if (task) return task;
      // Closed or answered between the page and the lease: give the lease back and go on.
      await leases.release(taskId, actor.sub, lease.token);
    }
    return null;
  }

  /** The task under this lease, if it is still pending and the reviewer has not answered it. */
  private async openFor(actor: Actor, taskId: number, lease: Lease): Promise<ReviewTask | null> {
    const task = await this.view(taskId, lease);
    if (task && task.status === 'pending' && !(await this.deps.repository.hasEntry(taskId, actor.sub))) return task;
    return null;
  }

  /**
   * Refuses an answer under somebody else's (or an outdated) lease, and one under a token the desk
   * never issued to this reviewer for this task: leases decide who may answer, not just who works.
   */
  private async checkLease(actor: Actor, taskId: number, leaseToken: string): Promise<LeaseCheck> {
    const { leases } = this.deps;
    const check = await leases.check(taskId, actor.sub, leaseToken);
    if (check === 'other') throw leaseHeldError();
    if (check !== 'held' && !(await leases.issued(taskId, actor.sub, leaseToken))) {
      // A task that does not exist is said so, as before leases were checked.
      if (!(await this.deps.repository.taskView(taskId))) throw taskNotFound(taskId);
      throw httpError(
        'REVIEW_LEASE_INVALID',
        `This lease token was not issued to you for task ${taskId}: take the task from GET /api/review/pending`,
      );
    }
    if (check === 'stale') {
      throw httpError('REVIEW_LEASE_INVALID', 'This is not the lease token of your current lease');
    }
    if (check === 'unavailable') {
      this.deps.log.warn({ taskId }, 'review entry accepted without a lease check: the lease store is unreachable');
    }
    return check;
  }

  /** A lease that lapsed under a token issued to this reviewer, taken again if the task is still theirs. */
  private async retakeLapsed(actor: Actor, taskId: number, leaseToken: string): Promise<Lease> {
    const { leases, repository } = this.deps;
    await this.checkLease(actor, taskId, leaseToken);
    const task = await repository.taskView(taskId);
    if (task?.status !== 'pending' || (await repository.hasEntry(taskId, actor.sub))) throw closedError(taskId);
    const retaken = await leases.retake(taskId, actor.sub, leaseToken);
    if (!retaken) throw leaseHeldError();
    return retaken;
  }

  /** Records a reviewer's entry under the form's locks: closes, escalates or leaves the task pending. */
  private async enter(
    tx: ReviewTransaction,
    actor: Actor,
    task: ReviewTaskRecord,
    entries: readonly ReviewEntryRecord[],
    answer: Answer,
  ): Promise<Recorded> {
    const own = entries.find((entry) => entry.reviewerId === actor.sub);
    if (own) return answerReplay(task, entries.length, own, answer);
    if (task.status === 'done' || task.status === 'cancelled') throw closedError(task.id);
    if (task.status === 'escalated') {
      throw httpError('REVIEW_TASK_ESCALATED', `Task ${task.id} awaits an admin's decision`);
    }
    await tx.addEntry(task.id, actor, answer);
    const audit: AuditInput[] = [
      {
        actor: actorName(actor),
        action: 'review.entry',
        entity: 'review_task',
        entityId: String(task.id),
        after: answer,
      },
    ];
    const all = [...entries.map((entry) => ({ state: entry.state, value: entry.value })), answer];
    const agreed = consensusOf(all);
    if (agreed) return this.close(tx, task, agreed, 'consensus', REVIEW_DESK_NAME, all.length, audit);
    const escalated = all.length >= ENTRIES_BEFORE_ESCALATION;
    if (escalated) {
      await tx.escalate(task.id);
      audit.push({
        actor: REVIEW_DESK_NAME,
        action: 'review.escalated',
        entity: 'review_task',
        entityId: String(task.id),
        after: { entries: all },
      });
    }
    await tx.appendAudit(audit);
    return outcomeOf(task.id, escalated ? 'escalated' : 'pending', all.length);
  }

  /** A retry of an answer already recorded: the task as it stands, without touching the lease. */
  private async replay(actor: Actor, taskId: number, answer: Answer): Promise<ReviewOutcome | null> {
    const answered = await this.deps.repository.answeredTask(taskId, actor.sub);
    return answered ? answerReplay(answered.task, answered.entries, answered.own, answer) : null;
  }

  /**
   * Runs `work` holding the row locks of every task of the task's form, so two tasks of one form
   * closing at once cannot both miss being the last one.
   */
  private async record(
    taskId: number,
    work: (tx: ReviewTransaction, task: ReviewTaskRecord, entries: ReviewEntryRecord[]) => Promise<Recorded>,
  ): Promise<Recorded> {
    const recorded = await this.deps.repository.withFormLocked(taskId, work);
    if (!recorded) throw taskNotFound(taskId);
    return recorded;
  }

  private async close(
    tx: ReviewTransaction,
    task: ReviewTaskRecord,
    answer: Answer,
    resolution: Resolution,
    by: string,
    entries: number,
    audit: AuditInput[],
  ): Promise<Recorded> {
    await tx.close(task.id, answer, resolution, by);
    audit.push({
      actor: by,
      action: CLOSE_ACTIONS[resolution],
      entity: 'review_task',
      entityId: String(task.id),
      before: { reason: task.reason, status: task.status },
      after: { ...answer, resolution, formId: task.formId, field: task.fieldPath },
    });
    const formClosed = (await tx.openTaskCount(task.formId)) === 0;
    if (formClosed) await this.writeReviewedForm(tx, task.formId, audit);
    await tx.appendAudit(audit);
    return {
      ...outcomeOf(task.id, 'done', entries, answer, resolution),
      ...(formClosed ? { closedFormId: task.formId } : {}),
      turnaroundSeconds: (Date.now() - task.createdAt.getTime()) / 1_000,
    };
  }

  /** The form's last task closed: its reviewer version, written in the same transaction. */
  private async writeReviewedForm(tx: ReviewTransaction, formId: number, audit: AuditInput[]): Promise<void> {
    const { payload, closed } = await tx.formWithClosedTasks(formId);
    await tx.saveReviewedForm(formId, reviewedSubmission(formId, payload, closed));
    audit.push({
      actor: REVIEW_DESK_NAME,
      action: 'review.form_reviewed',
      entity: 'e14_form',
      entityId: String(formId),
    });
  }

  /** After the commit: the turnaround metric, and the reviewer version stored through intake. */
  private async afterRecord(recorded: Recorded): Promise<ReviewOutcome> {
    const { closedFormId, turnaroundSeconds, ...result } = recorded;
    if (turnaroundSeconds !== undefined && result.resolved) {
      this.deps.metrics.turnaround.observe({ resolution: result.resolved.resolution }, turnaroundSeconds);
    }
    if (closedFormId === undefined) return result;
    const stored = await this.flushReviewedForms([closedFormId]);
    return { ...result, reviewedForm: stored.get(closedFormId) ?? (await this.reviewedFormState(closedFormId)) };
  }

  private async storeReviewedForm(formId: number, submission: unknown): Promise<ReviewedForm | undefined> {
    const { intake, log, repository } = this.deps;
    const [outcome] = await intake.submit([submission], REVIEW_DESK);
    if (!outcome) return undefined;
    if (!outcome.ok) {
      log.warn({ formId, error: outcome.error }, 'the reviewed version of a form was refused by intake');
      const error = { code: outcome.error.code, message: outcome.error.message };
      await repository.markReviewedFormRefused(formId, error);
      return { state: 'refused', formId: null, mesaStatus: null, error };
    }
    const { formId: reviewedFormId, mesaStatus } = outcome.result;
    await repository.markReviewedFormStored(formId, reviewedFormId, REVIEW_DESK_NAME);
    return { state: 'stored', formId: reviewedFormId, mesaStatus, error: null };
  }

  private async reviewedFormState(formId: number): Promise<ReviewedForm> {
    const found = await this.deps.repository.reviewedForm(formId);
    if (!found) return null;
    return { state: found.state, formId: found.reviewedFormId, mesaStatus: null, error: found.error };
  }

  private async view(taskId: number, lease: Lease | null): Promise<ReviewTask | null> {
    const row = await this.deps.repository.taskView(taskId);
    return row ? toReviewTask(this.deps, row, lease) : null;
  }
}

function answerReplay(task: ReviewTaskRecord, entries: number, own: Answer, answer: Answer): ReviewOutcome {
  if (!sameAnswer(own, answer)) {
    throw httpError('REVIEW_ENTRY_CONFLICT', `You already answered task ${task.id} differently`, {
      recorded: { state: own.state, value: own.value },
    });
  }
  const resolved =
    task.status === 'done' && task.resolvedState ? { state: task.resolvedState, value: task.resolvedValue } : undefined;
  return { ...outcomeOf(task.id, task.status, entries, resolved, task.resolution ?? undefined), replay: true };
}

function outcomeOf(
  taskId: number,
  status: ReviewOutcome['status'],
  entries: number,
  resolved?: Answer,
  resolution?: Resolution,
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

const leaseHeldError = () =>
  httpError('REVIEW_LEASE_HELD', 'Your lease expired and another reviewer has this task now');
const taskNotFound = (taskId: number) => httpError('REVIEW_TASK_NOT_FOUND', `No review task ${taskId}`);
const closedError = (taskId: number) => httpError('REVIEW_TASK_CLOSED', `Task ${taskId} is already closed`);
