import type { Alert } from '@castor/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { get, honestSheet, post } from '../../support/fixtures.js';
import { recordsOf, withFixtureElection } from '../../support/records-fixtures.js';
import { ocrSheet, type ReviewDesk, reviewDesk } from '../../support/review-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;
let desk: ReviewDesk;

withFixtureElection((started) => {
  ({ e14, admin } = started);
  desk = reviewDesk(e14, admin);
});
beforeEach(async () => desk.clear());

/** An admin closes both review tasks of the OCR sheet (votes.1 and votes.2); the answer closing the form. */
async function review(tasks: { votes1: number; votes2: number }, votes1: number, votes2: number) {
  const first = await post(e14, `/api/review/tasks/${tasks.votes2}/decide`, admin, { value: votes2 });
  expect(first.statusCode, first.body).toBe(200);
  const closing = await post(e14, `/api/review/tasks/${tasks.votes1}/decide`, admin, { value: votes1 });
  expect(closing.statusCode, closing.body).toBe(200);
  expect(closing.json().reviewedForm).toMatchObject({ state: 'stored' });
  return closing.json().reviewedForm.formId as number;
}

/** The votes of the first candidates in the mesa's results, and the mesa's truth. */
async function officialOf(mesa: string) {
  const response = await recordsOf(e14, admin).results(mesa);
  expect(response.statusCode, response.body).toBe(200);
  const truth = await e14.app.pg.query<{ form_id: string; status: string }>(
    'SELECT r.form_id, r.status FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id WHERE m.mesa_key = $1',
    [mesa],
  );
  return {
    votes: response
      .json()
      .options.map((option: { votes: number }) => option.votes)
      .slice(0, 2),
    formId: Number(truth.rows[0]?.form_id),
    status: truth.rows[0]?.status,
  };
}

const pendingTasksOf = async (formId: number) =>
  (
    await e14.app.pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM review_tasks WHERE form_id = $1 AND status <> 'done'`,
      [formId],
    )
  ).rows[0]?.n;

describe('a reviewed reading becomes official', () => {
  it('even when the reviewed version fails a sum rule: the sheet is wrong, the review is still what it says', async () => {
    const mesa = '01-031-99-01-002';
    // The machine read 50 (the paper says 58) and the rows add up to the urn as read.
    const machine = await desk.storeOcrSheet(mesa);
    expect(await officialOf(mesa)).toEqual({ votes: [50, 40], formId: machine.formId, status: 'needs_review' });
    const reviewedFormId = await review(machine, 58, 40);
    const reviewed = await e14.app.pg.query('SELECT source, status, findings FROM e14_forms WHERE id = $1', [
      reviewedFormId,
    ]);
    expect(reviewed.rows[0]).toMatchObject({ source: 'reviewer', status: 'failed_rules' });
    expect(reviewed.rows[0].findings.map((finding: { rule: string }) => finding.rule)).toContain('urn_sum');
    expect(await pendingTasksOf(machine.formId)).toBe(0);
    expect(await officialOf(mesa)).toEqual({ votes: [58, 40], formId: reviewedFormId, status: 'failed_rules' });
    // The failed rule is what an alert is for: the reviewed version's urn_sum alert is open.
    const alerts = await recordsOf(e14, admin).alerts(`territory=${mesa}&rule=urn_sum`);
    expect(alerts.items.map((alert: Alert) => [alert.formId, alert.status])).toEqual([[reviewedFormId, 'open']]);
    const decided = await e14.app.pg.query<{ after: { formId: number; policyVersion: number } }>(
      `SELECT after FROM audit_log WHERE action = 'reconciliation.decided' AND entity_id = $1 ORDER BY seq DESC LIMIT 1`,
      [`${mesa}/GOBERNADOR`],
    );
    expect(decided.rows[0]?.after).toMatchObject({ formId: reviewedFormId, policyVersion: 4 });
  });

  it('resolves the alerts of the misread once review corrected it, with the reason and an audit entry', async () => {
    const mesa = '01-031-99-01-003';
    // The paper says 58 and adds up; the machine read 50, so its reading fails urn_sum.
    const paper = honestSheet(mesa, [58, 40, 0, 0, 0, 0, 0, 0, 0, 10], { source: 'ocr' });
    const misread = { ...ocrSheet(mesa), nivelacion: paper.nivelacion, sumaTotal: paper.sumaTotal };
    const machine = await desk.storeOcrSheet(mesa, misread);
    // The sum fails on cells sent to review: its alert waits for the review (alerts-from-misreads.test.ts).
    expect((await recordsOf(e14, admin).alerts(`territory=${mesa}&rule=urn_sum`)).items).toEqual([]);
    const before = await recordsOf(e14, admin).alerts(`territory=${mesa}&rule=confidence`);
    expect(before.items).toHaveLength(1);
    const lowConfidence: Alert = before.items[0];
    expect(lowConfidence).toMatchObject({ formId: machine.formId, status: 'open', severity: 'warning' });
    const machineAlertIds = (
      await e14.app.pg.query<{ id: string }>('SELECT id FROM alerts WHERE form_id = $1 ORDER BY id', [machine.formId])
    ).rows.map((row) => Number(row.id));
    const reviewedFormId = await review(machine, 58, 40);
    expect(await officialOf(mesa)).toEqual({ votes: [58, 40], formId: reviewedFormId, status: 'validated' });
    const after = await recordsOf(e14, admin).alerts(`territory=${mesa}&status=open`);
    expect(after.items).toEqual([]);
    const resolved = await recordsOf(e14, admin).alerts(`territory=${mesa}&rule=confidence`);
    expect(resolved.items).toMatchObject([
      {
        id: lowConfidence.id,
        status: 'resolved',
        statusReason: `superseded by form ${reviewedFormId}`,
        statusBy: 'system:reconciliation',
      },
    ]);
    const audit = await e14.app.pg.query<{ entity_id: string; actor: string; before: unknown; after: unknown }>(
      `SELECT entity_id, actor, before, after FROM audit_log
       WHERE action = 'alert.resolved' AND entity = 'alert' AND entity_id = ANY($1) ORDER BY seq`,
      [machineAlertIds.map(String)],
    );
    // Every alert of the misread (the warnings about its low confidence and over-writing) resolved once.
    expect(machineAlertIds.length).toBeGreaterThan(1);
    expect(audit.rows.map((row) => Number(row.entity_id)).sort((a, b) => a - b)).toEqual(machineAlertIds);
    expect(audit.rows.find((row) => Number(row.entity_id) === lowConfidence.id)).toEqual({
      entity_id: String(lowConfidence.id),
      actor: 'system:reconciliation',
      before: { status: 'open', reason: null },
      after: { status: 'resolved', reason: `superseded by form ${reviewedFormId}`, supersededForm: machine.formId },
    });
    const verify = await get(e14, '/api/audit/verify', admin);
    expect(verify.json()).toMatchObject({ ok: true });
  });
});
