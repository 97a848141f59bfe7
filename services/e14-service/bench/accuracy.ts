/**
 * End-to-end accuracy of the E-14 document pipeline on a synthetic held-out set
 * (bench/results/e14-accuracy.json; issue 4, "Tests and measures"): fields that are wrong and
 * not sent to review must be ≤ 0.1 % of the fields, and at most ~10 % of sheets should need a
 * person.
 *
 * Presidente sheets of a synthetic election (a seed no test or demo uses, no injected faults: a
 * printed arithmetic mistake would send cells to review for a reason other than reading) are
 * rendered with the renderer's default scan noise, rotation and over-writing, and uploaded to the
 * real service (production bundle, local recognizer only, the offline default) through
 * POST /api/e14/process. Once the queue is empty, every stored field is compared with the truth;
 * a field counts as reviewed when the service opened a review task for it. The same PDFs go
 * through once per review threshold, each in its own election whose rule configuration sets
 * `confidenceThreshold` (the value the pipeline and intake apply). Senado and Cámara sheets of a
 * second election (list sheets of 5–8 pages, 90–190 cells) go through once, at the default.
 *
 *   npx tsx services/e14-service/bench/accuracy.ts --out bench/results/e14-accuracy.json [--sheets N]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Candidate, E14Submission } from '@castor/contracts';
import { mesaKey } from '@castor/contracts';
import { generateElection, NO_FAULTS } from '@castor/e14-synth';
import { renderSheetPdf } from '@castor/e14-synth-sheets';
import { createRng } from '@castor/seeded-random';
import pg from 'pg';
import { z } from 'zod';
import { upload } from '../test/support/pipeline-fixtures.js';
import {
  fieldTruths,
  type StoredField,
  sheetKey,
  summariseTally,
  type Truth,
  tallyFields,
} from './accuracy-scoring.js';
import { machine, startBenchServices } from './harness.js';

export const accuracyBenchOptionsSchema = z.object({
  out: z.string().min(1).optional(),
  sheets: z.number().int().min(1).max(5_000).default(500),
  seed: z.number().int().min(0).default(4711),
  thresholds: z.array(z.number().min(0).max(1)).min(1).max(6).default([0.7, 0.85, 0.95]),
  /** Senado and Cámara sheets each (list sheets of 5–8 pages), read at the default threshold. */
  listSheets: z.number().int().min(0).max(1_000).default(40),
});
export type AccuracyBenchOptions = z.input<typeof accuracyBenchOptionsSchema>;

type AccuracyBenchConfig = z.output<typeof accuracyBenchOptionsSchema>;

const LISTS_CODE = 'ACC-LISTS';

/** What became of one election's documents (or one corporation's), and the figures of its stored fields. */
async function measure(
  pool: pg.Pool,
  electionCode: string,
  truths: Map<string, Map<string, Truth>>,
  overwrittenSheets: ReadonlySet<string>,
  corporation: string | null = null,
) {
  const documents = await pool.query<{ state: string; error_code: string | null; n: number }>(
    `SELECT state, error_code, count(*)::int AS n FROM e14_documents
     WHERE election_code = $1 AND ($2::text IS NULL OR corporation = $2) GROUP BY 1, 2 ORDER BY 1, 2`,
    [electionCode, corporation],
  );
  const rows = await pool.query<StoredField>(
    `SELECT d.mesa_key, f.corporation, f.id::int AS form_id, f.status AS form_status, x.path,
            ARRAY(SELECT DISTINCT r->>'rule' FROM jsonb_array_elements(f.findings) r
                  WHERE r->>'severity' IN ('high', 'critical')) AS failed_rules, x.state, x.value, x.confidence,
            x.overwritten, t.reason AS task_reason,
            (SELECT r->>'review' FROM jsonb_array_elements(d.reading->'fields') r WHERE r->>'path' = x.path) AS reading_review
     FROM e14_documents d
     JOIN e14_forms f ON f.id = d.form_id
     JOIN e14_fields x ON x.form_id = f.id
     LEFT JOIN review_tasks t ON t.form_id = f.id AND t.field_path = x.path
     WHERE d.election_code = $1 AND d.state = 'done' AND ($2::text IS NULL OR f.corporation = $2)`,
    [electionCode, corporation],
  );
  return { documents: documents.rows, ...summariseTally(tallyFields(rows.rows, truths), overwrittenSheets) };
}

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
    scale: { departamentos: ['01', '16'], mesas: Math.max(1, options.listSheets) },
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

