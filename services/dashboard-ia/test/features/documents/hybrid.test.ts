import { type Campaign, generateCorpus } from '@castor/documents-synth';
import { type FakeChroma, type FakeOpenAi, startFakeChroma, startFakeOpenAi } from '@castor/fake-apis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresChunkStore } from '../../../src/shared/postgres-chunk-store.js';
import { PostgresVectorIndex } from '../../../src/shared/postgres-vector-index.js';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';
import { retrievalQuality } from './retrieval-quality.js';
import { untilEmbedded, uploadDocument } from './upload.js';

const OPENAI_KEY = 'sk-test-hybrid';
const MODEL_KEY = 'text-embedding-3-small@256';

const authorized = (token: string) => ({ authorization: `Bearer ${token}` });

async function ragStats(service: DashboardUnderTest, token: string) {
  const response = await service.app.inject({ method: 'GET', url: '/api/chat/rag/stats', headers: authorized(token) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function ragSearch(service: DashboardUnderTest, token: string, query: string) {
  const response = await service.app.inject({
    method: 'POST',
    url: '/api/chat/rag/search',
    headers: authorized(token),
    payload: { query, limit: 10 },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/**
 * Hybrid retrieval with the real OpenAI SDK against the loopback fake (whose vectors are hashed
 * word stems and trigrams: similar wording, not meaning), vectors in the embedded index.
 */
describe('hybrid retrieval (BM25 + embedded vectors)', () => {
  let openai: FakeOpenAi;
  let service: DashboardUnderTest;
  let analyst: string;
  let campaign: Campaign;
  const synthIdOf = new Map<string, string>();

  const stats = () => ragStats(service, analyst);
  const search = (query: string) => ragSearch(service, analyst, query);

  beforeAll(async () => {
    openai = await startFakeOpenAi({ apiKeys: [OPENAI_KEY] });
    service = await startDashboardForTests({
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: `${openai.url}/v1`,
      LLM_MAX_ATTEMPTS: '1',
      LLM_BREAKER_THRESHOLD: '100',
    });
    analyst = (await service.token('analyst')).token;
    const corpus = await generateCorpus();
    campaign = corpus.campaign;
    for (const file of corpus.files) {
      const response = await uploadDocument(service, analyst, file, {});
      expect(response.statusCode, response.body).toBe(201);
      synthIdOf.set(response.json().document.id, file.documentId);
    }
    await untilEmbedded(service, analyst);
  });
  afterAll(async () => {
    await service?.close();
    await openai?.close();
  });

  it('embeds every stored passage after its upload and says the search is hybrid', async () => {
    const body = await stats();
    expect(body.vectors).toEqual({
      index: 'postgres (in memory: sign codes, then int8)',
      vectors: body.chunks,
      pending: 0,
    });
    expect(body.retrieval.mode).toMatch(/^hybrid/);
    expect(body.retrieval.embeddingModel).toBe('openai text-embedding-3-small (256 dimensions)');
    const embedded = openai.embeddings.reduce((sum, request) => sum + request.inputs.length, 0);
    expect(embedded).toBeGreaterThanOrEqual(body.chunks);
  });

  it('keeps the literal questions answered with the vectors fused in', async () => {
    const quality = await retrievalQuality(campaign.questions, async (question) => {
      const { chunks, retrieval } = await search(question);
      expect(retrieval.mode).toMatch(/^hybrid/);
      return Promise.all(
        chunks.map(async (hit: { id: string; documentId: string }) => {
          const source = await service.app.inject({
            method: 'GET',
            url: `/api/chat/rag/sources/${encodeURIComponent(hit.id)}`,
            headers: { authorization: `Bearer ${analyst}` },
          });
          return { synthDocumentId: synthIdOf.get(hit.documentId), text: source.json().text as string };
        }),
      );
    });
    expect(quality.byKind.literal.recallAt5).toBeGreaterThanOrEqual(0.9);
  });

  it('answers lexically, and says so, while the embedding provider fails; the lexical index rebuilds from dashboard_db alone', async () => {
    const query = '¿Cuántas cámaras de vigilancia se instalarán en la ciudad?';
    openai.scriptEmbeddings({ kind: 'error', status: 500 });
    const served = await search(query);
    expect(served.retrieval.mode).toMatch(/^lexical only \(vectors unavailable/);
    expect(served.chunks.length).toBeGreaterThan(0);
    // As after a restart: a new store builds its index from the tables and ranks the same way
    // as the one the uploads built passage by passage.
    const rebuilt = new PostgresChunkStore(service.app.pg);
    await rebuilt.loadIndex();
    const { hits } = await rebuilt.search(query, {}, 10, 'someone-else');
    expect(hits.map((hit) => hit.id)).toEqual(served.chunks.map((hit: { id: string }) => hit.id));
  });

  it('reloads the vectors from dashboard_db alone, as after a restart', async () => {
    const vectors = await PostgresVectorIndex.load(service.app.pg, MODEL_KEY, 256);
    expect(await vectors.count()).toBe((await stats()).chunks);
    const other = await PostgresVectorIndex.load(service.app.pg, 'another-model@256', 256);
    expect(await other.count()).toBe(0);
  });
});

/** The same service with its vectors in Chroma (the loopback fake speaking its v2 API). */
describe('hybrid retrieval with the vectors in Chroma', () => {
  let openai: FakeOpenAi;
  let chroma: FakeChroma;
  let service: DashboardUnderTest;
  let analyst: string;
  const documentIds: string[] = [];

  const search = (query: string) => ragSearch(service, analyst, query);

  beforeAll(async () => {
    openai = await startFakeOpenAi({ apiKeys: [OPENAI_KEY] });
    chroma = await startFakeChroma();
    service = await startDashboardForTests({
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: `${openai.url}/v1`,
      CHROMA_URL: chroma.url,
      CHROMA_COLLECTION: 'castor_test',
      CHROMA_MAX_ATTEMPTS: '1',
      LLM_MAX_ATTEMPTS: '1',
    });
    analyst = (await service.token('analyst')).token;
    const corpus = await generateCorpus();
    for (const file of corpus.files.slice(0, 3)) {
      const response = await uploadDocument(service, analyst, file, {});
      expect(response.statusCode, response.body).toBe(201);
      documentIds.push(response.json().document.id);
    }
    await untilEmbedded(service, analyst);
  });
  afterAll(async () => {
    await service?.close();
    await chroma?.close();
    await openai?.close();
  });

  it('stores one vector per passage in the collection, with the metadata the filters need', async () => {
    const stats = await ragStats(service, analyst);
    expect(stats.retrieval.store).toBe('postgres + chroma');
    expect(stats.vectors).toEqual({ index: 'chroma', vectors: stats.chunks, pending: 0 });
    const records = chroma.records('castor_test');
    expect(records).toHaveLength(stats.chunks);
    expect(records[0]?.embedding).toHaveLength(256);
    expect(records[0]?.metadata).toMatchObject({ model: MODEL_KEY, visibleTo: '' });
  });

  it('fuses the vectors Chroma finds, and answers lexically while Chroma fails', async () => {
    const query = '¿Qué se prometió sobre la seguridad?';
    const hybrid = await search(query);
    expect(hybrid.retrieval.mode).toMatch(/^hybrid/);
    expect(hybrid.chunks.length).toBeGreaterThan(0);
    expect(chroma.operations.some((operation) => operation.route === 'query')).toBe(true);
    chroma.script({ kind: 'error', status: 500 }, { route: 'query' });
    const fallback = await search(query);
    expect(fallback.retrieval.mode).toMatch(/^lexical only \(vectors unavailable: VectorIndexUnavailable\)/);
    expect(fallback.chunks.length).toBeGreaterThan(0);
  });

  it("removes a deleted document's vectors from the collection", async () => {
    const [deleted] = documentIds;
    const before = chroma.records('castor_test').length;
    const gone = chroma.records('castor_test').filter((record) => record.metadata?.documentId === deleted).length;
    expect(gone).toBeGreaterThan(0);
    const response = await service.app.inject({
      method: 'DELETE',
      url: `/api/documents/${deleted}`,
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(response.statusCode, response.body).toBe(204);
    const after = chroma.records('castor_test');
    expect(after).toHaveLength(before - gone);
    expect(after.some((record) => record.metadata?.documentId === deleted)).toBe(false);
  });
});
