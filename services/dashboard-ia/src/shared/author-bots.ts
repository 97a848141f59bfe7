import type { BotModel } from '@castor/bot-detector';
import type { XUser } from '@castor/contracts';
import type { AuthorBotScorer } from './post-scoring.js';
import type { IncomingAuthor } from './post-store.js';

/** A stored author as the X API v2 user object the bot model reads (unknown fields left out). */
export function toXUser(author: IncomingAuthor): XUser {
  const metrics =
    author.followers === null || author.following === null || author.tweets === null
      ? undefined
      : {
          followers_count: author.followers,
          following_count: author.following,
          tweet_count: author.tweets,
          listed_count: author.listed ?? 0,
        };
  const optional = <K extends string, V>(key: K, value: V | null) =>
    (value === null ? {} : { [key]: value }) as Partial<Record<K, V>>;
  return {
    id: author.id,
    username: author.username,
    name: author.name ?? author.username,
    ...optional('created_at', author.accountCreatedAt?.toISOString() ?? null),
    ...optional('description', author.description),
    ...optional('url', author.url),
    ...optional('location', author.location),
    ...optional('profile_image_url', author.profileImageUrl),
    ...optional('protected', author.protected),
    ...optional('verified', author.verified),
    ...optional('verified_type', author.verifiedType as XUser['verified_type'] | null),
    ...(metrics ? { public_metrics: metrics } : {}),
  };
}

/** The background analysis's bot scorer: the bot model over stored authors. */
export function authorBotScorer(model: BotModel): AuthorBotScorer {
  return { name: model.name, version: model.version, score: (authors) => model.score(authors.map(toXUser)) };
}