async function waitForEmptyQueue(pool: pg.Pool) {
  for (;;) {
    const open = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM e14_documents WHERE state IN ('queued', 'processing')`,
    );
    if (open.rows[0]?.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
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
      ...(await measure(pool, code, truths, overwrittenSheets)),
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
      ...(await measure(pool, LISTS_CODE, truths, overwrittenSheets, corporation)),
    });
  }
  return listSheets;
}

export async function runAccuracyBenchmark(input: AccuracyBenchOptions = {}) {
  const options = accuracyBenchOptionsSchema.parse(input);
  const corpus = syntheticCorpus(options);
  const { submissions, listSubmissions, truths } = corpus;
  const codes = options.thresholds.map((threshold) => `ACC-${Math.round(threshold * 100)}`);

  const services = await startBenchServices({ E14_FORENSICS_ENABLED: 'false', E14_PIPELINE_POLL_MS: '50' });
  const pool = new pg.Pool({ connectionString: services.e14DatabaseUrl, max: 2 });
  const { baseUrl, token } = services.target;
  const call = serviceCaller(baseUrl, token);
  try {
    await importElections(call, corpus, codes, options);
    const started = performance.now();
    const { renderMs, overwrittenSheets } = await uploadCorpus(baseUrl, token, corpus, codes);
    await waitForEmptyQueue(pool);
    const wallMs = performance.now() - started;
    const byThreshold = await measureThresholds(pool, codes, options, truths, overwrittenSheets);
    const listSheets = await measureListSheets(pool, options, truths, overwrittenSheets);
    const result = {
      benchmark: 'e14-accuracy',
      measuredAt: new Date().toISOString(),
      machine: await machine(),
      corpus: {
        generator: '@castor/e14-synth',
        seed: options.seed,
        faults: 'none',
        corporation: 'PRESIDENTE (second round, the published two-formula layout)',
        copy: 'delegados',
        sheets: submissions.length,
        listSheets: `${options.listSheets} Senado and ${options.listSheets} Cámara sheets of a second election (same seed), read at the default threshold`,
        render: 'renderSheetPdf defaults (rotation ±3°, scan noise, 5 % over-written cells); rng accuracy-<index>',
        reader: 'local recognizer only (no ANTHROPIC_API_KEY), production bundle via POST /api/e14/process',
        reviewed: 'a field with a review task opened by the service',
      },
      renderSeconds: Math.round(renderMs) / 1000,
      wallSeconds: Math.round(wallMs) / 1000,
      documentsPerSecond:
        Math.round(((submissions.length * codes.length + listSubmissions.length) / (wallMs / 1000)) * 100) / 100,
      byThreshold,
      listSheets,
      serviceMemory: services.serviceMemory(),
    };
    if (options.out) writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await pool.end();
    await services.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      sheets: { type: 'string' },
      'list-sheets': { type: 'string' },
      seed: { type: 'string' },
      thresholds: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.error(
      'usage: accuracy.ts [--out <results.json>] [--sheets N] [--list-sheets N] [--seed S] [--thresholds 0.7,0.85,0.95]',
    );
    process.exit(0);
  }
  const result = await runAccuracyBenchmark({
    ...(values.out ? { out: values.out } : {}),
    ...(values.sheets ? { sheets: Number(values.sheets) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(values.thresholds ? { thresholds: values.thresholds.split(',').map(Number) } : {}),
    ...(values['list-sheets'] ? { listSheets: Number(values['list-sheets']) } : {}),
  });
  const { byThreshold, listSheets, ...rest } = result;
  console.log(
    JSON.stringify(
      {
        ...rest,
        byThreshold: byThreshold.map(({ wrongNotReviewedFields, ...figures }) => figures),
        listSheets: listSheets.map(({ wrongNotReviewedFields, ...figures }) => figures),
      },
      null,
      2,
    ),
  );
  process.exit(0);
}
