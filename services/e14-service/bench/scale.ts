/**
 * National-scale benchmark (bench/results/e14-scale.json): import a generated 120,000-mesa
 * election and submit every mesa's E-14 through the batch intake over HTTP (validation, fields,
 * reconciliation, rollups, alerts and audit included), with the service in its own process and
 * the forensic worker running; then time results queries with all mesas in, and compare the
 * intake with PostgreSQL COPY of the same rows in the same run.
 * Run from the repo root: `npx tsx services/e14-service/bench/scale.ts --help` for the options.
 */
import { writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { generateElection } from '@castor/e14-synth';
import { loadElection } from '@castor/e14-synth-sheets/demo';
import { createRedis } from '@castor/service-kit';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { machine, percentile, startBenchServices, waitForForensics } from './harness.js';

const USAGE = `Usage: npx tsx services/e14-service/bench/scale.ts [options]
  --mesas N        mesas in the generated election (default 120000, the national scale)
  --concurrency N  batch requests in flight (default 2)
  --batch N        sheets per batch request (default 1000)
  --out PATH       where to write the JSON result (default bench/results/e14-scale.json; "-" = stdout only)
  --cpu-prof DIR   write a V8 CPU profile of the service process into DIR (node --cpu-prof)
Environment: BENCH_DATABASE_URL or TEST_DATABASE_URL (a server where it may CREATE DATABASE), REDIS_URL.
`;
if (process.argv.includes('--help')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const option = (name: string) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const argument = (name: string, fallback: number) => {
  const value = option(name);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    process.stderr.write(`${name} takes a positive integer\n${USAGE}`);
    process.exit(2);
  }
  return number;
};
const mesas = argument('--mesas', 120_000);
const concurrency = argument('--concurrency', 2);
const batchSize = argument('--batch', 1_000);
const out = option('--out') ?? new URL('../../../bench/results/e14-scale.json', import.meta.url);
const QUERIES = 200;

const generationStarted = performance.now();
const election = generateElection({
  seed: 14,
  scale: mesas === 120_000 ? 'national' : { mesas },
  corporations: ['PRESIDENTE'],
  presidentialRound: 2,
  electionCode: 'BENCH-NACIONAL',
});
const generationMs = performance.now() - generationStarted;
const profileDir = option('--cpu-prof');
const services = await startBenchServices({}, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
const idleMemory = services.serviceMemory();
const load = await loadElection(services.target, election, { batchSize, concurrency, official: false });
const intakeSeconds = (load.milliseconds.divipol + load.milliseconds.sheets) / 1000;
const loadMemory = services.serviceMemory();

const pool = new pg.Pool({ connectionString: services.e14DatabaseUrl, max: 2 });
const counts = (
  await pool.query<{ forms: string; fields: string; audit: string; alerts: string }>(
    `SELECT (SELECT count(*) FROM e14_forms) AS forms, (SELECT count(*) FROM e14_fields) AS fields,
            (SELECT count(*) FROM audit_log) AS audit, (SELECT count(*) FROM alerts) AS alerts`,
  )
).rows[0];
const forensicsSeconds = await waitForForensics(pool);
const municipiosAnalysed = Number(
  (await pool.query<{ n: string }>('SELECT count(*) AS n FROM municipio_forensics')).rows[0]?.n,
);

// Reference: COPY the very rows the intake wrote (forms and fields) into empty tables with the same
// indexes and constraints, in this run, on this machine.
async function copyReference(): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query(
      'CREATE TABLE copy_forms (LIKE e14_forms INCLUDING ALL); CREATE TABLE copy_fields (LIKE e14_fields INCLUDING ALL)',
    );
    const exported: Record<string, Buffer[]> = { e14_forms: [], e14_fields: [] };
    for (const [table, chunks] of Object.entries(exported)) {
      for await (const chunk of client.query(copyTo(`COPY ${table} TO STDOUT`))) chunks.push(chunk as Buffer);
    }
    const started = performance.now();
    for (const [table, target] of [
      ['e14_forms', 'copy_forms'],
      ['e14_fields', 'copy_fields'],
    ] as const) {
      await pipeline(
        async function* () {
          yield* exported[table] ?? [];
        },
        client.query(copyFrom(`COPY ${target} FROM STDIN`)),
      );
    }
    return performance.now() - started;
  } finally {
    await client.query('DROP TABLE IF EXISTS copy_forms, copy_fields').catch(() => undefined);
    client.release();
  }
}
const copyMs = await copyReference();

