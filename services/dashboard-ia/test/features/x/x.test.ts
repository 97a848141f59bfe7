import { FAKE_X_BEARER_TOKEN, type FakeX, startFakeX, type XPost } from '@castor/fake-apis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';

/** What the fake's recent search must answer for "cepeda lang:es -is:retweet", worked out here independently. */
const words = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u);
const aboutCepeda = (post: XPost) =>
  words(post.text).includes('cepeda') &&
  post.lang === 'es' &&
  !(post.referenced_tweets ?? []).some((reference) => reference.type === 'retweeted');

const searches = (fake: FakeX) =>
  fake.requests.filter((exchange) => exchange.path.startsWith('/2/tweets/search/recent'));
const searchParams = (fake: FakeX) => searches(fake).map((exchange) => new URL(exchange.path, 'http://x').searchParams);

interface Harness {
  fake: FakeX;
  service: DashboardUnderTest;
  analyst: string;
  close(): Promise<void>;
}

async function start(env: Record<string, string> = {}, token = FAKE_X_BEARER_TOKEN): Promise<Harness> {
  const fake = await startFakeX();
  const service = await startDashboardForTests({
    TWITTER_BEARER_TOKEN: token,
    TWITTER_API_BASE_URL: fake.url,
    TWITTER_REFRESH_INTERVAL_MINUTES: '0',
    TWITTER_REFRESH_MAX_PAGES: '50',
    TWITTER_RETRY_INITIAL_DELAY_MS: '10',
    ...env,
  });
  const analyst = (await service.token('analyst')).token;
  const created = await service.app.inject({
    method: 'POST',
    url: '/api/campaign/candidates',
    headers: { authorization: `Bearer ${analyst}` },
    payload: { slug: 'cepeda', name: 'Iván Cepeda', own: true, queries: [{ kind: 'term', value: 'Cepeda' }] },
  });
  expect(created.statusCode).toBe(201);
  return {
    fake,
    service,
    analyst,
    async close() {
      await service.close();
      await fake.close();
    },
  };
}

const refresh = (h: Harness, payload: Record<string, unknown> = {}) =>
  h.service.app.inject({
    method: 'POST',
    url: '/api/media/x/refresh',
    headers: { authorization: `Bearer ${h.analyst}` },
    payload,
  });
const budget = (h: Harness, token = h.analyst) =>
  h.service.app.inject({ method: 'GET', url: '/api/media/x/budget', headers: { authorization: `Bearer ${token}` } });

async function storedXPosts(h: Harness): Promise<string[]> {
  const { rows } = await h.service.app.pg.query<{ id: string }>(`SELECT id FROM posts WHERE source = 'x' ORDER BY id`);
  return rows.map((row) => row.id);
}

