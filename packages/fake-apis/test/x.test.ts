import { Agent } from 'node:http';
import {
  ApiPartialResponseError,
  ApiResponseError,
  type ITwitterApiClientPlugin,
  type TweetV2,
  type Tweetv2SearchParams,
  TwitterApi,
} from 'twitter-api-v2';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_X_BEARER_TOKEN, type FakeX, seededXCorpus, startFakeX, X_CORPUS_CANDIDATES } from '../src/index.js';

/** The client's URLs are absolute (https://api.x.com/2/...): a plugin sends them to the loopback server instead. */
function loopback(base: string): ITwitterApiClientPlugin {
  return {
    onBeforeRequestConfig({ params }) {
      params.url = params.url.replace(/^https:\/\/api\.x\.com\//, `${base}/`);
    },
  };
}

// twitter-api-v2 sends with node:https; a plain http.Agent makes it speak HTTP to the loopback server.
const agent = new Agent({ keepAlive: true });
afterAll(() => agent.destroy());

const clientFor = (fake: FakeX, token = FAKE_X_BEARER_TOKEN) =>
  new TwitterApi(token, { httpAgent: agent, plugins: [loopback(fake.url)] }).readOnly.v2;

const searchFields: Partial<Tweetv2SearchParams> = {
  max_results: 100,
  'tweet.fields': [
    'created_at',
    'author_id',
    'public_metrics',
    'lang',
    'entities',
    'conversation_id',
    'referenced_tweets',
  ],
  expansions: ['author_id'],
  'user.fields': [
    'created_at',
    'description',
    'location',
    'profile_image_url',
    'protected',
    'public_metrics',
    'url',
    'verified',
    'verified_type',
  ],
};

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
const words = (text: string) => fold(text).split(/[^\p{L}\p{N}_]+/u);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

let fake: FakeX;
beforeEach(async () => {
  fake = await startFakeX();
});
afterEach(async () => {
  await fake.close();
});

describe('fake X API v2 with the real twitter-api-v2 client', () => {
  it('pages a recent search through the corpus with next_token, authors included', async () => {
    const v2 = clientFor(fake);
    const term = X_CORPUS_CANDIDATES[0]?.searchTerm ?? '';
    const expected = fake.corpus.posts.filter((post) => words(post.text).includes(fold(term))).map((post) => post.id);
    expect(expected.length).toBeGreaterThan(100);

    const paginator = await v2.search(`${term} lang:es`, searchFields);
    expect(paginator.tweets).toHaveLength(100);
    expect(paginator.meta.next_token).toEqual(expect.any(String));
    expect(paginator.meta.newest_id).toBe(expected[0]);
    while (!paginator.done) await paginator.fetchNext();

    expect(paginator.tweets.map((post) => post.id)).toEqual(expected);
    const first = paginator.tweets[0] as TweetV2;
    expect(first).toMatchObject({
      author_id: expect.any(String),
      created_at: expect.any(String),
      lang: 'es',
      conversation_id: expect.any(String),
      public_metrics: { like_count: expect.any(Number), impression_count: expect.any(Number) },
      edit_history_tweet_ids: [first.id],
    });
    const author = paginator.includes.author(first);
    expect(author).toMatchObject({ username: expect.any(String), verified_type: expect.any(String) });
    expect(author?.public_metrics?.followers_count).toEqual(expect.any(Number));
    expect(fake.served.posts).toBe(expected.length);
    const searches = fake.requests.filter((exchange) => exchange.path.startsWith('/2/tweets/search/recent'));
    expect(searches).toHaveLength(Math.ceil(expected.length / 100));
    expect(searches[0]?.headers.authorization).toBe(`Bearer ${FAKE_X_BEARER_TOKEN}`);
    expect(searches[1]?.path).toContain('next_token=');
  });

  it('answers only the fields asked for, like X', async () => {
    const page = await clientFor(fake).search('Uribe', { max_results: 10 });
    expect(Object.keys(page.tweets[0] ?? {}).sort()).toEqual(['edit_history_tweet_ids', 'id', 'text']);
    expect(page.includes.users).toEqual([]);
  });

  it('evaluates the query language: OR, hashtags, negation, from:, is:retweet, since_id', async () => {
    const v2 = clientFor(fake);
    const [cepeda, espriella] = X_CORPUS_CANDIDATES;
    const both = await v2.search(`(${cepeda?.searchTerm} OR #${espriella?.hashtag}) -is:retweet`, searchFields);
    while (!both.done) await both.fetchNext();
    expect(both.tweets.length).toBeGreaterThan(0);
    for (const post of both.tweets) {
      const hashtags = post.entities?.hashtags?.map((hashtag) => hashtag.tag) ?? [];
      expect(
        words(post.text).includes(fold(cepeda?.searchTerm ?? '')) || hashtags.includes(espriella?.hashtag ?? ''),
      ).toBe(true);
      expect(post.referenced_tweets?.some((reference) => reference.type === 'retweeted') ?? false).toBe(false);
    }

    const bot = fake.corpus.users.find((user) => user.username.startsWith('patriota')) as {
      username: string;
      id: string;
    };
    const fromBot = await v2.search(`from:${bot.username}`, searchFields);
    while (!fromBot.done) await fromBot.fetchNext();
    expect(fromBot.tweets.length).toBeGreaterThan(0);
    expect(new Set(fromBot.tweets.map((post) => post.author_id))).toEqual(new Set([bot.id]));

    const newest = both.tweets[5]?.id ?? '';
    const newer = await v2.search(`(${cepeda?.searchTerm} OR #${espriella?.hashtag}) -is:retweet`, {
      ...searchFields,
      since_id: newest,
    });
    expect(newer.tweets.map((post) => post.id)).toEqual(both.tweets.slice(0, 5).map((post) => post.id));
  });

  it('refuses a wrong bearer token with X 401 body and rate-limit headers', async () => {
    const error = await rejection(clientFor(fake, 'not-the-token').search('Cepeda'));
    expect(error).toBeInstanceOf(ApiResponseError);
    const failure = error as ApiResponseError;
    expect(failure.code).toBe(401);
    expect(failure.isAuthError).toBe(true);
    expect(failure.data).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    expect(failure.rateLimit?.limit).toBe(450);
    expect(fake.served.posts).toBe(0);
  });

  it('refuses parameters X refuses (max_results, fields, operators, page tokens) with 400 Invalid Request', async () => {
    const v2 = clientFor(fake);
    const cases: Array<[Promise<unknown>, string]> = [
      [v2.search('Cepeda', { max_results: 5 }), 'max_results'],
      [v2.search('Cepeda', { 'tweet.fields': ['nonsense' as 'lang'] }), 'tweet.fields'],
      [v2.search('Cepeda is:nonsense'), 'query'],
      [v2.search('Cepeda', { next_token: 'forged' }), 'next_token'],
      [v2.usersByUsernames(['not a handle!']), 'usernames'],
    ];
    for (const [request, parameter] of cases) {
      const failure = (await rejection(request)) as ApiResponseError;
      expect(failure.code).toBe(400);
      expect(failure.data.title).toBe('Invalid Request');
      const [problem] = (failure.data.errors ?? []) as Array<{ parameters?: Record<string, string[]> }>;
      expect(Object.keys(problem?.parameters ?? {})).toEqual([parameter]);
    }
  });

  it('answers 429 with x-rate-limit-* until the scripted reset, then serves again', async () => {
    const v2 = clientFor(fake);
    fake.script({ kind: 'rate_limited', resetInSeconds: 2 }, { endpoint: '/2/tweets/search/recent' });
    const limited = (await rejection(v2.search('Cepeda'))) as ApiResponseError;
    expect(limited.code).toBe(429);
    expect(limited.rateLimitError).toBe(true);
    expect(limited.rateLimit?.remaining).toBe(0);
    const resetMs = (limited.rateLimit?.reset ?? 0) * 1000;
    expect(resetMs).toBeGreaterThan(Date.now());

    // Still limited before the reset: the window is exhausted, not just one answer.
    expect(((await rejection(v2.search('Cepeda'))) as ApiResponseError).code).toBe(429);
    // Other endpoints keep their own windows.
    expect((await v2.usersByUsernames(['NoticiasRegion'])).data).toHaveLength(1);

    await new Promise((resolve) => setTimeout(resolve, resetMs - Date.now() + 50));
    const page = await v2.search('Cepeda');
    expect(page.tweets.length).toBeGreaterThan(0);
    expect(page.rateLimit.remaining).toBe(449);
  }, 10_000);

  it('exhausts a window by counting requests', async () => {
    const v2 = clientFor(fake);
    fake.setRateLimit('/2/tweets/search/recent', { limit: 450, remaining: 2 });
    expect((await v2.search('Cepeda')).rateLimit.remaining).toBe(1);
    expect((await v2.search('Cepeda')).rateLimit.remaining).toBe(0);
    expect(((await rejection(v2.search('Cepeda'))) as ApiResponseError).code).toBe(429);
    expect(fake.rateLimit('/2/tweets/search/recent').remaining).toBe(0);
  });

  it('scripts 5xx answers, invalid JSON and exact pages', async () => {
    const v2 = clientFor(fake);
    fake.script({ kind: 'error', status: 503 }, { endpoint: '/2/tweets/search/recent' });
    const unavailable = (await rejection(v2.search('Cepeda'))) as ApiResponseError;
    expect(unavailable.code).toBe(503);
    expect(unavailable.data).toMatchObject({ title: 'Service Unavailable', status: 503 });
    expect(unavailable.headers['x-rate-limit-remaining']).toBe('449');

    fake.script({ kind: 'invalid_json' });
    expect(await rejection(v2.search('Cepeda'))).toBeInstanceOf(ApiPartialResponseError);

    const page = { data: [{ id: '1', text: 'hola' }], meta: { result_count: 1, newest_id: '1', oldest_id: '1' } };
    fake.script({ kind: 'body', body: page });
    expect((await v2.search('Cepeda')).tweets).toEqual(page.data);

    fake.script({ kind: 'body', body: { data: [] } });
    const withoutMeta = await v2.search('Cepeda');
    expect(withoutMeta.meta).toBeUndefined();

    // `when` picks the request a step answers: here the second page, not the first.
    fake.script({ kind: 'error', status: 500 }, { when: (url) => url.searchParams.has('next_token') });
    const firstPage = await v2.search('Cepeda', { max_results: 100 });
    expect(firstPage.tweets).toHaveLength(100);
    expect(((await rejection(firstPage.fetchNext())) as ApiResponseError).code).toBe(500);

    // Scripts are used up: the corpus answers again.
    expect((await v2.search('Cepeda')).tweets.length).toBe(10);
  });

  it('looks users up by username and by id, with X partial errors for unknown ones', async () => {
    const v2 = clientFor(fake);
    const [outlet, person] = fake.corpus.users;
    const byName = await v2.usersByUsernames([outlet?.username ?? '', 'nadie_existe', person?.username ?? ''], {
      'user.fields': ['public_metrics', 'verified_type', 'created_at'],
    });
    expect(byName.data.map((user) => user.id)).toEqual([outlet?.id, person?.id]);
    expect(byName.data[0]?.public_metrics).toEqual(outlet?.public_metrics);
    expect(byName.errors).toEqual([
      expect.objectContaining({
        title: 'Not Found Error',
        parameter: 'usernames',
        value: 'nadie_existe',
        detail: 'Could not find user with usernames: [nadie_existe].',
      }),
    ]);

    const byId = await v2.users([person?.id ?? '', '1'], { 'user.fields': ['description'] });
    expect(byId.data).toEqual([
      { id: person?.id, name: person?.name, username: person?.username, description: person?.description },
    ]);
    expect(byId.errors?.[0]).toMatchObject({ parameter: 'ids', value: '1' });
    expect(fake.served.users).toBe(3);
  });

  it("pages a user's posts with pagination_token and exclude=retweets", async () => {
    const v2 = clientFor(fake);
    const bot = fake.corpus.users.find((user) => user.username.startsWith('patriota')) as { id: string };
    const own = fake.corpus.posts.filter(
      (post) =>
        post.author_id === bot.id &&
        !(post.referenced_tweets ?? []).some((reference) => reference.type === 'retweeted'),
    );
    expect(own.length).toBeGreaterThan(5);
    const timeline = await v2.userTimeline(bot.id, { max_results: 5, exclude: ['retweets'] });
    while (!timeline.done) await timeline.fetchNext();
    expect(timeline.tweets.map((post) => post.id)).toEqual(own.map((post) => post.id));
    expect(fake.requests.at(-1)?.path).toContain('pagination_token=');

    const unknown = await v2.userTimeline('123', { max_results: 5 });
    expect(unknown.errors[0]).toMatchObject({ title: 'Not Found Error', parameter: 'id' });
  });

  it('hangs until the client times out', async () => {
    fake.script({ kind: 'hang' });
    const client = new TwitterApi(FAKE_X_BEARER_TOKEN, { httpAgent: agent, plugins: [loopback(fake.url)] });
    const error = await rejection(client.v2.get('tweets/search/recent', { query: 'Cepeda' }, { timeout: 200 }));
    expect(String(error)).toMatch(/timeout|failed/i);
  });
});

describe('seeded X corpus', () => {
  const now = new Date('2026-05-24T12:00:00Z');

  it('is the same for the same seed and moment, and different for another seed', () => {
    expect(seededXCorpus({ seed: 7, now })).toEqual(seededXCorpus({ seed: 7, now }));
    expect(seededXCorpus({ seed: 8, now }).posts[0]?.text).not.toBe(seededXCorpus({ seed: 7, now }).posts[0]?.text);
  });

  it('holds Spanish posts newest first inside the recent window, ids sorting by time', () => {
    const { posts } = seededXCorpus({ now, posts: 400 });
    expect(posts).toHaveLength(400);
    expect(new Set(posts.map((post) => post.id)).size).toBe(400);
    for (let index = 1; index < posts.length; index++) {
      expect(BigInt(posts[index - 1]?.id ?? 0) > BigInt(posts[index]?.id ?? 0)).toBe(true);
      expect(Date.parse(posts[index - 1]?.created_at ?? '')).toBeGreaterThanOrEqual(
        Date.parse(posts[index]?.created_at ?? ''),
      );
    }
    const oldest = Date.parse(posts.at(-1)?.created_at ?? '');
    expect(now.getTime() - oldest).toBeLessThan(7 * 86_400_000);
    expect(Date.parse(posts[0]?.created_at ?? '')).toBeLessThanOrEqual(now.getTime());
    for (const candidate of X_CORPUS_CANDIDATES) {
      expect(posts.some((post) => post.text.includes(candidate.name))).toBe(true);
    }
  });

  it('has bot-like accounts: young, default picture, few followers, same text from several of them', () => {
    const { users, posts } = seededXCorpus({ now });
    const bots = users.filter((user) => user.profile_image_url.includes('default_profile'));
    expect(bots.length).toBeGreaterThanOrEqual(3);
    for (const bot of bots) {
      expect(now.getTime() - Date.parse(bot.created_at)).toBeLessThan(90 * 86_400_000);
      expect(bot.public_metrics.followers_count).toBeLessThan(bot.public_metrics.following_count / 10);
    }
    const botIds = new Set(bots.map((bot) => bot.id));
    const authorsByText = new Map<string, Set<string>>();
    for (const post of posts.filter((candidate) => botIds.has(candidate.author_id))) {
      authorsByText.set(post.text, (authorsByText.get(post.text) ?? new Set()).add(post.author_id));
    }
    expect([...authorsByText.values()].some((authors) => authors.size >= 2)).toBe(true);
    expect(
      users.filter((user) => !botIds.has(user.id)).every((user) => user.public_metrics.followers_count >= 150),
    ).toBe(true);
  });
});