const electionId = (
  await pool.query<{ id: number }>('SELECT id FROM elections WHERE code = $1', [election.options.electionCode])
).rows[0]?.id;
// "Uncached" bumps the results version in Redis before each request, as a stored sheet does.
const redis =
  process.env.REDIS_URL && services.redisPrefix ? createRedis(process.env.REDIS_URL, services.redisPrefix) : null;
if (redis) await new Promise((resolve) => redis.once('ready', resolve));

async function timeQueries(territory: string, cached: boolean) {
  const timings: number[] = [];
  for (let index = 0; index < QUERIES; index += 1) {
    if (!cached && redis) await redis.incr(`results:v:${electionId}:PRESIDENTE`);
    const started = performance.now();
    const response = await fetch(
      new URL(
        `/api/results?election=${election.options.electionCode}&corporation=PRESIDENTE&territory=${territory}`,
        services.target.baseUrl,
      ),
      { headers: { authorization: `Bearer ${services.target.token}` } },
    );
    await response.arrayBuffer();
    timings.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`results ${territory} answered ${response.status}`);
  }
  return { p50: percentile(timings, 50), p95: percentile(timings, 95), max: Math.max(...timings) };
}
// Bogotá (the municipio with the most mesas) when present.
const departamento =
  election.divipol.departamentos.find((item) => item.code === '16') ?? election.divipol.departamentos[0];
const municipio = departamento?.municipios[0];
const territories = {
  nacional: '',
  departamento: departamento?.code ?? '',
  municipio: `${departamento?.code}-${municipio?.code}`,
};
const queries: Record<string, unknown> = {};
for (const [level, code] of Object.entries(territories)) {
  queries[level] = {
    territory: code,
    ...(redis ? { uncached: await timeQueries(code, false) } : {}),
    cached: await timeQueries(code, true),
  };
}
redis?.disconnect();
const verifyStarted = performance.now();
const verify = (await (
  await fetch(new URL('/api/audit/verify', services.target.baseUrl), {
    headers: { authorization: `Bearer ${services.target.token}` },
  })
).json()) as { entries: number; ok: boolean };
const verifyMs = performance.now() - verifyStarted;

const result = {
  benchmark: 'e14-scale',
  measuredAt: new Date().toISOString(),
  machine: await machine(),
  election: {
    mesas: election.counts.mesas,
    puestos: election.counts.puestos,
    municipios: election.counts.municipios,
    corporations: ['PRESIDENTE'],
    generationSeconds: generationMs / 1000,
  },
  intake: {
    path: `HTTP POST /api/e14/process-v2/batch, ${batchSize.toLocaleString('en')} sheets per request, ${concurrency} in flight, service in its own process: validation, fields, review tasks, alerts, reconciliation, rollups, audit chain per batch transaction; forensic worker running`,
    divipolImportSeconds: load.milliseconds.divipol / 1000,
    sheetsSeconds: load.milliseconds.sheets / 1000,
    totalSeconds: intakeSeconds,
    budgetSeconds: 60,
    withinBudget: intakeSeconds <= 60,
    sheetsPerSecond: load.sheets / (load.milliseconds.sheets / 1000),
    stored: load.stored,
    rejected: load.rejected,
    confirmedAsPrinted: load.confirmedAsPrinted,
    rowsWritten: {
      forms: Number(counts?.forms),
      fields: Number(counts?.fields),
      auditEntries: Number(counts?.audit),
      alerts: Number(counts?.alerts),
    },
  },
  copyReference: {
    what: 'COPY FROM STDIN of the same e14_forms and e14_fields rows into empty tables with the same indexes, same run',
    seconds: copyMs / 1000,
    intakeToCopyRatio: load.milliseconds.sheets / copyMs,
  },
  resultsQueries: {
    requestsPerCase: QUERIES,
    budgetP95Ms: 50,
    note: 'HTTP, sequential, all mesas in; uncached = results version bumped in Redis before each request',
    ...queries,
  },
  forensics: {
    what: 'background worker (debounced per municipio) running during the load; seconds to drain its queue after the last sheet',
    municipiosAnalysed,
    drainSecondsAfterLoad: forensicsSeconds,
  },
  auditVerify: { entries: verify.entries, ok: verify.ok, seconds: verifyMs / 1000 },
  serviceMemoryMiB: {
    idle: idleMemory.rssMiB,
    afterLoad: loadMemory.rssMiB,
    peak: services.serviceMemory().peakRssMiB,
    budget: { idle: 200, underLoad: 512 },
  },
};
if (out !== '-') writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
await pool.end();
await services.close();
