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
import { mesaKey, toField } from '@castor/contracts';
import { generateElection, NO_FAULTS } from '@castor/e14-synth';
import { renderSheetPdf } from '@castor/e14-synth-sheets';
import { createRng } from '@castor/seeded-random';
import pg from 'pg';
import { z } from 'zod';
import { submissionFieldPaths } from '../src/domain/fusion.js';
import { upload } from '../test/support/pipeline-fixtures.js';
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

interface Truth {
  state: 'read' | 'empty' | 'illegible';
  value: number | null;
}

interface StoredField {
  mesa_key: string;
  corporation: string;
  form_id: number;
  form_status: string;
  path: string;
  state: 'read' | 'empty' | 'illegible';
  value: number | null;
  confidence: number;
  overwritten: boolean;
  task_reason: string | null;
  reading_review: string | null;
  failed_rules: string[];
}

const rate = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1e6) / 1e6);
/** One-sided 95 % upper bound of a rate seen `k` times in `n` (Wilson score interval). */
function upper95(k: number, n: number) {
  if (n === 0) return 1;
  const z95 = 1.645;
  const p = k / n;
  const centre = p + (z95 * z95) / (2 * n);
  const spread = z95 * Math.sqrt((p * (1 - p)) / n + (z95 * z95) / (4 * n * n));
  return Math.round(((centre + spread) / (1 + (z95 * z95) / n)) * 1e6) / 1e6;
}

const LISTS_CODE = 'ACC-LISTS';

/** A sheet is a mesa's form of one corporation. */
const sheetKey = (mesa: string, corporation: string) => `${mesa}|${corporation}`;

function fieldTruths(submission: E14Submission): Map<string, Truth> {
  return new Map(
    submissionFieldPaths(submission).map(({ path, field }) => {
      const known = toField(field);
      return [path, { state: known.state, value: known.state === 'read' ? known.value : null }];
    }),
  );
}

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
  const sheets = new Map<
    string,
    { review: boolean; wrong: boolean; unreviewedWrong: boolean; status: string; reasons: Set<string> }
  >();
  const counts = { fields: 0, wrong: 0, wrongUnreviewed: 0, reviewed: 0, illegibleUnreviewed: 0, routedNoTask: 0 };
  const reasons: Record<string, number> = {};
  const formStatus: Record<string, number> = {};
  const wrongByReason: Record<string, number> = {};
  const unreviewedWrong: Array<Record<string, unknown> & { mesaKey: string; path: string }> = [];
  const wrongBySheet = new Map<
    string,
    Array<{ path: string; truth: unknown; stored: unknown; review: string | null }>
  >();
  // An empty cell read as 0 (or the reverse) counts the same in every rule and total.
  let emptyZeroOnly = 0;
  for (const row of rows.rows) {
    const sheetTruths = truths.get(sheetKey(row.mesa_key, row.corporation));
    // A list's own votes are candidate 0 once stored (`votes.3-0`); the generator names them `votes.3`.
    const truth = sheetTruths?.get(row.path) ?? sheetTruths?.get(row.path.replace(/-0$/, ''));
    if (!truth) throw new Error(`no truth for ${row.mesa_key} ${row.path}`);
    const key = sheetKey(row.mesa_key, row.corporation);
    const sheet = sheets.get(key) ?? {
      review: false,
      wrong: false,
      unreviewedWrong: false,
      status: row.form_status,
      reasons: new Set<string>(),
    };
    sheets.set(key, sheet);
    counts.fields += 1;
    const reviewed = row.task_reason !== null;
    // The pipeline's own routing (document reading) against the tasks intake opened.
    if (row.reading_review !== null && !reviewed) counts.routedNoTask += 1;
    // An illegible field is a value the service does not claim: wrong only if nobody is asked.
    const wrong =
      row.state !== 'illegible' &&
      (row.state !== truth.state || (row.state === 'read' && Number(row.value) !== truth.value));
    if (reviewed) {
      counts.reviewed += 1;
      sheet.review = true;
      sheet.reasons.add(row.task_reason as string);
      reasons[row.task_reason as string] = (reasons[row.task_reason as string] ?? 0) + 1;
    } else if (row.state === 'illegible') counts.illegibleUnreviewed += 1;
    const shown = {
      truth: truth.state === 'read' ? truth.value : truth.state,
      stored: row.state === 'read' ? Number(row.value) : row.state,
    };
    if (wrong) {
      wrongBySheet.set(row.mesa_key, [
        ...(wrongBySheet.get(row.mesa_key) ?? []),
        { path: row.path, ...shown, review: row.task_reason },
      ]);
      counts.wrong += 1;
      sheet.wrong = true;
      const key = row.task_reason ?? 'not_reviewed';
      wrongByReason[key] = (wrongByReason[key] ?? 0) + 1;
    }
    if (wrong && !reviewed) {
      counts.wrongUnreviewed += 1;
      sheet.unreviewedWrong = true;
      if ((truth.value ?? 0) === Number(row.value ?? 0)) emptyZeroOnly += 1;
      unreviewedWrong.push({
        mesaKey: row.mesa_key,
        path: row.path,
        ...shown,
        confidence: Math.round(row.confidence * 1000) / 1000,
        overwritten: row.overwritten,
        formStatus: row.form_status,
        pipelineReview: row.reading_review,
        failedRules: row.failed_rules,
      });
    }
  }
  for (const sheet of sheets.values()) formStatus[sheet.status] = (formStatus[sheet.status] ?? 0) + 1;
  const read = sheets.size;
  const withReview = [...sheets.values()].filter((sheet) => sheet.review).length;
  const rightWithoutReview = [...sheets.values()].filter((sheet) => !sheet.review && !sheet.wrong).length;
  // Over-writing goes to a person whatever is read (issue 4): those sheets are the floor of the rate.
  const overwritingOnly = [...sheets.values()].filter(
    (sheet) => sheet.review && [...sheet.reasons].every((reason) => reason === 'overwritten'),
  ).length;
  return {
    documents: documents.rows,
    sheetsRead: read,
    fields: counts.fields,
    wrong: counts.wrong,
    wrongRate: rate(counts.wrong, counts.fields),
    wrongByReviewReason: wrongByReason,
    wrongNotReviewed: counts.wrongUnreviewed,
    wrongNotReviewedRate: rate(counts.wrongUnreviewed, counts.fields),
    wrongNotReviewedEmptyAsZeroOnly: emptyZeroOnly,
    wrongNotReviewedRateUpper95: upper95(counts.wrongUnreviewed, counts.fields),
    wrongNotReviewedBudget: 0.001,
    illegibleNotReviewed: counts.illegibleUnreviewed,
    routedByPipelineWithoutTask: counts.routedNoTask,
    fieldsToReview: counts.reviewed,
    fieldsToReviewRate: rate(counts.reviewed, counts.fields),
    reviewReasons: reasons,
    sheetsWithReview: withReview,
    sheetsWithReviewRate: rate(withReview, read),
    sheetsWithReviewAim: 0.1,
    sheetsWithReviewForReading: withReview - overwritingOnly,
    sheetsWithReviewForReadingRate: rate(withReview - overwritingOnly, read),
    sheetsWithReviewForOverwritingOnly: overwritingOnly,
    sheetsWithOverwrittenCellDrawn: [...sheets.keys()].filter((key) => overwrittenSheets.has(key)).length,
    // The rate the aim is about: sheets whose writing has no correction, reviewed for reading alone.
    sheetsWithoutOverwritingReviewedRate: rate(
      [...sheets.entries()].filter(([key, sheet]) => !overwrittenSheets.has(key) && sheet.review).length,
      [...sheets.keys()].filter((key) => !overwrittenSheets.has(key)).length,
    ),
    sheetsRightWithoutReview: rightWithoutReview,
    sheetsRightWithoutReviewRate: rate(rightWithoutReview, read),
    sheetsWithWrongNotReviewed: [...sheets.values()].filter((sheet) => sheet.unreviewedWrong).length,
    formStatus,
    wrongNotReviewedFields: unreviewedWrong.map((field) => ({
      ...field,
      otherWrongOnSheet: (wrongBySheet.get(field.mesaKey) ?? []).filter((other) => other.path !== field.path),
    })),
  };
}

