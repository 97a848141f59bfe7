import type { XUser } from '@castor/contracts';
import { MODEL_FEATURES, type ModelFeature } from '../src/index.js';

export const DEFAULT_IMAGE_URL = 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png';
export const CUSTOM_IMAGE_URL = 'https://pbs.twimg.com/profile_images/1590968738358079488/IY9Gx6Ok_normal.jpg';
const DAY_MS = 86_400_000;

/** A user object as X API v2 returns it with every user.field this package reads (and some it does not). */
export function realShapedUser(overrides: Partial<XUser> = {}): XUser {
  return {
    id: '2244994945',
    username: 'XDevelopers',
    name: 'Developers',
    created_at: '2013-12-14T04:35:55.000Z',
    description: 'The voice of the X Dev team and your official source for updates, news, and events.',
    url: 'https://t.co/3ZX3TNiZCY',
    location: '127.0.0.1',
    profile_image_url: CUSTOM_IMAGE_URL,
    protected: false,
    verified: true,
    verified_type: 'business',
    pinned_tweet_id: '1722993467359654281',
    entities: { url: { urls: [{ start: 0, end: 23, url: 'https://t.co/3ZX3TNiZCY' }] } },
    public_metrics: {
      followers_count: 700_000,
      following_count: 1_900,
      tweet_count: 4_100,
      listed_count: 2_400,
      like_count: 2_100,
      media_count: 800,
    },
    ...overrides,
  };
}

/** The X user a row of the 2014 data describes, as of `now`. */
export function userFromRow(row: readonly number[], index: number, now: Date): XUser {
  const value = (feature: ModelFeature) => row[MODEL_FEATURES.indexOf(feature)] as number;
  return {
    id: String(1000 + index),
    username: `account${index}`,
    name: `Account ${index}`,
    created_at: new Date(now.getTime() - value('account_age_days') * DAY_MS).toISOString(),
    description: value('has_description') === 1 ? 'Bogotá, política y fútbol' : '',
    url: value('has_url') === 1 ? 'https://t.co/abc' : '',
    ...(value('has_location') === 1 ? { location: 'Medellín, Colombia' } : {}),
    profile_image_url: value('default_profile_image') === 1 ? DEFAULT_IMAGE_URL : CUSTOM_IMAGE_URL,
    verified: value('verified') === 1,
    verified_type: value('verified') === 1 ? 'government' : 'none',
    protected: false,
    public_metrics: {
      followers_count: value('followers'),
      following_count: value('following'),
      tweet_count: value('tweets'),
      listed_count: 0,
    },
  };
}
