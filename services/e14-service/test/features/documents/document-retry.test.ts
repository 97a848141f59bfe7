import { type DivipolDocument, type DocumentResponse, type E14Submission, mesaKey } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { beforeAllStarted } from '../../support/lifecycle.js';
import {
  importDivipol,
  listeningE14,
  pipelineElection,
  renderPdf,
  settled,
  sheetsOf,
  upload,
} from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

const CODE = 'RETRY-2026';
const election = pipelineElection(CODE);
const [sheetA, sheetB, sheetC] = sheetsOf(election, 3);
if (!sheetA || !sheetB || !sheetC) throw new Error('no sheets');
let e14: E14UnderTest;
let baseUrl: string;
let admin: string;

/** The election's divipol without the mesas of `missing` (as a divipol published before they were added). */
function divipolWithout(...missing: E14Submission[]): DivipolDocument {
  const keys = new Set(missing.map((sheet) => mesaKey(sheet.mesa)));
  const divipol = structuredClone(election.divipol) as DivipolDocument;
  for (const departamento of divipol.departamentos)
    for (const municipio of departamento.municipios)
      for (const zona of municipio.zonas)
        for (const puesto of zona.puestos) {
          const prefix = `${departamento.code}-${municipio.code}-${zona.code}-${puesto.code}-`;
          puesto.mesas = puesto.mesas.filter((mesa) => !keys.has(`${prefix}${mesa.code}`));
        }
  return divipol;
}

async function imported(divipol: DivipolDocument) {
  const response = await importDivipol(baseUrl, admin, divipol);
  expect(response.status).toBe(200);
}

/** Uploads the sheet without its mesa (read from the header) and waits for it to fail: the mesa is unknown. */
async function failedForUnknownMesa(sheet: E14Submission, seed: number): Promise<DocumentResponse> {
  const response = await upload(baseUrl, admin, await renderPdf(election, sheet, seed), { electionCode: CODE });
  expect(response.status).toBe(202);
  const document = await settled(baseUrl, admin, ((await response.json()) as { documentId: number }).documentId);
  expect([document.state, document.error?.code]).toEqual(['failed', 'MESA_UNKNOWN']);
  return document;
}

function retry(id: number, token = admin): Promise<Response> {
  return fetch(`${baseUrl}/api/e14/documents/${id}/retry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
}

async function auditOf(id: number) {
  const rows = await e14.app.pg.query<{ action: string; actor: string; before: unknown; after: unknown }>(
    `SELECT action, actor, before, after FROM audit_log WHERE entity = 'e14_document' AND entity_id = $1 ORDER BY seq`,
    [String(id)],
  );
  return rows.rows;
}

beforeAllStarted(
  () => listeningE14(),
  async (started) => {
    ({ e14, baseUrl, admin } = started);
    await imported(divipolWithout(sheetA, sheetB));
  },
);

let documentA: DocumentResponse;

describe('retrying a failed document', () => {
  it('(a) POST /retry re-queues a document that failed for an unknown mesa; read again, it is stored', async () => {
    documentA = await failedForUnknownMesa(sheetA, 1);
    // Workers stopped, so the retry (not the divipol import) is what brings the document back.
    await e14.pipeline.stop();
    const analyst = (await e14.token('analyst')).token;
    const response = await retry(documentA.id, analyst);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: documentA.id, state: 'queued', attempts: 0, error: null });
    const [audit] = await auditOf(documentA.id);
    expect(audit).toMatchObject({
      action: 'document.retried',
      before: { state: 'failed', errorCode: 'MESA_UNKNOWN' },
      after: { state: 'queued' },
    });
    expect(audit?.actor).toMatch(/^analyst:/);

    await imported(divipolWithout(sheetB));
    const start = await fetch(`${baseUrl}/api/pipeline/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(start.status).toBe(200);
    documentA = await settled(baseUrl, admin, documentA.id);
    expect([documentA.state, documentA.error]).toEqual(['done', null]);
    expect(documentA.mesaKey).toBe(mesaKey(sheetA.mesa));
    expect(documentA.formId).not.toBeNull();
    // The earlier failure stays in the history.
    expect(documentA.errors.map((error) => error.code)).toEqual(['MESA_UNKNOWN']);
  });

  it('(b) importing the divipol that adds the mesa re-queues the failed document by itself', async () => {
    const failed = await failedForUnknownMesa(sheetB, 2);
    await imported(election.divipol);
    const document = await settled(baseUrl, admin, failed.id);
    expect([document.state, document.error]).toEqual(['done', null]);
    expect(document.mesaKey).toBe(mesaKey(sheetB.mesa));
    const [audit] = await auditOf(failed.id);
    expect(audit).toMatchObject({
      action: 'document.retried',
      actor: 'system:divipol-import',
      before: { state: 'failed', errorCode: 'MESA_UNKNOWN' },
    });
  });

  it('(c) refuses to retry a document that did not fail (409), an unknown one (404), and witnesses (403)', async () => {
    const done = await retry(documentA.id);
    expect(done.status).toBe(409);
    expect(((await done.json()) as { error: { code: string } }).error.code).toBe('DOCUMENT_NOT_RETRYABLE');
    const unknown = await retry(987_654);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('DOCUMENT_UNKNOWN');
    expect((await retry(documentA.id, (await e14.token('witness')).token)).status).toBe(403);
    expect((await retry(documentA.id, (await e14.token('reviewer')).token)).status).toBe(403);
  });
});

describe('GET /api/e14/documents/:id', () => {
  it('shows what was read: header, barcode, transmission code, template and every provider reading', async () => {
    const accepted = await upload(baseUrl, admin, await renderPdf(election, sheetC, 3), { electionCode: CODE });
    const { documentId } = (await accepted.json()) as { documentId: number };
    expect((await settled(baseUrl, admin, documentId)).state).toBe('done');
    const response = await fetch(`${baseUrl}/api/e14/documents/${documentId}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.status).toBe(200);
    const { reading } = (await response.json()) as DocumentResponse;
    expect(reading?.header?.mesaKey).toBe(mesaKey(sheetC.mesa));
    expect(reading?.header?.mesa).toMatchObject({ value: sheetC.mesa.mesa });
    expect(reading?.header?.mesa.confidence).toBeGreaterThan(0);
    expect(reading?.barcode?.digits).toMatch(/^7\d{14}$/);
    expect(reading?.barcode).toMatchObject({ copy: 'delegados', page: 1 });
    expect(reading?.transmissionCode).toHaveProperty('confidence');
    expect(reading?.templateId).toEqual(expect.any(String));
    const field = reading?.fields.find((candidate) => candidate.readings.length > 0);
    expect(field?.readings[0]).toMatchObject({ provider: expect.any(String), confidence: expect.any(Number) });
  });
});
