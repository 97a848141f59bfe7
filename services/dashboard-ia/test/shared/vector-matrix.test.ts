import { describe, expect, it } from 'vitest';
import type { ChunkMeta } from '../../src/shared/chunk-rows.js';
import { VectorMatrix } from '../../src/shared/postgres-vector-index.js';

const DIMENSIONS = 256;

/** A deterministic generator (mulberry32) and Gaussian draws, so every run sees the same vectors. */
function generator(seed: number) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, gaussian };
}

const unit = (values: number[]): Float32Array => {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (value) => value / norm);
};

/** Vectors around cluster centres, as embeddings of passages about the same topics are. */
function clusteredVectors(count: number, clusters: number, seed: number) {
  const random = generator(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: DIMENSIONS }, random.gaussian));
  const near = (centre: number[], spread: number) => unit(centre.map((value) => value + spread * random.gaussian()));
  const vectors = Array.from({ length: count }, (_, index) => near(centres[index % clusters] as number[], 0.9));
  const queries = Array.from({ length: 50 }, (_, index) => near(centres[(index * 7) % clusters] as number[], 1.2));
  return { vectors, queries };
}

const meta = (overrides: Partial<ChunkMeta> = {}): ChunkMeta => ({
  documentId: 'doc',
  source: 'programa',
  candidateId: null,
  visibleTo: null,
  createdAtMs: 0,
  ...overrides,
});

const exactTop = (vectors: readonly Float32Array[], query: Float32Array, limit: number) =>
  vectors
    .map((vector, index) => ({
      index,
      similarity: vector.reduce((sum, value, at) => sum + value * (query[at] as number), 0),
    }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, limit)
    .map((entry) => `c${entry.index}`);

describe('VectorMatrix (sign codes, then int8)', () => {
  it('finds nearly every exact top-10 neighbour among 20,000 vectors', () => {
    const { vectors, queries } = clusteredVectors(20_000, 200, 7);
    const matrix = new VectorMatrix(DIMENSIONS);
    vectors.forEach((vector, index) => {
      matrix.put(`c${index}`, vector, meta());
    });
    let found = 0;
    for (const query of queries) {
      const expected = new Set(exactTop(vectors, query, 10));
      const hits = matrix.nearest(query, 10, { model: 'm', viewer: 'me' });
      expect(hits).toHaveLength(10);
      found += hits.filter((hit) => expected.has(hit.chunkId)).length;
      const similarities = hits.map((hit) => hit.similarity);
      expect([...similarities].sort((a, b) => b - a)).toEqual(similarities);
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it("keeps to the filters and never returns another user's private vector", () => {
    const { vectors, queries } = clusteredVectors(400, 4, 11);
    const matrix = new VectorMatrix(DIMENSIONS);
    vectors.forEach((vector, index) => {
      const owner = index % 10 === 0 ? 'them' : index % 10 === 1 ? 'me' : null;
      matrix.put(
        `c${index}`,
        vector,
        meta({ visibleTo: owner, documentId: `d${index % 5}`, source: index % 2 ? 'prensa' : 'programa' }),
      );
    });
    const query = queries[0] as Float32Array;
    const all = matrix.nearest(query, 400, { model: 'm', viewer: 'me' });
    expect(all).toHaveLength(400 - 40);
    expect(all.some((hit) => Number(hit.chunkId.slice(1)) % 10 === 0)).toBe(false);
    const press = matrix.nearest(query, 400, { model: 'm', viewer: 'me', source: 'prensa', documentId: 'd1' });
    expect(press.length).toBeGreaterThan(0);
    expect(press.every((hit) => Number(hit.chunkId.slice(1)) % 2 === 1 && Number(hit.chunkId.slice(1)) % 5 === 1)).toBe(
      true,
    );
    matrix.removeDocument('d1');
    expect(matrix.nearest(query, 400, { model: 'm', viewer: 'me', documentId: 'd1' })).toEqual([]);
    expect(matrix.size).toBe(400 - 80);
  });

  it('replaces a vector put again under the same chunk id', () => {
    const matrix = new VectorMatrix(DIMENSIONS);
    const { vectors } = clusteredVectors(2, 2, 3);
    matrix.put('c', vectors[0] as Float32Array, meta());
    matrix.put('c', vectors[1] as Float32Array, meta());
    expect(matrix.size).toBe(1);
    const [hit] = matrix.nearest(vectors[1] as Float32Array, 1, { model: 'm', viewer: 'me' });
    expect(hit?.chunkId).toBe('c');
    expect(hit?.similarity).toBeCloseTo(1, 2);
  });
});
