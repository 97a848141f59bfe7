import { describe, expect, it } from 'vitest';
import type { ChunkMeta } from '../../src/shared/chunk-rows.js';
import { LexicalIndex } from '../../src/shared/lexical-index.js';

const meta = (overrides: Partial<ChunkMeta> = {}): ChunkMeta => ({
  documentId: 'doc-a',
  source: 'programa',
  candidateId: null,
  visibleTo: null,
  createdAtMs: Date.parse('2026-03-01T00:00:00Z'),
  ...overrides,
});

/** Lexemes as PostgreSQL's `spanish` configuration would give them, counted. */
const entry = (chunkId: string, words: string, overrides: Partial<ChunkMeta> = {}) => {
  const counts = new Map<string, number>();
  for (const word of words.split(' ')) counts.set(word, (counts.get(word) ?? 0) + 1);
  return { chunkId, meta: meta(overrides), lexemes: [...counts.keys()], counts: [...counts.values()] };
};

describe('LexicalIndex (BM25 in memory)', () => {
  it('ranks the passage holding more and rarer question words first', () => {
    const index = new LexicalIndex();
    index.add([
      entry('a', 'segur cal camar instal'),
      entry('b', 'segur cal'),
      entry('c', 'segur bogot medellin'),
      entry('d', 'educ cal'),
    ]);
    const ranked = index.search(['segur', 'cal', 'camar'], 10, {}, 'someone');
    expect(ranked.map((hit) => hit.chunkId)).toEqual(['a', 'b', 'd', 'c']);
    expect(ranked[0]?.score).toBeGreaterThan(ranked[1]?.score as number);
  });

  it('favours the shorter passage for the same words, and repeated words up to saturation', () => {
    const index = new LexicalIndex();
    index.add([
      entry('long', 'segur cal otro otro otro otro otro otro otro otro'),
      entry('short', 'segur cal'),
      entry('repeated', 'segur segur segur cal otro otro otro otro otro otro'),
    ]);
    expect(index.search(['segur', 'cal'], 3, {}, 'x').map((hit) => hit.chunkId)).toEqual(['short', 'repeated', 'long']);
  });

  it("never returns another user's private passage, and keeps to the filters", () => {
    const index = new LexicalIndex();
    index.add([
      entry('campaign', 'segur cal'),
      entry('mine', 'segur cal', { visibleTo: 'me', documentId: 'doc-m' }),
      entry('theirs', 'segur cal', { visibleTo: 'them', documentId: 'doc-t' }),
      entry('press', 'segur cal', { source: 'prensa', documentId: 'doc-p', candidateId: 'cand-1' }),
      entry('old', 'segur cal', { documentId: 'doc-o', createdAtMs: Date.parse('2025-01-01T00:00:00Z') }),
    ]);
    const ids = (filters = {}, viewer = 'me') =>
      index
        .search(['segur'], 10, filters, viewer)
        .map((hit) => hit.chunkId)
        .sort();
    expect(ids()).toEqual(['campaign', 'mine', 'old', 'press']);
    expect(ids({}, 'them')).toEqual(['campaign', 'old', 'press', 'theirs']);
    expect(ids({ source: 'prensa' })).toEqual(['press']);
    expect(ids({ candidateId: 'cand-1' })).toEqual(['press']);
    expect(ids({ documentId: 'doc-m' })).toEqual(['mine']);
    expect(ids({ from: '2026-01-01T00:00:00Z' })).toEqual(['campaign', 'mine', 'press']);
    expect(ids({ to: '2025-12-31T00:00:00Z' })).toEqual(['old']);
  });

  it('forgets a deleted document, keeps one entry per chunk id, and answers nothing for unknown words', () => {
    const index = new LexicalIndex();
    index.add([entry('a1', 'segur cal'), entry('b1', 'segur', { documentId: 'doc-b' })]);
    index.add([entry('a1', 'segur cal')]);
    expect(index.size).toBe(2);
    index.removeDocument('doc-a');
    expect(index.search(['segur', 'cal'], 10, {}, 'x').map((hit) => hit.chunkId)).toEqual(['b1']);
    expect(index.size).toBe(1);
    expect(index.search(['inexistent'], 10, {}, 'x')).toEqual([]);
  });

  it('returns at most the limit, best first, after many passages', () => {
    const index = new LexicalIndex();
    index.add(
      Array.from({ length: 10_000 }, (_, n) => entry(`c${n}`, n % 100 === 0 ? 'segur segur cal' : `segur w${n}`)),
    );
    const ranked = index.search(['segur', 'cal'], 5, {}, 'x');
    expect(ranked).toHaveLength(5);
    expect(ranked.every((hit) => Number(hit.chunkId.slice(1)) % 100 === 0)).toBe(true);
    const scores = ranked.map((hit) => hit.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });
});
