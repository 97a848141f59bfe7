/**
 * End-to-end accuracy of the E-14 document pipeline (bench/results/e14-accuracy.json; issue 4 and
 * issue 11, "Tests and measures"): fields that are wrong and not sent to review must be ≤ 0.1 % of
 * the fields (none on the real sheets), and at most ~10 % of sheets should need a person.
 *
 * Everything goes through the real service (production bundle, local recognizer only, the offline
 * default) via POST /api/e14/process; once the queue is empty every stored field is compared with
 * the truth, and a field counts as reviewed when the service opened a review task for it.
 *
 * - Real sheets (accuracy-real.ts, first, and alone with --real-only): every labelled published
 *   sheet, per sheet and in total, with false and missed arithmetic alerts.
 * - Layouts × scan kinds (accuracy-layouts.ts): Presidente sheets of both rounds, regular and
 *   consulate, each scanned 1-bit, gray, colour, low-resolution and as phone photos.
 * - Threshold sweep: second-round 1-bit sheets of one synthetic election (a seed no test or demo
 *   uses, no injected faults: a printed arithmetic mistake would send cells to review for a reason
 *   other than reading), the same PDFs once per review threshold, each in its own election whose
 *   rule configuration sets `confidenceThreshold`.
 * - Senado and Cámara sheets of a second election (list sheets of 5–8 pages, 90–190 cells), once.
 *
 *   npx tsx services/e14-service/bench/accuracy.ts --out bench/results/e14-accuracy.json [--real-only]
 *     [--real-dir DIR] [--sheets N] [--layout-sheets N] [--list-sheets N]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Candidate, E14Submission } from '@castor/contracts';
import { mesaKey } from '@castor/contracts';
import { generateElection, NO_FAULTS } from '@castor/e14-synth';
import { renderSheetPdf, SCAN_KINDS } from '@castor/e14-synth-sheets';
import { createRng } from '@castor/seeded-random';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import pg from 'pg';
import { z } from 'zod';
import { upload } from '../test/support/pipeline-fixtures.js';
import { layoutCorpus, measureLayoutCorpus, uploadLayoutCorpus } from './accuracy-layouts.js';
import { measureRealSheets, realDivipol, realSheets, uploadRealSheets } from './accuracy-real.js';
import { fieldTruths, measure, sheetKey, type Truth, waitForEmptyQueue } from './accuracy-scoring.js';
import { machine, startBenchServices } from './harness.js';

export const accuracyBenchOptionsSchema = z.object({
  out: z.string().min(1).optional(),
  /** Second-round 1-bit sheets read once per review threshold. */
  sheets: z.number().int().min(1).max(5_000).default(100),
  /** Sheets per layout (first/second round × regular/consulate) and scan kind, at the default threshold. */
  layoutSheets: z.number().int().min(0).max(500).default(6),
  seed: z.number().int().min(0).default(4711),
  thresholds: z.array(z.number().min(0).max(1)).min(1).max(6).default([0.7, 0.85, 0.95]),
  /** Senado and Cámara sheets each (list sheets of 5–8 pages), read at the default threshold. */
  listSheets: z.number().int().min(0).max(1_000).default(10),
  /** The labelled published sheets (labels*.json and the files they name): the repository's fixtures. */
  realDir: z.string().min(1).default(E14_REAL_DIR),
  /** Only the real sheets (a minute or two): no synthetic corpus. */
  realOnly: z.boolean().default(false),
});
export type AccuracyBenchOptions = z.input<typeof accuracyBenchOptionsSchema>;

type AccuracyBenchConfig = z.output<typeof accuracyBenchOptionsSchema>;

const LISTS_CODE = 'ACC-LISTS';

/** The Presidente sheets and the Senado and Cámara list sheets, with the truth of every field. */
function syntheticCorpus(options: AccuracyBenchConfig) {
  const election = generateElection({
    seed: options.seed,
    scale: { departamentos: ['01', '16'], mesas: options.sheets },
    corporations: ['PRESIDENTE'],
    presidentialRound: 2,
    faultRates: NO_FAULTS,
    electionCode: 'ACC-SYNTH',
  });
  const submissions = [...election.submissions({ copies: ['delegados'] })].slice(0, options.sheets);
  const lists = generateElection({
    seed: options.seed,
    scale: { departamentos: ['01', '16'], mesas: Math.max(2, options.listSheets) },
    corporations: ['SENADO', 'CAMARA'],
    faultRates: NO_FAULTS,
    electionCode: LISTS_CODE,
  });
  const listSubmissions = (['SENADO', 'CAMARA'] as const).flatMap((corporation) =>
    [...lists.submissions({ copies: ['delegados'] })]
      .filter((submission) => submission.corporation === corporation)
      .slice(0, options.listSheets),
  );
  const truths = new Map(
    [...submissions, ...listSubmissions].map((submission) => [
      sheetKey(mesaKey(submission.mesa), submission.corporation),
      fieldTruths(submission),
    ]),
  );
  return { election, submissions, lists, listSubmissions, truths };
}