describe('X ingestion: pagination, storage and budget figures', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await start({
      TWITTER_DAILY_TWEET_LIMIT: '1000',
      TWITTER_MONTHLY_TWEET_LIMIT: '5000',
      TWITTER_PRICING_JSON: '{"postRead":0.01,"userRead":0.02}',
    });
  });
  afterAll(async () => h?.close());

  it('pages a recent search through every post, stores posts and authors, and reads only what is new next time', async () => {
    const expected = h.fake.corpus.posts.filter(aboutCepeda).map((post) => post.id);
    expect(expected.length).toBeGreaterThan(100);

    const response = await refresh(h);
    expect(response.statusCode).toBe(200);
    const [run] = response.json().runs;
    expect(run).toMatchObject({
      candidate: 'cepeda',
      query: 'cepeda lang:es -is:retweet',
      outcome: 'done',
      pages: Math.ceil(expected.length / 100),
      postsRead: expected.length,
      stored: expected.length,
      alreadyStored: 0,
      error: null,
    });
    expect(await storedXPosts(h)).toEqual([...expected].sort());
    const params = searchParams(h.fake);
    expect(params[0]?.get('query')).toBe('cepeda lang:es -is:retweet');
    expect(params[0]?.get('expansions')).toBe('author_id');
    expect(params[0]?.get('tweet.fields')?.split(',')).toContain('public_metrics');
    expect(params.slice(1).every((param) => param.get('next_token') !== null)).toBe(true);

    // Authors come with their profile; every stored post is linked to the candidate.
    const authors = await h.service.app.pg.query<{ followers: number | null; account_created_at: Date | null }>(
      `SELECT a.followers, a.account_created_at FROM authors a JOIN posts p ON p.author_id = a.id WHERE p.source = 'x'`,
    );
    expect(authors.rows.every((row) => row.followers !== null && row.account_created_at !== null)).toBe(true);
    const linked = await h.service.app.pg.query<{ links: number }>(
      `SELECT count(*)::int AS links FROM post_candidates pc JOIN candidates c ON c.id = pc.candidate_id WHERE c.slug = 'cepeda'`,
    );
    expect(linked.rows[0]?.links).toBe(expected.length);

    // Next run: since_id is the newest post seen; only the new post is read.
    const newest = h.fake.corpus.posts.find(aboutCepeda) as XPost;
    const fresh: XPost = {
      ...newest,
      id: (BigInt(newest.id) + 1_000_000n).toString(),
      text: 'Nuevo: Cepeda habló hoy de seguridad en Cali',
      created_at: new Date().toISOString(),
    };
    h.fake.addPosts([fresh]);
    const before = searches(h.fake).length;
    const again = (await refresh(h)).json();
    expect(again.runs[0]).toMatchObject({ outcome: 'done', pages: 1, postsRead: 1, stored: 1 });
    expect(searchParams(h.fake).slice(before)[0]?.get('since_id')).toBe(newest.id);
  });

  it('shows the budget: posts used today and this month, what is left, and its cost at the configured prices', async () => {
    const postsRead = h.fake.served.posts;
    const usersRead = h.fake.served.users;
    const response = await budget(h);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      configured: true,
      reason: null,
      currency: 'USD',
      prices: { postRead: 0.01, userRead: 0.02 },
    });
    expect(body.day).toMatchObject({
      limit: 1000,
      used: postsRead,
      reserved: 0,
      remaining: 1000 - postsRead,
      usersRead,
    });
    expect(body.day.costUsd).toBeCloseTo(postsRead * 0.01 + usersRead * 0.02, 5);
    expect(body.day.remainingCostUsd).toBeCloseTo((1000 - postsRead) * 0.01, 5);
    expect(body.month).toMatchObject({ limit: 5000, used: postsRead, remaining: 5000 - postsRead });
    const now = new Date();
    expect(body.day.resetsAt).toBe(
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString(),
    );
    expect(body.month.resetsAt).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString());
    expect(body.refresh).toMatchObject({ scheduled: false, jobs: 1, parked: 0, lastError: null });
  });

  it('keeps the budget and refresh routes to admins and analysts', async () => {
    const viewer = (await h.service.token('viewer')).token;
    expect((await budget(h, viewer)).statusCode).toBe(403);
    const refused = await h.service.app.inject({
      method: 'POST',
      url: '/api/media/x/refresh',
      headers: { authorization: `Bearer ${viewer}` },
      payload: {},
    });
    expect(refused.statusCode).toBe(403);
    expect((await refresh(h, { candidate: 'nadie' })).json().error.code).toBe('CANDIDATE_UNKNOWN');
  });
  it('follows an account: looks its profile up, reads its posts and the posts mentioning it', async () => {
    const outlet = h.fake.corpus.users.find((user) => user.username === 'NoticiasRegion') as { id: string };
    const created = await h.service.app.inject({
      method: 'POST',
      url: '/api/campaign/candidates',
      headers: { authorization: `Bearer ${h.analyst}` },
      payload: { slug: 'noticias', name: 'Noticias Región', queries: [{ kind: 'account', value: '@NoticiasRegion' }] },
    });
    expect(created.statusCode).toBe(201);
    const usersBefore = (await budget(h)).json().day.usersRead;
    const expected = h.fake.corpus.posts.filter(
      (post) =>
        (post.author_id === outlet.id || (post.entities?.mentions ?? []).some((mention) => mention.id === outlet.id)) &&
        !(post.referenced_tweets ?? []).some((reference) => reference.type === 'retweeted'),
    );
    expect(expected.length).toBeGreaterThan(0);

    const response = await refresh(h, { candidate: 'noticias' });
    expect(response.statusCode).toBe(200);
    const runs = response.json().runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      candidate: 'noticias',
      query: '(from:noticiasregion OR @noticiasregion) lang:es -is:retweet',
      outcome: 'done',
      postsRead: expected.length,
    });
    const lookups = h.fake.requests.filter((exchange) => exchange.path.startsWith('/2/users/by'));
    expect(lookups).toHaveLength(1);
    expect(new URL(lookups[0]?.path ?? '', 'http://x').searchParams.get('usernames')).toBe('noticiasregion');
    const profile = await h.service.app.pg.query<{ followers: number; verified_type: string }>(
      `SELECT followers, verified_type FROM authors WHERE id = $1`,
      [outlet.id],
    );
    expect(profile.rows[0]?.verified_type).toBe('business');
    const linked = await h.service.app.pg.query<{ id: string }>(
      `SELECT pc.post_id AS id FROM post_candidates pc JOIN candidates c ON c.id = pc.candidate_id WHERE c.slug = 'noticias'`,
    );
    expect(linked.rows.map((row) => row.id).sort()).toEqual(expected.map((post) => post.id).sort());
    // The lookup's profile is counted (and priced) as a user read.
    expect((await budget(h)).json().day.usersRead).toBeGreaterThan(usersBefore);
  });
});

