import { createHash } from 'node:crypto';
import type pg from 'pg';
import { CandidateMatcher, type MatchableQuery } from '../domain/candidate-matcher.js';

/** An author's profile as X API v2 (or an export) gives it; unknown fields are null. */
export interface IncomingAuthor {
  id: string;
  username: string;
  name: string | null;
  accountCreatedAt: Date | null;
  description: string | null;
  location: string | null;
  url: string | null;
  profileImageUrl: string | null;
  protected: boolean | null;
  verified: boolean | null;
  verifiedType: string | null;
  followers: number | null;
  following: number | null;
  tweets: number | null;
  listed: number | null;
}

export interface IncomingPost {
  id: string;
  authorId: string;
  text: string;
  postedAt: Date;
  lang: string | null;
  likes: number;
  reposts: number;
  replies: number;
  quotes: number;
  source: 'x' | 'import';
  /** Candidates the source names outright (an import's `candidate` column), besides the matched ones. */
  candidateIds: readonly string[];
}

export interface StoredBatch {
  stored: number;
  alreadyStored: number;
  /** New post-candidate links per candidate id. */
  byCandidate: Map<string, number>;
}

/** Statements carry at most this many rows: arrays of this size bind in milliseconds. */
const CHUNK = 5_000;

export const textHash = (text: string) => createHash('sha256').update(text).digest('base64url');

const HASHTAG = /#([\p{L}\p{N}_]+)/gu;

/** A post's distinct hashtags, lower case as written (accents kept, for display), without '#'. */
export function hashtagsAsWritten(text: string): string[] {
  return [...new Set([...text.matchAll(HASHTAG)].map((match) => (match[1] as string).toLowerCase()))];
}

/**
 * Writes posts and their authors from X or an import, in the caller's transaction, by `unnest` (one
 * statement per 5,000 rows), and links each post to the candidates its text matches. A post already
 * stored keeps its text and scores and gets its fresh engagement counts; an author's profile is
 * refreshed and, when its counts moved, scored again by the background analysis.
 */
export class PostStore {
  constructor(private readonly pool: pg.Pool) {}

  /** The active tracked queries, as the matcher reads them. */
  async matcher(client: pg.PoolClient | pg.Pool = this.pool): Promise<CandidateMatcher> {
    const { rows } = await client.query<MatchableQuery>(
      `SELECT candidate_id AS "candidateId", kind, value FROM tracked_queries WHERE active AND candidate_id IS NOT NULL`,
    );
    return new CandidateMatcher(rows);
  }

  async save(
    client: pg.PoolClient,
    authors: readonly IncomingAuthor[],
    posts: readonly IncomingPost[],
  ): Promise<StoredBatch> {
    await this.saveAuthors(client, authors);
    return this.savePosts(client, posts, new Map(authors.map((author) => [author.id, author.username])));
  }

  /** Writes authors' profiles (the last one of an author wins). */
  async saveAuthors(client: pg.PoolClient, authors: readonly IncomingAuthor[]): Promise<void> {
    const uniqueAuthors = [...new Map(authors.map((author) => [author.id, author])).values()];
    for (let start = 0; start < uniqueAuthors.length; start += CHUNK) {
      await this.upsertAuthors(client, uniqueAuthors.slice(start, start + CHUNK));
    }
  }

  /** Writes posts whose authors are stored, matched to candidates (accounts by the authors' usernames). */
  async savePosts(
    client: pg.PoolClient,
    posts: readonly IncomingPost[],
    usernames: ReadonlyMap<string, string>,
  ): Promise<StoredBatch> {
    const matcher = await this.matcher(client);
    const result: StoredBatch = { stored: 0, alreadyStored: 0, byCandidate: new Map() };
    const uniquePosts = [...new Map(posts.map((post) => [post.id, post])).values()];
    for (let start = 0; start < uniquePosts.length; start += CHUNK) {
      const chunk = uniquePosts.slice(start, start + CHUNK);
      const inserted = await this.upsertPosts(client, chunk);
      result.stored += inserted;
      result.alreadyStored += chunk.length - inserted;
      await this.linkCandidates(client, chunk, matcher, usernames, result.byCandidate);
    }
    return result;
  }

