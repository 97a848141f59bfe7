import type { ChunkFilters } from './chunk-store.js';

/** What the search filters need to know of a passage without a trip to dashboard_db. */
export interface ChunkMeta {
  documentId: string;
  source: string;
  candidateId: string | null;
  /** The only user who sees it; null = the whole campaign. */
  visibleTo: string | null;
  /** When its document was stored, epoch milliseconds (the date filters compare with it). */
  createdAtMs: number;
}

/** The columns a `ChunkMeta` is read from: a chunk `c` joined with its document `d`. */
export const CHUNK_META_COLUMNS = `c.document_id, d.source, d.candidate_id, c.visible_to,
  (extract(epoch FROM d.created_at) * 1000)::bigint AS created_at_ms`;

export interface ChunkMetaRow {
  document_id: string;
  source: string;
  candidate_id: string | null;
  visible_to: string | null;
  /** bigint: the driver gives it as text. */
  created_at_ms: string;
}

export const chunkMetaOf = (row: ChunkMetaRow): ChunkMeta => ({
  documentId: row.document_id,
  source: row.source,
  candidateId: row.candidate_id,
  visibleTo: row.visible_to,
  createdAtMs: Number(row.created_at_ms),
});

/** Rows the registry grows by when full. */
const GROWTH_ROWS = 4_096;

/**
 * The passages an in-memory index holds, one row each, with what the filters compare. A removed
 * row stays as a hole: removals are rare (a deleted document) and a hole costs a few bytes.
 * `onGrow` lets the index keep its own per-row arrays as long as the registry's.
 */
export class ChunkRows {
  private readonly chunkIds: string[] = [];
  private readonly metas: ChunkMeta[] = [];
  private readonly rowOf = new Map<string, number>();
  private readonly documentMeta = new Map<string, ChunkMeta>();
  private alive = new Uint8Array(0);
  private used = 0;

  constructor(private readonly onGrow: (capacity: number) => void) {}

  /** Rows ever used (holes included): the bound of a scan. */
  get rows(): number {
    return this.used;
  }

  /** Passages held. */
  get size(): number {
    return this.rowOf.size;
  }

  /** The row of a passage, added if new (`isNew`), with its metadata replaced. */
  put(chunkId: string, meta: ChunkMeta): { row: number; isNew: boolean } {
    // Every field is its document's: rows share one object per document, not one each.
    const shared = this.documentMeta.get(meta.documentId);
    const stored =
      shared &&
      shared.source === meta.source &&
      shared.candidateId === meta.candidateId &&
      shared.visibleTo === meta.visibleTo &&
      shared.createdAtMs === meta.createdAtMs
        ? shared
        : meta;
    if (stored === meta) this.documentMeta.set(meta.documentId, meta);
    let row = this.rowOf.get(chunkId);
    const isNew = row === undefined;
    if (row === undefined) {
      if (this.used === this.alive.length) this.grow();
      row = this.used++;
      this.rowOf.set(chunkId, row);
      this.chunkIds[row] = chunkId;
    }
    this.alive[row] = 1;
    this.metas[row] = stored;
    return { row, isNew };
  }

  /** Removes a document's rows and returns them (the index may have totals to correct). */
  removeDocument(documentId: string): number[] {
    const removed: number[] = [];
    for (const [chunkId, row] of this.rowOf) {
      if (this.metas[row]?.documentId !== documentId) continue;
      this.alive[row] = 0;
      this.rowOf.delete(chunkId);
      removed.push(row);
    }
    this.documentMeta.delete(documentId);
    return removed;
  }

  chunkId(row: number): string {
    return this.chunkIds[row] as string;
  }

  /** A test for rows: alive, visible to the viewer and inside the filters. */
  matcher(filters: ChunkFilters, viewer: string): (row: number) => boolean {
    const from = filters.from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(filters.from);
    const to = filters.to === undefined ? Number.POSITIVE_INFINITY : Date.parse(filters.to);
    const { documentId, source, candidateId } = filters;
    return (row) => {
      if (this.alive[row] !== 1) return false;
      const meta = this.metas[row] as ChunkMeta;
      return (
        (meta.visibleTo === null || meta.visibleTo === viewer) &&
        meta.createdAtMs >= from &&
        meta.createdAtMs <= to &&
        (documentId === undefined || meta.documentId === documentId) &&
        (source === undefined || meta.source === source) &&
        (candidateId === undefined || meta.candidateId === candidateId)
      );
    };
  }

  private grow(): void {
    const capacity = this.alive.length + GROWTH_ROWS;
    const alive = new Uint8Array(capacity);
    alive.set(this.alive);
    this.alive = alive;
    this.onGrow(capacity);
  }
}

/** The best `limit` rows of a scan, best first: a small sorted buffer, enough for limit ≤ a few hundred. */
export class TopRows {
  // Worst first, so one comparison with [0] decides whether a row enters.
  private readonly scores: number[] = [];
  private readonly rows: number[] = [];

  constructor(private readonly limit: number) {}

  /** Whether a row of this score would enter (a cheap test before a costlier one). */
  admits(score: number): boolean {
    return this.limit > 0 && (this.scores.length < this.limit || score > (this.scores[0] as number));
  }

  offer(row: number, score: number): void {
    if (!this.admits(score)) return;
    let at = 0;
    while (at < this.scores.length && (this.scores[at] as number) < score) at += 1;
    this.scores.splice(at, 0, score);
    this.rows.splice(at, 0, row);
    if (this.scores.length > this.limit) {
      this.scores.shift();
      this.rows.shift();
    }
  }

  best(): Array<{ row: number; score: number }> {
    return this.rows.map((row, index) => ({ row, score: this.scores[index] as number })).reverse();
  }
}