type AccuracyCorpus = ReturnType<typeof syntheticCorpus>;

/** A JSON call to the service that must answer 200. */
function serviceCaller(baseUrl: string, token: string) {
  return async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  };
}

/** One election per review threshold (its rules set `confidenceThreshold`), and the list election. */
async function importElections(
  call: ReturnType<typeof serviceCaller>,
  { election, lists, listSubmissions }: AccuracyCorpus,
  codes: readonly string[],
  options: AccuracyBenchConfig,
) {
  for (const [index, code] of codes.entries()) {
    const divipol = { ...election.divipol, election: { ...election.divipol.election, code } };
    await call('POST', '/api/elections/import', divipol);
    await call('PUT', `/api/elections/${code}/rules`, {
      config: { params: { confidenceThreshold: options.thresholds[index] } },
    });
  }
  if (listSubmissions.length > 0) await call('POST', '/api/elections/import', lists.divipol);
}

/**
 * Renders and uploads every sheet; returns the time spent rendering and the sheets drawn with an
 * over-written cell.
 */
async function uploadCorpus(
  baseUrl: string,
  token: string,
  { election, submissions, lists, listSubmissions }: AccuracyCorpus,
  codes: readonly string[],
) {
  let renderMs = 0;
  const overwrittenSheets = new Set<string>();
  const render = async (submission: E14Submission, candidates: readonly Candidate[], rng: string) => {
    const renderStarted = performance.now();
    const { pdf, truth } = await renderSheetPdf(submission, { candidates }, {}, createRng(rng));
    if (truth.fields.some((field) => field.overwritten)) {
      overwrittenSheets.add(sheetKey(mesaKey(submission.mesa), submission.corporation));
    }
    renderMs += performance.now() - renderStarted;
    return pdf;
  };
  const send = async (pdf: Uint8Array, fields: Record<string, string>) => {
    const response = await upload(baseUrl, token, pdf, fields);
    if (response.status !== 202) throw new Error(`upload: ${response.status} ${await response.text()}`);
  };
  // Each sheet is queued in every election as soon as it is rendered, so the service reads
  // while the next one is drawn.
  for (const [index, submission] of submissions.entries()) {
    const pdf = await render(submission, election.divipol.candidates, `accuracy-${index}`);
    for (const code of codes) await send(pdf, { electionCode: code });
  }
  for (const [index, submission] of listSubmissions.entries()) {
    const candidates = lists.divipol.candidates.filter((c) => c.corporation === submission.corporation);
    const pdf = await render(submission, candidates, `accuracy-lists-${index}`);
    await send(pdf, { electionCode: LISTS_CODE, corporation: submission.corporation });
  }
  return { renderMs, overwrittenSheets };
}

async function measureThresholds(
  pool: pg.Pool,
  codes: readonly string[],
  options: AccuracyBenchConfig,
  truths: Map<string, Map<string, Truth>>,
  overwrittenSheets: ReadonlySet<string>,
) {
  const byThreshold = [];
  for (const [index, code] of codes.entries()) {
    byThreshold.push({
      confidenceThreshold: options.thresholds[index],
      ...(await measure(pool, { electionCode: code }, truths, overwrittenSheets)),
    });
  }
  return byThreshold;
}

async function measureListSheets(
  pool: pg.Pool,
  options: AccuracyBenchConfig,
  truths: Map<string, Map<string, Truth>>,
  overwrittenSheets: ReadonlySet<string>,
) {
  const listSheets = [];
  for (const corporation of ['SENADO', 'CAMARA'] as const) {
    if (options.listSheets === 0) break;
    listSheets.push({
      corporation,
      confidenceThreshold: 0.7,
      ...(await measure(pool, { electionCode: LISTS_CODE, corporation }, truths, overwrittenSheets)),
    });
  }
  return listSheets;
}

/** The real section alone: import both rounds' elections, upload every labelled sheet, score it. */
async function runRealSection(
  call: ReturnType<typeof serviceCaller>,
  pool: pg.Pool,
  target: { baseUrl: string; token: string },
  options: AccuracyBenchConfig,
) {
  const sheets = realSheets(options.realDir);
  for (const round of [1, 2] as const) {
    if (sheets.some((sheet) => sheet.round === round))
      await call('POST', '/api/elections/import', realDivipol(sheets, round));
  }
  const started = performance.now();
  const documents = await uploadRealSheets(target.baseUrl, target.token, sheets);
  await waitForEmptyQueue(pool);
  return {
    source: `${options.realDir} (labels*.json: values read by eye)`,
    wallSeconds: Math.round(performance.now() - started) / 1000,
    ...(await measureRealSheets(pool, sheets, documents)),
  };
}

