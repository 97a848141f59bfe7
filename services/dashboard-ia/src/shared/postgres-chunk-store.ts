import { withTransaction } from '@castor/service-kit';
import type pg from 'pg';
import { CHUNK_META_COLUMNS, type ChunkMetaRow, chunkMetaOf } from './chunk-rows.js';
import type {
  AddedDocument,
  ChunkFilters,
  ChunkHit,
  ChunkNeighbour,
  ChunkSearch,
  ChunkStore,
  ChunkStoreStats,
  ChunkToStore,
  NewDocument,
  StoredChunk,
  StoredDocument,
  UploadCounts,
} from './chunk-store.js';
import { type LexicalEntry, LexicalIndex } from './lexical-index.js';

/** Characters of a passage a search hit or a neighbour shows; the source route gives the whole text. */
const SNIPPET_CHARACTERS = 280;

/**
 * Ranking: `ts_rank` (term frequency) with normalisation 1, which divides by 1 + log(words) so a
 * long passage mentioning a term in passing does not outrank a short section about it. Measured on
 * the synthetic question set: literal recall@5 1.0 with ts_rank and ts_rank_cd alike, MRR 0.980
 * against 0.990 (normalisation 0, 1 and 2 within 0.01 of each other); over 100,000 chunks
 * ts_rank_cd's cover density took half as long again (p95 884 ms against 534 ms), so ts_rank.
 */
const RANK_NORMALISATION = 1;
const RANK_FUNCTION = 'ts_rank';
/** A question of more words than this is matched by any word (its pairs would make the query huge). */
const MAX_PAIRED_WORDS = 16;

/**
 * A query without search operators (quotes, "or", a leading "-") is matched by any of its words
 * and ranked by how many it holds and how close: staff ask in sentences ("¿Cuántas cámaras
 * prometimos instalar en Cali?") whose every word no passage holds. With operators, the query
 * means what websearch_to_tsquery says.
 */
