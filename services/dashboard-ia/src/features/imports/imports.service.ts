import { createHash, randomUUID } from 'node:crypto';
import type { ImportedPost, PostImportResponse } from '@castor/contracts';
import { httpError, withTransaction } from '@castor/service-kit';
import type pg from 'pg';
import type { IncomingAuthor, IncomingPost, PostStore } from '../../shared/post-store.js';
import { type PostFileFormat, PostFileRefusal } from './post-file.js';
import { PostFileThreadFailure, readPostFileOffThread } from './post-file-thread.js';

export interface ImportLimits {
  maxPosts: number;
  /** Heap of the parsing thread: a file needing more is refused, never the service's memory. */
  heapMb: number;
  /** Longest the thread may take to read one batch of posts. */
  batchTimeoutMs: number;
}

/** Posts read, checked and stored per step: the memory an import holds at once. */
const IMPORT_BATCH = 5_000;

/**
 * Imports an export of posts (CSV or JSONL): read in a thread batch by batch, each batch stored as it
 * arrives, all in one transaction with the import's record, so a file is stored entirely or not at
 * all (the first bad line refuses it with its number and rolls back what was written) and memory
 * stays that of one batch however large the file. The same file sent again is answered from its record.
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

  /** `bytes` is handed to the reading thread: the caller must not use it afterwards. */
  async import(bytes: Uint8Array, format: PostFileFormat, importedBy: string): Promise<PostImportResponse> {
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    const previous = await this.findByHash(contentHash);
    if (previous) return { ...previous, replayed: true };

    const candidateIds = await this.candidateIdsBySlug();
    const importId = randomUUID();
    const stored = await withTransaction(this.deps.pool, async (client) => {
      const totals = { received: 0, stored: 0, alreadyStored: 0 };
      /** Each author's profile as last written by this import: a profile repeated in later batches is not written again. */
      const authorProfiles = new Map<string, string>();
      const usernames = new Map<string, string>();
      const byCandidate = new Map<string, number>();
      await readPostFileOffThread(bytes, format, { ...this.deps.limits, batchSize: IMPORT_BATCH }, async (batch) => {
        const incoming = batch.posts.map((post, index) => {
          const candidateId = post.candidate === undefined ? undefined : candidateIds.get(post.candidate);
          if (post.candidate !== undefined && candidateId === undefined) {
            const line = batch.lines[index] as number;
            throw httpError(
              'IMPORT_LINE_INVALID',
              `Line ${line}, field "candidate": no candidate is followed as "${post.candidate}" (add it first)`,
              { line, field: 'candidate', problem: 'unknown candidate' },
            );
          }
          return toIncoming(post, candidateId);
        });
        const changedAuthors = incoming.flatMap(({ author }) => {
          const profile = JSON.stringify(author);
          if (authorProfiles.get(author.id) === profile) return [];
          authorProfiles.set(author.id, profile);
          usernames.set(author.id, author.username);
          return [author];
        });
        await this.deps.store.saveAuthors(client, changedAuthors);
        const saved = await this.deps.store.savePosts(
          client,
          incoming.map((entry) => entry.post),
          usernames,
        );
        totals.received += incoming.length;
        totals.stored += saved.stored;
        totals.alreadyStored += saved.alreadyStored;
        for (const [id, links] of saved.byCandidate) byCandidate.set(id, (byCandidate.get(id) ?? 0) + links);
      }).catch((error: unknown) => {
        throw refusalOf(error);
      });
      const response: PostImportResponse = {
        importId,
        format,
        replayed: false,
        posts: totals,
        authors: authorProfiles.size,
        byCandidate: await this.slugCounts(client, byCandidate),
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

/** What the reading thread's failures mean to the person importing; other errors pass through. */
function refusalOf(error: unknown): unknown {
  if (error instanceof PostFileRefusal) {
    const { line, field, problem } = error.problem;
    if (error.tooMany) return httpError('IMPORT_TOO_LARGE', `Line ${line}: ${problem}; split the file`, error.problem);
    return httpError(
      'IMPORT_LINE_INVALID',
      `Line ${line}${field ? `, field "${field}"` : ''}: ${problem}`,
      error.problem,
    );
  }
  if (error instanceof PostFileThreadFailure) {
    return httpError(
      'IMPORT_TOO_LARGE',
      'The file could not be read within the limits of one import (size, memory or time): split it into smaller files',
      undefined,
      { cause: error },
    );
  }
  return error;
}

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
