import { randomUUID } from 'node:crypto';
import { type FakeChroma, startFakeChroma } from '@castor/fake-apis';
import { ChromaClient } from 'chromadb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChromaVectorIndex, type ChromaVectorIndexOptions } from '../../src/shared/chroma-vector-index.js';
import type { ChunkVector, VectorFilters, VectorMeta } from '../../src/shared/vector-index.js';
import { VectorIndexUnavailable } from '../../src/shared/vector-index-unavailable.js';

const MODEL = 'embed-a';
const ALICE = 'user-alice';
const BOB = 'user-bob';
const DOC_1 = randomUUID();
const DOC_2 = randomUUID();
const CANDIDATE = randomUUID();
const JAN = Date.parse('2026-01-15T12:00:00Z');
const MAR = Date.parse('2026-03-15T12:00:00Z');

let fake: FakeChroma;
let warnings: unknown[][];

const connect = (options: Partial<ChromaVectorIndexOptions> = {}) =>
  ChromaVectorIndex.connect({
    url: fake.url,
    collection: 'castor_chunks',
    log: { warn: (...args: unknown[]) => warnings.push(args) },
    timeoutMs: 1_000,
    maxAttempts: 2,
    retryInitialDelayMs: 1,
    ...options,
  });

const meta = (overrides: Partial<VectorMeta> = {}): VectorMeta => ({
  documentId: DOC_1,
  source: 'programa',
  candidateId: null,
  visibleTo: null,
  createdAtMs: JAN,
  ...overrides,
});
const vector = (
  chunkId: string,
  values: number[],
  overrides: Partial<VectorMeta> = {},
  model = MODEL,
): ChunkVector => ({
  chunkId,
  model,
  embedding: Float32Array.from(values),
  meta: meta(overrides),
});
const filters = (overrides: Partial<VectorFilters> = {}): VectorFilters => ({
  model: MODEL,
  viewer: ALICE,
  ...overrides,
});
const ids = async (index: ChromaVectorIndex, query: number[], limit: number, given: Partial<VectorFilters> = {}) =>
  (await index.query(Float32Array.from(query), limit, filters(given))).map((hit) => hit.chunkId);
const unavailable = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected VectorIndexUnavailable');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(VectorIndexUnavailable);
      return error as VectorIndexUnavailable;
    },
  );
const operations = (route: string) => fake.operations.filter((op) => op.route === route).length;

beforeEach(async () => {
  fake = await startFakeChroma({ maxBatchSize: 3 });
  warnings = [];
});
afterEach(() => fake.close());