describe('X ingestion: the budget is enforced before the call', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('refuses with X_BUDGET_EXHAUSTED and the reset time when less than a page is left: no request reaches X', async () => {
    h = await start({ TWITTER_DAILY_TWEET_LIMIT: '9' });
    const response = await refresh(h);
    expect(response.statusCode).toBe(429);
    const now = new Date();
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    expect(response.json().error).toMatchObject({
      code: 'X_BUDGET_EXHAUSTED',
      details: { resetsAt: midnight.toISOString() },
    });
    expect(Number(response.headers['retry-after'])).toBeCloseTo((midnight.getTime() - Date.now()) / 1000, -1);
    expect(h.fake.requests).toHaveLength(0);
    expect((await budget(h)).json().day).toMatchObject({ used: 0, reserved: 0, remaining: 9 });
  });

  it('asks for no more than is left and stops at the limit; a second refresh rereads only from the cache', async () => {
    h = await start({ TWITTER_DAILY_TWEET_LIMIT: '1000', TWITTER_MONTHLY_TWEET_LIMIT: '110' });
    const response = await refresh(h);
    expect(response.statusCode).toBe(200);
    const [run] = response.json().runs;
    expect(run).toMatchObject({ outcome: 'budget_exhausted', pages: 2, postsRead: 110, stored: 110 });
    const now = new Date();
    expect(run.nextDueAt).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString());
    expect(searchParams(h.fake).map((param) => param.get('max_results'))).toEqual(['100', '10']);
    expect(h.fake.served.posts).toBe(110);
    expect((await budget(h)).json().month).toMatchObject({ used: 110, reserved: 0, remaining: 0 });
    // Spent: a second refresh gets the pages it already read from the cache, and no request reaches X.
    const [again] = (await refresh(h)).json().runs;
    expect(again).toMatchObject({ outcome: 'budget_exhausted', pages: 2, stored: 0, alreadyStored: 110 });
    expect(searches(h.fake)).toHaveLength(2);
  });

  it('holds concurrent reservations within the limit', async () => {
    h = await start({ TWITTER_DAILY_TWEET_LIMIT: '250' });
    const { XRepository } = await import('../../../src/features/x/x.repository.js');
    const repository = new XRepository(h.service.app.pg);
    const reservations = await Promise.all(
      Array.from({ length: 12 }, () => repository.reserveSearch('q', { daily: 250, monthly: 10_000 })),
    );
    const granted = reservations.flatMap((reservation) => (reservation.granted ? [reservation.maxResults] : []));
    expect(granted.reduce((sum, value) => sum + value, 0)).toBe(250);
    expect(granted.sort((a, b) => b - a)).toEqual([100, 100, 50]);
  });
});

