import {
  ChromaClient,
  ChromaClientError,
  ChromaConnectionError,
  ChromaNotFoundError,
  ChromaServerError,
  ChromaValueError,
} from 'chromadb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeChroma, startFakeChroma } from '../src/index.js';

let fake: FakeChroma;
const client = () => {
  const { hostname, port } = new URL(fake.url);
  return new ChromaClient({ host: hostname, port: Number(port), ssl: false });
};
const cosineCollection = (chroma = client()) =>
  chroma.getOrCreateCollection({
    name: 'chunks',
    embeddingFunction: null,
    configuration: { hnsw: { space: 'cosine' } },
  });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: Error) => error,
  );

beforeEach(async () => {
  fake = await startFakeChroma({ maxBatchSize: 4 });
});
afterEach(() => fake.close());

describe('fake Chroma v2 API with the official chromadb client', () => {
  it('answers heartbeat and version, and get-or-create returns the same cosine collection', async () => {
    const chroma = client();
    expect(await chroma.heartbeat()).toBeGreaterThan(0);
    expect(await chroma.version()).toMatch(/^1\./);
    const first = await cosineCollection(chroma);
    const again = await cosineCollection(chroma);
    expect(again.id).toBe(first.id);
    expect(first.configuration.hnsw?.space).toBe('cosine');
    expect(fake.operations.filter((op) => op.route === 'create_collection')[0]?.body).toEqual({
      name: 'chunks',
      configuration: { hnsw: { space: 'cosine' } },
      get_or_create: true,
    });
  });

  it('upserts base64 embeddings and ranks a query by cosine distance, where filters applied', async () => {
    const collection = await cosineCollection();
    await collection.upsert({
      ids: ['a', 'b', 'c'],
      embeddings: [
        [1, 0, 0],
        [0.8, 0.6, 0],
        [0, 0, 1],
      ],
      metadatas: [
        { kind: 'x', at: 10 },
        { kind: 'x', at: 20 },
        { kind: 'y', at: 30 },
      ],
    });
    const upsert = fake.operations.find((op) => op.route === 'upsert')?.body as { embeddings: unknown[] };
    expect(typeof upsert.embeddings[0]).toBe('string');

    const all = await collection.query({ queryEmbeddings: [[1, 0, 0]], nResults: 3, include: ['distances'] });
    expect(all.ids[0]).toEqual(['a', 'b', 'c']);
    expect(all.distances[0]?.[0]).toBeCloseTo(0, 6);
    expect(all.distances[0]?.[1]).toBeCloseTo(0.2, 6);
    expect(all.distances[0]?.[2]).toBeCloseTo(1, 6);

    const filtered = await collection.query({
      queryEmbeddings: [[1, 0, 0]],
      nResults: 3,
      where: { $and: [{ kind: { $in: ['x', 'y'] } }, { $or: [{ at: { $gte: 20 } }, { kind: { $eq: 'nope' } }] }] },
      include: ['distances', 'metadatas'],
    });
    expect(filtered.ids[0]).toEqual(['b', 'c']);
    expect(filtered.metadatas[0]?.[0]).toEqual({ kind: 'x', at: 20 });
  });

  it('deletes by where, counts, and upserting again replaces instead of duplicating', async () => {
    const collection = await cosineCollection();
    const records = {
      ids: ['a', 'b'],
      embeddings: [
        [1, 0],
        [0, 1],
      ],
      metadatas: [{ doc: 'd1' }, { doc: 'd2' }],
    };
    await collection.upsert(records);
    await collection.upsert(records);
    expect(await collection.count()).toBe(2);
    expect(await collection.delete({ where: { doc: { $eq: 'd1' } } })).toEqual({ deleted: 1 });
    expect(await collection.count()).toBe(1);
    expect(fake.records('chunks').map((r) => r.id)).toEqual(['b']);
  });

  it('answers errors with the status and body the client turns into its error classes', async () => {
    const collection = await cosineCollection();
    await collection.upsert({ ids: ['a'], embeddings: [[1, 0]] });

    const dimension = await failure(collection.upsert({ ids: ['b'], embeddings: [[1, 0, 0]] }));
    expect(dimension).toBeInstanceOf(ChromaClientError);
    expect(dimension.message).toContain('dimension of 2, got 3');

    // The client validates `where` too, so the server's own refusal is seen over plain HTTP.
    const badWhere = await fetch(
      `${fake.url}/api/v2/tenants/default_tenant/databases/default_database/collections/${collection.id}/query`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query_embeddings: [[1, 0]], where: { a: 1, b: 2 } }),
      },
    );
    expect(badWhere.status).toBe(400);
    expect(await badWhere.json()).toMatchObject({ error: 'InvalidArgumentError' });

    expect(await failure(client().getCollection({ name: 'missing' }))).toBeInstanceOf(ChromaNotFoundError);
    // The client checks the batch size the pre-flight checks report before sending anything.
    const tooMany = await failure(
      collection.upsert({ ids: ['1', '2', '3', '4', '5'], embeddings: [[1], [1], [1], [1], [1]] }),
    );
    expect(tooMany).toBeInstanceOf(ChromaValueError);
  });

  it('plays scripted failures on the route asked for: 500, a reset connection, a hang', async () => {
    const collection = await cosineCollection();
    fake.script({ kind: 'error', status: 500, message: 'boom' }, { route: 'count' });
    fake.script({ kind: 'reset' }, { route: 'count' });
    const server = await failure(collection.count());
    expect(server).toBeInstanceOf(ChromaServerError);
    expect(server.message).toBe('boom');
    expect(await failure(collection.count())).toBeInstanceOf(ChromaConnectionError);
    expect(await collection.count()).toBe(0);

    fake.script({ kind: 'hang' }, { route: 'query' });
    const hung = collection.query({ queryEmbeddings: [[1]], nResults: 1 });
    await expect.poll(() => fake.operations.some((op) => op.route === 'query')).toBe(true);
    expect(fake.requests.at(-1)?.status).toBeNull();
    await fake.close();
    expect(await failure(hung)).toBeInstanceOf(ChromaConnectionError);
  });
});