describe('ChromaVectorIndex against the Chroma v2 API', () => {
  it('ranks by cosine similarity (1 − distance), most similar first, up to the limit', async () => {
    const index = await connect();
    expect(index.name).toBe('chroma');
    await index.upsert([vector('same', [2, 0, 0]), vector('near', [0.6, 0.8, 0]), vector('far', [0, 0, 1])]);

    const hits = await index.query(Float32Array.from([1, 0, 0]), 2, filters());
    expect(hits.map((hit) => hit.chunkId)).toEqual(['same', 'near']);
    expect(hits[0]?.similarity).toBeCloseTo(1, 6);
    expect(hits[1]?.similarity).toBeCloseTo(0.6, 6);
    expect(await index.count()).toBe(3);
    expect(await index.query(Float32Array.from([1, 0, 0]), 0, filters())).toEqual([]);
  });

  it('stores the filter metadata, null as an empty string, and applies every filter', async () => {
    const index = await connect();
    await index.upsert([
      vector('plan', [1, 0], { documentId: DOC_1, source: 'programa', candidateId: CANDIDATE, createdAtMs: JAN }),
      vector('press', [1, 0.1], { documentId: DOC_2, source: 'prensa', createdAtMs: MAR }),
      vector('other-model', [1, 0], { documentId: DOC_1 }, 'embed-b'),
    ]);
    expect(fake.records('castor_chunks').find((r) => r.id === 'press')?.metadata).toEqual({
      documentId: DOC_2,
      source: 'prensa',
      candidateId: '',
      visibleTo: '',
      createdAtMs: MAR,
      model: MODEL,
    });

    expect(await ids(index, [1, 0], 10)).toEqual(['plan', 'press']);
    expect(await ids(index, [1, 0], 10, { model: 'embed-b' })).toEqual(['other-model']);
    expect(await ids(index, [1, 0], 10, { documentId: DOC_2 })).toEqual(['press']);
    expect(await ids(index, [1, 0], 10, { source: 'programa' })).toEqual(['plan']);
    expect(await ids(index, [1, 0], 10, { candidateId: CANDIDATE })).toEqual(['plan']);
    expect(await ids(index, [1, 0], 10, { from: '2026-02-01T00:00:00Z' })).toEqual(['press']);
    expect(await ids(index, [1, 0], 10, { to: '2026-02-01T00:00:00Z' })).toEqual(['plan']);
    // Both bounds are inclusive, like the lexical search's.
    expect(
      await ids(index, [1, 0], 10, { from: new Date(JAN).toISOString(), to: new Date(MAR).toISOString() }),
    ).toEqual(['plan', 'press']);
    expect(await ids(index, [1, 0], 10, { source: 'prensa', documentId: DOC_1 })).toEqual([]);
  });

  it("never returns another user's private vector; campaign vectors are everyone's", async () => {
    const index = await connect();
    await index.upsert([
      vector('campaign', [0, 1]),
      vector('alice-analysis', [1, 0], { visibleTo: ALICE }),
      vector('bob-analysis', [1, 0], { visibleTo: BOB }),
    ]);
    expect(await ids(index, [1, 0], 10, { viewer: ALICE })).toEqual(['alice-analysis', 'campaign']);
    expect(await ids(index, [1, 0], 10, { viewer: BOB })).toEqual(['bob-analysis', 'campaign']);
    expect(await ids(index, [1, 0], 10, { viewer: 'user-carol' })).toEqual(['campaign']);
  });

  it('deletes one document’s vectors and counts what is left', async () => {
    const index = await connect();
    await index.upsert([
      vector('d1-a', [1, 0], { documentId: DOC_1 }),
      vector('d1-b', [0, 1], { documentId: DOC_1 }),
      vector('d2-a', [1, 1], { documentId: DOC_2 }),
    ]);
    await index.deleteDocument(DOC_1);
    expect(await index.count()).toBe(1);
    expect(await ids(index, [1, 0], 10)).toEqual(['d2-a']);
    await index.deleteDocument(DOC_1);
    expect(await index.count()).toBe(1);
  });

  it('splits upserts into batches the server accepts, and an upsert repeated or retried stores each vector once', async () => {
    const index = await connect();
    const vectors = Array.from({ length: 7 }, (_, i) => vector(`chunk-${i}`, [1, i]));
    await index.upsert(vectors);
    expect(operations('upsert')).toBe(3);
    expect(await index.count()).toBe(7);

    fake.script({ kind: 'error', status: 500 }, { route: 'upsert' });
    await index.upsert(vectors.slice(0, 2).map((v) => ({ ...v, meta: { ...v.meta, source: 'nuevo' } })));
    expect(operations('upsert')).toBe(5);
    expect(await index.count()).toBe(7);
    expect(await ids(index, [1, 0], 10, { source: 'nuevo' })).toEqual(['chunk-0', 'chunk-1']);
    expect(warnings.some(([, message]) => message === 'Chroma request retried')).toBe(true);
  });

  it('retries an upsert whose answer was lost after Chroma stored it, without duplicating anything', async () => {
    const index = await connect({ timeoutMs: 200 });
    fake.script({ kind: 'applied_then_hang' }, { route: 'upsert' });
    await index.upsert([vector('a', [1, 0]), vector('b', [0, 1])]);
    expect(operations('upsert')).toBe(2);
    expect(fake.records('castor_chunks').map((record) => record.id)).toEqual(['a', 'b']);
    expect(await index.count()).toBe(2);
  });

  it('turns 5xx after the last attempt, timeouts and refusals into VectorIndexUnavailable', async () => {
    const index = await connect({ timeoutMs: 200 });
    await index.upsert([vector('a', [1, 0])]);

    fake.script({ kind: 'error', status: 500, message: 'disk full' }, { route: 'query', times: 2 });
    const server = await unavailable(index.query(Float32Array.from([1, 0]), 5, filters()));
    expect(server).toMatchObject({ index: 'chroma', operation: 'query', reason: 'PROVIDER_UNAVAILABLE' });
    expect(server.message).toContain('disk full');
    expect(operations('query')).toBe(2);

    fake.script({ kind: 'hang' }, { route: 'count', times: 2 });
    expect(await unavailable(index.count())).toMatchObject({ operation: 'count', reason: 'PROVIDER_TIMEOUT' });

    // Chroma refuses another dimension (400): the request is wrong, so it is not retried.
    const before = operations('upsert');
    const refused = await unavailable(index.upsert([vector('b', [1, 0, 0])]));
    expect(refused).toMatchObject({ operation: 'upsert', reason: 'PROVIDER_REJECTED' });
    expect(refused.message).toContain('dimension of 2, got 3');
    expect(operations('upsert')).toBe(before + 1);

    // The index still works once Chroma answers again.
    expect(await index.count()).toBe(1);
  });

  it('opens the circuit after repeated failures: calls then fail without reaching Chroma', async () => {
    const index = await connect({ maxAttempts: 1 });
    fake.script({ kind: 'error', status: 503 }, { route: 'count', times: 5 });
    for (let i = 0; i < 5; i++) await unavailable(index.count());
    const sent = operations('count');
    expect(await unavailable(index.count())).toMatchObject({ reason: 'PROVIDER_CIRCUIT_OPEN' });
    expect(operations('count')).toBe(sent);
    expect(warnings.some(([fields]) => (fields as { state?: string }).state === 'open')).toBe(true);
  });

  it('fails to connect with VectorIndexUnavailable when Chroma is down, and refuses a non-cosine collection', async () => {
    const { hostname, port } = new URL(fake.url);
    await new ChromaClient({ host: hostname, port: Number(port) }).createCollection({
      name: 'euclidean',
      embeddingFunction: null,
      configuration: { hnsw: { space: 'l2' } },
    });
    await expect(connect({ collection: 'euclidean' })).rejects.toThrow(/uses the l2 space, not cosine/);
    await expect(connect({ url: `${fake.url}/chroma` })).rejects.toThrow(/without a path/);

    await fake.close();
    expect(await unavailable(connect())).toMatchObject({ operation: 'connect', reason: 'PROVIDER_UNAVAILABLE' });
  });
});
