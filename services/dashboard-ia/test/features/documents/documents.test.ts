import { type Campaign, generateCorpus, renderFile, runningHeaderOf, SYNTH_FORMATS } from '@castor/documents-synth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';
import { type FileToSend, uploadDocument } from './upload.js';

/** Small enough that an oversized file is cheap to build: 1 MB. */
const MAX_FILE_MB = 1;

describe('/api/documents', () => {
  let service: DashboardUnderTest;
  let analyst: string;
  let viewer: string;
  let campaign: Campaign;

  beforeAll(async () => {
    service = await startDashboardForTests({ DOCUMENT_MAX_FILE_SIZE_MB: String(MAX_FILE_MB) });
    analyst = (await service.token('analyst')).token;
    viewer = (await service.token('viewer')).token;
    campaign = (await generateCorpus()).campaign;
    const created = await service.app.inject({
      method: 'POST',
      url: '/api/campaign/candidates',
      headers: { authorization: `Bearer ${analyst}` },
      payload: { slug: 'villamizar', name: campaign.candidate, own: true, queries: [] },
    });
    expect(created.statusCode, created.body).toBe(201);
  });
  afterAll(async () => service?.close());

  const programme = () => campaign.documents.find((document) => document.id === 'programa-de-gobierno');
  const stored = async () => {
    const { rows } = await service.app.pg.query<{ documents: number; chunks: number }>(
      'SELECT (SELECT count(*)::int FROM documents) AS documents, (SELECT count(*)::int FROM document_chunks) AS chunks',
    );
    return rows[0];
  };
  const chunksOf = async (documentId: string) =>
    (
      await service.app.pg.query<{
        heading_path: string[];
        section_label: string;
        page_start: number | null;
        page_end: number | null;
        text: string;
      }>(
        'SELECT heading_path, section_label, page_start, page_end, text FROM document_chunks WHERE document_id = $1 ORDER BY ordinal',
        [documentId],
      )
    ).rows;

  for (const format of SYNTH_FORMATS) {
    it(`stores the programme as ${format} with its chunks, headings${format === 'pdf' ? ' and pages' : ''}`, async () => {
      const document = programme();
      if (!document) throw new Error('the synthetic corpus lost its programme');
      const file = await renderFile(document, runningHeaderOf(campaign), format);
      // Each format is a different file, so none is a replay of another; their passages overlap.
      const response = await uploadDocument(service, analyst, file, { candidate: 'villamizar', source: 'programa' });
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json();
      expect(body.replayed).toBe(false);
      expect(body.document).toMatchObject({
        format,
        filename: file.filename,
        candidate: 'villamizar',
        source: 'programa',
        status: 'indexed',
      });
      expect(body.retrieval.mode).toBe('offline lexical (BM25 over PostgreSQL spanish lexemes)');
      expect(body.counts.stored + body.counts.alreadyStored).toBe(body.counts.chunked);
      expect(body.document.chunks).toBe(body.counts.stored);
      // Plain text has no headings: its sections are only paragraphs, packed into fewer chunks.
      expect(body.counts.chunked).toBeGreaterThan(format === 'text' ? 1 : 20);

      const chunks = await chunksOf(body.document.id);
      expect(chunks).toHaveLength(body.counts.stored);
      if (format === 'pdf') {
        expect(body.document.pages).toBeGreaterThan(1);
        expect(body.counts.stored).toBe(body.counts.chunked);
        const cali = chunks.find((chunk) => chunk.section_label === 'Seguridad › Cali');
        expect(cali?.heading_path).toEqual(['Programa de gobierno', 'Seguridad', 'Cali']);
        expect(cali?.page_start).toBeGreaterThanOrEqual(1);
        expect(cali?.page_end).toBeGreaterThanOrEqual(cali?.page_start ?? 1);
        expect(cali?.text).toContain('cámaras de vigilancia');
      } else {
        expect(body.document.pages).toBeNull();
        // The PDF came first: the passages it holds are not stored again (plain text, without
        // headings, packs its paragraphs differently and shares none).
        if (format !== 'text') expect(body.counts.alreadyStored).toBeGreaterThan(0);
      }
    });
  }

  it('answers the same file twice with the stored document (200, replayed), storing nothing more', async () => {
    const [file] = (await generateCorpus()).files.filter((each) => each.documentId === 'notas-debate');
    if (!file) throw new Error('the synthetic corpus lost its debate notes');
    const first = await uploadDocument(service, analyst, file);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().document.source).toBe('documento');
    const before = await stored();
    const again = await uploadDocument(service, analyst, file, { source: 'otra' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      replayed: true,
      document: first.json().document,
      counts: first.json().counts,
    });
    expect(await stored()).toEqual(before);
  });

  const refusals: Array<{ name: string; file: () => FileToSend; status: number; code: string }> = [
    {
      name: 'an unsupported format',
      file: () => ({ filename: 'foto.png', contentType: 'image/png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) }),
      status: 415,
      code: 'DOCUMENT_FORMAT_UNSUPPORTED',
    },
    {
      name: 'a broken PDF',
      file: () => ({
        filename: 'roto.pdf',
        contentType: 'application/pdf',
        bytes: new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R'),
      }),
      status: 422,
      code: 'DOCUMENT_UNREADABLE',
    },
    {
      name: 'an empty file',
      file: () => ({ filename: 'vacio.txt', contentType: 'text/plain', bytes: new Uint8Array() }),
      status: 422,
      code: 'DOCUMENT_EMPTY',
    },
    {
      name: 'a file over DOCUMENT_MAX_FILE_SIZE_MB',
      file: () => ({
        filename: 'enorme.txt',
        contentType: 'text/plain',
        bytes: new TextEncoder().encode('Propuesta de seguridad para Cali. '.repeat(40_000)),
      }),
      status: 413,
      code: 'DOCUMENT_TOO_LARGE',
    },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.name} with ${refusal.status} ${refusal.code}, storing nothing`, async () => {
      const before = await stored();
      const response = await uploadDocument(service, analyst, refusal.file());
      expect(response.statusCode, response.body).toBe(refusal.status);
      expect(response.json().error.code).toBe(refusal.code);
      expect(await stored()).toEqual(before);
    });
  }

  it('refuses an upload without a file, bad metadata and an unknown candidate', async () => {
    const text = {
      filename: 'nota.txt',
      contentType: 'text/plain',
      bytes: new TextEncoder().encode('Una nota breve.'),
    };
    const noFile = await service.app.inject({
      method: 'POST',
      url: '/api/documents',
      headers: { authorization: `Bearer ${analyst}`, 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{}\r\n--x--\r\n',
    });
    expect(noFile.json().error.code).toBe('DOCUMENT_FILE_MISSING');
    const reserved = await uploadDocument(service, analyst, text, { source: 'analysis' });
    expect(reserved.json().error.code).toBe('VALIDATION_FAILED');
    const unknown = await uploadDocument(service, analyst, text, { candidate: 'nadie' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CANDIDATE_UNKNOWN');
  });

  it('lets a viewer list documents but not upload or delete them', async () => {
    const [file] = (await generateCorpus()).files.filter((each) => each.documentId === 'acta-reunion-equipo');
    if (!file) throw new Error('the synthetic corpus lost its minutes');
    const refused = await uploadDocument(service, viewer, file);
    expect(refused.statusCode).toBe(403);
    const listed = await service.app.inject({
      method: 'GET',
      url: '/api/documents',
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(listed.statusCode).toBe(200);
    const documents = listed.json().documents as Array<{ id: string; format: string }>;
    expect(documents.map((document) => document.format)).toEqual(
      expect.arrayContaining(['pdf', 'docx', 'markdown', 'text']),
    );
    const id = documents[0]?.id;
    const deleteAs = (token: string) =>
      service.app.inject({
        method: 'DELETE',
        url: `/api/documents/${id}`,
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await deleteAs(viewer)).statusCode).toBe(403);
  });

  it('deletes a document with its chunks; deleting it again is 404', async () => {
    const [file] = (await generateCorpus()).files.filter((each) => each.documentId === 'aportes-ciudadanos');
    if (!file) throw new Error('the synthetic corpus lost its contributions');
    const created = (await uploadDocument(service, analyst, file)).json();
    expect((await chunksOf(created.document.id)).length).toBeGreaterThan(0);
    const remove = () =>
      service.app.inject({
        method: 'DELETE',
        url: `/api/documents/${created.document.id}`,
        headers: { authorization: `Bearer ${analyst}` },
      });
    expect((await remove()).statusCode).toBe(204);
    expect(await chunksOf(created.document.id)).toEqual([]);
    const again = await remove();
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('CAMPAIGN_DOCUMENT_UNKNOWN');
  });
});
