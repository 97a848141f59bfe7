import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS_DIRECTORY } from '@castor/digit-recognizer';
import { afterEach, describe, expect, it } from 'vitest';
import { TemplateResolver } from '../../src/shared/sheet-templates.js';
import { SheetThreads, type SheetThreadsOptions } from '../../src/shared/sheet-threads/sheet-threads.js';

const REAL_SHEET = new Uint8Array(
  readFileSync(
    new URL('../../../../packages/test-support/fixtures/e14/real/2026-presidente-anza.pdf', import.meta.url),
  ),
);
const OPTIONS: SheetThreadsOptions = {
  size: 1,
  timeoutMs: { inspect: 60_000, read: 60_000 },
  heapMb: 96,
  maxJobsPerThread: 100,
  maxWaitingChecks: 4,
  idleMs: 60_000,
};

let threads: SheetThreads | undefined;
afterEach(async () => threads?.close());

describe('SheetThreads', () => {
  it('reads cells with the model it was given, and says which version read them', async () => {
    threads = new SheetThreads(OPTIONS);
    const full = {
      bytes: REAL_SHEET,
      templates: new TemplateResolver().headerTemplates(),
      limits: {},
      mode: 'full' as const,
      pageImages: false,
    };
    // No model given: the committed ones read, under no registry version.
    expect(await threads.read(full)).toMatchObject({ ok: true, modelVersion: null });
    const json = readFileSync(join(MODELS_DIRECTORY, 'digits-v3.json'), 'utf8');
    threads.useModel({ version: 7, source: 'trained', json });
    // Sent once per thread; a thread replaced after a large reading gets it again.
    for (let read = 0; read < 2; read++) {
      expect(await threads.read(full)).toMatchObject({ ok: true, modelVersion: 7, recognizer: 'handwritten-v3' });
    }
    threads.useModel({ version: 8, source: 'bundled', json: null });
    expect(await threads.read(full)).toMatchObject({
      ok: true,
      modelVersion: 8,
      recognizer: 'dots: handwritten-v3, first-round-2026: handwritten-v4',
    });
    // A header reading reads no cell: no version read it.
    expect(await threads.read({ ...full, mode: 'header' })).toMatchObject({ ok: true, modelVersion: null });
  }, 120_000);

  it('refuses a file that needs more heap than a thread has as FILE_TOO_COMPLEX, and checks the next one on a new thread', async () => {
    threads = new SheetThreads({ ...OPTIONS, heapMb: 40 });
    // Three million numbers in one array: the parser makes an object of each, well past 40 MB of heap.
    const manyObjects = `%PDF-1.4\n1 0 obj\n[${'0 '.repeat(3_000_000)}]\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`;
    const hostile = await threads.inspect(new TextEncoder().encode(manyObjects), { maxFileMb: 20 });
    expect(hostile).toMatchObject({ ok: false, error: { code: 'FILE_TOO_COMPLEX', sheet: true } });
    expect(await threads.inspect(REAL_SHEET, {})).toEqual({ ok: true, inspected: { kind: 'pdf', pageCount: 2 } });
    expect(threads.started).toBe(2);
  }, 240_000);

  it('replaces a thread after its quota of jobs', async () => {
    threads = new SheetThreads({ ...OPTIONS, maxJobsPerThread: 2 });
    for (let job = 0; job < 5; job++) expect((await threads.inspect(REAL_SHEET, {})).ok).toBe(true);
    expect(threads.started).toBe(3);
  }, 120_000);

  it('ends a thread left idle, and starts a new one for the next job', async () => {
    threads = new SheetThreads({ ...OPTIONS, idleMs: 200 });
    expect((await threads.inspect(REAL_SHEET, {})).ok).toBe(true);
    expect(threads.alive).toBe(1);
    await expect.poll(() => threads?.alive, { timeout: 10_000 }).toBe(0);
    expect((await threads.inspect(REAL_SHEET, {})).ok).toBe(true);
    expect(threads.started).toBe(2);
  }, 120_000);

  it.runIf(process.platform === 'linux')(
    'runs its threads at the lowest CPU priority, the event loop at its own',
    async () => {
      threads = new SheetThreads(OPTIONS);
      expect((await threads.inspect(REAL_SHEET, {})).ok).toBe(true);
      // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value (after the parenthesised name).
      const niceOf = (tid: string) =>
        Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]);
      const nices = readdirSync('/proc/self/task').map(niceOf);
      expect(niceOf(String(process.pid))).toBeLessThan(19);
      expect(nices).toContain(19);
    },
    60_000,
  );

  it('checks an upload before the readings waiting for the same thread', async () => {
    threads = new SheetThreads(OPTIONS);
    const finished: string[] = [];
    const track = (name: string, job: Promise<unknown>) => job.then(() => finished.push(name));
    const templates = new TemplateResolver().headerTemplates();
    const read = { bytes: REAL_SHEET, templates, limits: {}, mode: 'header' as const, pageImages: false };
    const jobs = [
      track('read 1', threads.read(read)),
      track('read 2', threads.read(read)),
      track('check', threads.inspect(REAL_SHEET, {})),
    ];
    await Promise.all(jobs);
    expect(finished).toEqual(['check', 'read 1', 'read 2']);
  }, 60_000);
});
