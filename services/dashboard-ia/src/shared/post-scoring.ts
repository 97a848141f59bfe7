import { withTransaction } from '@castor/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import type { IncomingAuthor } from './post-store.js';

/** The sentiment model the stored posts are scored with (the offline one unless configured otherwise). */
export interface PostSentimentScorer {
  readonly name: string;
  readonly version: string;
  score(
    texts: readonly string[],
  ): Promise<ReadonlyArray<{ label: 'negative' | 'neutral' | 'positive'; score: number }>>;
}

/** The bot model the stored authors are scored with. */
export interface AuthorBotScorer {
  readonly name: string;
  readonly version: string;
  score(
    authors: readonly IncomingAuthor[],
  ): ReadonlyArray<{ likelihood: number; suspected: boolean; drivers: ReadonlyArray<unknown> }>;
}

/**
 * The background analysis of what was stored: posts without a sentiment and authors without a bot
 * score (new ones, or profiles whose counts moved) are scored in batches, each batch in one
 * transaction (rows claimed with SKIP LOCKED, so replicas share the work). The unscored rows are the
 * queue: nothing is lost when the process stops midway. Between batches the event loop is yielded.
 */
export class PostScoring {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly options: {
      pool: pg.Pool;
      sentiment: PostSentimentScorer;
      bots: AuthorBotScorer | undefined;
      batch: number;
      log: FastifyBaseLogger;
    },
  ) {}

  /** Starts scoring in the background (or has the running pass look again when it ends). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.options.log.error({ err: error }, 'scoring stored posts failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when no pass is running (tests and the CLI wait on it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Scores until nothing is left: authors first, so the posts' bot flags are right when they are counted. */
  async drain(): Promise<{ posts: number; authors: number }> {
    let authors = 0;
    if (this.options.bots) {
      for (let scored = -1; scored !== 0; authors += scored) {
        scored = await this.scoreAuthors(this.options.bots);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    let posts = 0;
    for (let scored = -1; scored !== 0; posts += scored) {
      scored = await this.scorePosts();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { posts, authors };
  }

  private scorePosts(): Promise<number> {
    const { sentiment, batch } = this.options;
    return withTransaction(this.options.pool, async (client) => {
      const { rows } = await client.query<{ id: string; text: string }>(
        `SELECT id, text FROM posts WHERE sentiment_label IS NULL LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batch],
      );
      if (rows.length === 0) return 0;
      const scores = await sentiment.score(rows.map((row) => row.text));
      const model = `${sentiment.name}@${sentiment.version}`;
      const ids = rows.map((row) => row.id);
      const labels = scores.map((score) => score.label);
      const values = scores.map((score) => score.score);
      await client.query(
        `UPDATE posts SET sentiment_label = u.label, sentiment_score = u.score, sentiment_model = $4
           FROM unnest($1::text[], $2::text[], $3::real[]) AS u(id, label, score) WHERE posts.id = u.id`,
        [ids, labels, values, model],
      );
      await client.query(
        `INSERT INTO sentiment_scores (post_id, model, version, label, score)
         SELECT u.id, $4, $5, u.label, u.score FROM unnest($1::text[], $2::text[], $3::real[]) AS u(id, label, score)
         ON CONFLICT (post_id, model, version) DO UPDATE SET label = EXCLUDED.label, score = EXCLUDED.score, scored_at = now()`,
        [ids, labels, values, sentiment.name, sentiment.version],
      );
      return rows.length;
    });
  }

  private scoreAuthors(bots: AuthorBotScorer): Promise<number> {
    return withTransaction(this.options.pool, async (client) => {
      const { rows } = await client.query<IncomingAuthor>(
        `SELECT id, username, name, account_created_at AS "accountCreatedAt", description, location, url,
                profile_image_url AS "profileImageUrl", protected, verified, verified_type AS "verifiedType",
                followers, following, tweets, listed
           FROM authors WHERE bot_likelihood IS NULL LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batch],
      );
      if (rows.length === 0) return 0;
      const scores = bots.score(rows);
      const ids = rows.map((row) => row.id);
      const likelihoods = scores.map((score) => score.likelihood);
      const suspected = scores.map((score) => score.suspected);
      await client.query(
        `UPDATE authors SET bot_likelihood = u.likelihood, bot_suspected = u.suspected
           FROM unnest($1::text[], $2::real[], $3::boolean[]) AS u(id, likelihood, suspected) WHERE authors.id = u.id`,
        [ids, likelihoods, suspected],
      );
      await client.query(
        `INSERT INTO bot_scores (author_id, model, version, likelihood, suspected, drivers)
         SELECT u.id, $5, $6, u.likelihood, u.suspected, u.drivers
           FROM unnest($1::text[], $2::real[], $3::boolean[], $4::jsonb[]) AS u(id, likelihood, suspected, drivers)
         ON CONFLICT (author_id, model, version) DO UPDATE
           SET likelihood = EXCLUDED.likelihood, suspected = EXCLUDED.suspected, drivers = EXCLUDED.drivers, scored_at = now()`,
        [ids, likelihoods, suspected, scores.map((score) => JSON.stringify(score.drivers)), bots.name, bots.version],
      );
      // The posts carry their author's flag so every analysis can leave bots out without a join.
      await client.query(
        `UPDATE posts SET author_suspected_bot = u.suspected
           FROM unnest($1::text[], $2::boolean[]) AS u(id, suspected)
          WHERE posts.author_id = u.id AND posts.author_suspected_bot IS DISTINCT FROM u.suspected`,
        [ids, suspected],
      );
      return rows.length;
    });
  }
}
