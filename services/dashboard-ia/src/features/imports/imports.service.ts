import { createHash, randomUUID } from 'node:crypto';
import type { ImportedPost, PostImportResponse } from '@castor/contracts';
import { httpError, withTransaction } from '@castor/service-kit';
import type pg from 'pg';
import type { IncomingAuthor, IncomingPost, PostStore } from '../../shared/post-store.js';
import type { PostFileFormat } from './post-file.js';
import { parsePostFileOffThread } from './post-file-thread.js';

export interface ImportLimits {
  maxPosts: number;
  /** Heap of the parsing thread: a file needing more is refused, never the service's memory. */
  heapMb: number;
  timeoutMs: number;
}

/**
 * Imports an export of posts (CSV or JSONL): parsed in a thread, checked whole (the first bad line
 * refuses the file with its number), then stored in one transaction with the import's record, so a
 * file is stored entirely or not at all. The same file sent again is answered from its record.
 */
export class ImportsService {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      store: PostStore;
      limits: ImportLimits;
      /** Called after a commit: the background analysis scores what arrived. */
      onStored: () => void;
    },
  ) {}

  async import(text: string, format: PostFileFormat, importedBy: string): Promise<PostImportResponse> {
    const contentHash = createHash('sha256').update(text).digest('hex');
    const previous = await this.findByHash(contentHash);
    if (previous) return { ...previous, replayed: true };

    let parsed: Awaited<ReturnType<typeof parsePostFileOffThread>>;
    try {
      parsed = await parsePostFileOffThread(text, format, this.deps.limits);
    } catch (error) {
      throw httpError(
        'IMPORT_TOO_LARGE',
        'The file could not be read within the limits of one import (size, memory or time): split it into smaller files',
        undefined,
        { cause: error },
      );
    }
    if (!parsed.ok) {
      const { line, field, problem } = parsed.problem;
      if (parsed.tooMany)
        throw httpError('IMPORT_TOO_LARGE', `Line ${line}: ${problem}; split the file`, parsed.problem);
      throw httpError(
        'IMPORT_LINE_INVALID',
        `Line ${line}${field ? `, field "${field}"` : ''}: ${problem}`,
        parsed.problem,
      );
    }
    const candidateIds = await this.candidateIdsBySlug();
    const lineOffset = format === 'csv' ? 2 : 1;
    const incoming = parsed.posts.map((post, index) => {
      const candidateId = post.candidate === undefined ? undefined : candidateIds.get(post.candidate);
      if (post.candidate !== undefined && candidateId === undefined) {
        // The CSV header is line 1; a JSONL file has no header (blank lines aside, the index is close enough to show).
        const line = index + lineOffset;
        throw httpError(
          'IMPORT_LINE_INVALID',
          `Line ${line}, field "candidate": no candidate is followed as "${post.candidate}" (add it first)`,
          { line, field: 'candidate', problem: 'unknown candidate' },
        );
      }
      return toIncoming(post, candidateId);
    });

    const importId = randomUUID();
    const stored = await withTransaction(this.deps.pool, async (client) => {
      const batch = await this.deps.store.save(
        client,
        incoming.map((entry) => entry.author),
        incoming.map((entry) => entry.post),
      );
      const bySlug = await this.slugCounts(client, batch.byCandidate);
      const response: PostImportResponse = {
        importId,
        format,
        replayed: false,
        posts: { received: incoming.length, stored: batch.stored, alreadyStored: batch.alreadyStored },
        authors: new Set(incoming.map((entry) => entry.author.id)).size,
        byCandidate: bySlug,
      };
      const { rowCount } = await client.query(
        `INSERT INTO post_imports (id, content_hash, format, imported_by, counts) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (content_hash) DO NOTHING`,
        [importId, contentHash, format, importedBy, JSON.stringify(response)],
      );
      // The same file, imported concurrently, committed first: undo this copy and answer with that one.
      if (rowCount === 0) throw new ConcurrentImport();
      return response;
    }).catch(async (error: unknown) => {
      if (!(error instanceof ConcurrentImport)) throw error;
      const winner = await this.findByHash(contentHash);
      if (!winner) throw error;
      return { ...winner, replayed: true };
    });
    if (!stored.replayed) this.deps.onStored();
    return stored;
  }

  private async findByHash(contentHash: string): Promise<PostImportResponse | undefined> {
    const { rows } = await this.deps.pool.query<{ counts: PostImportResponse }>(
      'SELECT counts FROM post_imports WHERE content_hash = $1',
      [contentHash],
    );
    return rows[0]?.counts;
  }

  private async candidateIdsBySlug(): Promise<Map<string, string>> {
    const { rows } = await this.deps.pool.query<{ id: string; slug: string }>('SELECT id, slug FROM candidates');
    return new Map(rows.map((row) => [row.slug, row.id]));
  }

  private async slugCounts(client: pg.PoolClient, byId: ReadonlyMap<string, number>): Promise<Record<string, number>> {
    if (byId.size === 0) return {};
    const { rows } = await client.query<{ id: string; slug: string }>(
      'SELECT id, slug FROM candidates WHERE id = ANY($1::uuid[])',
      [[...byId.keys()]],
    );
    return Object.fromEntries(rows.map((row) => [row.slug, byId.get(row.id) ?? 0]));
  }
}

class ConcurrentImport extends Error {}

const date = (value: string | undefined) => (value === undefined ? null : new Date(value));

function toIncoming(
  post: ImportedPost,
  candidateId: string | undefined,
): { author: IncomingAuthor; post: IncomingPost } {
  return {
    author: {
      id: post.author_id,
      username: post.author_username.replace(/^@/, ''),
      name: post.author_name ?? null,
      accountCreatedAt: date(post.author_created_at),
      description: post.author_description ?? null,
      location: post.author_location ?? null,
      url: post.author_url ?? null,
      profileImageUrl: post.author_profile_image_url ?? null,
      protected: null,
      verified: post.author_verified ?? null,
      verifiedType: post.author_verified_type ?? null,
      followers: post.author_followers ?? null,
      following: post.author_following ?? null,
      tweets: post.author_tweets ?? null,
      listed: post.author_listed ?? null,
    },
    post: {
      id: post.id,
      authorId: post.author_id,
      text: post.text,
      postedAt: new Date(post.created_at),
      lang: post.lang ?? null,
      likes: post.likes ?? 0,
      reposts: post.reposts ?? 0,
      replies: post.replies ?? 0,
      quotes: post.quotes ?? 0,
      source: 'import',
      candidateIds: candidateId === undefined ? [] : [candidateId],
    },
  };
}
