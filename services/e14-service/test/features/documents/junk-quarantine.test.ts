import { type DocumentResponse, type E14Submission, mesaKey } from '@castor/contracts';
import { renderSheetPdf, renderSheetPhoto } from '@castor/e14-synth-sheets';
import { createRng } from '@castor/seeded-random';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { beforeAllStarted } from '../../support/lifecycle.js';
import {
  listeningE14With,
  pipelineElection,
  renderPdf,
  settled,
  sheetsOf,
  upload,
} from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

const CODE = 'JUNK-2026';
const election = pipelineElection(CODE);
const sheets = sheetsOf(election, 9);
/** Above the 9 cells of one sheet, below two sheets whose every cell goes to review. */
const REVIEW_BUDGET = 12;
let e14: E14UnderTest;
let baseUrl: string;
let admin: string;
let witness: { token: string; userId: string };
let budgeted: { token: string; userId: string };

beforeAllStarted(
  () => listeningE14With(election, { E14_REVIEW_TASKS_PER_UPLOADER: String(REVIEW_BUDGET) }),
  async (started) => {
    ({ e14, baseUrl, admin } = started);
    witness = await assignedWitness();
    budgeted = await assignedWitness();
  },
);

/** A new witness, assigned to every mesa of `sheets`. */
async function assignedWitness(): Promise<{ token: string; userId: string }> {
  const created = await e14.token('witness');
  const assign = await fetch(`${baseUrl}/api/witnesses/${created.userId}/assignments`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ electionCode: CODE, territories: sheets.map((sheet) => mesaKey(sheet.mesa)) }),
  });
  expect(assign.status).toBe(200);
  return created;
}

const sheetAt = (index: number): E14Submission => {
  const sheet = sheets[index];
  if (!sheet) throw new Error('no sheet');
  return sheet;
};
const mesaOf = (index: number) => mesaKey(sheetAt(index).mesa);

