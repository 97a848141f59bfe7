import { botScoreResponseSchema } from '@castor/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';

// As X API v2 returns them with user.fields (extra fields included).
const established = {
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
  public_metrics: { followers_count: 700000, following_count: 1900, tweet_count: 4100, listed_count: 2400 },
};
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const faceless = {
  id: '1790000000000000001',
  name: 'Patriota 2026',
  username: 'patriota83920174',
  created_at: daysAgo(15),
  description: '',
  url: '',
  profile_image_url: 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
  protected: false,
  verified: false,
  verified_type: 'none',
  public_metrics: { followers_count: 3, following_count: 1800, tweet_count: 9000, listed_count: 0 },
};

describe('POST /api/bots/score', () => {
  let service: DashboardUnderTest;
  let analyst: string;

  beforeAll(async () => {
    service = await startDashboardForTests();
    analyst = (await service.token('analyst')).token;
  });
  afterAll(async () => service?.close());

  const score = (payload: unknown, token: string | null = analyst) =>
    service.app.inject({
      method: 'POST',
      url: '/api/bots/score',
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      payload: payload as Record<string, unknown>,
    });

  it('scores X users in order, flags the faceless mass-follower and explains both', async () => {
    const response = await score({ users: [established, faceless] });
    expect(response.statusCode).toBe(200);
    const body = botScoreResponseSchema.parse(response.json());
    const [good, bad] = body.scores;
    expect(good?.userId).toBe(established.id);
    expect(bad?.userId).toBe(faceless.id);
    expect(bad?.likelihood).toBeGreaterThan(good?.likelihood ?? 1);
    expect(good?.suspected).toBe(good !== undefined && good.likelihood >= body.threshold);
    expect(bad?.suspected).toBe(true);
    expect(good?.drivers).toHaveLength(5);
    expect(good?.model).toBe('castor-bots');
  });

  it('lets admins in and keeps viewers and anonymous callers out', async () => {
    const admin = (await service.token('admin')).token;
    expect((await score({ users: [established] }, admin)).statusCode).toBe(200);
    const viewer = (await service.token('viewer')).token;
    expect((await score({ users: [established] }, viewer)).statusCode).toBe(403);
    expect((await score({ users: [established] }, null)).statusCode).toBe(401);
  });

  it('answers 400 with a stable code for malformed users, none or too many', async () => {
    for (const payload of [
      { users: [] },
      { users: [{ ...established, public_metrics: { ...established.public_metrics, followers_count: '700000' } }] },
      { users: [{ ...established, id: 2244994945 }] },
      { users: Array.from({ length: 1001 }, (_, i) => ({ ...established, id: String(i + 1) })) },
    ]) {
      const response = await score(payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
  });
});
