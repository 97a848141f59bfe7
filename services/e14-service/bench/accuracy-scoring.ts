/**
 * Scoring for the accuracy benchmark (bench/accuracy.ts): every stored field against the truth
 * the generator drew (or the labels), then the figures of one election, one corporation of it, or
 * any set of uploaded documents.
 */
import type { E14Submission } from '@castor/contracts';
import { toField } from '@castor/contracts';
import type pg from 'pg';
import { submissionFieldPaths } from '../src/domain/fusion.js';

export interface Truth {
  state: 'read' | 'empty' | 'illegible';
  value: number | null;
}

export interface StoredField {
  election_code: string;
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

interface SheetScore {
  review: boolean;
  wrong: boolean;
  unreviewedWrong: boolean;
  status: string;
  reasons: Set<string>;
}

interface FieldTally {
  sheets: Map<string, SheetScore>;
  counts: {
    fields: number;
    wrong: number;
    wrongUnreviewed: number;
    reviewed: number;
    illegibleUnreviewed: number;
    routedNoTask: number;
  };
  reasons: Record<string, number>;
  wrongByReason: Record<string, number>;
  unreviewedWrong: Array<Record<string, unknown> & { mesaKey: string; path: string }>;
  wrongBySheet: Map<string, Array<{ path: string; truth: unknown; stored: unknown; review: string | null }>>;
  // An empty cell read as 0 (or the reverse) counts the same in every rule and total.
  /** Fields not reviewed whose number is right but stored as a written 0 for a blank row, or the reverse. */
  emptyZeroSwaps: number;
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

/** A sheet is a mesa's form of one corporation. */
export const sheetKey = (mesa: string, corporation: string) => `${mesa}|${corporation}`;

export function fieldTruths(submission: E14Submission): Map<string, Truth> {
  return new Map(
    submissionFieldPaths(submission).map(({ path, field }) => {
      const known = toField(field);
      return [path, { state: known.state, value: known.state === 'read' ? known.value : null }];
    }),
  );
}

function truthFor(truths: Map<string, Map<string, Truth>>, row: StoredField) {
  const sheetTruths = truths.get(sheetKey(row.mesa_key, row.corporation));
  // A list's own votes are candidate 0 once stored (`votes.3-0`); the generator names them `votes.3`.
  const truth = sheetTruths?.get(row.path) ?? sheetTruths?.get(row.path.replace(/-0$/, ''));
  if (!truth) throw new Error(`no truth for ${row.mesa_key} ${row.path}`);
  return truth;
}

function sheetFor(sheets: Map<string, SheetScore>, row: StoredField) {
  const key = sheetKey(row.mesa_key, row.corporation);
  const sheet = sheets.get(key) ?? {
    review: false,
    wrong: false,
    unreviewedWrong: false,
    status: row.form_status,
    reasons: new Set<string>(),
  };
  sheets.set(key, sheet);
  return sheet;
}

function tallyField(tally: FieldTally, row: StoredField, truths: Map<string, Map<string, Truth>>) {
  const { counts, reasons, wrongByReason, unreviewedWrong, wrongBySheet } = tally;
  const truth = truthFor(truths, row);
  const sheet = sheetFor(tally.sheets, row);
  counts.fields += 1;
  const reviewed = row.task_reason !== null;
  // The pipeline's own routing (document reading) against the tasks intake opened.
  if (row.reading_review !== null && !reviewed) counts.routedNoTask += 1;
  // An illegible field is a value the service does not claim: wrong only if nobody is asked. A
  // value is wrong when its number is: a blank row and a written 0 (or a row of slashed zeros)
  // are both 0 votes and are stored alike, so that swap is counted apart, not as a wrong value.
  const stored = row.state === 'read' ? Number(row.value) : 0;
  const wrong = row.state !== 'illegible' && stored !== (truth.value ?? 0);
  if (row.state !== 'illegible' && !wrong && row.state !== truth.state && !reviewed) tally.emptyZeroSwaps += 1;
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

/** Compares every stored field with its truth, counting per field and per sheet. */
export function tallyFields(rows: readonly StoredField[], truths: Map<string, Map<string, Truth>>) {
  const tally: FieldTally = {
    sheets: new Map(),
    counts: { fields: 0, wrong: 0, wrongUnreviewed: 0, reviewed: 0, illegibleUnreviewed: 0, routedNoTask: 0 },
    reasons: {},
    wrongByReason: {},
    unreviewedWrong: [],
    wrongBySheet: new Map(),
    emptyZeroSwaps: 0,
  };
  for (const row of rows) tallyField(tally, row, truths);
  return tally;
}

/** The figures of one election (or one corporation of it), from its tally. */
export function summariseTally(tally: FieldTally, overwrittenSheets: ReadonlySet<string>) {
  const { sheets, counts, reasons, wrongByReason, unreviewedWrong, wrongBySheet, emptyZeroSwaps } = tally;
  const formStatus: Record<string, number> = {};
  for (const sheet of sheets.values()) formStatus[sheet.status] = (formStatus[sheet.status] ?? 0) + 1;
  const read = sheets.size;
  const withReview = [...sheets.values()].filter((sheet) => sheet.review).length;
  const rightWithoutReview = [...sheets.values()].filter((sheet) => !sheet.review && !sheet.wrong).length;
  // Over-writing goes to a person whatever is read (issue 4): those sheets are the floor of the rate.
  const overwritingOnly = [...sheets.values()].filter(
    (sheet) => sheet.review && [...sheet.reasons].every((reason) => reason === 'overwritten'),
  ).length;
  return {
    sheetsRead: read,
    fields: counts.fields,
    wrong: counts.wrong,
    wrongRate: rate(counts.wrong, counts.fields),
    wrongByReviewReason: wrongByReason,
    wrongNotReviewed: counts.wrongUnreviewed,
    wrongNotReviewedRate: rate(counts.wrongUnreviewed, counts.fields),
    emptyAndZeroSwappedNotReviewed: emptyZeroSwaps,
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

/** Which uploads to measure: an election's (or one corporation's of it), or the documents given. */
export interface DocumentFilter {
  electionCode?: string;
  corporation?: string;
  documentIds?: readonly number[];
}

const FILTER_SQL = `($1::text IS NULL OR d.election_code = $1) AND ($2::text IS NULL OR d.corporation = $2)
  AND ($3::bigint[] IS NULL OR d.id = ANY($3))`;
const filterValues = (filter: DocumentFilter) => [
  filter.electionCode ?? null,
  filter.corporation ?? null,
  filter.documentIds ? [...filter.documentIds] : null,
];

/** What became of the documents: how many ended in each state, with each error code. */
export async function documentStates(pool: pg.Pool, filter: DocumentFilter) {
  const documents = await pool.query<{ state: string; error_code: string | null; n: number }>(
    `SELECT d.state, d.error_code, count(*)::int AS n FROM e14_documents d WHERE ${FILTER_SQL} GROUP BY 1, 2 ORDER BY 1, 2`,
    filterValues(filter),
  );
  return documents.rows;
}

/** Every field stored from the documents that were read, with the form's failed rules and its review task. */
export async function storedFields(pool: pg.Pool, filter: DocumentFilter): Promise<StoredField[]> {
  const rows = await pool.query<StoredField>(
    `SELECT d.election_code, d.mesa_key, f.corporation, f.id::int AS form_id, f.status AS form_status, x.path,
            ARRAY(SELECT DISTINCT r->>'rule' FROM jsonb_array_elements(f.findings) r
                  WHERE r->>'severity' IN ('high', 'critical')) AS failed_rules, x.state, x.value, x.confidence,
            x.overwritten, t.reason AS task_reason,
            (SELECT r->>'review' FROM jsonb_array_elements(d.reading->'fields') r WHERE r->>'path' = x.path) AS reading_review
     FROM e14_documents d
     JOIN e14_forms f ON f.id = d.form_id
     JOIN e14_fields x ON x.form_id = f.id
     LEFT JOIN review_tasks t ON t.form_id = f.id AND t.field_path = x.path
     WHERE d.state = 'done' AND ${FILTER_SQL}`,
    filterValues(filter),
  );
  return rows.rows;
}

/** What became of the documents, and the figures of their stored fields against the truth. */
export async function measure(
  pool: pg.Pool,
  filter: DocumentFilter,
  truths: Map<string, Map<string, Truth>>,
  overwrittenSheets: ReadonlySet<string>,
) {
  const documents = await documentStates(pool, filter);
  const rows = await storedFields(pool, filter);
  return { documents, ...summariseTally(tallyFields(rows, truths), overwrittenSheets) };
}

export async function waitForEmptyQueue(pool: pg.Pool) {
  for (;;) {
    const open = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM e14_documents WHERE state IN ('queued', 'processing')`,
    );
    if (open.rows[0]?.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