/** A witness's upload for `mesa`, accepted (202): its document id. */
async function sent(bytes: Uint8Array, mesa: string, by = witness): Promise<number> {
  const response = await upload(baseUrl, by.token, bytes, {
    electionCode: CODE,
    mesa,
    corporation: 'PRESIDENTE',
    copy: 'delegados',
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { documentId: number }).documentId;
}

/** A witness's upload for `mesa`, followed until it leaves the queue. */
async function witnessUpload(bytes: Uint8Array, mesa: string, by = witness): Promise<DocumentResponse> {
  return settled(baseUrl, by.token, await sent(bytes, mesa, by));
}

async function documentOf(id: number): Promise<DocumentResponse> {
  const response = await fetch(`${baseUrl}/api/e14/documents/${id}`, { headers: { authorization: `Bearer ${admin}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as DocumentResponse;
}

function retry(id: number, token: string): Promise<Response> {
  return fetch(`${baseUrl}/api/e14/documents/${id}/retry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
}

/** The sheet of mesa `index` as a witness photographs it, with `overwriteRate` of its cells over-written. */
const photo = (index: number, seed: number, overwriteRate = 0) =>
  renderPdf(election, sheetAt(index), seed, overwriteRate);

/** The mesa's stored form versions and review tasks. */
async function storedFor(mesa: string) {
  const { rows } = await e14.app.pg.query<{ forms: number; tasks: number; open_tasks: number }>(
    `SELECT count(DISTINCT f.id)::int AS forms, count(t.id)::int AS tasks,
            count(t.id) FILTER (WHERE t.status IN ('pending', 'escalated'))::int AS open_tasks
     FROM e14_forms f JOIN mesas m ON m.id = f.mesa_id LEFT JOIN review_tasks t ON t.form_id = f.id
     WHERE m.mesa_key = $1`,
    [mesa],
  );
  return rows[0] ?? { forms: 0, tasks: 0, open_tasks: 0 };
}

const white = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#ffffff' } });

const junk: Array<[string, () => Promise<Uint8Array>, string]> = [
  ['a blank page', async () => new Uint8Array(await white(1700, 2200).png().toBuffer()), 'NOT_AN_E14'],
  ['a 10×10 PNG', async () => new Uint8Array(await white(10, 10).png().toBuffer()), 'NOT_AN_E14'],
  ['a tiny JPEG', async () => new Uint8Array(await white(24, 32).jpeg().toBuffer()), 'NOT_AN_E14'],
];

describe('junk sent by a witness', () => {
  for (const [name, make, code] of junk) {
    it(`${name} is quarantined with ${code}: no form version, no review task`, async () => {
      const mesa = mesaOf(0);
      const document = await witnessUpload(await make(), mesa);
      expect([document.state, document.error?.code]).toEqual(['quarantined', code]);
      expect(document.error?.message).toMatch(/not .*E-14/i);
      expect(document.formId).toBeNull();
      expect(await storedFor(mesa)).toEqual({ forms: 0, tasks: 0, open_tasks: 0 });
    });
  }
});

describe('a photo of an E-14 too small to read', () => {
  it('fails with IMAGE_RESOLUTION_TOO_LOW, saying the minimum: no form version, no review task', async () => {
    const sheet = sheetAt(2);
    const candidates = election.divipol.candidates.filter((c) => c.corporation === sheet.corporation);
    const rng = createRng('too-small');
    const rendered = await renderSheetPdf(sheet, { candidates }, { overwriteRate: 0 }, rng);
    const taken = await renderSheetPhoto(rendered, rng);
    const { height = 0 } = await sharp(taken).metadata();
    // The photo shrunk to 40 %: the form is found, but its handwriting cannot be read.
    const small = await sharp(taken)
      .resize({ height: Math.round(height * 0.4) })
      .jpeg({ quality: 85 })
      .toBuffer();
    const document = await witnessUpload(new Uint8Array(small), mesaOf(2));
    expect([document.state, document.error?.code]).toEqual(['failed', 'IMAGE_RESOLUTION_TOO_LOW']);
    expect(document.error?.message).toMatch(/at least 434 × 1,307 pixels/);
    expect(document.formId).toBeNull();
    expect(await storedFor(mesaOf(2))).toEqual({ forms: 0, tasks: 0, open_tasks: 0 });
  });
});

describe('an E-14 with nothing written on it', () => {
  it('is quarantined with PAGE_BLANK: no form version, no review task', async () => {
    const sheet = sheetAt(1);
    const empty = { state: 'empty', value: null, confidence: 1, overwritten: false } as const;
    const blank: E14Submission = {
      ...sheet,
      nivelacion: { sufragantes: empty, urna: empty, incinerados: empty },
      votes: sheet.votes.map((row) => ({ ...row, votes: empty })),
      blancos: empty,
      nulos: empty,
      noMarcados: empty,
      sumaTotal: empty,
    };
    const candidates = election.divipol.candidates.filter((c) => c.corporation === sheet.corporation);
    const { pdf } = await renderSheetPdf(
      blank,
      { candidates },
      { maxRotationDeg: 1, overwriteRate: 0, emptyStyle: 'blank' },
      createRng('blank-e14'),
    );
    const document = await witnessUpload(pdf, mesaOf(1));
    expect([document.state, document.error?.code]).toEqual(['quarantined', 'PAGE_BLANK']);
    expect(await storedFor(mesaOf(1))).toEqual({ forms: 0, tasks: 0, open_tasks: 0 });
  });
});

describe('a witness sending the same mesa again', () => {
  it('replaces an upload not read yet: it is never read', async () => {
    const mesa = mesaOf(2);
    await e14.pipeline.stop();
    let first: number;
    let second: number;
    try {
      first = await sent(await photo(2, 1), mesa);
      second = await sent(await photo(2, 2), mesa);
      expect(await documentOf(first)).toMatchObject({ state: 'replaced', attempts: 0, formId: null });
      expect((await documentOf(first)).error?.code).toBe('DOCUMENT_REPLACED');
    } finally {
      e14.pipeline.start();
    }
    expect((await settled(baseUrl, witness.token, second)).state).toBe('done');
    expect(await documentOf(first)).toMatchObject({ state: 'replaced', attempts: 0, reading: null });
    expect((await storedFor(mesa)).forms).toBe(1);
  });

  it('replaces a stored upload once the new one is stored: its open review tasks are cancelled, its alerts resolved', async () => {
    const mesa = mesaOf(3);
    const first = await witnessUpload(await photo(3, 3, 0.4), mesa);
    expect(first.state).toBe('done');
    const before = await storedFor(mesa);
    expect(before.open_tasks).toBeGreaterThan(0);
    const alerts = await sheetAlertsOf(first.formId);
    expect(alerts.length).toBeGreaterThan(0);
    const second = await witnessUpload(await photo(3, 4), mesa);
    expect(second.state).toBe('done');
    const replaced = await documentOf(first.id);
    expect([replaced.state, replaced.formId]).toEqual(['replaced', first.formId]);
    const tasks = await e14.app.pg.query<{ form_id: string; status: string }>(
      'SELECT form_id, status FROM review_tasks WHERE form_id = ANY($1::bigint[])',
      [[first.formId, second.formId]],
    );
    const ofFirst = tasks.rows.filter((row) => Number(row.form_id) === first.formId);
    expect(ofFirst.length).toBe(before.tasks);
    expect(ofFirst.every((row) => row.status === 'cancelled')).toBe(true);
    // The replaced photo's sheet alerts describe a reading no longer in effect.
    expect(await sheetAlertsOf(first.formId)).toEqual(
      alerts.map(() => ({ status: 'resolved', reason: `superseded by form ${second.formId}` })),
    );
    // Of this witness's uploads of the mesa, one is in effect.
    const effective = await e14.app.pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM e14_documents WHERE mesa_key = $1 AND state <> 'replaced'`,
      [mesa],
    );
    expect(effective.rows[0]?.n).toBe(1);
  });

  it("makes the newest upload the mesa's truth, even when the upload it replaces ranks higher", async () => {
    const mesa = mesaOf(6);
    // A witness of their own: the uploads above spent part of the others' review-task budget.
    const sender = await assignedWitness();
    const clean = await witnessUpload(await photo(6, 8), mesa, sender);
    expect(clean.state).toBe('done');
    // A later photo with over-written cells (so below the validated one, by status), whose numbers differ.
    const later = await witnessUpload(await renderPdf(election, withVotesMoved(sheetAt(6), 7), 9, 0.4), mesa, sender);
    expect([later.state, later.error?.code]).toEqual(['done', undefined]);
    const [replaced, newest] = [await formOf(clean.formId), await formOf(later.formId)];
    expect(replaced.status).toBe('validated');
    expect(newest.status).not.toBe('validated');
    expect(newest.votes).not.toEqual(replaced.votes);
    expect(await truthOf(mesa)).toEqual({ form_id: later.formId, votes: newest.votes });
  });
  it('follows upload order, not the order the uploads were read in', async () => {
    const mesa = mesaOf(8);
    const sender = await assignedWitness();
    await e14.pipeline.stop();
    let earlier: number;
    let newer: number;
    try {
      earlier = await sent(await photo(8, 10), mesa, sender);
      newer = await sent(await renderPdf(election, withVotesMoved(sheetAt(8), 5), 11, 0.4), mesa, sender);
    } finally {
      e14.pipeline.start();
    }
    const stored = await settled(baseUrl, sender.token, newer);
    expect(stored.state).toBe('done');
    // The earlier upload, replaced before it was read, brought back: read and stored after the newer one.
    expect((await retry(earlier, admin)).status).toBe(200);
    const readLast = await settled(baseUrl, admin, earlier);
    expect([readLast.state, readLast.formId === null]).toEqual(['replaced', false]);
    expect(Number(readLast.formId)).toBeGreaterThan(Number(stored.formId));
    const [replaced, newest] = [await formOf(readLast.formId), await formOf(stored.formId)];
    expect(replaced.status).toBe('validated');
    expect(newest.status).not.toBe('validated');
    expect(await truthOf(mesa)).toEqual({ form_id: stored.formId, votes: newest.votes });
    // Every truth is still the one its audited decision chose.
    const verify = await fetch(`${baseUrl}/api/audit/verify`, { headers: { authorization: `Bearer ${admin}` } });
    expect(await verify.json()).toMatchObject({ ok: true, firstBroken: null });
  });
});

/** The sheet with `count` votes moved from its first option to its second (every sum still holds). */
function withVotesMoved(sheet: E14Submission, count: number): E14Submission {
  const [from, to, ...rest] = sheet.votes;
  if (typeof from?.votes !== 'number' || typeof to?.votes !== 'number') throw new Error('no two read options');
  return { ...sheet, votes: [{ ...from, votes: from.votes - count }, { ...to, votes: to.votes + count }, ...rest] };
}

/** The per-sheet rule alerts of a form (those a replaced or corrected form's reading raised). */
async function sheetAlertsOf(formId: number | null) {
  const { rows } = await e14.app.pg.query<{ status: string; reason: string | null }>(
    `SELECT status, status_reason AS reason FROM alerts WHERE form_id = $1 AND rule IN ('corrections', 'confidence')
     ORDER BY id`,
    [formId],
  );
  return rows;
}

/** Status and votes (in candidate id order) of a stored form. */
async function formOf(id: number | null) {
  const { rows } = await e14.app.pg.query<{ status: string; votes: number[] }>(
    `SELECT status, (SELECT array_agg(v ORDER BY c) FROM unnest(candidate_ids, votes) AS x(c, v)) AS votes
     FROM e14_forms WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new Error(`no form ${id}`);
  return row;
}

/** The mesa's truth: the form chosen and its votes in candidate id order. */
async function truthOf(mesa: string) {
  const { rows } = await e14.app.pg.query<{ form_id: number; votes: number[] }>(
    `SELECT r.form_id::int AS form_id, (SELECT array_agg(v ORDER BY c) FROM unnest(r.candidate_ids, r.votes) AS x(c, v)) AS votes
     FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id WHERE m.mesa_key = $1`,
    [mesa],
  );
  const row = rows[0];
  if (!row) throw new Error(`no truth for mesa ${mesa}`);
  return row;
}

describe('the review-task budget of an uploader', () => {
  it('holds a document that would open tasks past the budget; an analyst releases it', async () => {
    const opened = async () =>
      (
        await e14.app.pg.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM review_tasks WHERE form_id IN
             (SELECT form_id FROM e14_documents WHERE submitted_by = $1)`,
          [`witness:${budgeted.userId}`],
        )
      ).rows[0]?.n ?? 0;
    const first = await witnessUpload(await photo(4, 5, 0.6), mesaOf(4), budgeted);
    expect(first.state).toBe('done');
    const spent = await opened();
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(REVIEW_BUDGET);

    const held = await witnessUpload(await photo(5, 6, 0.6), mesaOf(5), budgeted);
    expect([held.state, held.error?.code]).toEqual(['quarantined', 'REVIEW_BUDGET_EXCEEDED']);
    expect(held.reading?.fieldsToReview).toBeGreaterThan(REVIEW_BUDGET - spent);
    expect(await storedFor(mesaOf(5))).toEqual({ forms: 0, tasks: 0, open_tasks: 0 });
    expect(await opened()).toBe(spent);

    expect((await retry(held.id, budgeted.token)).status).toBe(403);
    const analyst = (await e14.token('analyst')).token;
    expect((await retry(held.id, analyst)).status).toBe(200);
    const released = await settled(baseUrl, admin, held.id);
    expect(released.state).toBe('done');
    expect((await storedFor(mesaOf(5))).forms).toBe(1);
    expect(await opened()).toBeGreaterThan(spent);
  });

  it("does not count an admin's uploads", async () => {
    const response = await upload(baseUrl, admin, await photo(0, 7, 0.6), { electionCode: CODE });
    const document = await settled(baseUrl, admin, ((await response.json()) as { documentId: number }).documentId);
    expect(document.state).toBe('done');
  });
});
