import type { Alert, E14SubmissionInput, Field } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { honestSheet, post } from '../../support/fixtures.js';
import {
  OFFICIAL_FEED_MESA,
  officialFeed,
  recordsOf,
  sendOfficialFeed,
  votes,
  withFixtureElection,
} from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;

withFixtureElection((started) => {
  ({ e14, admin } = started);
});

const ARITHMETIC = ['nivelacion', 'printed_sum', 'urn_sum', 'list_total', 'bounds'];
const lowConfidence = (value: number): Field => ({ state: 'read', value, confidence: 0.4, overwritten: false });

/** `sheet` with vote row `index` read as `field` (the nivelación and suma total stay as the paper says). */
function withVote(sheet: E14SubmissionInput, index: number, field: Field): E14SubmissionInput {
  return { ...sheet, votes: sheet.votes.map((row, at) => (at === index ? { ...row, votes: field } : row)) };
}

async function store(sheet: E14SubmissionInput) {
  const response = await post(e14, '/api/e14/process-v2', admin, sheet);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { formId: number; formStatus: string; validation: { findings: Array<{ rule: string }> } };
}

/** Every alert of `mesa` (any status) of the given rules, as [rule, form id, status]. */
async function alertsOf(mesa: string, rules: readonly string[]) {
  const found = await recordsOf(e14, admin).alerts(`territory=${mesa}&limit=100`);
  return (found.items as Alert[])
    .filter((alert) => rules.includes(alert.rule))
    .map((alert) => [alert.rule, alert.formId, alert.status])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

/** An admin closes every review task of `formId` with `values` (by field path); the reviewed version's id. */
async function settle(formId: number, values: Record<string, number>): Promise<number> {
  const tasks = await e14.app.pg.query<{ id: string; field_path: string }>(
    'SELECT id, field_path FROM review_tasks WHERE form_id = $1 ORDER BY id',
    [formId],
  );
  expect(tasks.rows.map((row) => row.field_path).sort()).toEqual(Object.keys(values).sort());
  let reviewed: { state: string; formId: number } | null = null;
  for (const task of tasks.rows) {
    const response = await post(e14, `/api/review/tasks/${task.id}/decide`, admin, { value: values[task.field_path] });
    expect(response.statusCode, response.body).toBe(200);
    reviewed = response.json().reviewedForm;
  }
  expect(reviewed).toMatchObject({ state: 'stored' });
  return reviewed?.formId ?? 0;
}

async function mesaTruth(mesa: string, corporation = 'GOBERNADOR') {
  const truth = await e14.app.pg.query<{ form_id: string; status: string }>(
    `SELECT r.form_id, r.status FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id
     WHERE m.mesa_key = $1 AND r.corporation = $2`,
    [mesa, corporation],
  );
  return { formId: Number(truth.rows[0]?.form_id), status: truth.rows[0]?.status };
}

describe('arithmetic alerts from machine-read forms wait until their cells are settled', () => {
  it('a sum failing only on a low-confidence cell raises no alert; the reviewed numbers still failing do', async () => {
    const mesa = '01-031-99-01-002';
    // The paper says 58 for candidate 1; the scan read 50 in doubt, so both sums fail as read.
    const paper = honestSheet(mesa, votes([58, 40]), { source: 'ocr', copy: 'claveros' });
    const machine = await store(withVote(paper, 0, lowConfidence(50)));
    // The finding stays on the form and its cell goes to review...
    expect(machine.formStatus).toBe('failed_rules');
    expect(machine.validation.findings.map((finding) => finding.rule)).toEqual(
      expect.arrayContaining(['printed_sum', 'urn_sum', 'confidence']),
    );
    // ...but a misread is not evidence: no arithmetic alert, the review warning only.
    expect(await alertsOf(mesa, ARITHMETIC)).toEqual([]);
    expect(await alertsOf(mesa, ['confidence'])).toEqual([['confidence', machine.formId, 'open']]);
    const stored = await e14.app.pg.query<{ after: { alertsHeld?: string[] } }>(
      `SELECT after FROM audit_log WHERE action = 'e14.stored' AND entity_id = $1`,
      [String(machine.formId)],
    );
    expect(stored.rows[0]?.after.alertsHeld).toEqual(['printed_sum', 'urn_sum']);
    // A person reads 55: the paper itself does not add up, and its reviewed version says so.
    const reviewedFormId = await settle(machine.formId, { 'votes.1': 55 });
    expect(await alertsOf(mesa, ARITHMETIC)).toEqual([
      ['printed_sum', reviewedFormId, 'open'],
      ['urn_sum', reviewedFormId, 'open'],
    ]);
  });

  it.each([
    ['ocr', '01-031-99-01-003'],
    ['witness', '01-031-99-02-003'],
  ] as const)('a misread on a %s form that review corrects never raises an arithmetic alert', async (source, mesa) => {
    const paper = honestSheet(mesa, votes([58, 40]), { source, copy: 'delegados' });
    const machine = await store(withVote(paper, 0, lowConfidence(50)));
    expect(machine.formStatus).toBe('failed_rules');
    const reviewedFormId = await settle(machine.formId, { 'votes.1': 58 });
    expect(await mesaTruth(mesa)).toEqual({ formId: reviewedFormId, status: 'validated' });
    expect(await alertsOf(mesa, ARITHMETIC)).toEqual([]);
  });

  it('an unreadable cell hides a sum that fails; once a person reads it the alert is raised', async () => {
    const mesa = '01-031-99-02-001';
    const paper = honestSheet(mesa, votes([58, 40]), { source: 'ocr', copy: 'claveros' });
    const machine = await store(
      withVote(paper, 0, { state: 'illegible', value: null, confidence: 0.1, overwritten: false }),
    );
    expect(machine.validation.findings.map((finding) => finding.rule)).not.toContain('urn_sum');
    const reviewedFormId = await settle(machine.formId, { 'votes.1': 61 });
    expect(await alertsOf(mesa, ARITHMETIC)).toEqual([
      ['printed_sum', reviewedFormId, 'open'],
      ['urn_sum', reviewedFormId, 'open'],
    ]);
  });

  it('a sum failing on cells read with confidence raises its alert at once', async () => {
    const mesa = '01-031-99-01-004';
    const paper = honestSheet(mesa, votes([58, 40]), { source: 'ocr', copy: 'claveros' });
    const machine = await store(withVote(paper, 0, { state: 'read', value: 50, confidence: 0.99, overwritten: false }));
    expect(await alertsOf(mesa, ARITHMETIC)).toEqual([
      ['printed_sum', machine.formId, 'open'],
      ['urn_sum', machine.formId, 'open'],
    ]);
    // A doubtful cell the failing sum does not name holds nothing: the urn sum fails on settled
    // cells (the printed suma total, read in doubt, is not one of them).
    const other = '01-031-99-01-006';
    const rows = honestSheet(other, votes([50, 40]), { source: 'ocr', copy: 'claveros' });
    const urnOff = await store({
      ...rows,
      nivelacion: { ...rows.nivelacion, sufragantes: 112, urna: 112 },
      sumaTotal: lowConfidence(rows.sumaTotal as number),
    });
    expect(await alertsOf(other, ARITHMETIC)).toEqual([['urn_sum', urnOff.formId, 'open']]);
  });
});

describe('copies_differ compares only settled values', () => {
  const copiesDiffer = async (mesa: string, corporation = 'GOBERNADOR') =>
    (
      (await recordsOf(e14, admin).alerts(`territory=${mesa}&rule=copies_differ&corporation=${corporation}`))
        .items as Alert[]
    ).map((alert) => [
      alert.status,
      (alert.evidence.detail as { differences: Array<{ values: unknown }> }).differences.map(({ values }) => values),
    ]);

  it('a low-confidence cell of one copy disputes nothing; its reviewed value is compared when it lands', async () => {
    const mesa = '01-031-99-01-005';
    const delegados = honestSheet(mesa, votes([58, 40]), { source: 'ocr', copy: 'delegados' });
    const claveros = withVote({ ...delegados, copy: 'claveros' }, 0, lowConfidence(50));
    const blotted = await store(claveros);
    const clean = await store(delegados);
    expect(await copiesDiffer(mesa)).toEqual([]);
    expect(await mesaTruth(mesa)).toEqual({ formId: clean.formId, status: 'validated' });
    // The person reads 50 on the claveros paper too: the copies really differ.
    await settle(blotted.formId, { 'votes.1': 50 });
    expect(await copiesDiffer(mesa)).toEqual([['open', [{ claveros: 50, delegados: 58 }]]]);
    expect((await mesaTruth(mesa)).status).toBe('disputed');
  });

  it('the same when the doubtful copy arrives after the clean one', async () => {
    const mesa = '01-001-01-01-001';
    const delegados = honestSheet(mesa, votes([58, 40]), { source: 'ocr', copy: 'delegados' });
    const clean = await store(delegados);
    await store(withVote({ ...delegados, copy: 'claveros' }, 0, lowConfidence(50)));
    expect(await copiesDiffer(mesa)).toEqual([]);
    expect(await mesaTruth(mesa)).toEqual({ formId: clean.formId, status: 'validated' });
  });

  it('a doubtful list row without candidate number (agrupación) disputes nothing either', async () => {
    const mesa = '01-001-01-01-002';
    const [departamento, municipio, zona, puesto, code] = mesa.split('-') as [string, string, string, string, string];
    const sheet = (copy: 'claveros' | 'delegados', lista2: number | Field): E14SubmissionInput => ({
      schemaVersion: 2,
      electionCode: 'TERRITORIALES-2023',
      corporation: 'ASAMBLEA',
      mesa: { departamento, municipio, zona, puesto, mesa: code },
      copy,
      source: 'ocr',
      nivelacion: { sufragantes: 87, urna: 87, incinerados: { state: 'empty' } },
      votes: [
        { ballotNumber: 1, candidateNumber: 0, votes: 20 },
        { ballotNumber: 1, candidateNumber: 101, votes: 30 },
        { ballotNumber: 1, candidateNumber: 102, votes: 10 },
        { ballotNumber: 2, votes: lista2 },
      ],
      blancos: 2,
      nulos: 1,
      noMarcados: 1,
      sumaTotal: 87,
    });
    await store(sheet('claveros', lowConfidence(28)));
    const clean = await store(sheet('delegados', 23));
    expect(await copiesDiffer(mesa, 'ASAMBLEA')).toEqual([]);
    expect(await mesaTruth(mesa, 'ASAMBLEA')).toEqual({ formId: clean.formId, status: 'validated' });
  });

  it('copies differing in cells read with confidence still dispute the mesa', async () => {
    const mesa = '01-031-99-02-002';
    const delegados = honestSheet(mesa, votes([58, 40]), { source: 'ocr', copy: 'delegados' });
    await store(delegados);
    await store(honestSheet(mesa, votes([55, 43]), { source: 'ocr', copy: 'claveros' }));
    expect(await copiesDiffer(mesa)).toEqual([
      [
        'open',
        [
          { claveros: 55, delegados: 58 },
          { claveros: 43, delegados: 40 },
        ],
      ],
    ]);
    expect((await mesaTruth(mesa)).status).toBe('disputed');
  });
});

describe('official_differs compares only settled values', () => {
  it('a low-confidence cell disputes nothing against the escrutinio; once a person reads it, it does', async () => {
    const mesa = '01-001-01-01-003';
    // The paper says 150 where the escrutinio says 140; the machine read 150 in doubt.
    const sheet = honestSheet(mesa, votes([150, 100]), { source: 'ocr', copy: 'delegados' });
    const doubtful = await store(withVote(sheet, 0, lowConfidence(150)));
    const csv = officialFeed(140, 100).replaceAll(OFFICIAL_FEED_MESA.replaceAll('-', ','), mesa.replaceAll('-', ','));
    const feed = await sendOfficialFeed(e14, admin, 'escrutinio', csv);
    expect(feed.json().discrepancyAlerts).toBe(0);
    expect(await alertsOf(mesa, ['official_differs'])).toEqual([]);
    await settle(doubtful.formId, { 'votes.1': 150 });
    expect((await alertsOf(mesa, ['official_differs'])).map(([rule, , status]) => [rule, status])).toEqual([
      ['official_differs', 'open'],
    ]);
  });
});
