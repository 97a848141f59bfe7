import { createHash, randomBytes } from 'node:crypto';
import { mesaKey } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { beforeAllStarted } from '../../support/lifecycle.js';
import {
  listeningE14With,
  pipelineElection,
  processSheet,
  settled,
  sheetsOf,
  upload,
} from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

const CODE = 'HOSTILE-2026';
const election = pipelineElection(CODE, 4);
/** Short deadlines keep the file fast; a normal sheet is checked in ~50 ms and read in ~1 s. */
const CHECK_TIMEOUT_MS = 3_000;
const READ_TIMEOUT_MS = 8_000;
let e14: E14UnderTest;
let baseUrl: string;
let admin: string;

beforeAllStarted(
  () =>
    listeningE14With(election, {
      E14_SHEET_CHECK_TIMEOUT_MS: String(CHECK_TIMEOUT_MS),
      E14_SHEET_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS),
      E14_SHEET_CHECKS_WAITING: '1',
    }),
  (started) => {
    ({ e14, baseUrl, admin } = started);
  },
);

/**
 * Random bytes between a PDF header (with one object, as any PDF has) and its end marker: they pass
 * the cheap structural checks, and the PDF parser needs ~1.5 s per MB to give up on them.
 */
function randomPdf(size: number): Uint8Array {
  const head = Buffer.from('%PDF-1.4\n1 0 obj\n<< >>\nendobj\n');
  const tail = Buffer.from('\n%%EOF\n');
  return new Uint8Array(Buffer.concat([head, randomBytes(size - head.length - tail.length), tail]));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a GET takes to be answered in full, and its status. */
async function timedGet(path: string): Promise<{ path: string; status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${admin}` } });
  await response.arrayBuffer();
  return { path, status: response.status, ms: performance.now() - started };
}

const documentCount = async () =>
  (await e14.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM e14_documents')).rows[0]?.n ?? 0;

describe('hostile files', () => {
  it('keeps /api/health and /api/results fast while a 10 MB random-bytes PDF is checked, then refuses it', async () => {
    const before = await documentCount();
    const results = `/api/results?election=${CODE}&corporation=PRESIDENTE`;
    // Answered once before, so what is timed below is waiting for the event loop, not a first query.
    expect((await timedGet(results)).status).toBe(200);
    let answered = false;
    const pending = upload(baseUrl, admin, randomPdf(10_000_000), { electionCode: CODE }).finally(() => {
      answered = true;
    });
    const latencies: Array<{ path: string; status: number; ms: number }> = [];
    await sleep(200);
    while (!answered) {
      latencies.push(await timedGet('/api/health'));
      latencies.push(await timedGet(results));
      await sleep(100);
    }
    const response = await pending;
    const slowest = latencies.reduce((worst, latency) => (latency.ms > worst.ms ? latency : worst));
    expect(slowest.ms, `${slowest.path} took ${Math.round(slowest.ms)} ms`).toBeLessThan(1_000);
    // The check ran until its deadline: the service was asked many times meanwhile, and answered each at once.
    expect(latencies.length).toBeGreaterThanOrEqual(8);
    expect(latencies.every((latency) => latency.status === 200)).toBe(true);
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('FILE_TOO_COMPLEX');
    expect(await documentCount()).toBe(before);
  }, 120_000);

  it('answers 503 BUSY with Retry-After when more uploads wait for a check than allowed', async () => {
    // One check thread (the default): one file is checked, another waits, the third finds the line full.
    const responses = await Promise.all(
      [1, 2, 3].map(async (attempt) => {
        await sleep(attempt * 100);
        return upload(baseUrl, admin, randomPdf(1_000_000), { electionCode: CODE });
      }),
    );
    // Which upload reaches its check first depends on when each body has arrived.
    expect(responses.map((response) => response.status).sort()).toEqual([422, 422, 503]);
    const busy = responses.find((response) => response.status === 503) as Response;
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('BUSY');
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0);
  }, 60_000);

  it('fails a pipeline job over the read deadline for good with FILE_TOO_COMPLEX; a new thread reads the next sheet', async () => {
    // A file stored without today's upload check (as before it existed): its reading runs until the
    // deadline. 10 MB take ~15 s to refuse as PDF_BROKEN on this machine idle, twice the deadline
    // (6 MB took 8.5 s once the intake got faster: the deadline was no longer reached).
    const bytes = randomPdf(10_000_000);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const [submission] = sheetsOf(election, 1);
    if (!submission) throw new Error('no sheet');
    await e14.pipeline.documents.saveFile(sha256, 'application/pdf', bytes);
    const queued = await e14.pipeline.documents.addFile({
      kind: 'upload',
      electionCode: CODE,
      corporation: 'PRESIDENTE',
      mesaKey: mesaKey(submission.mesa),
      copy: null,
      originUrl: null,
      sha256,
      priority: 10,
      maxAttempts: 3,
      submittedBy: 'admin:test',
    });
    e14.pipeline.poke();
    const hostile = await settled(baseUrl, admin, queued.id);
    expect(hostile.state).toBe('failed');
    expect(hostile.error?.code).toBe('FILE_TOO_COMPLEX');
    expect(hostile.attempts).toBe(1);

    const normal = await processSheet(baseUrl, admin, election, submission, {
      seed: 7,
      fields: { electionCode: CODE },
    });
    expect(normal.error).toBeNull();
    expect(normal.state).toBe('done');
  }, 60_000);
});