describe('X ingestion: what X answers', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('waits for the reset a 429 announces, then reads', async () => {
    h = await start();
    h.fake.script({ kind: 'rate_limited', resetInSeconds: 2 }, { endpoint: '/2/tweets/search/recent' });
    const started = Date.now();
    const response = await refresh(h);
    expect(response.statusCode).toBe(200);
    expect(response.json().runs[0]).toMatchObject({
      outcome: 'done',
      stored: h.fake.corpus.posts.filter(aboutCepeda).length,
    });
    const [limited, retried] = searches(h.fake);
    expect(limited?.status).toBe(429);
    expect(retried?.status).toBe(200);
    // The retry waited for the reset the 429 carried (1 to 2 s ahead, whole seconds), not for a backoff of 10 ms.
    expect((retried?.receivedAtMs ?? 0) - (limited?.answeredAtMs ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const day = (await budget(h)).json().day;
    expect(day).toMatchObject({ used: h.fake.served.posts, reserved: 0 });
  });

  it('waits before the next page when X said the window has no request left (x-rate-limit-remaining: 0)', async () => {
    h = await start();
    h.fake.setRateLimit('/2/tweets/search/recent', { remaining: 1, resetInSeconds: 2 });
    const response = await refresh(h);
    expect(response.json().runs[0]).toMatchObject({ outcome: 'done', pages: 2 });
    const [first, second] = searches(h.fake);
    // No request was spent on a 429: the second page was asked for after the reset.
    expect(searches(h.fake).map((exchange) => exchange.status)).toEqual([200, 200]);
    expect((second?.receivedAtMs ?? 0) - (first?.answeredAtMs ?? 0)).toBeGreaterThanOrEqual(1_000);
  });

  it('reschedules at the reset instead of waiting longer than the bound', async () => {
    h = await start({ TWITTER_RATE_LIMIT_MAX_WAIT_SECONDS: '1' });
    h.fake.script({ kind: 'rate_limited', resetInSeconds: 120 }, { endpoint: '/2/tweets/search/recent' });
    const response = await refresh(h);
    expect(response.statusCode).toBe(200);
    const [run] = response.json().runs;
    expect(run.outcome).toBe('rate_limited');
    const due = Date.parse(run.nextDueAt);
    expect(due - Date.now()).toBeGreaterThan(100_000);
    expect(due - Date.now()).toBeLessThan(125_000);
    expect(searches(h.fake)).toHaveLength(1);
    expect((await budget(h)).json().day).toMatchObject({ used: 0, reserved: 0 });
  });

  it('retries 5xx answers and stores the page', async () => {
    h = await start();
    h.fake.script({ kind: 'error', status: 503 }, { endpoint: '/2/tweets/search/recent', times: 2 });
    const response = await refresh(h);
    expect(response.statusCode).toBe(200);
    expect(response.json().runs[0]).toMatchObject({ outcome: 'done', error: null });
    expect(
      searches(h.fake)
        .map((exchange) => exchange.status)
        .slice(0, 3),
    ).toEqual([503, 503, 200]);
    expect((await storedXPosts(h)).length).toBe(h.fake.corpus.posts.filter(aboutCepeda).length);
  });

  it('refuses a wrong token clearly, parks the job and does not retry it', async () => {
    h = await start({}, 'not-the-token');
    const response = await refresh(h);
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe('X_AUTH_FAILED');
    expect(response.json().error.message).toMatch(/TWITTER_BEARER_TOKEN/);
    expect(searches(h.fake)).toHaveLength(1);
    expect(searches(h.fake)[0]?.status).toBe(401);
    const view = (await budget(h)).json();
    expect(view.refresh).toMatchObject({ parked: 1 });
    expect(view.refresh.lastError).toMatch(/401/);
    expect(view.day).toMatchObject({ used: 0, reserved: 0 });
    // The scheduler passes over a parked job: no request reaches X however often it looks.
    await h.service.x.tick();
    await h.service.x.tick();
    expect(searches(h.fake)).toHaveLength(1);
  });

  it('stops at a page without meta: nothing half-stored, the page counted as X may have billed it, retried later', async () => {
    h = await start();
    const [author] = h.fake.corpus.users;
    const post = { id: '1', text: 'Cepeda sin meta', author_id: author?.id, created_at: new Date().toISOString() };
    h.fake.script(
      { kind: 'body', body: { data: [post], includes: { users: [author] } } },
      { endpoint: '/2/tweets/search/recent' },
    );
    const [run] = (await refresh(h)).json().runs;
    expect(run).toMatchObject({ outcome: 'failed', pages: 0, stored: 0 });
    expect(run.error).toMatch(/meta/);
    expect(Date.parse(run.nextDueAt) - Date.now()).toBeGreaterThan(30_000);
    expect(await storedXPosts(h)).toEqual([]);
    // Not retried on the spot: a page X cannot give in shape will not come back right at once.
    expect(searches(h.fake)).toHaveLength(1);
    expect((await budget(h)).json().day).toMatchObject({ used: 100, reserved: 0 });
  });

  it('keeps what it stored before an invalid JSON page, and the next run reads page 1 from the cache', async () => {
    h = await start();
    const expected = h.fake.corpus.posts.filter(aboutCepeda).map((post) => post.id);
    h.fake.script({ kind: 'invalid_json' }, { when: (url) => url.searchParams.has('next_token') });
    const [broken] = (await refresh(h)).json().runs;
    expect(broken).toMatchObject({ outcome: 'failed', pages: 1, postsRead: 100, stored: 100 });
    expect(broken.error).toMatch(/not JSON/);
    expect(await storedXPosts(h)).toEqual(expected.slice(0, 100).sort());

    const before = searches(h.fake).length;
    const [resumed] = (await refresh(h)).json().runs;
    expect(resumed).toMatchObject({ outcome: 'done', postsRead: expected.length, stored: expected.length - 100 });
    expect(await storedXPosts(h)).toEqual([...expected].sort());
    // Page 1 came from the cache (free); only the later pages reached X.
    expect(
      searchParams(h.fake)
        .slice(before)
        .every((param) => param.has('next_token')),
    ).toBe(true);
    expect(h.fake.served.posts).toBe(expected.length);
  });
});

describe('X ingestion on a schedule', () => {
  let h: Harness;
  afterAll(async () => h?.close());

  it('refreshes every tracked query on its own when X is configured and an interval is set', async () => {
    h = await start({ TWITTER_REFRESH_INTERVAL_MINUTES: '30', TWITTER_REFRESH_POLL_MS: '100' });
    const expected = h.fake.corpus.posts.filter(aboutCepeda).length;
    const deadline = Date.now() + 20_000;
    while ((await storedXPosts(h)).length < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await storedXPosts(h)).length).toBe(expected);
    const view = (await budget(h)).json();
    expect(view.refresh).toMatchObject({ scheduled: true, intervalMinutes: 30, jobs: 1, parked: 0 });
    const due = Date.parse(view.refresh.nextDueAt);
    expect(due - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(due - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    // Not due again: later polls read nothing more.
    const requests = searches(h.fake).length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(searches(h.fake)).toHaveLength(requests);
  });
});

describe('X ingestion without credentials', () => {
  let service: DashboardUnderTest;
  beforeAll(async () => {
    service = await startDashboardForTests();
  });
  afterAll(async () => service?.close());

  it('says X is not configured and refuses a refresh with X_NOT_CONFIGURED', async () => {
    const analyst = (await service.token('analyst')).token;
    const headers = { authorization: `Bearer ${analyst}` };
    const view = await service.app.inject({ method: 'GET', url: '/api/media/x/budget', headers });
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ configured: false, refresh: { scheduled: false, jobs: 0 } });
    expect(view.json().reason).toMatch(/TWITTER_BEARER_TOKEN/);
    const refused = await service.app.inject({ method: 'POST', url: '/api/media/x/refresh', headers, payload: {} });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('X_NOT_CONFIGURED');
  });
});
