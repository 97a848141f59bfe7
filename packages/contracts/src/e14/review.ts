import { z } from 'zod';
import { decimalIntegerSchema, idParamSchema, isoDateTimeSchema } from '../common.js';
import { corporationSchema, electionCodeSchema } from './election.js';
import { mesaStatusSchema } from './intake-api.js';
import { ruleFindingSchema } from './rules.js';
import { copySchema, cropRefSchema, MAX_CELL_VALUE } from './submission.js';
import { mesaKeySchema } from './territory.js';

/**
 * The review desk (human in the loop): fields a machine could not read with confidence are
 * handed out one at a time under a lease, entered blind by two different reviewers (a third when
 * they disagree), or decided by an admin; the agreed value becomes a reviewer version of the form.
 */

export const REVIEW_REASONS = ['illegible', 'low_confidence', 'overwritten'] as const;
export const REVIEW_TASK_STATUSES = ['pending', 'escalated', 'done', 'cancelled'] as const;
export const reviewTaskStatusSchema = z
  .enum(REVIEW_TASK_STATUSES)
  .describe(
    'pending: waiting for entries; escalated: three entries and no two agree (only an admin decides); done: closed; cancelled: its form was replaced by a newer upload of the same sender, nobody reads it',
  );

/** What a person answers for a cell: a number, empty (dots, dashes or blank), or illegible. */
const answerFields = {
  value: z.number().int().min(0).max(MAX_CELL_VALUE).optional().describe('The number written in the cell'),
  empty: z.literal(true).optional().describe('The cell holds dots, dashes or nothing (counts 0)'),
  illegible: z.literal(true).optional().describe('Nobody could read the cell'),
};
const oneAnswer = (answer: { value?: number | undefined; empty?: true | undefined; illegible?: true | undefined }) =>
  [answer.value !== undefined, answer.empty, answer.illegible].filter(Boolean).length === 1;
const oneAnswerMessage = { message: 'give exactly one of value, empty: true or illegible: true' };

export const reviewAnswerSchema = z.object(answerFields).refine(oneAnswer, oneAnswerMessage);
export type ReviewAnswer = z.infer<typeof reviewAnswerSchema>;

export const reviewSubmitRequestSchema = z
  .object({
    taskId: z.number().int().min(1),
    leaseToken: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { message: 'the lease token GET /api/review/pending gave' }),
    ...answerFields,
  })
  .refine(oneAnswer, oneAnswerMessage);
export type ReviewSubmitRequest = z.infer<typeof reviewSubmitRequestSchema>;

export const reviewTaskIdParamsSchema = z.object({ id: idParamSchema });

const readingSchema = z.object({
  provider: z.string(),
  state: z.enum(['read', 'empty', 'illegible']),
  value: z.number().int().nullable(),
  confidence: z.number(),
  overwritten: z.boolean(),
});

/** A task as handed to a reviewer, with everything needed to judge the cell. */
export const reviewTaskSchema = z.object({
  taskId: z.number().int(),
  status: reviewTaskStatusSchema,
  reason: z.enum(REVIEW_REASONS),
  entries: z.number().int().describe('Entries given so far (their values are not shown: double entry is blind)'),
  lease: z
    .object({ token: z.string(), expiresAt: isoDateTimeSchema })
    .nullable()
    .describe('Give the token back with POST /api/review/submit; after expiresAt the task returns to the queue'),
  field: z.object({
    path: z.string().describe('e.g. votes.3, votes.1-101, nivelacion.urna'),
    label: z.string().describe('The row as the form prints it (candidate and party for a vote row)'),
    state: z.enum(['read', 'empty', 'illegible']),
    value: z.number().int().nullable(),
    confidence: z.number(),
    overwritten: z.boolean(),
    readBy: z.string().nullable(),
    readings: z.array(readingSchema).describe('What each OCR provider read, with its confidence'),
  }),
  crop: z.object({
    url: z.string().nullable().describe('PNG of the cell cut from the stored scan (null when no scan is stored)'),
    ref: cropRefSchema.nullable(),
    labelUrl: z
      .string()
      .nullable()
      .describe(
        "PNG of the row's printed candidate number and name, cut from the same page of the stored scan, so the reviewer sees what the value counts for (null when no scan is stored or the layout prints no label for the row)",
      ),
  }),
  context: z.object({
    formId: z.number().int(),
    electionCode: z.string(),
    mesaKey: mesaKeySchema,
    corporation: corporationSchema,
    copy: copySchema,
    source: z.string(),
    rulesFailed: z.array(ruleFindingSchema).describe('Findings of the form (the ones naming this field first)'),
  }),
});
export type ReviewTask = z.infer<typeof reviewTaskSchema>;

export const reviewPendingQuerySchema = z.object({
  ahead: z
    .enum(['0', '1'])
    .default('0')
    .describe('1: also lease you the task after this one (upcoming), so its crops can be fetched before you answer'),
});
export type ReviewPendingQuery = z.infer<typeof reviewPendingQuerySchema>;

export const reviewPendingResponseSchema = z.object({
  task: reviewTaskSchema.nullable().describe('null: nothing waiting for you'),
  upcoming: reviewTaskSchema
    .nullable()
    .default(null)
    .describe(
      'With ahead=1: the next task, leased to you too (its own token); it becomes task once this one is answered or skipped. null: none, or not asked',
    ),
});
export type ReviewPendingResponse = z.infer<typeof reviewPendingResponseSchema>;