export async function runAccuracyBenchmark(input: AccuracyBenchOptions = {}) {
  const options = accuracyBenchOptionsSchema.parse(input);
  const codes = options.thresholds.map((threshold) => `ACC-${Math.round(threshold * 100)}`);

  const services = await startBenchServices({ E14_FORENSICS_ENABLED: 'false', E14_PIPELINE_POLL_MS: '50' });
  const pool = new pg.Pool({ connectionString: services.e14DatabaseUrl, max: 2 });
  const { baseUrl, token } = services.target;
  const call = serviceCaller(baseUrl, token);
  try {
    // The real sheets first and alone: their figures do not wait behind the synthetic corpus.
    const real = await runRealSection(call, pool, services.target, options);
    const synthetic = options.realOnly ? null : await runSyntheticSection(call, pool, services.target, codes, options);
    const result = {
      benchmark: 'e14-accuracy',
      measuredAt: new Date().toISOString(),
      machine: await machine(),
      real,
      ...synthetic,
      serviceMemory: services.serviceMemory(),
    };
    if (options.out) writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await pool.end();
    await services.close();
  }
}

async function runSyntheticSection(
  call: ReturnType<typeof serviceCaller>,
  pool: pg.Pool,
  { baseUrl, token }: { baseUrl: string; token: string },
  codes: readonly string[],
  options: AccuracyBenchConfig,
) {
  const corpus = syntheticCorpus(options);
  const { submissions, listSubmissions, truths } = corpus;
  const layouts = layoutCorpus(options.seed, options.layoutSheets);
  await importElections(call, corpus, codes, options);
  if (options.layoutSheets > 0) {
    for (const { election } of layouts.elections) await call('POST', '/api/elections/import', election.divipol);
  }
  const started = performance.now();
  const layoutUploads = options.layoutSheets > 0 ? await uploadLayoutCorpus(baseUrl, token, layouts) : null;
  const { renderMs, overwrittenSheets } = await uploadCorpus(baseUrl, token, corpus, codes);
  await waitForEmptyQueue(pool);
  const wallMs = performance.now() - started;
  const byThreshold = await measureThresholds(pool, codes, options, truths, overwrittenSheets);
  const listSheets = await measureListSheets(pool, options, truths, overwrittenSheets);
  const uploaded = submissions.length * codes.length + listSubmissions.length + (layoutUploads?.documents.size ?? 0);
  return {
    corpus: {
      generator: '@castor/e14-synth',
      seed: options.seed,
      faults: 'none',
      layouts: `${options.layoutSheets} Presidente sheets per layout (first/second round × regular/consulate, each its own election, seed ${options.seed}+i) and scan kind (${SCAN_KINDS.join(', ')}), read at the default threshold; consulate sheets are the CÓNSUL/EMBAJADOR copy; photos of the numbered pages (first round: both in one PDF)`,
      thresholdSweep: `${submissions.length} PRESIDENTE second-round 1-bit sheets (the published two-formula layout), read once per threshold`,
      copy: 'delegados',
      listSheets: `${options.listSheets} Senado and ${options.listSheets} Cámara sheets of a second election (same seed), read at the default threshold`,
      render: 'renderSheetPdf defaults (rotation ±3°, scan noise, 5 % over-written cells); rng accuracy-<index>',
      reader: 'local recognizer only (no ANTHROPIC_API_KEY), production bundle via POST /api/e14/process',
      reviewed: 'a field with a review task opened by the service',
    },
    renderSeconds: Math.round(renderMs + (layoutUploads?.renderMs ?? 0)) / 1000,
    wallSeconds: Math.round(wallMs) / 1000,
    documentsPerSecond: Math.round((uploaded / (wallMs / 1000)) * 100) / 100,
    layouts: layoutUploads ? await measureLayoutCorpus(pool, layoutUploads) : null,
    byThreshold,
    listSheets,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      sheets: { type: 'string' },
      'list-sheets': { type: 'string' },
      'layout-sheets': { type: 'string' },
      seed: { type: 'string' },
      thresholds: { type: 'string' },
      'real-dir': { type: 'string' },
      'real-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.error(
      'usage: accuracy.ts [--out <results.json>] [--real-only] [--real-dir <dir>] [--sheets N] [--layout-sheets N] [--list-sheets N] [--seed S] [--thresholds 0.7,0.85,0.95]',
    );
    process.exit(0);
  }
  const result = await runAccuracyBenchmark({
    ...(values.out ? { out: values.out } : {}),
    ...(values.sheets ? { sheets: Number(values.sheets) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(values.thresholds ? { thresholds: values.thresholds.split(',').map(Number) } : {}),
    ...(values['list-sheets'] ? { listSheets: Number(values['list-sheets']) } : {}),
    ...(values['layout-sheets'] ? { layoutSheets: Number(values['layout-sheets']) } : {}),
    ...(values['real-dir'] ? { realDir: values['real-dir'] } : {}),
    realOnly: values['real-only'],
  });
  // The field-by-field lists are in the results file; the console gets the figures.
  console.log(JSON.stringify(result, (key, value) => (key === 'wrongNotReviewedFields' ? undefined : value), 2));
  process.exit(0);
}
