import { type ChunkMeta, ChunkRows, TopRows } from './chunk-rows.js';
import type { ChunkFilters } from './chunk-store.js';

/** Okapi BM25's usual constants: term-frequency saturation and length normalisation. */
const K1 = 1.2;
const B = 0.75;

/** A term's passages (rows) and how often it occurs in each, in growable typed arrays. */
class Postings {
  rows = new Int32Array(4);
  counts = new Uint16Array(4);
  length = 0;

  push(row: number, count: number): void {
    if (this.length === this.rows.length) {
      const rows = new Int32Array(this.length * 2);
      rows.set(this.rows);
      this.rows = rows;
      const counts = new Uint16Array(this.length * 2);
      counts.set(this.counts);
      this.counts = counts;
    }
    this.rows[this.length] = row;
    this.counts[this.length] = count;
    this.length += 1;
  }
}

/** A passage as the index takes it: its lexemes (PostgreSQL's `spanish` stems) and their counts. */
export interface LexicalEntry {
  chunkId: string;
  meta: ChunkMeta;
  lexemes: readonly string[];
  counts: readonly number[];
}

/**
 * BM25 over the passages' Spanish lexemes, in memory. The lexemes are PostgreSQL's (the stored
 * `search` tsvector, and `to_tsvector('spanish', question)` for a question), so stemming and stop
 * words are exactly the GIN index's; what changes is ranking cost: a question whose words are
 * common ("seguridad", "Cali") touches tens of thousands of passages, and summing their postings
 * takes a millisecond where ranking their tsvectors in PostgreSQL took hundreds.
 *
 * Deleted passages leave holes that still count in their terms' document frequency until the
 * next start (a small, temporary bias in idf; removals are rare).
 */
export class LexicalIndex {
  private readonly postings = new Map<string, Postings>();
  private lengths = new Uint16Array(0);
  /** Per row, the score a search is summing (zero between searches), and which rows it touched. */
  private scores = new Float64Array(0);
  private touched = new Int32Array(0);
  private totalLength = 0;
  private readonly registry = new ChunkRows((capacity) => {
    const lengths = new Uint16Array(capacity);
    lengths.set(this.lengths);
    this.lengths = lengths;
    this.scores = new Float64Array(capacity);
    this.touched = new Int32Array(capacity);
  });

  /** Passages held. */
  get size(): number {
    return this.registry.size;
  }

  /** Adds passages; one already held keeps its entry (a chunk id names one text). */
  add(entries: readonly LexicalEntry[]): void {
    for (const entry of entries) {
      const { row, isNew } = this.registry.put(entry.chunkId, entry.meta);
      if (!isNew) continue;
      let length = 0;
      entry.lexemes.forEach((lexeme, index) => {
        const count = Math.min(entry.counts[index] ?? 1, 0xffff);
        length += count;
        let postings = this.postings.get(lexeme);
        if (!postings) {
          postings = new Postings();
          this.postings.set(lexeme, postings);
        }
        postings.push(row, count);
      });
      this.lengths[row] = Math.min(length, 0xffff);
      this.totalLength += length;
    }
  }

  removeDocument(documentId: string): void {
    for (const row of this.registry.removeDocument(documentId)) this.totalLength -= this.lengths[row] as number;
  }

  /** The `limit` best passages for the question's lexemes that the filters and the viewer allow. */
  search(
    lexemes: readonly string[],
    limit: number,
    filters: ChunkFilters,
    viewer: string,
  ): Array<{ chunkId: string; score: number }> {
    const passages = this.registry.size;
    if (passages === 0) return [];
    const averageLength = Math.max(1, this.totalLength / passages);
    const { scores, lengths, touched } = this;
    let touchedCount = 0;
    for (const lexeme of new Set(lexemes)) {
      const postings = this.postings.get(lexeme);
      if (!postings) continue;
      const frequency = Math.min(postings.length, passages);
      const idf = Math.log(1 + (passages - frequency + 0.5) / (frequency + 0.5));
      for (let index = 0; index < postings.length; index += 1) {
        const row = postings.rows[index] as number;
        const count = postings.counts[index] as number;
        const norm = K1 * (1 - B + (B * (lengths[row] as number)) / averageLength);
        if (scores[row] === 0) touched[touchedCount++] = row;
        scores[row] = (scores[row] as number) + (idf * count * (K1 + 1)) / (count + norm);
      }
    }
    const allowed = this.registry.matcher(filters, viewer);
    const top = new TopRows(limit);
    for (let index = 0; index < touchedCount; index += 1) {
      const row = touched[index] as number;
      const score = scores[row] as number;
      if (top.admits(score) && allowed(row)) top.offer(row, score);
      scores[row] = 0;
    }
    return top.best().map(({ row, score }) => ({ chunkId: this.registry.chunkId(row), score }));
  }
}