/** The lease token of a task handed to you, to skip it or keep it. */
export const reviewLeaseRequestSchema = z.object({
  leaseToken: reviewSubmitRequestSchema.shape.leaseToken,
});
export type ReviewLeaseRequest = z.infer<typeof reviewLeaseRequestSchema>;

export const reviewLeaseRenewedSchema = z.object({
  taskId: z.number().int(),
  expiresAt: isoDateTimeSchema.describe('The lease now lasts until then'),
});
export type ReviewLeaseRenewed = z.infer<typeof reviewLeaseRenewedSchema>;

export const reviewSkippedSchema = z.object({
  taskId: z.number().int(),
  skippedUntil: isoDateTimeSchema.describe(
    'Until then the task is not handed to you again (unless only tasks you skipped are left); other reviewers still get it',
  ),
});
export type ReviewSkipped = z.infer<typeof reviewSkippedSchema>;

/** Minutes in the per-minute throughput of GET /api/review/me. */
export const REVIEW_ACTIVITY_MINUTES = 15;

/** A reviewer's own numbers: only theirs, never another reviewer's answers. */
export const reviewerActivitySchema = z.object({
  entries: z.number().int().describe('Your entries, ever'),
  lastHour: z.number().int().describe('Your entries in the last 60 minutes'),
  perMinute: z
    .array(z.number().int())
    .length(REVIEW_ACTIVITY_MINUTES)
    .describe('Your entries in each of the last 15 minutes, oldest first; the last is the minute under way'),
  judged: z.number().int().describe('Your entries on closed tasks'),
  agreed: z.number().int().describe('Your entries equal to the closed value'),
  accuracy: z.number().nullable().describe('agreed / judged; null before any of your tasks closed'),
  skipped: z.number().int().describe('Tasks you skipped that are still set aside from you'),
});
export type ReviewerActivity = z.infer<typeof reviewerActivitySchema>;

export const reviewOutcomeSchema = z.object({
  taskId: z.number().int(),
  status: reviewTaskStatusSchema,
  entries: z.number().int(),
  replay: z.boolean().describe('This very answer was already recorded (a retry): nothing new was written'),
  resolved: z
    .object({
      state: z.enum(['read', 'empty', 'illegible']),
      value: z.number().int().nullable(),
      resolution: z
        .enum(['consensus', 'admin', 'model'])
        .describe(
          'consensus: two reviewers agreed; admin: an admin decided; model: a promoted recognizer model read the cell again with confidence',
        ),
    })
    .nullable(),
  reviewedForm: z
    .object({
      state: z.enum(['pending', 'stored', 'refused']),
      formId: z.number().int().nullable().describe('The reviewer version of the form, once stored through intake'),
      mesaStatus: mesaStatusSchema.nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    })
    .nullable()
    .describe("Set when this answer closed the form's last open task"),
});
export type ReviewOutcome = z.infer<typeof reviewOutcomeSchema>;

export const reviewerStatsResponseSchema = z.object({
  reviewers: z.array(
    z.object({
      reviewerId: z.string(),
      entries: z.number().int(),
      judged: z.number().int().describe('Entries on closed tasks'),
      agreed: z.number().int().describe('Entries equal to the closed value'),
      accuracy: z.number().nullable().describe('agreed / judged'),
    }),
  ),
  backlog: z.object({ pending: z.number().int(), escalated: z.number().int() }).describe('Open tasks'),
});

/** The most tasks one page of GET /api/review/tasks holds. */
export const REVIEW_TASK_PAGE_MAX = 500;

/** Where a page of tasks ends; opaque to clients, who hand it back as `after` for the next page. */
const reviewTaskCursorSchema = z
  .string()
  .regex(/^\d{1,15}$/, { message: 'after takes the nextCursor of the previous page' });

export const reviewTaskListQuerySchema = z
  .object({
    election: electionCodeSchema.optional().describe('Only tasks on forms of this election'),
    status: reviewTaskStatusSchema.default('pending'),
    mesa: mesaKeySchema.optional().describe('Only tasks on forms of this mesa (needs election)'),
    reason: z.enum(REVIEW_REASONS).optional(),
    after: reviewTaskCursorSchema.optional().describe('Paging: the nextCursor of the previous page'),
    afterTaskId: decimalIntegerSchema({ min: 0, max: Number.MAX_SAFE_INTEGER }).default(0),
    limit: decimalIntegerSchema({ min: 1, max: REVIEW_TASK_PAGE_MAX }).default(20),
  })
  // The same mesa key names a mesa in every election of the same divipol.
  .refine((query) => query.mesa === undefined || query.election !== undefined, {
    message: 'mesa needs election: a mesa key names a mesa only within one election',
    path: ['mesa'],
  });
export type ReviewTaskListQuery = z.infer<typeof reviewTaskListQuerySchema>;

export const reviewTaskListResponseSchema = z.object({
  tasks: z.array(reviewTaskSchema).describe('Oldest first'),
  nextCursor: reviewTaskCursorSchema
    .nullable()
    .describe('Pass as after for the next page; null: this is the last page'),
});

export const trainingSamplesQuerySchema = z.object({
  afterTaskId: decimalIntegerSchema({ min: 0, max: Number.MAX_SAFE_INTEGER })
    .default(0)
    .describe('Paging: the x-next-after-task-id of the last page'),
  limit: decimalIntegerSchema({ min: 1, max: 2_000 }).default(500),
});
