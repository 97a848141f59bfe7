/**
 * `pnpm bench [name ...]`: runs the benchmarks one after another, each in its own process so that
 * one's memory and warm caches never colour another's figures, and each writes its
 * bench/results/<name>.json (figures as ratios to a reference measured in the same run).
 * With no name, all of them run (about 5 minutes on a quiet 2-core machine, plus about 9 for
 * e14-learning, which renders and reads some 550 sheets and fine-tunes 7 models). PostgreSQL and
 * Redis come from TEST_DATABASE_URL and REDIS_URL, else an embedded server and a redis-server
 * started here for the whole run, so every benchmark measures against real ones.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchInfrastructure } from './infrastructure.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

interface Benchmark {
  name: string;
  script: string;
  args?: string[];
}

/** Adding a benchmark is one entry here. */
const BENCHMARKS: Benchmark[] = [
  { name: 'core', script: 'bench/core.ts' },
  { name: 'e14-rules', script: 'services/e14-service/bench/rules.ts' },
  { name: 'e14-scale', script: 'services/e14-service/bench/scale.ts' },
  {
    name: 'e14-pipeline',
    script: 'services/e14-service/bench/pipeline.ts',
    args: ['--out', 'bench/results/e14-pipeline.json'],
  },
  {
    name: 'e14-abuse',
    script: 'services/e14-service/bench/abuse.ts',
    args: ['--out', 'bench/results/e14-abuse.json'],
  },
  {
    name: 'e14-accuracy',
    script: 'services/e14-service/bench/accuracy.ts',
    args: ['--out', 'bench/results/e14-accuracy.json'],
  },
  {
    name: 'e14-training',
    script: 'services/e14-service/bench/training.ts',
    args: ['--out', 'bench/results/e14-training.json'],
  },
  {
    name: 'e14-learning',
    script: 'packages/e14-synth-sheets/bench/learning-curve.ts',
    args: ['--out', 'bench/results/e14-learning.json'],
  },
  { name: 'dashboard-nlp', script: 'services/dashboard-ia/bench/nlp.ts' },
  { name: 'dashboard-rag', script: 'services/dashboard-ia/bench/rag.ts' },
  { name: 'vector-stores', script: 'services/dashboard-ia/bench/vector-stores.ts' },
  { name: 'web', script: 'services/web/bench/web.ts' },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')}\n`,
  );
  process.exit(2);
}

const infrastructure = await benchInfrastructure();
const env = { ...process.env, TEST_DATABASE_URL: infrastructure.adminUrl, REDIS_URL: infrastructure.redisUrl };
const failed: string[] = [];
for (const benchmark of BENCHMARKS) {
  if (wanted.length > 0 && !wanted.includes(benchmark.name)) continue;
  if (!existsSync(resolve(root, benchmark.script))) {
    process.stderr.write(`${benchmark.name}: ${benchmark.script} does not exist\n`);
    failed.push(benchmark.name);
    continue;
  }
  process.stdout.write(`\n==> ${benchmark.name} (${benchmark.script})\n`);
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', benchmark.script, ...(benchmark.args ?? [])], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (run.status === 0) {
    process.stdout.write(`==> ${benchmark.name}: bench/results/${benchmark.name}.json written in ${seconds} s\n`);
  } else {
    process.stderr.write(`==> ${benchmark.name} failed (exit ${run.status ?? run.signal}) after ${seconds} s\n`);
    failed.push(benchmark.name);
  }
}
await infrastructure.close();
if (failed.length > 0) {
  process.stderr.write(`\nfailed: ${failed.join(', ')}\n`);
  process.exit(1);
}
