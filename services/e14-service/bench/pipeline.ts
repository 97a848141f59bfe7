/**
 * The E-14 document pipeline benchmark (bench/results/e14-pipeline.json):
 *
 * (a) local stages in pages/s on this machine, against `pdftoppm -r 150` on the same PDFs in the
 *     same run (packages/e14-synth-sheets/bench/e14-local-stages.ts), budget ≥ 50 pages/s;
 * (b) the whole pipeline (durable jobs, read threads, Claude Vision second opinion, fusion,
 *     intake) against a loopback Messages API answering after 2 s: the share of the configured
 *     vision concurrency kept busy (measured at the provider, budget ≥ 0.90), jobs lost and
 *     duplicated (must be 0), peak RSS.
 *
 *   npx tsx services/e14-service/bench/pipeline.ts --out bench/results/e14-pipeline.json [--quick]
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateElection } from '@castor/e14-synth';
import { renderSheetPdf } from '@castor/e14-synth-sheets';
import { runLocalStagesBenchmark } from '@castor/e14-synth-sheets/bench/local-stages';
import { startFakeAnthropic } from '@castor/fake-apis';
import { createRng } from '@castor/seeded-random';
import pg from 'pg';
import type { Histogram } from 'prom-client';
import { z } from 'zod';
import { machine } from '../../../bench/support.js';
import { buildE14App, type E14App } from '../src/app.js';
import { type E14Config, loadE14Config } from '../src/config.js';
import { PRIORITY, sha256Hex } from '../src/features/documents/documents.service.js';
import { importDivipol } from '../src/features/elections/divipol-import.js';

export const pipelineBenchOptionsSchema = z.object({
  out: z.string().min(1).optional(),
  quick: z.boolean().default(false),
  /** Documents through the whole pipeline. */
  documents: z.number().int().min(4).max(5_000).optional(),
  visionConcurrency: z.number().int().min(1).max(256).default(8),
  visionLatencyMs: z.number().int().min(0).max(60_000).default(2_000),
});
export type PipelineBenchOptions = z.input<typeof pipelineBenchOptionsSchema>;

/** Time-weighted mean of requests in flight over [first arrival, last answer], divided by `slots`. */
function busyShare(exchanges: Array<{ receivedAtMs: number; answeredAtMs: number | null }>, slots: number) {
  const done = exchanges.filter((exchange) => exchange.answeredAtMs !== null) as Array<{
    receivedAtMs: number;
    answeredAtMs: number;
  }>;
  if (done.length === 0) return { share: 0, spanMs: 0 };
  const start = Math.min(...done.map((exchange) => exchange.receivedAtMs));
  const end = Math.max(...done.map((exchange) => exchange.answeredAtMs));
  const busyMs = done.reduce((sum, exchange) => sum + (exchange.answeredAtMs - exchange.receivedAtMs), 0);
  return { share: busyMs / (slots * (end - start)), spanMs: end - start };
}

