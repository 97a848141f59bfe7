/**
 * dashboard-ia's benchmark (bench/results/dashboard-nlp.json), each figure beside a reference
 * measured in the same run:
 * - sentiment quality: the offline model's macro-F1 and per-class F1 on SentiMP-21's held-out split
 *   (never trained on), with the multilang-sentiment lexicon baseline on the same posts;
 * - sentiment speed: offline posts/s on the synthetic conversation's posts, with multilang-sentiment's;
 * - the service from its production bundle in its own process: idle memory, an import of 100,000
 *   posts through POST /api/media/import, the background scoring, then POST /api/media/analyze
 *   over them (p50/p95), and the peak memory.
 * Run from the repository root: `pnpm bench dashboard-nlp`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEMO_CANDIDATES, generateConversation, toImportCsv } from '@castor/conversation-synth';
import {
  type Evaluation,
  evaluate,
  loadSentimentModel,
  parseSentimp,
  SENTIMENT_LABELS,
  sentimpCsvPath,
  sentimpSplit,
} from '@castor/sentiment-es';
import { baselineLabels } from '@castor/sentiment-es/baseline';
import pg from 'pg';
import { startBenchService } from '../../../bench/service-harness.js';
import { machine } from '../../../bench/support.js';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const out = new URL('../../../bench/results/dashboard-nlp.json', import.meta.url);
const STORED_POSTS = Number(process.env.BENCH_DASHBOARD_POSTS ?? 100_000);
const ANALYZE_REQUESTS = 200;

const round = (value: number, digits = 3) => Number(value.toFixed(digits));
const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const quality = (evaluation: Evaluation) => ({
  macroF1: round(evaluation.macroF1),
  accuracy: round(evaluation.accuracy),
  perClassF1: Object.fromEntries(SENTIMENT_LABELS.map((label) => [label, round(evaluation.perClass[label].f1)])),
});

async function sentimentQuality() {
  const { test } = sentimpSplit(parseSentimp(readFileSync(sentimpCsvPath(), 'utf8')));
  const model = await loadSentimentModel();
  const actual = test.map((post) => post.label);
  const texts = test.map((post) => post.text);
  const offline = evaluate(
    actual,
    model.score(texts).map((score) => score.label),
  );
  const baseline = evaluate(actual, baselineLabels(texts));
  return {
    data: `SentiMP-21 held-out split (${test.length} posts, never trained on)`,
    model: { name: model.modelName, version: model.modelVersion, ...quality(offline) },
    reference: { name: 'multilang-sentiment 2.0.0 (lexicon)', ...quality(baseline) },
    macroF1RatioToReference: round(offline.macroF1 / baseline.macroF1),
    budget: { macroF1: { min: 0.55, met: offline.macroF1 >= 0.55 } },
  };
}

/** Seconds of this process's CPU time `run` takes: a shared machine's other loads stay out of it. */
function cpuSeconds(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

async function sentimentSpeed() {
  const texts = generateConversation({ seed: 'bench-speed', days: 7, postsPerDay: 3_000 }).posts.map(
    (post) => post.text,
  );
  const model = await loadSentimentModel();
  model.score(texts.slice(0, 2_000)); // warm-up: JIT and lexicon caches
  const offline = texts.length / cpuSeconds(() => model.score(texts));
  // The reference is slow (a fuzzy look-up per unknown word): a tenth of the posts is enough.
  const referenceTexts = texts.slice(0, Math.floor(texts.length / 10));
  baselineLabels(referenceTexts.slice(0, 200));
  const baseline = referenceTexts.length / cpuSeconds(() => baselineLabels(referenceTexts));
  return {
    posts: texts.length,
    method: 'in-process, one core, posts per second of CPU time on the synthetic conversation after a warm-up',
    offlinePostsPerSecond: Math.round(offline),
    reference: {
      name: 'multilang-sentiment 2.0.0',
      posts: referenceTexts.length,
      postsPerSecond: Math.round(baseline),
    },
    ratioToReference: round(offline / baseline),
    budget: { postsPerSecond: { min: 5_000, met: offline >= 5_000 } },
  };
}

async function serviceFigures() {
  const service = await startBenchService({
    serviceDir,
    name: 'dashboard',
    env: { RATE_LIMIT_DASHBOARD_READ: '100000000/minute', DASHBOARD_IMPORT_BODY_LIMIT_MB: '256' },
  });
  const pool = new pg.Pool({ connectionString: service.databaseUrl, max: 2 });
  try {
    // Idle: listening, migrated, models loaded, nothing asked yet.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idle = service.serviceMemory();
    const headers = { authorization: `Bearer ${service.target.token}` };
    for (const { mentions: _m, weight: _w, tone: _t, ...candidate } of DEMO_CANDIDATES) {
      const created = await fetch(`${service.target.baseUrl}/api/campaign/candidates`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(candidate),
      });
      if (!created.ok) throw new Error(`candidate not created: ${created.status} ${await created.text()}`);
    }
    const end = new Date();
    const conversation = generateConversation({ seed: 'bench-store', end, days: 42, postsPerDay: STORED_POSTS / 42 });
    const csv = toImportCsv(conversation.posts);
    const importStarted = performance.now();
    const imported = await fetch(`${service.target.baseUrl}/api/media/import`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/csv' },
      body: csv,
    });
    if (!imported.ok) throw new Error(`import failed: ${imported.status} ${await imported.text()}`);
    const importSeconds = (performance.now() - importStarted) / 1000;
    // The peak (VmHWM) only grows: read after each phase, it shows which phase set it.
    const peakAfter: Record<string, number> = { import: service.serviceMemory().peakRssMiB };
    const scoringStarted = performance.now();
    for (;;) {
      const { rows } = await pool.query<{ left: number }>(
        'SELECT count(*)::int AS left FROM posts WHERE sentiment_label IS NULL',
      );
      if (rows[0]?.left === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const scoringSeconds = (performance.now() - scoringStarted) / 1000;
    peakAfter.scoring = service.serviceMemory().peakRssMiB;

    // Every candidate, with and without bots, by day and by hour, over 30 days and over the whole period.
    const from = conversation.period.from.toISOString();
    const variants = DEMO_CANDIDATES.flatMap((candidate) =>
      [false, true].flatMap((excludeBots) => [
        { candidate: candidate.slug, excludeBots },
        { candidate: candidate.slug, excludeBots, from, to: end.toISOString(), granularity: 'week' },
        {
          candidate: candidate.slug,
          excludeBots,
          granularity: 'hour',
          from: new Date(end.getTime() - 7 * 86_400_000).toISOString(),
          to: end.toISOString(),
        },
      ]),
    );
    const analyze = async (body: object) => {
      const started = performance.now();
      const response = await fetch(`${service.target.baseUrl}/api/media/analyze`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`analyze failed: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      return performance.now() - started;
    };
    for (const variant of variants) await analyze(variant);
    const timings: number[] = [];
    for (let index = 0; index < ANALYZE_REQUESTS; index += 1)
      timings.push(await analyze(variants[index % variants.length] as object));
    peakAfter.analyze = service.serviceMemory().peakRssMiB;
    // Trending over the same posts: each window ending now, overall and for the own candidate.
    const trendingTimings: Record<string, number[]> = {};
    for (const window of ['1h', '6h', '24h', '7d']) {
      for (const candidate of [undefined, 'cifuentes']) {
        const key = `${window} ${candidate ?? 'overall'}`;
        trendingTimings[key] = [];
        for (let index = 0; index < 12; index += 1) {
          const started = performance.now();
          const query = new URLSearchParams({ window, ...(candidate ? { candidate } : {}) });
          const response = await fetch(`${service.target.baseUrl}/api/campaign/trending?${query}`, { headers });
          if (!response.ok) throw new Error(`trending failed: ${response.status} ${await response.text()}`);
          await response.arrayBuffer();
          // The first request of each case warms the per-process term cache; it is not counted.
          if (index > 0) trendingTimings[key]?.push(performance.now() - started);
        }
      }
    }
    const loaded = service.serviceMemory();
    peakAfter.trending = loaded.peakRssMiB;
    const p95 = percentile(timings, 95);
    return {
      storedPosts: conversation.posts.length,
      import: {
        seconds: round(importSeconds, 1),
        postsPerSecond: Math.round(conversation.posts.length / importSeconds),
        csvMB: round(csv.length / 1e6, 1),
      },
      backgroundScoring: {
        seconds: round(scoringSeconds, 1),
        postsPerSecond: Math.round(conversation.posts.length / scoringSeconds),
      },
      analyze: {
        requests: ANALYZE_REQUESTS,
        method: `sequential POST /api/media/analyze over HTTP, ${variants.length} variants (4 candidates × with/without bots × day/week/hour), after one warm-up pass`,
        p50Ms: round(percentile(timings, 50), 1),
        p95Ms: round(p95, 1),
        budget: { p95Ms: { max: 300, met: p95 <= 300 } },
      },
      trending: {
        method: 'sequential GET /api/campaign/trending over HTTP, 11 requests per case after one warm-up request',
        p95Ms: Object.fromEntries(
          Object.entries(trendingTimings).map(([key, values]) => [key, round(percentile(values, 95), 1)]),
        ),
      },
      memory: {
        idleRssMiB: idle.rssMiB,
        peakRssMiB: loaded.peakRssMiB,
        peakRssMiBAfter: peakAfter,
        budget: {
          idleRssMiB: { max: 200, met: idle.rssMiB <= 200 },
          peakRssMiB: { max: 512, met: loaded.peakRssMiB <= 512 },
        },
      },
    };
  } finally {
    await pool.end();
    await service.close();
  }
}

const result = {
  benchmark: 'dashboard-nlp',
  date: new Date().toISOString(),
  machine: machine(),
  sentimentQuality: await sentimentQuality(),
  sentimentSpeed: await sentimentSpeed(),
  service: await serviceFigures(),
};
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
