import type { XUser } from '@castor/contracts';

/**
 * What the model sees of an account, in the column order of the Colombia 2014 spammer data (its
 * first column, Twitter v1.1's `default_profile`, is left out: X API v2 does not return it).
 */
export const MODEL_FEATURES = [
  'default_profile_image',
  'has_description',
  'has_location',
  'has_url',
  'verified',
  'account_age_days',
  'following',
  'followers',
  'reputation',
  'tweets',
  'tweets_per_day',
  'followers_per_following',
  'following_per_day',
] as const;
export type ModelFeature = (typeof MODEL_FEATURES)[number];

/** One account as model input; NaN where the user object lacked what the feature needs. */
export type FeatureVector = Record<ModelFeature, number>;

const DAY_MS = 86_400_000;

/** X serves every account without its own picture from this folder. */
const DEFAULT_IMAGE_PATH = '/default_profile_images/';

const flag = (present: boolean) => (present ? 1 : 0);
/** The data set's convention: a ratio over zero is 0 (NaN stays NaN: unknown, not zero). */
const ratio = (numerator: number, denominator: number) => (denominator === 0 ? 0 : numerator / denominator);
const nonEmpty = (text: string | undefined) => flag(text !== undefined && text.trim().length > 0);

/**
 * 2014's `verified` was the legacy check given to notable accounts. Since 2023 X sells the blue
 * check, so only the business and government types carry that meaning; without `verified_type`
 * (not requested) the plain `verified` flag is all there is.
 */
function notableVerification(user: XUser): number {
  if (user.verified_type !== undefined)
    return flag(user.verified_type === 'business' || user.verified_type === 'government');
  return flag(user.verified === true);
}

/**
 * The model's features of one X API v2 user object at time `now`. Ratios follow the data set's own
 * conventions: a ratio over zero followings is 0, and rates per day use an age of at least one day.
 * description, url and location count as absent when missing (X leaves them empty or out when the
 * account set none); created_at, public_metrics and profile_image_url are only there when requested,
 * so the features they feed are NaN when missing.
 */
export function extractFeatures(user: XUser, now: Date): FeatureVector {
  const createdAt = user.created_at === undefined ? Number.NaN : Date.parse(user.created_at);
  const ageDays = Math.max(Math.floor((now.getTime() - createdAt) / DAY_MS), 0);
  const metrics = user.public_metrics;
  const following = metrics?.following_count ?? Number.NaN;
  const followers = metrics?.followers_count ?? Number.NaN;
  const tweets = metrics?.tweet_count ?? Number.NaN;
  const perDay = (count: number) => ratio(count, Math.max(ageDays, 1));
  return {
    default_profile_image:
      user.profile_image_url === undefined ? Number.NaN : flag(user.profile_image_url.includes(DEFAULT_IMAGE_PATH)),
    has_description: nonEmpty(user.description),
    has_location: nonEmpty(user.location),
    has_url: nonEmpty(user.url),
    verified: notableVerification(user),
    account_age_days: ageDays,
    following,
    followers,
    reputation: ratio(followers, followers + following),
    tweets,
    tweets_per_day: perDay(tweets),
    followers_per_following: ratio(followers, following),
    following_per_day: perDay(following),
  };
}
