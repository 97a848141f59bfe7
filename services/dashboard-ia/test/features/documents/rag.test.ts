import type { RagSearchRequest } from '@castor/contracts';
import { type Campaign, generateCorpus } from '@castor/documents-synth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';
import { retrievalQuality } from './retrieval-quality.js';
import { uploadDocument } from './upload.js';

/**
 * Floors a little under the figures measured on the synthetic question set (72 questions: 49
 * literal, 23 paraphrased), offline lexical search: recall@5 0.681 and MRR 0.668 overall; literal
 * 1.0 and 0.980; paraphrased 0 and 0.005 (synonyms and city epithets share no stem with the
 * answer: that half waits for embeddings). A change to the chunker, index or ranking that loses
 * more fails here.
 */
const FLOOR = { recallAt5: 0.65, mrr: 0.64, literalRecallAt5: 0.97 };

describe('/api/chat/rag', () => {
  let service: DashboardUnderTest;
  let analyst: string;
  let viewer: string;
  let campaign: Campaign;
  /** Our document id → the synthetic document's id. */
  const synthIdOf = new Map<string, string>();

  beforeAll(async () => {
    service = await startDashboardForTests();
    analyst = (await service.token('analyst')).token;
    viewer = (await service.token('viewer')).token;
    const corpus = await generateCorpus();
    campaign = corpus.campaign;
    const created = await service.app.inject({
      method: 'POST',
      url: '/api/campaign/candidates',
      headers: { authorization: `Bearer ${analyst}` },
      payload: { slug: 'villamizar', name: campaign.candidate, own: true, queries: [] },
    });
    expect(created.statusCode, created.body).toBe(201);
    for (const file of corpus.files) {
      const metadata = file.documentId.startsWith('comunicado')
        ? { source: 'prensa' }
        : file.documentId === 'programa-de-gobierno'
          ? { source: 'programa', candidate: 'villamizar' }
          : {};
      const response = await uploadDocument(service, analyst, file, metadata);
      expect(response.statusCode, response.body).toBe(201);
      synthIdOf.set(response.json().document.id, file.documentId);
    }
  });
  afterAll(async () => service?.close());

  const search = (payload: RagSearchRequest, token = analyst) =>
    service.app.inject({
      method: 'POST',
      url: '/api/chat/rag/search',
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
  const source = (chunkId: string, token = analyst) =>
    service.app.inject({
      method: 'GET',
      url: `/api/chat/rag/sources/${encodeURIComponent(chunkId)}`,
      headers: { authorization: `Bearer ${token}` },
    });
  type Hit = { id: string; documentId: string; source: string; sectionLabel: string; rank: number; snippet: string };

  it('finds the answering section for the synthetic question set (recall@5, MRR)', async () => {
    const quality = await retrievalQuality(campaign.questions, async (question) => {
      const response = await search({ query: question, limit: 10 });
      expect(response.statusCode, response.body).toBe(200);
      const hits = response.json().chunks as Hit[];
      return Promise.all(
        hits.map(async (hit) => ({
          synthDocumentId: synthIdOf.get(hit.documentId),
          text: (await source(hit.id)).json().text as string,
        })),
      );
    });
    console.info('retrieval quality (offline lexical)', JSON.stringify(quality));
    expect(quality.questions).toBe(campaign.questions.length);
    expect(quality.recallAt5).toBeGreaterThanOrEqual(FLOOR.recallAt5);
    expect(quality.mrr).toBeGreaterThanOrEqual(FLOOR.mrr);
    expect(quality.byKind.literal.recallAt5).toBeGreaterThanOrEqual(FLOOR.literalRecallAt5);
  });

  it('ranks hits from 1 with falling scores and says the search is offline lexical', async () => {
    const response = await search({ query: '¿Qué prometimos sobre seguridad en Cali?', limit: 5 });
    const body = response.json();
    expect(body.retrieval).toEqual({
      store: 'postgres',
      mode: 'offline lexical (BM25 over PostgreSQL spanish lexemes)',
      embeddingModel: 'none (offline lexical)',
    });
    const hits = body.chunks as Array<Hit & { score: number }>;
    expect(hits.map((hit) => hit.rank)).toEqual([1, 2, 3, 4, 5]);
    for (let index = 1; index < hits.length; index++) {
      expect(hits[index]?.score).toBeLessThanOrEqual(hits[index - 1]?.score ?? 0);
    }
    expect(hits[0]?.sectionLabel).toBe('Seguridad › Cali');
  });

  it('honours search operators: a quoted phrase and an excluded word', async () => {
    const response = await search({ query: '"cámaras de vigilancia" -Cali', limit: 50 });
    const hits = response.json().chunks as Hit[];
    expect(hits.length).toBe(4);
    for (const hit of hits) {
      expect(hit.snippet).toContain('cámaras de vigilancia');
      expect(hit.sectionLabel).not.toContain('Cali');
    }
  });

  it('filters by source, document, candidate and upload date', async () => {
    const query = 'propuesta campaña candidata';
    const press = (await search({ query, filters: { source: 'prensa' }, limit: 50 })).json().chunks as Hit[];
    expect(press.length).toBeGreaterThan(0);
    expect(new Set(press.map((hit) => hit.source))).toEqual(new Set(['prensa']));

    const all = (await search({ query, limit: 50 })).json().chunks as Hit[];
    expect(new Set(all.map((hit) => hit.source)).size).toBeGreaterThan(1);
    const documentId = all[0]?.documentId as string;
    const one = (await search({ query, filters: { documentId }, limit: 50 })).json().chunks as Hit[];
    expect(one.length).toBeGreaterThan(0);
    expect(new Set(one.map((hit) => hit.documentId))).toEqual(new Set([documentId]));

    const ofCandidate = (await search({ query, filters: { candidate: 'villamizar' }, limit: 50 })).json()
      .chunks as Hit[];
    expect(ofCandidate.length).toBeGreaterThan(0);
    expect(new Set(ofCandidate.map((hit) => synthIdOf.get(hit.documentId)))).toEqual(new Set(['programa-de-gobierno']));
    const unknown = await search({ query, filters: { candidate: 'nadie' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CANDIDATE_UNKNOWN');

    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await search({ query, filters: { from: future } })).json().chunks).toEqual([]);
    expect((await search({ query, filters: { to: future }, limit: 50 })).json().chunks).toHaveLength(all.length);
    const reversed = await search({ query, filters: { from: future, to: new Date().toISOString() } });
    expect(reversed.statusCode).toBe(400);
  });

  it('refuses an empty or overlong question and answers a question of stop words with no passages', async () => {
    expect((await search({ query: '   ' })).statusCode).toBe(400);
    expect((await search({ query: 'a'.repeat(501) })).statusCode).toBe(400);
    expect((await search({ query: 'seguridad', limit: 51 })).statusCode).toBe(400);
    const stopWords = await search({ query: '¿de la que?' });
    expect(stopWords.statusCode).toBe(200);
    expect(stopWords.json().chunks).toEqual([]);
  });

  it('resolves a chunk id to its passage, document, heading path, pages and neighbours; 404 on an unknown one', async () => {
    const [hit] = (
      await search({ query: '¿Cuántas cámaras de vigilancia prometimos instalar en Medellín?', limit: 1 })
    ).json().chunks as Hit[];
    if (!hit) throw new Error('the search found nothing');
    const response = await source(hit.id, viewer);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.text.startsWith(hit.snippet)).toBe(true);
    expect(body.headingPath).toEqual(['Programa de gobierno', 'Seguridad', 'Medellín']);
    expect(body.document).toMatchObject({ id: hit.documentId, format: 'pdf', title: 'Programa de gobierno' });
    expect(body.pageStart).toBeGreaterThanOrEqual(1);
    expect(body.neighbours.previous?.sectionLabel).toBe('Seguridad › Cali');
    expect(body.neighbours.next).not.toBeNull();

    const unknownId = `${hit.documentId}:999:${'0'.repeat(12)}`;
    const unknown = await source(unknownId);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CHUNK_UNKNOWN');
    expect((await source('not-a-chunk')).statusCode).toBe(400);
  });

  it("indexes a stored analysis' summary for its author only", async () => {
    const analyzed = await service.app.inject({
      method: 'POST',
      url: '/api/media/analyze',
      headers: { authorization: `Bearer ${analyst}` },
      payload: { candidate: 'villamizar' },
    });
    expect(analyzed.statusCode, analyzed.body).toBe(200);
    const summary = analyzed.json().summary.text as string;
    const filters = { source: 'analysis' };
    const mine = (await search({ query: summary.slice(0, 200), filters })).json().chunks as Hit[];
    expect(mine).toHaveLength(1);
    expect((await source(mine[0]?.id as string)).json().text).toBe(summary);
    expect((await search({ query: summary.slice(0, 200), filters }, viewer)).json().chunks).toEqual([]);
    expect((await source(mine[0]?.id as string, viewer)).statusCode).toBe(404);

    const listed = async (token: string) =>
      (
        (
          await service.app.inject({
            method: 'GET',
            url: '/api/documents',
            headers: { authorization: `Bearer ${token}` },
          })
        ).json().documents as Array<{ format: string; candidate: string | null }>
      ).filter((document) => document.format === 'analysis');
    expect(await listed(analyst)).toMatchObject([{ candidate: 'villamizar' }]);
    expect(await listed(viewer)).toEqual([]);
  });

  it('counts documents and chunks, names the store and keeps the recent latencies', async () => {
    const response = await service.app.inject({
      method: 'GET',
      url: '/api/chat/rag/stats',
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const { rows } = await service.app.pg.query<{ documents: number; chunks: number }>(
      'SELECT (SELECT count(*)::int FROM documents) AS documents, (SELECT count(*)::int FROM document_chunks) AS chunks',
    );
    expect({ documents: body.documents, chunks: body.chunks }).toEqual(rows[0]);
    expect(body.documents).toBeGreaterThanOrEqual(campaign.documents.length);
    expect(body.retrieval.embeddingModel).toBe('none (offline lexical)');
    expect(body.indexBytes).toBeGreaterThan(0);
    expect(body.queryLatencyMs.samples).toBeGreaterThan(campaign.questions.length);
    expect(body.queryLatencyMs.p95).toBeGreaterThanOrEqual(body.queryLatencyMs.p50);
  });
});
