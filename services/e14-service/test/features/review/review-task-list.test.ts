import type { ReviewTask } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { divipol, ELECTION, get, post } from '../../support/fixtures.js';
import { withFixtureElection } from '../../support/records-fixtures.js';
import { ocrSheet, reviewDesk } from '../../support/review-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

// Two elections share the fixture's territory, so the same mesa key names a mesa in each: the
// election filter must tell them apart.
const OTHER = 'TERRITORIALES-2027';
const MESA = '01-031-99-01-002';

let e14: E14UnderTest;
let admin: string;
/** The task closed by an admin before the tests. */
let done: number;

withFixtureElection(async (started) => {
  ({ e14, admin } = started);
  const other = divipol();
  other.election = { ...other.election, code: OTHER, name: 'Elecciones territoriales 2027' };
  const imported = await post(e14, '/api/elections/import', admin, other);
  expect(imported.statusCode, imported.body).toBe(200);
  // Each sheet opens two tasks: votes.1 (low_confidence) and votes.2 (overwritten).
  const { storeOcrSheet } = reviewDesk(e14, admin);
  for (const mesa of [MESA, '01-031-99-01-003', '01-031-99-01-004']) await storeOcrSheet(mesa);
  await storeOcrSheet(MESA, { ...ocrSheet(MESA), electionCode: OTHER });
  const { votes2 } = await storeOcrSheet('01-031-99-01-005');
  done = votes2;
  const decided = await post(e14, `/api/review/tasks/${done}/decide`, admin, { value: 40 });
  expect(decided.statusCode, decided.body).toBe(200);
});

type Page = { tasks: ReviewTask[]; nextCursor: string | null };

async function list(query: string): Promise<Page> {
  const response = await get(e14, `/api/review/tasks?${query}`, admin);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** Task ids of a status straight from the table, oldest first. */
async function idsWithStatus(status: string): Promise<number[]> {
  const rows = await e14.app.pg.query<{ id: string }>('SELECT id FROM review_tasks WHERE status = $1 ORDER BY id', [
    status,
  ]);
  return rows.rows.map((row) => Number(row.id));
}

/** Every page of `query`, `limit` tasks at a time, following nextCursor to the end. */
async function walk(query: string, limit: number): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Page = await list(`${query}&limit=${limit}${cursor === null ? '' : `&after=${cursor}`}`);
    expect(page.tasks.length).toBeLessThanOrEqual(limit);
    ids.push(...page.tasks.map((task) => task.taskId));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== null && pages < 100);
  return { ids, pages };
}

const taskIds = (page: Page) => page.tasks.map((task) => task.taskId);

