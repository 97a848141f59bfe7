import { describe, expect, it } from 'vitest';
import { beforeAllStarted } from '../../support/lifecycle.js';
import { listeningE14With, pipelineElection, renderPdf, sheetsOf, upload } from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

/** POST /api/e14/documents and its alias from the seed, POST /api/e14/process: one route under two names. */
const CODE = 'ALIAS-2026';
const NEW = '/api/e14/documents';
const ALIAS = '/api/e14/process';
const election = pipelineElection(CODE, 2);
let e14: E14UnderTest;
let baseUrl: string;
let admin: string;

// No worker reads here: what the two paths answer and queue is compared, not the reading.
beforeAllStarted(
  () => listeningE14With(election, { E14_PIPELINE_AUTOSTART: 'false' }),
  (started) => {
    ({ e14, baseUrl, admin } = started);
  },
);

const errorOf = async (response: Response) => [
  response.status,
  ((await response.json()) as { error: { code: string } }).error.code,
];

describe('POST /api/e14/documents and its alias POST /api/e14/process', () => {
  it('queue a file the same way: the same file through either path is the same document', async () => {
    const [first, second] = sheetsOf(election, 2);
    if (!first || !second) throw new Error('no sheets');
    const pdf = await renderPdf(election, first, 1);
    const queued = await upload(baseUrl, admin, pdf, { electionCode: CODE }, NEW);
    expect(queued.status).toBe(202);
    const accepted = (await queued.json()) as { documentId: number; sha256: string };
    expect(accepted).toMatchObject({ state: 'queued', duplicate: false, priority: 10 });
    const viaAlias = await upload(baseUrl, admin, pdf, { electionCode: CODE }, ALIAS);
    expect([viaAlias.status, await viaAlias.json()]).toEqual([202, { ...accepted, duplicate: true }]);

    const other = await renderPdf(election, second, 2);
    const aliasFirst = await upload(baseUrl, admin, other, { electionCode: CODE }, ALIAS);
    expect(aliasFirst.status).toBe(202);
    const acceptedByAlias = (await aliasFirst.json()) as { documentId: number };
    expect(acceptedByAlias).toMatchObject({ state: 'queued', duplicate: false, priority: 10 });
    const viaNew = await upload(baseUrl, admin, other, { electionCode: CODE }, NEW);
    expect(await viaNew.json()).toEqual({ ...acceptedByAlias, duplicate: true });
  });

  it('refuse the same requests with the same codes', async () => {
    const html = new TextEncoder().encode('<!DOCTYPE html><html><body>No encontrado</body></html>');
    const gif = new TextEncoder().encode('GIF89a....');
    const viewer = (await e14.token('viewer')).token;
    for (const path of [NEW, ALIAS]) {
      expect(await errorOf(await upload(baseUrl, admin, html, { electionCode: CODE }, path))).toEqual([
        422,
        'HTML_INSTEAD_OF_PDF',
      ]);
      expect(await errorOf(await upload(baseUrl, admin, gif, { electionCode: CODE }, path))).toEqual([
        415,
        'FILE_TYPE_UNSUPPORTED',
      ]);
      expect(await errorOf(await upload(baseUrl, admin, html, { electionCode: 'NOPE-1' }, path))).toEqual([
        404,
        'ELECTION_UNKNOWN',
      ]);
      expect((await upload(baseUrl, viewer, html, { electionCode: CODE }, path)).status).toBe(403);
      const json = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'http://127.0.0.1:9/x.pdf', electionCode: CODE }),
      });
      // No Registraduría site is configured in this service.
      expect(await errorOf(json)).toEqual([409, 'REGISTRADURIA_NOT_CONFIGURED']);
    }
  });

  it('are both in the OpenAPI document with the same body, the alias said to be the seed name', async () => {
    const response = await e14.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const paths = response.json().paths as Record<string, { post?: { summary: string; requestBody: unknown } }>;
    const named = paths[NEW]?.post;
    const alias = paths[ALIAS]?.post;
    expect(named?.summary).toMatch(/^Queue a scanned E-14 for reading/);
    expect(alias?.summary).toMatch(/^Alias of POST \/api\/e14\/documents, the seed's name for it/);
    expect(alias?.requestBody).toEqual(named?.requestBody);
  });
});