/** A throwaway database beside the one `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) names. */
async function createBenchDatabase() {
  const adminUrl =
    process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `bench_pipeline_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return { admin, database, url };
}

/** The provider answers every page with an (empty) structured reading after the latency. */
function startBlankVisionProvider(latencyMs: number) {
  return startFakeAnthropic({
    latencyMs,
    handler: () => ({
      kind: 'tool_use',
      input: {
        header: {
          departamento: null,
          municipio: null,
          zona: null,
          puesto: null,
          mesa: null,
          corporation: null,
          copy: null,
          barcode: null,
          transmissionCode: null,
          page: null,
          pageCount: null,
        },
        fields: [],
      },
    }),
  });
}

function benchPipelineConfig(options: z.output<typeof pipelineBenchOptionsSchema>, url: URL, anthropicUrl: string) {
  return loadE14Config({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: url.toString(),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    REDIS_KEY_PREFIX: `benchpipe${randomBytes(3).toString('hex')}:`,
    // Nothing in this run is called over HTTP: the documents are queued through the store.
    CORE_SERVICE_URL: 'http://127.0.0.1:9',
    E14_FORENSICS_ENABLED: 'false',
    E14_PIPELINE_AUTOSTART: 'false',
    E14_PIPELINE_VISION_CONCURRENCY: String(options.visionConcurrency),
    E14_PIPELINE_SLOTS: String(options.visionConcurrency * 3),
    E14_PIPELINE_POLL_MS: '50',
    ANTHROPIC_API_KEY: 'sk-bench',
    ANTHROPIC_BASE_URL: anthropicUrl,
  });
}

/** Renders `documents` sheets and queues them as uploads; returns the rendering time in ms. */
async function queueRenderedSheets(e14: E14App, config: E14Config, documents: number) {
  const election = generateElection({
    seed: 7,
    scale: { departamentos: ['01', '16'], municipios: 6, puestos: 24, mesas: documents },
    corporations: ['PRESIDENTE'],
    presidentialRound: 2,
    electionCode: 'BENCH-PIPE',
  });
  await importDivipol(e14.app.pg, election.divipol, 'system:bench');
  const candidates = election.divipol.candidates;
  const sheets = [...election.submissions({ copies: ['delegados'] })].slice(0, documents);
  const renderStarted = performance.now();
  const files: Uint8Array[] = [];
  for (const [index, sheet] of sheets.entries()) {
    files.push((await renderSheetPdf(sheet, { candidates }, { maxRotationDeg: 2 }, createRng(`bench-${index}`))).pdf);
  }
  const renderMs = performance.now() - renderStarted;
  for (const bytes of files) {
    const sha256 = sha256Hex(bytes);
    await e14.pipeline.documents.saveFile(sha256, 'application/pdf', bytes);
    await e14.pipeline.documents.addFile({
      kind: 'upload',
      electionCode: 'BENCH-PIPE',
      corporation: null,
      mesaKey: null,
      copy: null,
      originUrl: null,
      sha256,
      priority: PRIORITY.upload,
      maxAttempts: config.E14_PIPELINE_MAX_ATTEMPTS,
      submittedBy: 'system:bench',
    });
  }
  return renderMs;
}

/** Starts the pipeline and waits until no document is queued or processing. */
async function drainPipeline(e14: E14App) {
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);
  const started = performance.now();
  e14.pipeline.start();
  for (;;) {
    const open = await e14.app.pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM e14_documents WHERE state IN ('queued', 'processing')`,
    );
    if (open.rows[0]?.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  return { wallMs, peakRss };
}

async function documentCounts(e14: E14App) {
  const counts = await e14.app.pg.query<{
    done: number;
    other: number;
    forms: number;
    distinct_forms: number;
    vision: number;
  }>(
    `SELECT (SELECT count(*)::int FROM e14_documents WHERE state = 'done') AS done,
            (SELECT count(*)::int FROM e14_documents WHERE state IN ('failed', 'dead')) AS other,
            (SELECT count(*)::int FROM e14_forms) AS forms,
            (SELECT count(DISTINCT form_id)::int FROM e14_documents) AS distinct_forms,
            (SELECT count(*)::int FROM e14_documents WHERE reading->>'vision' = 'used') AS vision`,
  );
  return counts.rows[0];
}

/** Count and mean duration of each pipeline stage, from the `e14_pipeline_stage_seconds` histogram. */
async function stageMeans(e14: E14App) {
  const stageSeconds = await (
    e14.app.metrics.getSingleMetric('e14_pipeline_stage_seconds') as Histogram<string> | undefined
  )?.get();
  const stages: Record<string, { count: number; meanMs: number }> = {};
  for (const value of stageSeconds?.values ?? []) {
    const stage = String(value.labels.stage);
    stages[stage] ??= { count: 0, meanMs: 0 };
    const entry = stages[stage];
    if (value.metricName?.endsWith('_count')) entry.count = value.value;
    if (value.metricName?.endsWith('_sum')) entry.meanMs = value.value * 1000;
  }
  for (const entry of Object.values(stages)) entry.meanMs = Math.round(entry.meanMs / Math.max(1, entry.count));
  return stages;
}

