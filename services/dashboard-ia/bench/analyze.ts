/**
 * Media analysis benchmark (issue budget: `POST /api/media/analyze` over 100,000 stored posts,
 * p95 ≤ 300 ms). A real core-service and dashboard-ia in this process on fresh databases of the
 * bench server; N posts over the last 30 days, written by the PostStore (unnest, 5,000 rows a
 * statement) for four candidates (40/30/20/10 %, one post in ten about two), 20 % of them with a
 * hashtag, every post scored and 5 % of the authors suspected bots (set by SQL: the scorers are not
 * what is measured). Each case is requested sequentially through app.inject (routing, auth, rate
 * limit in Redis, validation, the SQL, the stored history row, serialisation) after a warm-up.
 *
 *   npx tsx services/dashboard-ia/bench/analyze.ts [--posts 100000] [--requests 200] [--out file.json]
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildCoreApp } from '@castor/core-service/app';
import { loadCoreConfig } from '@castor/core-service/config';
import { withTransaction } from '@castor/service-kit';
import { benchInfrastructure } from '../../../bench/infrastructure.js';
import { machine } from '../../../bench/support.js';
import { buildDashboardApp } from '../src/app.js';
import { loadDashboardConfig } from '../src/config.js';
import type { IncomingAuthor, IncomingPost } from '../src/shared/post-store.js';

const DAY_MS = 86_400_000;
const CANDIDATES = [
  { slug: 'propio', name: 'Candidato Propio', own: true, weight: 0.4 },
  { slug: 'rival-a', name: 'Rival A', own: false, weight: 0.3 },
  { slug: 'rival-b', name: 'Rival B', own: false, weight: 0.2 },
  { slug: 'rival-c', name: 'Rival C', own: false, weight: 0.1 },
];
const TAGS = Array.from({ length: 30 }, (_, index) => `Tema${index}`);
const WORDS = ['reforma', 'salud', 'seguridad', 'empleo', 'paz', 'debate', 'encuesta', 'campaña', 'región', 'votos'];

export interface AnalyzeBenchCase {
  name: string;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  /** Posts the analysis counted (its selection), so the figure says what it was measured over. */
  selectionPosts: number;
}

export interface AnalyzeBenchResult {
  posts: number;
  requests: number;
  seedSeconds: number;
  budgetMs: number;
  /** The budgeted case: the own candidate over the last 30 days, daily, with and without bots alternating. */
  p50: number;
  p95: number;
  withinBudget: boolean;
  cases: AnalyzeBenchCase[];
  machine: ReturnType<typeof machine>;
}

