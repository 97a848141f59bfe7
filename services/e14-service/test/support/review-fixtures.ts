import type { E14SubmissionInput, ReviewTask } from '@castor/contracts';
import { expect } from 'vitest';
import type { E14UnderTest } from '../testing.js';
import { get, honestSheet, post } from './fixtures.js';

export const REVIEW_DOCUMENT = 'ab'.repeat(32);

/**
 * An OCR sheet of `mesa` whose votes.1 was read 50 with low confidence and votes.2 40 over-written
 * (two review tasks), each with a crop, votes.1 with the readings of two providers.
 */
export function ocrSheet(mesa: string, documentHash = REVIEW_DOCUMENT): E14SubmissionInput {
  const sheet = honestSheet(mesa, [50, 40, 0, 0, 0, 0, 0, 0, 0, 10], { source: 'ocr' });
  const crop = (y: number) => ({ page: 1, x: 500, y, width: 214, height: 80, documentHash });
  sheet.documentHash = documentHash;
  sheet.votes[0] = {
    ballotNumber: 1,
    votes: {
      state: 'read',
      value: 50,
      confidence: 0.4,
      readBy: 'fusion',
      crop: crop(900),
      readings: [
        { provider: 'local', state: 'read', value: 50, confidence: 0.55, overwritten: false },
        { provider: 'claude', state: 'read', value: 58, confidence: 0.6, overwritten: false },
      ],
    },
  };
  sheet.votes[1] = {
    ballotNumber: 2,
    votes: { state: 'read', value: 40, confidence: 0.95, overwritten: true, readBy: 'local', crop: crop(990) },
  };
  return sheet;
}

/** The review desk as a test drives it: sheets that need review, reviewers, pending, submit. */
export function reviewDesk(e14: E14UnderTest, admin: string) {
  async function pending(token: string): Promise<ReviewTask | null> {
    const response = await get(e14, '/api/review/pending', token);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().task;
  }
  return {
    /** Stores `sheet` through intake; its review tasks by field path. */
    async storeOcrSheet(mesa: string, sheet: E14SubmissionInput = ocrSheet(mesa)) {
      const response = await post(e14, '/api/e14/process-v2', admin, sheet);
      expect(response.statusCode, response.body).toBe(201);
      const { formId } = response.json();
      const tasks = await e14.app.pg.query<{ id: string; field_path: string }>(
        'SELECT id, field_path FROM review_tasks WHERE form_id = $1 ORDER BY id',
        [formId],
      );
      const byPath = Object.fromEntries(tasks.rows.map((row) => [row.field_path, Number(row.id)]));
      return { formId: formId as number, votes1: byPath['votes.1'] as number, votes2: byPath['votes.2'] as number };
    },
    pending,
    /** The next task of `token`, which must be `taskId` (the queue is oldest first). */
    async pendingFor(token: string, taskId: number): Promise<ReviewTask> {
      const task = await pending(token);
      expect(task?.taskId).toBe(taskId);
      return task as ReviewTask;
    },
    submit: (token: string, task: ReviewTask, answer: Record<string, unknown>) =>
      post(e14, '/api/review/submit', token, { taskId: task.taskId, leaseToken: task.lease?.token, ...answer }),
    /** GET /api/review/pending?ahead=1: the task and the one after it, both leased. */
    async pendingAhead(token: string): Promise<{ task: ReviewTask | null; upcoming: ReviewTask | null }> {
      const response = await get(e14, '/api/review/pending?ahead=1', token);
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    },
    skip: (token: string, task: ReviewTask) =>
      post(e14, `/api/review/tasks/${task.taskId}/skip`, token, { leaseToken: task.lease?.token }),
    renew: (token: string, task: ReviewTask) =>
      post(e14, `/api/review/tasks/${task.taskId}/lease`, token, { leaseToken: task.lease?.token }),
    reviewer: async () => (await e14.token('reviewer')).token,
    /**
     * Empties the desk (every task, entry and reviewer version; the forms stay), so a test meets a
     * queue holding only the tasks it creates. Task ids keep growing, so no old lease matches a new task.
     */
    async clear() {
      await e14.app.pg.query('DELETE FROM review_tasks');
      await e14.app.pg.query('DELETE FROM reviewed_forms');
    },
  };
}
export type ReviewDesk = ReturnType<typeof reviewDesk>;