export function matchesAnyWord(query: string): boolean {
  return !/["]|(^|\s)-\S|\s+or\s+/i.test(query);
}

const HIT_COLUMNS = `c.id, c.document_id, d.title AS document_title, d.source, c.section_label, c.page_start,
  c.page_end, left(c.text, ${SNIPPET_CHARACTERS}) AS snippet`;

interface HitRow {
  id: string;
  document_id: string;
  document_title: string;
  source: string;
  section_label: string;
  page_start: number | null;
  page_end: number | null;
  snippet: string;
  score: number;
}

const hitOf = (row: HitRow): ChunkHit => ({
  id: row.id,
  documentId: row.document_id,
  documentTitle: row.document_title,
  source: row.source,
  sectionLabel: row.section_label,
  pageStart: row.page_start,
  pageEnd: row.page_end,
  snippet: row.snippet,
  score: row.score,
});

const DOCUMENT_COLUMNS = `d.id, d.title, d.format, d.source, d.filename, d.page_count, d.visible_to, d.counts,
  to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  (SELECT slug FROM candidates WHERE id = d.candidate_id) AS candidate_slug`;

interface DocumentRow {
  id: string;
  title: string;
  format: StoredDocument['format'];
  source: string;
  filename: string | null;
  page_count: number | null;
  visible_to: string | null;
  counts: UploadCounts;
  created_at: string;
  candidate_slug: string | null;
}

const documentOf = (row: DocumentRow): StoredDocument => ({
  id: row.id,
  title: row.title,
  format: row.format,
  source: row.source,
  filename: row.filename,
  pageCount: row.page_count,
  candidateSlug: row.candidate_slug,
  visibleTo: row.visible_to,
  counts: row.counts,
  createdAt: row.created_at,
});

/** Passages read per round trip when the in-memory index is built at start. */
const INDEX_LOAD_BATCH = 5_000;

/** A passage's lexemes and their counts, from its stored tsvector (`column`). */
const lexemeColumns = (column: string) => `tsvector_to_array(${column}) AS lexemes,
  ARRAY(SELECT coalesce(cardinality(t.positions), 1) FROM unnest(${column}) AS t) AS counts`;

interface LexemeRow extends ChunkMetaRow {
  id: string;
  lexemes: string[];
  counts: number[];
}

const lexicalEntryOf = (row: LexemeRow): LexicalEntry => ({
  chunkId: row.id,
  meta: chunkMetaOf(row),
  lexemes: row.lexemes,
  counts: row.counts,
});

/**
 * The embedded offline store: documents and chunks in dashboard_db (what persists), with
 * PostgreSQL's built-in `spanish` configuration (Snowball stemming, stop words) in a stored
 * generated tsvector. A plain question is ranked by BM25 in memory over those lexemes
 * (`LexicalIndex`, built from the table at start); a question with search operators, or any
 * question while the index is being built, goes to the tsvector's GIN index. No embeddings: it
 * says so (`HybridChunkStore` adds them).
 */
export class PostgresChunkStore implements ChunkStore {
  readonly retrieval = {
    store: 'postgres',
    mode: 'offline lexical (BM25 over PostgreSQL spanish lexemes)',
    embeddingModel: 'none (offline lexical)',
  };
  private readonly lexical = new LexicalIndex();
  private lexicalReady = false;

  constructor(private readonly pool: pg.Pool) {}

  /**
   * Builds the in-memory index from the stored passages; searches use the GIN index until it is
   * done. Passages stored meanwhile are added by their upload (the index keeps one entry per id).
   */
  async loadIndex(): Promise<void> {
    let after = '';
    for (;;) {
      const { rows } = await this.pool.query<LexemeRow>(
        `SELECT c.id, ${CHUNK_META_COLUMNS}, ${lexemeColumns('c.search')}
           FROM document_chunks c JOIN documents d ON d.id = c.document_id
          WHERE c.id > $1 ORDER BY c.id LIMIT ${INDEX_LOAD_BATCH}`,
        [after],
      );
      this.lexical.add(rows.map(lexicalEntryOf));
      if (rows.length < INDEX_LOAD_BATCH) break;
      after = (rows.at(-1) as LexemeRow).id;
    }
    this.lexicalReady = true;
  }

  async addDocument(document: NewDocument, chunks: readonly ChunkToStore[]): Promise<AddedDocument> {
    let entries: LexicalEntry[] = [];
    const added = await withTransaction(this.pool, async (client): Promise<AddedDocument> => {
      const inserted = await client.query(
        `INSERT INTO documents (id, content_hash, title, format, source, filename, byte_size, page_count,
                                candidate_id, analysis_id, visible_to, uploaded_by, counts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '{}')
         ON CONFLICT DO NOTHING`,
        [
          document.id,
          document.contentHash,
          document.title,
          document.format,
          document.source,
          document.filename,
          document.byteSize,
          document.pageCount,
          document.candidateId,
          document.analysisId,
          document.visibleTo,
          document.uploadedBy,
        ],
      );
      if (inserted.rowCount === 0) return { added: false };
      const storedRows = await this.insertChunks(client, document, chunks);
      const stored = storedRows.length;
      const counts: UploadCounts = {
        chunked: document.chunking.chunked,
        stored,
        alreadyStored: chunks.length - stored,
        duplicatesRemoved: document.chunking.duplicatesRemoved,
      };
      const { rows } = await client.query<DocumentRow>(
        `UPDATE documents d SET counts = $2 WHERE id = $1 RETURNING ${DOCUMENT_COLUMNS}`,
        [document.id, JSON.stringify(counts)],
      );
      const row = rows[0] as DocumentRow;
      const createdAtMs = String(Date.parse(row.created_at));
      entries = storedRows.map((chunk) =>
        lexicalEntryOf({
          ...chunk,
          document_id: document.id,
          source: document.source,
          candidate_id: document.candidateId,
          visible_to: document.visibleTo,
          created_at_ms: createdAtMs,
        }),
      );
      return { added: true, document: documentOf(row) };
    });
    // Only once committed: a rolled-back upload never reaches the index.
    this.lexical.add(entries);
    return added;
  }

  /**
   * One statement by `unnest`; a chunk the campaign already holds (same content hash) is skipped.
   * Returns the stored chunks' lexemes for the in-memory index.
   */
  private async insertChunks(
    client: pg.PoolClient,
    document: NewDocument,
    chunks: readonly ChunkToStore[],
  ): Promise<Array<Pick<LexemeRow, 'id' | 'lexemes' | 'counts'>>> {
    if (chunks.length === 0) return [];
    const { rows } = await client.query<Pick<LexemeRow, 'id' | 'lexemes' | 'counts'>>(
      `INSERT INTO document_chunks (id, document_id, ordinal, heading_path, section_label, page_start, page_end,
                                    text, index_text, content_hash, token_estimate, visible_to)
       SELECT u.id, $1, u.ordinal, u.heading_path::jsonb, u.section_label, u.page_start, u.page_end,
              u.text, u.index_text, u.content_hash, u.token_estimate, $2
         FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::int[], $9::text[], $10::text[],
                     $11::text[], $12::int[])
           AS u(id, ordinal, heading_path, section_label, page_start, page_end, text, index_text, content_hash, token_estimate)
       ON CONFLICT DO NOTHING
       RETURNING id, ${lexemeColumns('search')}`,
      [
        document.id,
        document.visibleTo,
        chunks.map((chunk) => chunk.id),
        chunks.map((chunk) => chunk.ordinal),
        chunks.map((chunk) => JSON.stringify(chunk.headingPath)),
        chunks.map((chunk) => chunk.sectionLabel),
        chunks.map((chunk) => chunk.pageStart ?? null),
        chunks.map((chunk) => chunk.pageEnd ?? null),
        chunks.map((chunk) => chunk.text),
        chunks.map((chunk) => chunk.indexText),
        chunks.map((chunk) => chunk.contentHash),
        chunks.map((chunk) => chunk.tokenEstimate),
      ],
    );
    return rows;
  }

  async findByContentHash(contentHash: string): Promise<StoredDocument | undefined> {
    const { rows } = await this.pool.query<DocumentRow>(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents d WHERE content_hash = $1`,
      [contentHash],
    );
    return rows[0] && documentOf(rows[0]);
  }

  async listDocuments(viewer: string): Promise<StoredDocument[]> {
    const { rows } = await this.pool.query<DocumentRow>(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents d
        WHERE d.visible_to IS NULL OR d.visible_to = $1
        ORDER BY d.created_at DESC, d.id`,
      [viewer],
    );
    return rows.map(documentOf);
  }

  async deleteDocument(id: string, viewer: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM documents WHERE id = $1 AND (visible_to IS NULL OR visible_to = $2)',
      [id, viewer],
    );
    if ((rowCount ?? 0) === 0) return false;
    this.lexical.removeDocument(id);
    return true;
  }

  async search(query: string, filters: ChunkFilters, limit: number, viewer: string): Promise<ChunkSearch> {
    const ranked = await this.rankedIds(query, filters, limit, viewer);
    return { hits: await this.hitsOf(ranked, viewer), retrieval: this.retrieval };
  }

  /**
   * The best passages' ids and scores, best first: BM25 in memory for a plain question, the GIN
   * index for a question with search operators (or while the in-memory index is being built).
   */
  async rankedIds(
    query: string,
    filters: ChunkFilters,
    limit: number,
    viewer: string,
  ): Promise<Array<{ chunkId: string; score: number }>> {
    if (this.lexicalReady && matchesAnyWord(query)) {
      const { rows } = await this.pool.query<{ lexemes: string[] }>({
        name: 'question-lexemes',
        text: "SELECT coalesce(array_agg(lexeme), '{}') AS lexemes FROM unnest(to_tsvector('spanish', $1))",
        values: [query],
      });
      return this.lexical.search(rows[0]?.lexemes ?? [], limit, filters, viewer);
    }
    const hits = await this.tsqueryHits(query, filters, limit, viewer);
    return hits.map((hit) => ({ chunkId: hit.id, score: hit.score }));
  }

  /**
   * The hits for ranked ids, in their order, each still visible to the viewer (a passage deleted
   * since it was ranked is left out).
   */
  async hitsOf(ranked: ReadonlyArray<{ chunkId: string; score: number }>, viewer: string): Promise<ChunkHit[]> {
    if (ranked.length === 0) return [];
    const { rows } = await this.pool.query<HitRow>({
      name: 'hits-of-ids',
      text: `SELECT ${HIT_COLUMNS}, 0::float8 AS score
               FROM document_chunks c JOIN documents d ON d.id = c.document_id
              WHERE c.id = ANY($1::text[]) AND (c.visible_to IS NULL OR c.visible_to = $2)`,
      values: [ranked.map((entry) => entry.chunkId), viewer],
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ranked.flatMap(({ chunkId, score }) => {
      const row = byId.get(chunkId);
      return row ? [hitOf({ ...row, score })] : [];
    });
  }

  /**
   * The GIN path. A plain question is matched in two steps, both through the index: first the
   * passages that hold at least two of its words (any pair), ranked; only when they are fewer
   * than `limit`, the passages that hold one word fill the rest, ranked after them.
   */
  private async tsqueryHits(query: string, filters: ChunkFilters, limit: number, viewer: string): Promise<ChunkHit[]> {
    const terms = await this.queryTerms(query);
    if (!terms) return [];
    const strict = await this.rankedHits(terms.ranked, terms.required, null, filters, limit, viewer);
    if (strict.length >= limit || terms.required === terms.ranked) return strict;
    const rest = await this.rankedHits(
      terms.ranked,
      terms.ranked,
      terms.required,
      filters,
      limit - strict.length,
      viewer,
    );
    return [...strict, ...rest];
  }

  /** The tsqueries of a question: what ranks the passages, and what a passage must match first. */
  private async queryTerms(query: string): Promise<{ ranked: string; required: string } | undefined> {
    if (!matchesAnyWord(query)) {
      const { rows } = await this.pool.query<{ query: string }>(
        "SELECT websearch_to_tsquery('spanish', $1)::text AS query",
        [query],
      );
      const tsquery = rows[0]?.query ?? '';
      return tsquery === '' ? undefined : { ranked: tsquery, required: tsquery };
    }
    const { rows } = await this.pool.query<{ lexemes: string[] }>(
      "SELECT coalesce(array_agg(lexeme ORDER BY lexeme), '{}') AS lexemes FROM unnest(to_tsvector('spanish', $1))",
      [query],
    );
    const lexemes = (rows[0]?.lexemes ?? []).map((lexeme) => `'${lexeme.replaceAll("'", "''")}'`);
    if (lexemes.length === 0) return undefined;
    const ranked = lexemes.join(' | ');
    if (lexemes.length < 2 || lexemes.length > MAX_PAIRED_WORDS) return { ranked, required: ranked };
    const pairs = lexemes.flatMap((first, index) => lexemes.slice(index + 1).map((second) => `(${first} & ${second})`));
    return { ranked, required: pairs.join(' | ') };
  }

  private async rankedHits(
    ranked: string,
    required: string,
    excluded: string | null,
    filters: ChunkFilters,
    limit: number,
    viewer: string,
  ): Promise<ChunkHit[]> {
    const { rows } = await this.pool.query<HitRow>({
      // Not a prepared statement: a generic plan cannot see how selective the query's words are
      // and scans every chunk (measured: 2.4 s instead of 0.1 s over 100,000 chunks).
      text: `SELECT ${HIT_COLUMNS},
                    ${RANK_FUNCTION}(c.search, $1::tsquery, ${RANK_NORMALISATION})::float8 AS score
               FROM document_chunks c
               JOIN documents d ON d.id = c.document_id
              WHERE c.search @@ $2::tsquery
                AND ($3::tsquery IS NULL OR NOT c.search @@ $3::tsquery)
                AND (c.visible_to IS NULL OR c.visible_to = $4)
                AND ($5::uuid IS NULL OR c.document_id = $5)
                AND ($6::text IS NULL OR d.source = $6)
                AND ($7::uuid IS NULL OR d.candidate_id = $7)
                AND ($8::timestamptz IS NULL OR d.created_at >= $8)
                AND ($9::timestamptz IS NULL OR d.created_at <= $9)
              ORDER BY score DESC, c.id
              LIMIT $10`,
      values: [
        ranked,
        required,
        excluded,
        viewer,
        filters.documentId ?? null,
        filters.source ?? null,
        filters.candidateId ?? null,
        filters.from ?? null,
        filters.to ?? null,
        limit,
      ],
    });
    return rows.map(hitOf);
  }

  async get(chunkId: string, viewer: string): Promise<StoredChunk | undefined> {
    const neighbour = (direction: '<' | '>') => `(
      SELECT json_build_object('id', n.id, 'sectionLabel', n.section_label, 'snippet', left(n.text, ${SNIPPET_CHARACTERS}))
        FROM document_chunks n WHERE n.document_id = c.document_id AND n.ordinal ${direction} c.ordinal
       ORDER BY n.ordinal ${direction === '<' ? 'DESC' : 'ASC'} LIMIT 1)`;
    const { rows } = await this.pool.query<
      DocumentRow & {
        chunk_id: string;
        text: string;
        heading_path: string[];
        section_label: string;
        page_start: number | null;
        page_end: number | null;
        previous: ChunkNeighbour | null;
        next: ChunkNeighbour | null;
      }
    >(
      `SELECT c.id AS chunk_id, c.text, c.heading_path, c.section_label, c.page_start, c.page_end,
              ${neighbour('<')} AS previous, ${neighbour('>')} AS next, ${DOCUMENT_COLUMNS}
         FROM document_chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.id = $1 AND (c.visible_to IS NULL OR c.visible_to = $2)`,
      [chunkId, viewer],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.chunk_id,
      text: row.text,
      headingPath: row.heading_path,
      sectionLabel: row.section_label,
      pageStart: row.page_start,
      pageEnd: row.page_end,
      document: documentOf(row),
      neighbours: { previous: row.previous, next: row.next },
    };
  }

  async stats(): Promise<ChunkStoreStats> {
    const { rows } = await this.pool.query<{ documents: number; chunks: number; index_bytes: string }>(
      `SELECT (SELECT count(*)::int FROM documents) AS documents,
              (SELECT count(*)::int FROM document_chunks) AS chunks,
              pg_total_relation_size('document_chunks') AS index_bytes`,
    );
    const row = rows[0] as { documents: number; chunks: number; index_bytes: string };
    return { documents: row.documents, chunks: row.chunks, indexBytes: Number(row.index_bytes), vectors: null };
  }
}
