import type { ReviewTask } from '@castor/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { get, post } from '../../support/fixtures.js';
import { withFixtureElection } from '../../support/records-fixtures.js';
import { REVIEW_DOCUMENT, type ReviewDesk, reviewDesk } from '../../support/review-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;

withFixtureElection((started) => {
  ({ e14, admin } = started);
  ({ pending, pendingFor, submit, reviewer, storeOcrSheet, clear } = reviewDesk(e14, admin));
});
// Each test works on an empty desk: the queue is oldest first, and the reviewer statistics and
// the backlog count every task.
beforeEach(async () => clear());

let pending: ReviewDesk['pending'];
let pendingFor: ReviewDesk['pendingFor'];
let submit: ReviewDesk['submit'];
let reviewer: ReviewDesk['reviewer'];
let storeOcrSheet: ReviewDesk['storeOcrSheet'];
let clear: ReviewDesk['clear'];

/**
 * A sheet of `mesa` whose votes.1 closes at 58 after a disagreement (ana 50, beto 58, then carla
 * 58) and whose votes.2 is escalated by three different answers (ana 40, beto illegible, carla 46).
 */
async function disagreeOn(mesa: string) {
  const { votes1, votes2 } = await storeOcrSheet(mesa);
  const [ana, beto, carla] = [await reviewer(), await reviewer(), await reviewer()];
  await submit(ana, await pendingFor(ana, votes1), { value: 50 });
  const disagreement = await submit(beto, await pendingFor(beto, votes1), { value: 58 });
  const third = await submit(carla, await pendingFor(carla, votes1), { value: 58 });
  await submit(ana, await pendingFor(ana, votes2), { value: 40 });
  await submit(beto, await pendingFor(beto, votes2), { illegible: true });
  const escalated = await submit(carla, await pendingFor(carla, votes2), { value: 46 });
  return { votes2, disagreement, third, escalated };
}

/** disagreeOn(mesa), then an admin closes the escalated votes.2 at 40: a consensus and an admin closing. */
async function settledDisagreementOn(mesa: string) {
  const { votes2 } = await disagreeOn(mesa);
  expect((await post(e14, `/api/review/tasks/${votes2}/decide`, admin, { value: 40 })).statusCode).toBe(200);
}

