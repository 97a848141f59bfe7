import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { IntakeLimitsInput, SheetReading, SheetTemplate } from '@castor/e14-sheets';

export interface ReadJob {
  id: number;
  bytes: Uint8Array;
  templates: SheetTemplate[];
  limits: IntakeLimitsInput;
  /** header: codes and barcode only (to learn the mesa and corporation); full: every cell too. */
  mode: 'header' | 'full';
  /** Also return each page as PNG (for a vision provider). */
  pageImages: boolean;
}

export type ReadJobResult =
  | {
      id: number;
      ok: true;
      reading: SheetReading;
      recognizer: string;
      pageImages?: Array<{ page: number; bytes: Uint8Array }>;
    }
  | { id: number; ok: false; error: { code: string; message: string; sheet: boolean } };

/**
 * From source (tsx, vitest) a thread needs tsx's loader, which the .mjs shim registers; a bundle
 * carries the worker compiled next to the code that starts it.
 */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./read-worker.mjs', import.meta.url)
    : new URL('./read-worker.js', import.meta.url);
}

const MAX_FAILED_STARTS = 3;

interface Slot {
  worker: Worker;
  busy: { job: ReadJob; resolve: (result: ReadJobResult) => void; reject: (error: Error) => void } | null;
}

/**
 * A pool of worker threads sized to the cores reading sheets (CPU-bound: registration, barcode,
 * cells), so the event loop stays free for HTTP and the queue. Threads start when there is work
 * for them (each holds the recognizer's model: an idle replica stays small). A thread that dies
 * fails its job (the queue retries it) and is replaced.
 */
export class ReadPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<NonNullable<Slot['busy']>> = [];
  private nextId = 1;
  private closed = false;
  private failedStarts = 0;
  private broken: Error | null = null;
  recognizer = 'not loaded yet';

  constructor(readonly size: number = availableParallelism()) {}

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(workerUrl()), busy: null };
    slot.worker.once('online', () => {
      this.failedStarts = 0;
    });
    slot.worker.on('message', (result: ReadJobResult) => {
      const busy = slot.busy;
      slot.busy = null;
      if (result.ok) this.recognizer = result.recognizer;
      busy?.resolve(result);
      this.dispatch();
    });
    slot.worker.on('error', (error) => {
      const busy = slot.busy;
      slot.busy = null;
      busy?.reject(error);
      if (this.closed) return;
      // A thread that cannot even start (its file missing from a build) would fail forever:
      // after a few in a row the pool stops replacing threads and refuses reads, loudly.
      if (++this.failedStarts >= MAX_FAILED_STARTS) {
        this.broken = error;
        for (const waiting of this.waiting.splice(0)) waiting.reject(error);
        return;
      }
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
      this.dispatch();
    });
    slot.worker.unref();
    return slot;
  }

  private dispatch() {
    // Start threads for the jobs the idle ones cannot take, up to the pool size.
    let unserved = this.waiting.length - this.slots.filter((slot) => !slot.busy).length;
    while (unserved-- > 0 && this.slots.length < this.size && !this.broken) this.slots.push(this.spawn());
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = this.waiting.shift();
      if (!next) return;
      slot.busy = next;
      slot.worker.postMessage(next.job);
    }
  }

  /** Jobs waiting for a thread (a busy pool is the read stage's backlog). */
  get queued(): number {
    return this.waiting.length;
  }

  read(job: Omit<ReadJob, 'id'>): Promise<ReadJobResult> {
    if (this.closed) return Promise.reject(new Error('the read pool is closed'));
    if (this.broken) return Promise.reject(new Error(`the read threads cannot start: ${this.broken.message}`));
    return new Promise((resolve, reject) => {
      this.waiting.push({ job: { ...job, id: this.nextId++ }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.waiting.splice(0)) waiting.reject(new Error('the read pool is closed'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
