import { stratifiedSplit } from '@castor/seeded-random';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, readSpammerData, SPLIT_SEED, subset, TEST_SHARE } from '../scripts/training.js';
import { extractFeatures, MODEL_FEATURES } from '../src/index.js';
import { DEFAULT_IMAGE_URL, realShapedUser, userFromRow } from './x-users.js';

const now = new Date('2026-12-06T00:00:00Z');

describe('extractFeatures', () => {
  it('reads a full X API v2 user object', () => {
    const features = extractFeatures(realShapedUser(), now);
    expect(features).toMatchObject({
      default_profile_image: 0,
      has_description: 1,
      has_location: 1,
      has_url: 1,
      verified: 1,
      followers: 700_000,
      following: 1_900,
      tweets: 4_100,
    });
    const ageDays = Math.floor((now.getTime() - Date.parse('2013-12-14T04:35:55.000Z')) / 86_400_000);
    expect(features.account_age_days).toBe(ageDays);
    expect(features.tweets_per_day).toBeCloseTo(4_100 / ageDays, 12);
    expect(features.following_per_day).toBeCloseTo(1_900 / ageDays, 12);
    expect(features.reputation).toBeCloseTo(700_000 / 701_900, 12);
    expect(features.followers_per_following).toBeCloseTo(700_000 / 1_900, 12);
  });

  it('recognises X’s default profile image', () => {
    expect(extractFeatures(realShapedUser({ profile_image_url: DEFAULT_IMAGE_URL }), now).default_profile_image).toBe(
      1,
    );
  });

  it('counts only business and government checks as 2014-style verification', () => {
    expect(extractFeatures(realShapedUser({ verified_type: 'blue' }), now).verified).toBe(0);
    expect(extractFeatures(realShapedUser({ verified_type: 'government' }), now).verified).toBe(1);
    expect(extractFeatures(realShapedUser({ verified: false, verified_type: 'none' }), now).verified).toBe(0);
    const { verified_type: _, ...withoutType } = realShapedUser();
    expect(extractFeatures(withoutType, now).verified).toBe(1);
  });

  it('leaves what the object lacks unknown (NaN), and empty profile texts absent', () => {
    const features = extractFeatures({ id: '12', username: 'jack', name: 'jack', description: '  ' }, now);
    for (const feature of [
      'default_profile_image',
      'account_age_days',
      'following',
      'followers',
      'reputation',
      'tweets',
      'tweets_per_day',
      'followers_per_following',
      'following_per_day',
    ] as const)
      expect(features[feature], feature).toBeNaN();
    expect(features).toMatchObject({ has_description: 0, has_location: 0, has_url: 0, verified: 0 });
  });

  it('follows the data set’s conventions for zero followings and new accounts', () => {
    const features = extractFeatures(
      realShapedUser({
        created_at: now.toISOString(),
        public_metrics: { followers_count: 0, following_count: 0, tweet_count: 30, listed_count: 0 },
      }),
      now,
    );
    expect(features).toMatchObject({
      account_age_days: 0,
      reputation: 0,
      followers_per_following: 0,
      tweets_per_day: 30,
    });
  });

  it('turns X users built from the 2014 rows back into those rows', () => {
    const data = readSpammerData(DEFAULT_DATA_DIR);
    const test = subset(data, stratifiedSplit(data.bot, TEST_SHARE, SPLIT_SEED).test);
    // A few rows with zero followings carry an inconsistent reputation in the data; the rest must match.
    const rows = test.rows.filter((row) => (row[MODEL_FEATURES.indexOf('following')] as number) > 0);
    expect(rows.length).toBeGreaterThan(500);
    rows.forEach((row, index) => {
      const features = extractFeatures(userFromRow(row, index, now), now);
      MODEL_FEATURES.forEach((feature, column) => {
        expect(features[feature], `${feature} of row ${index}`).toBeCloseTo(row[column] as number, 6);
      });
    });
  });
});
