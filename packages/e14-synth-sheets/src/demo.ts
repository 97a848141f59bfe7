import { type Copy, type Corporation, type E14Submission, mesaKey, toField } from '@castor/contracts';
import { formatOfficialCsv, generateElection, type SyntheticElection } from '@castor/e14-synth';
import { createRng } from '@castor/seeded-random';
import { renderSheetPdf } from './render-sheet.js';

/** What a client of the HTTP API needs to load an election: a base URL and an admin token. */
export interface ApiTarget {
  baseUrl: string;
  token: string;
}

export interface LoadReport {
  electionCode: string;
  mesas: number;
  sheets: number;
  stored: number;
  duplicates: number;
  rejected: number;
  confirmedAsPrinted: number;
  officialRows: number;
  milliseconds: { divipol: number; sheets: number; official: number };
}

async function call(target: ApiTarget, method: string, path: string, body: string, contentType = 'application/json') {
  const response = await fetch(new URL(path, target.baseUrl), {
    method,
    headers: { authorization: `Bearer ${target.token}`, 'content-type': contentType },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

interface BatchAnswer {
  stored: number;
  duplicates: number;
  rejected: number;
  items: Array<{ index: number; ok: boolean; error?: { code: string } }>;
}

/**
 * Loads a generated election through e14-service's own HTTP API: the divipol, every sheet
 * (batched, `concurrency` requests in flight), then the preconteo and escrutinio feeds. A sheet
 * refused as over habilitados is sent again confirmed as printed, as a partner whose sheet really
 * shows such numbers would. Used by `pnpm start` (demo data) and by the benchmarks.
 */
export async function loadElection(
  target: ApiTarget,
  election: SyntheticElection,
  options: {
    copies?: Array<E14Submission['copy']>;
    batchSize?: number;
    concurrency?: number;
    official?: boolean;
  } = {},
): Promise<LoadReport> {
  const batchSize = options.batchSize ?? 1_000;
  const concurrency = options.concurrency ?? 2;
  const report: LoadReport = {
    electionCode: election.options.electionCode,
    mesas: election.counts.mesas,
    sheets: 0,
    stored: 0,
    duplicates: 0,
    rejected: 0,
    confirmedAsPrinted: 0,
    officialRows: 0,
    milliseconds: { divipol: 0, sheets: 0, official: 0 },
  };
  let started = performance.now();
  await call(target, 'POST', '/api/elections/import', JSON.stringify(election.divipol));
  report.milliseconds.divipol = performance.now() - started;

  started = performance.now();
  const send = async (sheets: E14Submission[]): Promise<void> => {
    const answer = (await call(target, 'POST', '/api/e14/process-v2/batch', JSON.stringify({ sheets }))) as BatchAnswer;
    report.stored += answer.stored;
    report.duplicates += answer.duplicates;
    const retry = answer.items.flatMap((item) => {
      const sheet = sheets[item.index];
      return !item.ok && item.error?.code === 'SUM_OVER_HABILITADOS' && sheet
        ? [{ ...sheet, confirmedAsPrinted: true }]
        : [];
    });
    report.rejected += answer.rejected - retry.length;
    if (retry.length > 0) {
      report.confirmedAsPrinted += retry.length;
      await send(retry);
    }
  };
  const inFlight = new Set<Promise<void>>();
  let batch: E14Submission[] = [];
  const flush = async () => {
    const task = send(batch).finally(() => inFlight.delete(task));
    inFlight.add(task);
    batch = [];
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  };
  for (const submission of election.submissions({ copies: options.copies ?? ['delegados'] })) {
    batch.push(submission);
    report.sheets += 1;
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
  report.milliseconds.sheets = performance.now() - started;

  if (options.official ?? true) {
    started = performance.now();
    for (const source of ['preconteo', 'escrutinio'] as const) {
      const csv = formatOfficialCsv(election.officialRows(source));
      report.officialRows += csv.split('\n').length - 2;
      await call(target, 'POST', `/api/elections/${election.options.electionCode}/official/${source}`, csv, 'text/csv');
    }
    report.milliseconds.official = performance.now() - started;
  }
  return report;
}

export const DEMO_ELECTION_SEED = 2026;

export function demoElectionCode(seed: number): string {
  return `DEMO-${seed}`;
}

/**
 * A cell read badly (illegible, doubtful, over-written) is a review task with the crop of its scan.
 * The demo's structured copies are sent with no scan, so on them such a cell would be a task no
 * reviewer can do (the desk has nothing to show); its review desk is filled by the scanned sheets
 * the pipeline reads instead (`processDemoSheets`).
 */
const NO_READING_FAULTS = { illegible_field: 0, low_confidence_field: 0, corrected_field: 0 };

/** The generated demo election (lazy: sheets and feeds are built when asked for). */
export function demoElection(
  seed = DEMO_ELECTION_SEED,
  corporations: Corporation[] = ['PRESIDENTE', 'SENADO', 'CAMARA'],
): SyntheticElection {
  return generateElection({
    seed,
    scale: 'demo',
    corporations,
    electionCode: demoElectionCode(seed),
    faultRates: NO_READING_FAULTS,
  });
}

/**
 * The demo election `pnpm start` shows: the generator's demo scale (a few departamentos, about
 * 4,000 mesas), Presidente, Senado and Cámara, the claveros and delegados copies, both official
 * feeds, and the generator's labelled faults, so results, disputes and alerts are populated. It
 * takes minutes on a small machine: start it once the services listen and let the dashboard fill
 * as it would on election night.
 */
export async function loadDemoElection(
  target: ApiTarget,
  options: { seed?: number; corporations?: Corporation[]; copies?: Copy[] } = {},
): Promise<LoadReport> {
  const election = demoElection(options.seed ?? DEMO_ELECTION_SEED, options.corporations);
  return loadElection(target, election, { copies: options.copies ?? ['claveros', 'delegados'] });
}

export interface DemoSheetsReport {
  electionCode: string;
  documents: Array<{ documentId: number; mesaKey: string; duplicate: boolean; fault: string | null }>;
  milliseconds: number;
}

/**
 * Scanned-looking E-14s for the document pipeline: renders `count` Presidente sheets of the
 * election (the transmisión copy, which the structured load leaves out) as 1-bit PDFs like the
 * Registraduría's, with over-written cells and, on every third sheet, an urna off by a few votes,
 * and uploads them to POST /api/e14/process. They are read in the background by the local
 * recognizer, so the review desk gets real tasks. Load the election first (`loadDemoElection`).
 */
export async function processDemoSheets(
  target: ApiTarget,
  options: { seed?: number; count?: number; election?: SyntheticElection } = {},
): Promise<DemoSheetsReport> {
  const started = performance.now();
  const seed = options.seed ?? DEMO_ELECTION_SEED;
  const election = options.election ?? demoElection(seed);
  const code = election.options.electionCode;
  const count = options.count ?? 6;
  const candidates = election.divipol.candidates.filter((candidate) => candidate.corporation === 'PRESIDENTE');
  const report: DemoSheetsReport = { electionCode: code, documents: [], milliseconds: 0 };
  for (const submission of election.submissions({ copies: ['transmision'] })) {
    if (report.documents.length >= count) break;
    if (submission.corporation !== 'PRESIDENTE') continue;
    const index = report.documents.length;
    const urna = toField(submission.nivelacion.urna);
    const fault = index % 3 === 2 && urna.state === 'read' && urna.value !== null ? 'urna + 3' : null;
    const drawn: E14Submission =
      fault && urna.value !== null
        ? { ...submission, nivelacion: { ...submission.nivelacion, urna: { ...urna, value: urna.value + 3 } } }
        : submission;
    const sheet = await renderSheetPdf(
      drawn,
      { candidates },
      { maxRotationDeg: 2, overwriteRate: 0.08 },
      createRng(`demo-sheet-${seed}-${index}`),
    );
    const form = new FormData();
    form.append('electionCode', code);
    form.append('corporation', 'PRESIDENTE');
    form.append('mesa', mesaKey(submission.mesa));
    form.append('copy', 'transmision');
    // A copy on a plain ArrayBuffer: what Blob takes under the DOM typings too (the web e2e suite renders sheets).
    form.append(
      'file',
      new Blob([new Uint8Array(sheet.pdf)], { type: 'application/pdf' }),
      `e14-${mesaKey(submission.mesa)}.pdf`,
    );
    const response = await fetch(new URL('/api/e14/process', target.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}` },
      body: form,
    });
    const text = await response.text();
    if (response.status !== 202)
      throw new Error(`POST /api/e14/process answered ${response.status}: ${text.slice(0, 300)}`);
    const accepted = JSON.parse(text) as { documentId: number; duplicate: boolean };
    report.documents.push({
      documentId: accepted.documentId,
      mesaKey: mesaKey(submission.mesa),
      duplicate: accepted.duplicate,
      fault,
    });
  }
  report.milliseconds = performance.now() - started;
  return report;
}
