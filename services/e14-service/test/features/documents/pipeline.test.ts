import { mesaKey } from '@castor/contracts';
import { generateElection } from '@castor/e14-synth';
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

const CODE = 'PIPE-2026';
let e14: E14UnderTest;
let baseUrl: string;
let admin: string;
const election = pipelineElection(CODE);

beforeAllStarted(
  () => listeningE14With(election),
  (started) => {
    ({ e14, baseUrl, admin } = started);
  },
);

describe('POST /api/e14/documents', () => {
  it('reads an uploaded sheet in the background and stores it through intake, once', async () => {
    const [submission] = sheetsOf(election, 1);
    if (!submission) throw new Error('no sheet');
    const pdf = await renderPdf(election, submission, 1);
    const first = await upload(baseUrl, admin, pdf, { electionCode: CODE });
    expect(first.status).toBe(202);
    const accepted = (await first.json()) as { documentId: number; duplicate: boolean; sha256: string };
    expect(accepted.duplicate).toBe(false);
    const again = await upload(baseUrl, admin, pdf, { electionCode: CODE });
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ documentId: accepted.documentId, duplicate: true });

    const document = await settled(baseUrl, admin, accepted.documentId);
    expect(document.error).toBeNull();
    expect(document.state).toBe('done');
    // Mesa and corporation were not sent: they come from the printed header and the barcode.
    expect(document.mesaKey).toBe(mesaKey(submission.mesa));
    expect(document.corporation).toBe('PRESIDENTE');
    expect(document.reading?.vision).toBe('not_configured');
    expect(document.reading?.fields.length).toBeGreaterThan(5);
    for (const field of document.reading?.fields ?? []) expect(field.readings.length).toBe(1);

    const forms = await e14.app.pg.query<{ id: string; source: string; document_hash: string; payload: string }>(
      'SELECT id, source, document_hash, payload::text FROM e14_forms',
    );
    expect(forms.rows).toHaveLength(1);
    expect(forms.rows[0]?.source).toBe('ocr');
    expect(forms.rows[0]?.document_hash).toBe(accepted.sha256);
    expect(Number(forms.rows[0]?.id)).toBe(document.formId);
    const crops = await e14.app.pg.query<{ crop: { documentHash: string } | null }>('SELECT crop FROM e14_fields');
    expect(crops.rows.every((row) => row.crop?.documentHash === accepted.sha256)).toBe(true);
    expect(forms.rows[0]?.payload).toContain('"readings"');
  });

  it('stores a sheet whose reading exceeds the habilitados, the implausible cell illegible for review', async () => {
    const [, submission] = sheetsOf(election, 2);
    if (!submission) throw new Error('no sheet');
    const inflated = { ...submission, nivelacion: { ...submission.nivelacion, urna: 987 } };
    const response = await upload(baseUrl, admin, await renderPdf(election, inflated, 2), {
      electionCode: CODE,
      mesa: mesaKey(submission.mesa),
    });
    const { documentId } = (await response.json()) as { documentId: number };
    const document = await settled(baseUrl, admin, documentId);
    expect(document.state).toBe('done');
    const urna = document.reading?.fields.find((field) => field.path === 'nivelacion.urna');
    expect(urna).toMatchObject({ state: 'illegible', value: null, review: 'illegible' });
    expect(urna?.readings[0]).toMatchObject({ state: 'read', value: 987 });
    const task = await e14.app.pg.query(
      `SELECT 1 FROM review_tasks WHERE form_id = $1 AND field_path = 'nivelacion.urna' AND reason = 'illegible'`,
      [document.formId],
    );
    expect(task.rowCount).toBe(1);
  });

  it("puts a witness's upload first and stores it as a witness source", async () => {
    const [, , submission] = sheetsOf(election, 3);
    if (!submission) throw new Error('no sheet');
    const witness = await e14.token('witness');
    const assign = await fetch(`${baseUrl}/api/witnesses/${witness.userId}/assignments`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ electionCode: CODE, territories: [mesaKey(submission.mesa)] }),
    });
    expect(assign.status).toBe(200);
    const response = await upload(baseUrl, witness.token, await renderPdf(election, submission, 3), {
      electionCode: CODE,
      mesa: mesaKey(submission.mesa),
    });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { documentId: number; priority: number };
    expect(accepted.priority).toBe(30);
    const document = await settled(baseUrl, witness.token, accepted.documentId);
    expect(document.state).toBe('done');
    const form = await e14.app.pg.query<{ source: string }>('SELECT source FROM e14_forms WHERE id = $1', [
      document.formId,
    ]);
    expect(form.rows[0]?.source).toBe('witness');
    // Another witness does not see it.
    const other = (await e14.token('witness')).token;
    const hidden = await fetch(`${baseUrl}/api/e14/documents/${accepted.documentId}`, {
      headers: { authorization: `Bearer ${other}` },
    });
    expect(hidden.status).toBe(403);
  });

  it('refuses bad files with 4xx codes before queueing anything', async () => {
    const before = await e14.app.pg.query('SELECT count(*)::int AS n FROM e14_documents');
    const html = new TextEncoder().encode('<!DOCTYPE html><html><body>No encontrado</body></html>');
    const cases: Array<[Uint8Array, Record<string, string>, number, string]> = [
      [html, { electionCode: CODE }, 422, 'HTML_INSTEAD_OF_PDF'],
      [new TextEncoder().encode('GIF89a....'), { electionCode: CODE }, 415, 'FILE_TYPE_UNSUPPORTED'],
      [new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'), { electionCode: CODE }, 422, 'PDF_BROKEN'],
      [new Uint8Array(11 * 1_048_576).fill(37), { electionCode: CODE }, 413, 'FILE_TOO_LARGE'],
      [html, { electionCode: 'NOPE-1' }, 404, 'ELECTION_UNKNOWN'],
      [html, { electionCode: CODE, mesa: '99-999-99-99-999' }, 422, 'MESA_UNKNOWN'],
      [html, { electionCode: CODE, corporation: 'SENADO' }, 422, 'CORPORATION_NOT_IN_ELECTION'],
      [html, { electionCode: CODE, mesa: 'not-a-mesa' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [bytes, fields, status, code] of cases) {
      const response = await upload(baseUrl, admin, bytes, fields);
      const body = (await response.json()) as { error: { code: string } };
      expect([response.status, body.error.code]).toEqual([status, code]);
    }
    const viewer = (await e14.token('viewer')).token;
    expect((await upload(baseUrl, viewer, html, { electionCode: CODE })).status).toBe(403);
    const witness = (await e14.token('witness')).token;
    const [sheet] = sheetsOf(election, 1);
    if (!sheet) throw new Error('no sheet');
    const mesa = mesaKey(sheet.mesa);
    const unassigned = await upload(baseUrl, witness, html, { electionCode: CODE, mesa });
    expect(((await unassigned.clone().json()) as { error: { code: string } }).error.code).toBe('WITNESS_NOT_ASSIGNED');
    expect(unassigned.status).toBe(403);
    const after = await e14.app.pg.query('SELECT count(*)::int AS n FROM e14_documents');
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('reports the pipeline status', async () => {
    const response = await fetch(`${baseUrl}/api/pipeline/status`, { headers: { authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(200);
    const status = (await response.json()) as {
      documents: Record<string, number>;
      backlog: number;
      worker: { running: boolean; vision: { configured: boolean } };
      ocrSpend: { calls: number };
    };
    expect(status.documents.done).toBe(3);
    expect(status.backlog).toBe(0);
    expect(status.worker.running).toBe(true);
    expect(status.worker.vision.configured).toBe(false);
    expect(status.ocrSpend.calls).toBe(0);
    const metrics = await (await fetch(`${baseUrl}/api/metrics`)).text();
    expect(metrics).toMatch(/e14_pipeline_jobs_total\{[^}]*outcome="stored"[^}]*\} 3/);
    expect(metrics).toMatch(/e14_pipeline_stage_seconds_count\{[^}]*stage="read"[^}]*\} 3/);
    expect(metrics).toMatch(/e14_pipeline_backlog\{[^}]*measure="documents"[^}]*\} 0/);
  });
});