/** A small deterministic generator, so two runs seed the same conversation. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const round = (value: number) => Math.round(value * 10) / 10;

export async function benchAnalyze(options: { posts: number; requests?: number }): Promise<AnalyzeBenchResult> {
  const requests = options.requests ?? 200;
  const infrastructure = await benchInfrastructure();
  const suffix = randomBytes(4).toString('hex');
  const core = await buildCoreApp(
    loadCoreConfig({
      LOG_LEVEL: 'warn',
      DATABASE_URL: await infrastructure.createDatabase('bench_core'),
      REDIS_URL: infrastructure.redisUrl,
      REDIS_KEY_PREFIX: `bench${suffix}:core:`,
      JWT_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      JWT_KEY_PREPUBLISH_SECONDS: '0',
      RATE_LIMIT_DEFAULT: '100000000/minute',
      RATE_LIMIT_AUTH: '100000/minute',
    }),
    { logger: false },
  );
  const coreUrl = await core.app.listen({ host: '127.0.0.1', port: 0 });
  const dashboard = await buildDashboardApp(
    loadDashboardConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: await infrastructure.createDatabase('bench_dashboard'),
      REDIS_URL: infrastructure.redisUrl,
      REDIS_KEY_PREFIX: `bench${suffix}:dashboard:`,
      CORE_SERVICE_URL: coreUrl,
      RATE_LIMIT_DEFAULT: '100000000/minute',
      RATE_LIMIT_DASHBOARD_READ: '100000000/minute',
    }),
    { logger: false },
  );
  try {
    await dashboard.app.ready();
    const email = `bench-${suffix}@castor.test`;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const { invitationToken } = await core.users.invite(null, email, 'analyst');
    await core.users.register({ email, password, name: 'bench analyst', invitationToken });
    const token = (await core.sessions.login(email, password)).accessToken;

    const seedStarted = performance.now();
    await seed(dashboard.app.pg, dashboard.posts, options.posts);
    const seedSeconds = round((performance.now() - seedStarted) / 1000);

    const measure = async (name: string, payloads: ReadonlyArray<Record<string, unknown>>) => {
      const send = (payload: Record<string, unknown>) =>
        dashboard.app.inject({
          method: 'POST',
          url: '/api/media/analyze',
          headers: { authorization: `Bearer ${token}` },
          payload,
        });
      for (let index = 0; index < 10; index += 1)
        await send(payloads[index % payloads.length] as Record<string, unknown>);
      const times: number[] = [];
      let selectionPosts = 0;
      for (let index = 0; index < requests; index += 1) {
        const started = performance.now();
        const response = await send(payloads[index % payloads.length] as Record<string, unknown>);
        times.push(performance.now() - started);
        if (response.statusCode !== 200) throw new Error(`${name}: ${response.statusCode} ${response.body}`);
        selectionPosts = Math.max(
          selectionPosts,
          response.json().totals.posts + response.json().bots.suspectedBotPosts,
        );
      }
      times.sort((a, b) => a - b);
      return {
        name,
        p50: round(percentile(times, 50)),
        p95: round(percentile(times, 95)),
        p99: round(percentile(times, 99)),
        max: round(times.at(-1) ?? Number.NaN),
        mean: round(times.reduce((sum, time) => sum + time, 0) / times.length),
        selectionPosts,
      };
    };

    const own = await measure('own candidate, 30 days, daily, bots in/out alternating', [
      { candidate: 'propio', excludeBots: false },
      { candidate: 'propio', excludeBots: true },
    ]);
    const cases = [
      own,
      await measure('own candidate, 30 days, hourly', [{ candidate: 'propio', granularity: 'hour' }]),
      await measure('smallest rival, 30 days, daily', [{ candidate: 'rival-c' }]),
      await measure('free query "reforma salud", 30 days', [{ query: 'reforma salud' }]),
      await measure('free query "#Tema3", 30 days', [{ query: '#Tema3', excludeBots: true }]),
    ];
    const budgetMs = 300;
    return {
      posts: options.posts,
      requests,
      seedSeconds,
      budgetMs,
      p50: own.p50,
      p95: own.p95,
      withinBudget: own.p95 <= budgetMs,
      cases,
      machine: machine(),
    };
  } finally {
    await dashboard.app.close();
    await core.app.close();
    await infrastructure.close();
  }
}

async function seed(
  pool: import('pg').Pool,
  store: import('../src/shared/post-store.js').PostStore,
  count: number,
): Promise<void> {
  const ids = new Map<string, string>();
  for (const candidate of CANDIDATES) {
    const { rows } = await pool.query<{ id: string }>(
      'INSERT INTO candidates (slug, name, own) VALUES ($1, $2, $3) RETURNING id',
      [candidate.slug, candidate.name, candidate.own],
    );
    ids.set(candidate.slug, rows[0]?.id as string);
  }
  const next = random(2026);
  const authorCount = Math.max(10, Math.round(count / 5));
  const authors: IncomingAuthor[] = Array.from({ length: authorCount }, (_, index) => ({
    id: `u${index}`,
    username: `cuenta_${index}`,
    name: null,
    accountCreatedAt: null,
    description: null,
    location: null,
    url: null,
    profileImageUrl: null,
    protected: null,
    verified: null,
    verifiedType: null,
    followers: Math.floor(next() * 10_000),
    following: Math.floor(next() * 1_000),
    tweets: null,
    listed: null,
  }));
  const now = Date.now();
  const pick = () => {
    let roll = next();
    for (const candidate of CANDIDATES) {
      roll -= candidate.weight;
      if (roll < 0) return candidate.slug;
    }
    return CANDIDATES[0]?.slug as string;
  };
  const posts: IncomingPost[] = [];
  for (let index = 0; index < count; index += 1) {
    const about = new Set([pick()]);
    if (next() < 0.1) about.add(pick());
    const words = Array.from({ length: 8 }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
    const tag = next() < 0.2 ? ` #${TAGS[Math.floor(next() * TAGS.length)]}` : '';
    posts.push({
      id: `b${index}`,
      authorId: `u${Math.floor(next() ** 2 * authorCount)}`,
      text: `Publicación ${index}: ${words}${tag}`,
      postedAt: new Date(now - next() * 30 * DAY_MS),
      lang: 'es',
      likes: Math.floor(next() ** 3 * 500),
      reposts: Math.floor(next() ** 3 * 100),
      replies: Math.floor(next() ** 3 * 50),
      quotes: Math.floor(next() ** 4 * 20),
      source: 'import',
      candidateIds: [...about].map((slug) => ids.get(slug) as string),
    });
  }
  const BATCH = 20_000;
  const save = (someAuthors: IncomingAuthor[], somePosts: IncomingPost[]) =>
    withTransaction(pool, async (client) => {
      await client.query('SET LOCAL statement_timeout = 0');
      await store.save(client, someAuthors, somePosts);
    });
  await save(authors, []);
  for (let start = 0; start < posts.length; start += BATCH) await save([], posts.slice(start, start + BATCH));
  // Every post scored and one author in twenty a suspected bot, as the background analysis leaves
  // them; in one transaction without the service's statement timeout (100,000 rows on a busy box).
  await withTransaction(pool, async (client) => {
    await client.query('SET LOCAL statement_timeout = 0');
    await client.query(
      `UPDATE posts SET sentiment_label = (ARRAY['negative', 'neutral', 'positive'])[1 + abs(hashtext(id)) % 3],
                        sentiment_score = (abs(hashtext(id)) % 1000) / 1000.0, sentiment_model = 'bench@1'`,
    );
    await client.query(
      `UPDATE authors SET bot_likelihood = (abs(hashtext(id)) % 100) / 100.0, bot_suspected = abs(hashtext(id)) % 20 = 0`,
    );
    await client.query(
      'UPDATE posts SET author_suspected_bot = true FROM authors a WHERE a.id = posts.author_id AND a.bot_suspected',
    );
    await client.query('ANALYZE posts, post_candidates, authors');
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { posts: { type: 'string' }, requests: { type: 'string' }, out: { type: 'string' } },
  });
  const result = await benchAnalyze({
    posts: Number(values.posts ?? 100_000),
    requests: Number(values.requests ?? 200),
  });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, json);
  process.stdout.write(json);
  process.exit(0);
}