describe('GET /api/review/tasks', () => {
  it('lists pending tasks by default, and the tasks of another status on request', async () => {
    const pending = await idsWithStatus('pending');
    expect(pending).toHaveLength(9);
    const byDefault = await list('');
    expect(taskIds(byDefault)).toEqual(pending);
    expect(byDefault.tasks.every((task) => task.status === 'pending')).toBe(true);
    expect(taskIds(await list('status=done'))).toEqual([done]);
    expect(taskIds(await list('status=escalated'))).toEqual([]);
  });

  it('filters by election, mesa and reason, alone or together', async () => {
    const fixture = await list(`election=${ELECTION}`);
    expect(fixture.tasks).toHaveLength(7);
    expect(fixture.tasks.every((task) => task.context.electionCode === ELECTION)).toBe(true);
    const other = await list(`election=${OTHER}`);
    expect(other.tasks.map((task) => [task.context.electionCode, task.context.mesaKey])).toEqual([
      [OTHER, MESA],
      [OTHER, MESA],
    ]);
    const mesa = await list(`election=${ELECTION}&mesa=${MESA}`);
    expect(mesa.tasks.map((task) => [task.context.electionCode, task.context.mesaKey, task.field.path])).toEqual([
      [ELECTION, MESA, 'votes.1'],
      [ELECTION, MESA, 'votes.2'],
    ]);
    const overwritten = await list('reason=overwritten');
    expect(overwritten.tasks).toHaveLength(4);
    expect(overwritten.tasks.every((task) => task.reason === 'overwritten' && task.field.path === 'votes.2')).toBe(
      true,
    );
    const all = await list(`election=${OTHER}&mesa=${MESA}&reason=low_confidence`);
    expect(all.tasks.map((task) => [task.context.electionCode, task.field.path])).toEqual([[OTHER, 'votes.1']]);
    expect(taskIds(await list(`election=${ELECTION}&mesa=${MESA}&status=done`))).toEqual([]);
  });

  it('refuses filters it cannot apply with a 4xx that says why', async () => {
    const cases: Array<[string, number, string]> = [
      [`mesa=${MESA}`, 400, 'VALIDATION_FAILED'], // a mesa key names a mesa only within an election
      ['election=NO-SUCH-ELECTION', 404, 'ELECTION_UNKNOWN'],
      ['reason=sloppy', 400, 'VALIDATION_FAILED'],
      ['status=open', 400, 'VALIDATION_FAILED'],
      [`election=${ELECTION}&mesa=01-031`, 400, 'VALIDATION_FAILED'],
      ['after=abc', 400, 'VALIDATION_FAILED'],
      ['limit=501', 400, 'VALIDATION_FAILED'],
    ];
    for (const [query, status, code] of cases) {
      const response = await get(e14, `/api/review/tasks?${query}`, admin);
      expect([query, response.statusCode, response.json().error?.code]).toEqual([query, status, code]);
      expect(response.json().error.message.length).toBeGreaterThan(0);
    }
  });

  it('walks every task page by page with no repeats and no gaps, filtered or not', async () => {
    const pending = await idsWithStatus('pending');
    for (const limit of [1, 2, 4, 500]) {
      const { ids, pages } = await walk('', limit);
      expect(ids).toEqual(pending);
      // The last page says it is the last: no empty page is needed to find the end.
      expect(pages).toBe(Math.max(1, Math.ceil(pending.length / limit)));
    }
    const fixture = taskIds(await list(`election=${ELECTION}`));
    expect((await walk(`election=${ELECTION}`, 3)).ids).toEqual(fixture);
    expect((await walk('status=pending&reason=low_confidence', 2)).ids).toEqual(
      taskIds(await list('reason=low_confidence')),
    );
  });

  it('still takes afterTaskId as the cursor', async () => {
    const pending = await idsWithStatus('pending');
    const first = await list('limit=3');
    expect(first.nextCursor).not.toBeNull();
    const rest = pending.slice(3);
    expect(taskIds(await list(`after=${first.nextCursor}`))).toEqual(rest);
    expect(taskIds(await list(`afterTaskId=${pending[2]}`))).toEqual(rest);
    expect((await list(`after=${first.nextCursor}`)).nextCursor).toBeNull();
  });

  it('hands out more than 100 tasks a page, up to 500', async () => {
    const { storeOcrSheet } = reviewDesk(e14, admin);
    for (const mesa of ['01-031-99-02-001', '01-031-99-02-002', '01-031-99-02-003']) {
      await storeOcrSheet(mesa, { ...ocrSheet(mesa), electionCode: OTHER });
    }
    // Every other cell of the stored forms becomes a task too (the desk reads the cell from the form).
    await e14.app.pg.query(
      `INSERT INTO review_tasks (form_id, field_path, reason)
       SELECT form_id, path, 'illegible' FROM e14_fields ON CONFLICT DO NOTHING`,
    );
    const pending = await idsWithStatus('pending');
    expect(pending.length).toBeGreaterThan(100);
    const page = await list('limit=500');
    expect(taskIds(page)).toEqual(pending);
    expect(page.nextCursor).toBeNull();
    expect((await walk('', 7)).ids).toEqual(pending);
  });
});
