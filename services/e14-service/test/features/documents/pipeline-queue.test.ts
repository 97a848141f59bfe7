import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentsRepository } from '../../../src/features/documents/documents.repository.js';
import { PRIORITY } from '../../../src/features/documents/documents.service.js';
import { type E14UnderTest, startE14ForTests } from '../../testing.js';

/** The documents table as a queue, driven directly (no worker runs in this app). */
let e14: E14UnderTest;
let store: DocumentsRepository;
let sequence = 0;

const file = (priority: number) =>
  store.addFile({
    kind: 'upload',
    electionCode: 'QUEUE-1',
    corporation: null,
    mesaKey: null,
    copy: null,
    originUrl: null,
    sha256: (sequence++).toString(16).padStart(64, '0'),
    priority,
    maxAttempts: 2,
    submittedBy: 'admin:test',
  });

beforeAll(async () => {
  e14 = await startE14ForTests({ E14_PIPELINE_AUTOSTART: 'false' });
  store = e14.pipeline.documents;
});
afterAll(async () => e14?.close());

describe('the document queue', () => {
  it('hands out the most urgent jobs first, each to one claimer', async () => {
    const scrape = await store.addMesas({
      electionCode: 'QUEUE-1',
      corporation: 'PRESIDENTE',
      mesaKeys: ['01-001-00-00-001', '01-001-00-00-002'],
      priority: PRIORITY.scrape,
      maxAttempts: 2,
      submittedBy: 'admin:test',
    });
    const again = await store.addMesas({
      electionCode: 'QUEUE-1',
      corporation: 'PRESIDENTE',
      mesaKeys: ['01-001-00-00-001'],
      priority: PRIORITY.scrape,
      maxAttempts: 2,
      submittedBy: 'admin:test',
    });
    expect(again).toEqual({ queued: 0, ids: [scrape.ids[0]] });
    const upload = await file(PRIORITY.upload);
    const witness = await file(PRIORITY.witness);

    const [a, b] = await Promise.all([store.claim('replica-a', 2, 60_000), store.claim('replica-b', 2, 60_000)]);
    const claimed = [...(a ?? []), ...(b ?? [])];
    expect(new Set(claimed.map((job) => job.id)).size).toBe(4);
    // Whichever claimer ran first took the two most urgent, in priority order.
    const urgent = [a ?? [], b ?? []].find((jobs) => jobs.some((job) => job.id === witness.id));
    expect(urgent?.map((job) => job.id)).toEqual([witness.id, upload.id]);
    for (const [owner, jobs] of [
      ['replica-a', a ?? []],
      ['replica-b', b ?? []],
    ] as const) {
      for (const job of jobs)
        expect(await store.fail(owner, job, { code: 'TEST_DONE', message: 'done' }, null)).toBe('failed');
    }
  });

  it('retries with backoff, then dead-letters; a job whose worker died is taken again, then dead', async () => {
    const job = await file(PRIORITY.upload);
    const [claimed] = await store.claim('replica-a', 1, 60_000);
    expect(claimed?.id).toBe(job.id);
    if (!claimed) throw new Error('not claimed');
    expect(await store.fail('replica-b', claimed, { code: 'PROVIDER_UNAVAILABLE', message: 'x' }, 0)).toBeNull();
    expect(await store.fail('replica-a', claimed, { code: 'PROVIDER_UNAVAILABLE', message: '503' }, 0)).toBe('queued');
    const [retried] = await store.claim('replica-a', 1, 60_000);
    expect(retried).toMatchObject({ id: job.id, attempts: 2 });
    if (!retried) throw new Error('not retried');
    expect(await store.fail('replica-a', retried, { code: 'PROVIDER_UNAVAILABLE', message: '503' }, 0)).toBe('dead');

    const lost = await file(PRIORITY.upload);
    expect((await store.claim('replica-a', 1, 1))[0]?.id).toBe(lost.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // replica-a stopped renewing: replica-b takes the job (second attempt), and loses it too.
    const [takenOver] = await store.claim('replica-b', 1, 1);
    expect(takenOver).toMatchObject({ id: lost.id, attempts: 2 });
    expect(await store.renew('replica-a', [lost.id], 60_000)).toEqual(new Set());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.claim('replica-c', 1, 60_000)).toEqual([]);

    const status = await e14.pipeline.status();
    expect(status.documents.dead).toBe(2);
    expect(status.deadLetters.map((letter) => [letter.id, letter.code])).toEqual(
      expect.arrayContaining([
        [job.id, 'PROVIDER_UNAVAILABLE'],
        [lost.id, 'LEASE_EXPIRED'],
      ]),
    );
    expect(status.errors).toEqual(expect.arrayContaining([{ code: 'LEASE_EXPIRED', count: 1 }]));
    const history = await store.findById(job.id);
    expect(history?.errors.map((entry) => entry.attempt)).toEqual([1, 2]);
  });

  it('a replica stopping gives its jobs back at once, the attempt not counted', async () => {
    const job = await file(PRIORITY.upload);
    expect((await store.claim('replica-x', 1, 60_000))[0]).toMatchObject({ id: job.id, attempts: 1 });
    expect(await store.release('replica-x')).toBe(1);
    expect(await store.findById(job.id)).toMatchObject({ state: 'queued', attempts: 0 });
    expect((await store.claim('replica-y', 1, 60_000))[0]).toMatchObject({ id: job.id, attempts: 1 });
  });
});