export async function runAccuracyBenchmark(input: AccuracyBenchOptions = {}) {
  const options = accuracyBenchOptionsSchema.parse(input);
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
  const codes = options.thresholds.map((threshold) => `ACC-${Math.round(threshold * 100)}`);

  const services = await startBenchServices({ E14_FORENSICS_ENABLED: 'false', E14_PIPELINE_POLL_MS: '50' });
  const pool = new pg.Pool({ connectionString: services.e14DatabaseUrl, max: 2 });
  const { baseUrl, token } = services.target;
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  };
  try {
    for (const [index, code] of codes.entries()) {
      const divipol = { ...election.divipol, election: { ...election.divipol.election, code } };
      await call('POST', '/api/elections/import', divipol);
      await call('PUT', `/api/elections/${code}/rules`, {
        config: { params: { confidenceThreshold: options.thresholds[index] } },
      });
    }
    if (listSubmissions.length > 0) await call('POST', '/api/elections/import', lists.divipol);
    const started = performance.now();
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
    for (;;) {
      const open = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM e14_documents WHERE state IN ('queued', 'processing')`,
      );
      if (open.rows[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const wallMs = performance.now() - started;
    const byThreshold = [];
    for (const [index, code] of codes.entries()) {
      byThreshold.push({
        confidenceThreshold: options.thresholds[index],
        ...(await measure(pool, code, truths, overwrittenSheets)),
      });
    }
    const listSheets = [];
    for (const corporation of ['SENADO', 'CAMARA'] as const) {
      if (options.listSheets === 0) break;
      listSheets.push({
        corporation,
        confidenceThreshold: 0.7,
        ...(await measure(pool, LISTS_CODE, truths, overwrittenSheets, corporation)),
      });
    }
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