// A Gobernación of the same territories: its barcode's corporation digit (1) is Presidente's too.
const gobernacion = generateElection({
  seed: 41,
  scale: { departamentos: ['01', '16'], municipios: 3, puestos: 4, mesas: 12 },
  corporations: ['GOBERNADOR'],
  electionCode: 'GOB-2027',
});

const formCount = async () =>
  (await e14.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM e14_forms')).rows[0]?.n ?? 0;

/** A Gobernador sheet printed for `mesa` of the Presidente election. */
async function gobernadorSheetFor(index: number): Promise<{ pdf: Uint8Array; mesa: string }> {
  const presidente = sheetsOf(election, index + 1)[index];
  const gobernador = [...gobernacion.submissions({ copies: ['delegados'] })][index];
  if (!presidente || !gobernador) throw new Error('no sheet');
  const wrong = { ...gobernador, mesa: presidente.mesa };
  return { pdf: await renderPdf(gobernacion, wrong, 100 + index), mesa: mesaKey(presidente.mesa) };
}

describe('a sheet of another corporation', () => {
  for (const [index, sent] of [
    [0, { corporation: 'PRESIDENTE' }],
    [1, {}],
  ] as const) {
    it(`is quarantined with TEMPLATE_MISMATCH, no form stored (corporation ${'corporation' in sent ? 'sent' : 'from the barcode'})`, async () => {
      const { pdf, mesa } = await gobernadorSheetFor(index);
      const before = await formCount();
      const response = await upload(baseUrl, admin, pdf, { electionCode: CODE, mesa, ...sent });
      expect(response.status).toBe(202);
      const { documentId } = (await response.json()) as { documentId: number };
      const document = await settled(baseUrl, admin, documentId);
      expect(document.state).toBe('quarantined');
      expect(document.formId).toBeNull();
      expect(document.error?.code).toBe('TEMPLATE_MISMATCH');
      expect(document.error?.message).toMatch(/PRESIDENTE/);
      expect(await formCount()).toBe(before);
    });
  }

  it('quarantines a Senado sheet (same barcode digit, more pages) by its page count', async () => {
    const senado = generateElection({
      seed: 41,
      scale: { departamentos: ['01', '16'], municipios: 3, puestos: 4, mesas: 12 },
      corporations: ['SENADO'],
      electionCode: 'SEN-2026',
    });
    const [presidente] = sheetsOf(election, 1);
    const [sheet] = sheetsOf(senado, 1);
    if (!presidente || !sheet) throw new Error('no sheet');
    const pdf = await renderPdf(senado, { ...sheet, mesa: presidente.mesa }, 300);
    const before = await formCount();
    const response = await upload(baseUrl, admin, pdf, { electionCode: CODE, mesa: mesaKey(presidente.mesa) });
    const { documentId } = (await response.json()) as { documentId: number };
    const document = await settled(baseUrl, admin, documentId);
    expect(document.state).toBe('quarantined');
    expect(document.error?.code).toBe('TEMPLATE_MISMATCH');
    expect(document.error?.message).toMatch(/expected 2 pages, the barcode says 7;/);
    expect(await formCount()).toBe(before);
  });

  it('a Presidente sheet for the same election still reads and is stored', async () => {
    const [submission] = sheetsOf(election, 1);
    if (!submission) throw new Error('no sheet');
    const response = await upload(baseUrl, admin, await renderPdf(election, submission, 7), { electionCode: CODE });
    const { documentId } = (await response.json()) as { documentId: number };
    const document = await settled(baseUrl, admin, documentId);
    expect(document.error).toBeNull();
    expect(document.state).toBe('done');
    expect(document.formId).not.toBeNull();
  });
});