async function pipelineRun(options: z.output<typeof pipelineBenchOptionsSchema>) {
  const documents = options.documents ?? (options.quick ? 16 : 96);
  const { admin, database, url } = await createBenchDatabase();
  const anthropic = await startBlankVisionProvider(options.visionLatencyMs);
  const config = benchPipelineConfig(options, url, anthropic.url);
  const e14 = await buildE14App(config, { logger: false });
  await e14.app.ready();
  try {
    const renderMs = await queueRenderedSheets(e14, config, documents);
    const { wallMs, peakRss } = await drainPipeline(e14);
    const row = await documentCounts(e14);
    const stages = await stageMeans(e14);
    const outcomes = await e14.app.pg.query<{ state: string; code: string | null; n: number }>(
      'SELECT state, error_code AS code, count(*)::int AS n FROM e14_documents GROUP BY 1, 2 ORDER BY 1, 2',
    );
    const messages = anthropic.requests.filter((exchange) => exchange.path.startsWith('/v1/messages'));
    const busy = busyShare(messages, options.visionConcurrency);
    return {
      documents,
      visionConcurrency: options.visionConcurrency,
      visionLatencyMs: options.visionLatencyMs,
      slots: config.E14_PIPELINE_SLOTS,
      readThreads: (await e14.pipeline.status()).worker.readThreads,
      renderSeconds: Math.round(renderMs) / 1000,
      wallSeconds: Math.round(wallMs) / 1000,
      documentsPerSecond: Math.round((documents / (wallMs / 1000)) * 100) / 100,
      idealDocumentsPerSecond: options.visionConcurrency / (options.visionLatencyMs / 1000),
      providerBusyShare: Math.round(busy.share * 1000) / 1000,
      providerBusyBudget: 0.9,
      providerMaxInFlight: anthropic.maxInFlight,
      providerRequests: messages.length,
      readWithVision: row?.vision ?? 0,
      stages,
      outcomes: outcomes.rows,
      // Lost: a queued document that never reached a final state (done, or refused with a code).
      jobsLost: documents - (row?.done ?? 0) - (row?.other ?? 0),
      jobsDuplicated: (row?.forms ?? 0) - (row?.distinct_forms ?? 0),
      formsStored: row?.forms ?? 0,
      peakRssWhilePipelineMb: Math.round(peakRss / 1_048_576),
    };
  } finally {
    await e14.app.close();
    await anthropic.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

export async function runPipelineBenchmark(input: PipelineBenchOptions = {}) {
  const options = pipelineBenchOptionsSchema.parse(input);
  const localOut = join(tmpdir(), `e14-local-${randomBytes(4).toString('hex')}.json`);
  const local = await runLocalStagesBenchmark({
    out: localOut,
    synthetic: options.quick ? 12 : 60,
    passes: options.quick ? 2 : 3,
  });
  rmSync(localOut, { force: true });
  const pipeline = await pipelineRun(options);
  const result = {
    benchmark: 'e14-pipeline',
    measuredAt: new Date().toISOString(),
    quick: options.quick,
    machine: machine(),
    localStages: {
      pagesPerSecond: local.localStages.pagesPerSecond,
      budgetPagesPerSecond: local.localStages.budgetPagesPerSecond,
      pdftoppm150PagesPerSecond: local.pdftoppm150.pagesPerSecond,
      ratioToPdftoppm: local.ratioToPdftoppm,
      recognizer: local.localStages.recognizer,
      corpus: local.corpus,
      stagesPerPage: local.localStages.stagesPerPage,
      accuracy: local.localStages.accuracy,
    },
    pipeline,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  if (options.out) writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      quick: { type: 'boolean', default: false },
      documents: { type: 'string' },
      'vision-concurrency': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const { out } = values;
  if (!out || values.help) {
    console.error('usage: pipeline.ts --out <results.json> [--quick] [--documents N] [--vision-concurrency C]');
    process.exit(out ? 0 : 2);
  }
  const result = await runPipelineBenchmark({
    out,
    quick: values.quick,
    ...(values.documents ? { documents: Number(values.documents) } : {}),
    ...(values['vision-concurrency'] ? { visionConcurrency: Number(values['vision-concurrency']) } : {}),
  });
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