describe('review desk', () => {
  it('hands a task out under a lease with its crop and context, never to two reviewers at once', async () => {
    const { formId, votes1, votes2 } = await storeOcrSheet('01-031-99-01-002');
    const ana = await reviewer();
    const beto = await reviewer();
    const task = await pendingFor(ana, votes1);
    expect(task).toMatchObject({
      status: 'pending',
      reason: 'low_confidence',
      entries: 0,
      field: {
        path: 'votes.1',
        label: '1 CANDIDATO 1 (PARTIDO 1)',
        state: 'read',
        value: 50,
        confidence: 0.4,
        readings: [
          { provider: 'local', value: 50, confidence: 0.55 },
          { provider: 'claude', value: 58, confidence: 0.6 },
        ],
      },
      crop: {
        url: `/api/review/tasks/${votes1}/crop`,
        ref: { page: 1, x: 500, y: 900, width: 214, height: 80, documentHash: REVIEW_DOCUMENT },
      },
      context: { formId, electionCode: 'TERRITORIALES-2023', mesaKey: '01-031-99-01-002', corporation: 'GOBERNADOR' },
    });
    expect(task.context.rulesFailed.map((finding) => finding.rule)).toEqual(
      expect.arrayContaining(['confidence', 'corrections']),
    );
    expect(task.context.rulesFailed[0]?.fields).toContain('votes.1');
    expect(Date.parse(task.lease?.expiresAt ?? '')).toBeGreaterThan(Date.now() + 200_000);
    // Asking again returns the same lease; another reviewer gets the other task.
    expect((await pending(ana))?.lease?.token).toBe(task.lease?.token);
    const other = await pendingFor(beto, votes2);
    expect(other.field).toMatchObject({ path: 'votes.2', overwritten: true, readings: [] });
    expect(other.reason).toBe('overwritten');
    // A third reviewer finds nothing: both tasks are leased.
    expect(await pending(await reviewer())).toBeNull();
    // Somebody else's lease token does not submit the task.
    const stolen = await post(e14, '/api/review/submit', beto, {
      taskId: votes1,
      leaseToken: task.lease?.token,
      value: 50,
    });
    expect(stolen.statusCode).toBe(409);
    expect(stolen.json().error.code).toBe('REVIEW_LEASE_HELD');
    // Each reviewer answers the task they hold, then the other one: both tasks close.
    for (const [token, first] of [
      [ana, task],
      [beto, other],
    ] as const) {
      expect((await submit(token, first, { value: first.field.value })).statusCode).toBe(200);
    }
    for (const [token, id] of [
      [beto, votes1],
      [ana, votes2],
    ] as const) {
      const next = await pendingFor(token, id);
      expect((await submit(token, next, { value: next.field.value })).json().status).toBe('done');
    }
  });

  it('closes a task when two reviewers agree; retries are idempotent; a reviewer never sees a task twice', async () => {
    const { votes1, votes2 } = await storeOcrSheet('01-031-99-01-003');
    const ana = await reviewer();
    const beto = await reviewer();
    const task = await pendingFor(ana, votes1);
    const first = await submit(ana, task, { value: 58 });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      taskId: votes1,
      status: 'pending',
      entries: 1,
      replay: false,
      resolved: null,
    });
    const audit = await e14.app.pg.query('SELECT count(*)::int AS n FROM audit_log');
    const retry = await submit(ana, task, { value: 58 });
    expect(retry.json()).toMatchObject({ status: 'pending', entries: 1, replay: true });
    expect((await e14.app.pg.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n).toBe(audit.rows[0].n);
    const changed = await submit(ana, task, { value: 50 });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('REVIEW_ENTRY_CONFLICT');
    // Ana answered votes.1: she is handed votes.2, never votes.1 again.
    const anaNext = await pendingFor(ana, votes2);
    expect(anaNext.field.path).toBe('votes.2');
    const second = await pendingFor(beto, votes1);
    expect(second.entries).toBe(1);
    const agreed = await submit(beto, second, { value: 58 });
    expect(agreed.json()).toMatchObject({
      status: 'done',
      entries: 2,
      resolved: { state: 'read', value: 58, resolution: 'consensus' },
      reviewedForm: null,
    });
    const late = await submit(await reviewer(), { ...second, lease: null }, { value: 58 });
    expect(late.statusCode).toBe(400); // no lease token at all is a malformed request
    // Close votes.2 too.
    await submit(ana, anaNext, { value: 40 });
    const betoNext = await pendingFor(beto, votes2);
    expect((await submit(beto, betoNext, { value: 40 })).json().status).toBe('done');
  });

  it('asks a third reviewer on disagreement, escalates three different answers, and lets an admin decide', async () => {
    const { votes2, disagreement, third, escalated } = await disagreeOn('01-031-99-01-004');
    const dario = await reviewer();
    // votes.1: 50 and 58 disagree, the third says 58: closed at 58.
    expect(disagreement.json()).toMatchObject({ status: 'pending', entries: 2 });
    expect(third.json()).toMatchObject({ status: 'done', entries: 3, resolved: { value: 58 } });
    // votes.2: 40, illegible, 46: escalated, no reviewer gets it any more.
    expect(escalated.json()).toMatchObject({ status: 'escalated', entries: 3, resolved: null });
    expect(await pending(dario)).toBeNull();
    const listed = await get(e14, '/api/review/tasks?status=escalated', admin);
    expect(listed.json().tasks.map((task: ReviewTask) => task.taskId)).toEqual([votes2]);
    expect(listed.json().tasks[0]).toMatchObject({ status: 'escalated', entries: 3, lease: null });
    expect((await get(e14, '/api/review/tasks', dario)).statusCode).toBe(403);
    const refused = await post(e14, `/api/review/tasks/${votes2}/decide`, dario, { value: 40 });
    expect(refused.statusCode).toBe(403);
    const decided = await post(e14, `/api/review/tasks/${votes2}/decide`, admin, { value: 40 });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({
      status: 'done',
      resolved: { state: 'read', value: 40, resolution: 'admin' },
      reviewedForm: { state: 'stored' },
    });
    // 58 instead of 50 no longer adds up to the urn: the rules ran again on the reviewed version.
    const reviewed = await e14.app.pg.query('SELECT status, findings FROM e14_forms WHERE id = $1', [
      decided.json().reviewedForm.formId,
    ]);
    expect(reviewed.rows[0].status).toBe('failed_rules');
    expect(reviewed.rows[0].findings.map((finding: { rule: string }) => finding.rule)).toContain('urn_sum');
    const again = await post(e14, `/api/review/tasks/${votes2}/decide`, admin, { value: 40 });
    expect(again.json()).toMatchObject({ replay: true, status: 'done' });
    const overrule = await post(e14, `/api/review/tasks/${votes2}/decide`, admin, { value: 41 });
    expect(overrule.statusCode).toBe(409);
    expect(overrule.json().error.code).toBe('REVIEW_TASK_CLOSED');
  });

  it('stores the reviewed form through intake when the last task closes: rules, truth, rollups, audit', async () => {
    const { formId, votes1, votes2 } = await storeOcrSheet('01-031-99-01-005');
    const truthBefore = await e14.app.pg.query(
      'SELECT form_id, status FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id WHERE m.mesa_key = $1',
      ['01-031-99-01-005'],
    );
    expect(truthBefore.rows[0]).toMatchObject({ form_id: String(formId), status: 'needs_review' });
    const [ana, beto] = [await reviewer(), await reviewer()];
    await post(e14, `/api/review/tasks/${votes2}/decide`, admin, { value: 40 });
    await submit(ana, await pendingFor(ana, votes1), { value: 50 });
    const closing = await submit(beto, await pendingFor(beto, votes1), { value: 50 });
    expect(closing.statusCode, closing.body).toBe(200);
    const { reviewedForm } = closing.json();
    expect(reviewedForm).toMatchObject({ state: 'stored', mesaStatus: 'validated', error: null });
    const form = await e14.app.pg.query(
      'SELECT source, status, copy, version, submitted_by, source_ref, votes FROM e14_forms WHERE id = $1',
      [reviewedForm.formId],
    );
    expect(form.rows[0]).toMatchObject({
      source: 'reviewer',
      status: 'validated',
      copy: 'delegados',
      submitted_by: 'review-desk',
      source_ref: `review:form:${formId}`,
    });
    expect(form.rows[0].votes.slice(0, 2)).toEqual([50, 40]);
    const fields = await e14.app.pg.query(
      `SELECT path, state, value, confidence, overwritten, read_by, crop FROM e14_fields WHERE form_id = $1 AND path IN ('votes.1', 'votes.2') ORDER BY path`,
      [reviewedForm.formId],
    );
    expect(fields.rows).toMatchObject([
      { path: 'votes.1', value: 50, confidence: 1, overwritten: false, read_by: 'review', crop: { y: 900 } },
      { path: 'votes.2', value: 40, confidence: 1, overwritten: false, read_by: 'review', crop: { y: 990 } },
    ]);
    const payload = await e14.app.pg.query('SELECT payload FROM e14_forms WHERE id = $1', [reviewedForm.formId]);
    expect(payload.rows[0].payload.votes[0].votes.readings).toHaveLength(2);
    const truth = await e14.app.pg.query(
      'SELECT form_id, status FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id WHERE m.mesa_key = $1',
      ['01-031-99-01-005'],
    );
    expect(truth.rows[0]).toEqual({ form_id: String(reviewedForm.formId), status: 'validated' });
    const actions = await e14.app.pg.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE (entity = 'review_task' AND entity_id = ANY($1)) OR (entity = 'e14_form' AND entity_id = ANY($2)) ORDER BY seq`,
      [
        [String(votes1), String(votes2)],
        [String(formId), String(reviewedForm.formId)],
      ],
    );
    expect(actions.rows.map((row) => row.action)).toEqual([
      'e14.stored',
      'review.decided',
      'review.entry',
      'review.entry',
      'review.agreed',
      'review.form_reviewed',
      'e14.stored',
    ]);
    // A crash after intake stored the reviewer version but before it was marked: the flush at the
    // next start finds the same content and records nothing twice.
    const forms = await e14.app.pg.query('SELECT count(*)::int AS n FROM e14_forms');
    await e14.app.pg.query(`UPDATE reviewed_forms SET state = 'pending', reviewed_form_id = NULL WHERE form_id = $1`, [
      formId,
    ]);
    const flushed = await e14.review.flushReviewedForms();
    expect(flushed.get(formId)).toMatchObject({ state: 'stored', formId: reviewedForm.formId });
    expect((await e14.app.pg.query('SELECT count(*)::int AS n FROM e14_forms')).rows[0].n).toBe(forms.rows[0].n);
    const verify = await get(e14, '/api/audit/verify', admin);
    expect(verify.json()).toMatchObject({ ok: true });
  });

  it('keeps an illegible verdict without queueing the cell again on the reviewed form', async () => {
    const { votes1, votes2 } = await storeOcrSheet('01-031-99-01-006');
    await post(e14, `/api/review/tasks/${votes1}/decide`, admin, { illegible: true });
    const closing = await post(e14, `/api/review/tasks/${votes2}/decide`, admin, { value: 40 });
    const { reviewedForm } = closing.json();
    expect(reviewedForm).toMatchObject({ state: 'stored', mesaStatus: 'needs_review' });
    const tasks = await e14.app.pg.query(
      'SELECT field_path, status, resolved_state FROM review_tasks WHERE form_id = $1',
      [reviewedForm.formId],
    );
    expect(tasks.rows).toEqual([{ field_path: 'votes.1', status: 'done', resolved_state: 'illegible' }]);
    expect(await pending(await reviewer())).toBeNull();
  });

  it('under concurrency: never one task to two reviewers, and one reviewer version when two tasks close at once', async () => {
    const { formId, votes1, votes2 } = await storeOcrSheet('01-031-99-02-001');
    const crowd = await Promise.all([reviewer(), reviewer(), reviewer(), reviewer()]);
    const firsts = await Promise.all(crowd.slice(0, 3).map((token) => pending(token)));
    const handed = firsts.flatMap((task) => (task ? [task.taskId] : []));
    expect(handed.sort()).toEqual([votes1, votes2]); // the third reviewer got nothing
    const answering = crowd.slice(0, 3).flatMap((token, index) => {
      const task = firsts[index];
      return task ? [submit(token, task, { value: task.field.value })] : [];
    });
    await Promise.all(answering);
    const idle = crowd[firsts.indexOf(null)] as string;
    const seconds = await Promise.all([pending(idle), pending(crowd[3] as string)]);
    expect(seconds.map((task) => task?.taskId).sort()).toEqual([votes1, votes2]);
    const closing = await Promise.all(
      seconds.map((task, index) =>
        submit([idle, crowd[3] as string][index] as string, task as ReviewTask, { value: task?.field.value }),
      ),
    );
    expect(closing.map((response) => response.json().status)).toEqual(['done', 'done']);
    const reviewed = closing.flatMap((response) =>
      response.json().reviewedForm ? [response.json().reviewedForm] : [],
    );
    expect(reviewed).toHaveLength(1);
    const versions = await e14.app.pg.query(
      `SELECT count(*)::int AS n FROM e14_forms WHERE source = 'reviewer' AND source_ref = $1`,
      [`review:form:${formId}`],
    );
    expect(versions.rows[0].n).toBe(1);
  });

  it("measures each reviewer's accuracy against the closed values, for admins only", async () => {
    await settledDisagreementOn('01-031-99-02-002');
    const response = await get(e14, '/api/review/reviewers', admin);
    expect(response.statusCode, response.body).toBe(200);
    const { reviewers, backlog } = response.json();
    expect(backlog).toEqual({ pending: 0, escalated: 0 });
    // ana 50 (closed 58) and 40 (closed 40), beto 58 and illegible, carla 58 and 46.
    const users = await e14.app.pg.query<{ reviewer_id: string; n: number }>(
      'SELECT reviewer_id, count(*)::int AS n FROM review_entries GROUP BY reviewer_id',
    );
    expect(reviewers).toHaveLength(users.rows.length);
    const wrong = reviewers.filter((entry: { agreed: number; judged: number }) => entry.agreed < entry.judged);
    expect(wrong.map((entry: { accuracy: number }) => entry.accuracy).sort()).toEqual([0.5, 0.5, 0.5]);
    expect((await get(e14, '/api/review/reviewers', await reviewer())).statusCode).toBe(403);
  });

  it('refuses other roles and malformed answers with clear codes', async () => {
    const witness = (await e14.token('witness')).token;
    const analyst = (await e14.token('analyst')).token;
    expect((await get(e14, '/api/review/pending', witness)).statusCode).toBe(403);
    expect((await get(e14, '/api/review/pending', analyst)).statusCode).toBe(403);
    const ana = await reviewer();
    const both = await post(e14, '/api/review/submit', ana, {
      taskId: 1,
      leaseToken: 'x'.repeat(24),
      value: 3,
      illegible: true,
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.code).toBe('VALIDATION_FAILED');
    const tooBig = await post(e14, '/api/review/submit', ana, { taskId: 1, leaseToken: 'x'.repeat(24), value: 1000 });
    expect(tooBig.statusCode).toBe(400);
    const missing = await post(e14, '/api/review/submit', ana, {
      taskId: 999_999,
      leaseToken: 'x'.repeat(24),
      value: 3,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('REVIEW_TASK_NOT_FOUND');
    expect((await get(e14, '/api/review/tasks/999999', ana)).json().error.code).toBe('REVIEW_TASK_NOT_FOUND');
    // These sheets name a scan that was never stored: no crop to cut, said clearly.
    await storeOcrSheet('01-001-01-01-001');
    const task = await e14.app.pg.query<{ id: string }>('SELECT id FROM review_tasks ORDER BY id LIMIT 1');
    const crop = await get(e14, `/api/review/tasks/${task.rows[0]?.id}/crop`, ana);
    expect(crop.statusCode).toBe(404);
    expect(crop.json().error.code).toBe('REVIEW_CROP_UNAVAILABLE');
  });

  it('exports the backlog gauge and the turnaround histogram', async () => {
    await settledDisagreementOn('01-031-99-02-003');
    const response = await e14.app.inject({ method: 'GET', url: '/api/metrics' });
    expect(response.body).toMatch(/e14_review_backlog\{[^}]*status="pending"[^}]*\} 0/);
    expect(response.body).toMatch(/e14_review_turnaround_seconds_count\{[^}]*resolution="consensus"[^}]*\} [1-9]/);
    expect(response.body).toMatch(/e14_review_turnaround_seconds_count\{[^}]*resolution="admin"[^}]*\} [1-9]/);
  });
});
