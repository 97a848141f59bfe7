import { describe, expect, it } from 'vitest';
import { BOT_SCORE_MAX_USERS, botScoreRequestSchema, xUserSchema } from '../src/index.js';

// As X API v2 returns it for GET /2/users/by/username/XDevelopers?user.fields=... (fields this
// package does not name included).
const xDevelopers = {
  id: '2244994945',
  name: 'Developers',
  username: 'XDevelopers',
  created_at: '2013-12-14T04:35:55.000Z',
  description: 'The voice of the X Dev team and your official source for updates, news, and events.',
  url: 'https://t.co/3ZX3TNiZCY',
  location: '127.0.0.1',
  profile_image_url: 'https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_normal.jpg',
  protected: false,
  verified: true,
  verified_type: 'business',
  pinned_tweet_id: '1722993467359654281',
  entities: { url: { urls: [{ start: 0, end: 23, url: 'https://t.co/3ZX3TNiZCY' }] } },
  public_metrics: {
    followers_count: 700000,
    following_count: 1900,
    tweet_count: 4100,
    listed_count: 2400,
    like_count: 2100,
    media_count: 800,
  },
};

describe('xUserSchema', () => {
  it('accepts a user object as X returns it, keeping fields it does not name', () => {
    const user = xUserSchema.parse(xDevelopers);
    expect(user).toEqual(xDevelopers);
  });

  it('accepts the three fields X sends without user.fields', () => {
    expect(xUserSchema.safeParse({ id: '12', name: 'jack', username: 'jack' }).success).toBe(true);
  });

  it('rejects wrong types', () => {
    for (const broken of [
      { ...xDevelopers, id: 2244994945 },
      { ...xDevelopers, created_at: 'yesterday' },
      { ...xDevelopers, verified: 'true' },
      { ...xDevelopers, verified_type: 'gold' },
      { ...xDevelopers, public_metrics: { ...xDevelopers.public_metrics, followers_count: '700000' } },
      { ...xDevelopers, public_metrics: { ...xDevelopers.public_metrics, tweet_count: -1 } },
    ])
      expect(xUserSchema.safeParse(broken).success).toBe(false);
  });
});

describe('botScoreRequestSchema', () => {
  it('takes 1 to BOT_SCORE_MAX_USERS users', () => {
    const users = (count: number) => Array.from({ length: count }, (_, i) => ({ ...xDevelopers, id: String(i + 1) }));
    expect(botScoreRequestSchema.safeParse({ users: [] }).success).toBe(false);
    expect(botScoreRequestSchema.safeParse({ users: users(1) }).success).toBe(true);
    expect(botScoreRequestSchema.safeParse({ users: users(BOT_SCORE_MAX_USERS) }).success).toBe(true);
    expect(botScoreRequestSchema.safeParse({ users: users(BOT_SCORE_MAX_USERS + 1) }).success).toBe(false);
  });
});