  private async upsertAuthors(client: pg.PoolClient, authors: readonly IncomingAuthor[]): Promise<void> {
    await client.query(
      `INSERT INTO authors (id, username, name, account_created_at, description, location, url, profile_image_url,
                            protected, verified, verified_type, followers, following, tweets, listed)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::boolean[], $10::boolean[], $11::text[], $12::int[], $13::int[], $14::int[], $15::int[])
       ON CONFLICT (id) DO UPDATE SET
         username = EXCLUDED.username,
         name = COALESCE(EXCLUDED.name, authors.name),
         account_created_at = COALESCE(EXCLUDED.account_created_at, authors.account_created_at),
         description = COALESCE(EXCLUDED.description, authors.description),
         location = COALESCE(EXCLUDED.location, authors.location),
         url = COALESCE(EXCLUDED.url, authors.url),
         profile_image_url = COALESCE(EXCLUDED.profile_image_url, authors.profile_image_url),
         protected = COALESCE(EXCLUDED.protected, authors.protected),
         verified = COALESCE(EXCLUDED.verified, authors.verified),
         verified_type = COALESCE(EXCLUDED.verified_type, authors.verified_type),
         followers = COALESCE(EXCLUDED.followers, authors.followers),
         following = COALESCE(EXCLUDED.following, authors.following),
         tweets = COALESCE(EXCLUDED.tweets, authors.tweets),
         listed = COALESCE(EXCLUDED.listed, authors.listed),
         -- A profile whose counts moved is scored again; an unchanged one keeps its score.
         bot_likelihood = CASE
           WHEN (EXCLUDED.followers, EXCLUDED.following, EXCLUDED.tweets, EXCLUDED.listed)
                IS DISTINCT FROM (authors.followers, authors.following, authors.tweets, authors.listed)
           THEN NULL ELSE authors.bot_likelihood END,
         updated_at = now()`,
      [
        authors.map((a) => a.id),
        authors.map((a) => a.username.replace(/^@/, '')),
        authors.map((a) => a.name),
        authors.map((a) => a.accountCreatedAt?.toISOString() ?? null),
        authors.map((a) => a.description),
        authors.map((a) => a.location),
        authors.map((a) => a.url),
        authors.map((a) => a.profileImageUrl),
        authors.map((a) => a.protected),
        authors.map((a) => a.verified),
        authors.map((a) => a.verifiedType),
        authors.map((a) => a.followers),
        authors.map((a) => a.following),
        authors.map((a) => a.tweets),
        authors.map((a) => a.listed),
      ],
    );
  }

  /** Inserts new posts (the author's bot flag copied onto them) and refreshes the counts of known ones; returns how many were new. */
  private async upsertPosts(client: pg.PoolClient, posts: readonly IncomingPost[]): Promise<number> {
    const { rows } = await client.query<{ inserted: boolean }>(
      `INSERT INTO posts (id, author_id, text, posted_at, lang, likes, reposts, replies, quotes, source, text_hash,
                          author_suspected_bot, hashtags)
       SELECT u.id, u.author_id, u.text, u.posted_at, u.lang, u.likes, u.reposts, u.replies, u.quotes, u.source, u.text_hash,
              COALESCE(a.bot_suspected, false), string_to_array(NULLIF(u.hashtags, ''), ' ')
         FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::int[], $7::int[], $8::int[],
                     $9::int[], $10::text[], $11::text[], $12::text[])
              AS u(id, author_id, text, posted_at, lang, likes, reposts, replies, quotes, source, text_hash, hashtags)
         LEFT JOIN authors a ON a.id = u.author_id
       ON CONFLICT (id) DO UPDATE SET
         likes = EXCLUDED.likes, reposts = EXCLUDED.reposts, replies = EXCLUDED.replies, quotes = EXCLUDED.quotes
       RETURNING (xmax = 0) AS inserted`,
      [
        posts.map((p) => p.id),
        posts.map((p) => p.authorId),
        posts.map((p) => p.text),
        posts.map((p) => p.postedAt.toISOString()),
        posts.map((p) => p.lang),
        posts.map((p) => p.likes),
        posts.map((p) => p.reposts),
        posts.map((p) => p.replies),
        posts.map((p) => p.quotes),
        posts.map((p) => p.source),
        posts.map((p) => textHash(p.text)),
        // A post's hashtags as one space-separated string: unnest cannot carry an array per row.
        posts.map((p) => hashtagsAsWritten(p.text).join(' ')),
      ],
    );
    // The candidates' copies of a known post's engagement follow its fresh counts.
    await client.query(
      `UPDATE post_candidates pc SET engagement = u.engagement
         FROM unnest($1::text[], $2::int[]) AS u(id, engagement)
        WHERE pc.post_id = u.id AND pc.engagement <> u.engagement`,
      [posts.map((p) => p.id), posts.map((p) => p.likes + p.reposts + p.replies + p.quotes)],
    );
    return rows.filter((row) => row.inserted).length;
  }

  private async linkCandidates(
    client: pg.PoolClient,
    posts: readonly IncomingPost[],
    matcher: CandidateMatcher,
    usernames: ReadonlyMap<string, string>,
    byCandidate: Map<string, number>,
  ): Promise<void> {
    const candidateIds: string[] = [];
    const postIds: string[] = [];
    for (const post of posts) {
      const found = matcher.match({ text: post.text, authorUsername: usernames.get(post.authorId) ?? '' });
      for (const id of post.candidateIds) found.add(id);
      for (const id of found) {
        candidateIds.push(id);
        postIds.push(post.id);
      }
    }
    if (postIds.length === 0) return;
    const { rows } = await client.query<{ candidate_id: string; links: number }>(
      `WITH linked AS (
         INSERT INTO post_candidates (candidate_id, posted_at, post_id, author_id, engagement, sentiment_label,
                                      author_suspected_bot, hashtags)
         SELECT u.candidate_id, p.posted_at, p.id, p.author_id, p.likes + p.reposts + p.replies + p.quotes,
                p.sentiment_label, p.author_suspected_bot, p.hashtags
           FROM unnest($1::uuid[], $2::text[]) AS u(candidate_id, post_id) JOIN posts p ON p.id = u.post_id
         ON CONFLICT DO NOTHING
         RETURNING candidate_id)
       SELECT candidate_id, count(*)::int AS links FROM linked GROUP BY candidate_id`,
      [candidateIds, postIds],
    );
    for (const row of rows) byCandidate.set(row.candidate_id, (byCandidate.get(row.candidate_id) ?? 0) + row.links);
  }
}
