import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DocumentKind, IntakeLimitsInput, SheetReading, SheetTemplate } from '@castor/e14-sheets';
import { workerUrl } from '../worker-url.js';

/**
 * What a thread does with one received file: the intake checks of an upload, the checked photos of
 * a sheet's pages made one PDF, a reading (header: codes and barcode only, to learn the mesa and
 * corporation; full: every cell too, optionally with each page as PNG for a vision provider), the
 * cell images a reviewer sees, or the pages registered to their layout (the evidence of an alert).
 */
export type SheetJob =
  | { kind: 'inspect'; bytes: Uint8Array; limits: IntakeLimitsInput }
  | { kind: 'photos'; photos: Uint8Array[]; limits: IntakeLimitsInput }
  | {
      kind: 'read';
      bytes: Uint8Array;
      templates: SheetTemplate[];
      limits: IntakeLimitsInput;
      mode: 'header' | 'full';
      pageImages: boolean;
    }
  | { kind: 'crops'; bytes: Uint8Array; templates: SheetTemplate[]; limits: IntakeLimitsInput }
  | { kind: 'pages'; bytes: Uint8Array; templates: SheetTemplate[]; limits: IntakeLimitsInput; maxWidth: number };

/**
 * The recognizer model a thread reads cells with, as the registry holds it: `bundled` reads with
 * the models committed in @castor/digit-recognizer (each way of writing with the version chosen
 * for it), `trained` with `json` (a castor-digit-mlp file's text) for every layout.
 */
export interface ThreadModel {
  version: number;
  source: 'bundled' | 'trained';
  json: string | null;
}

/** What a thread receives: a job, and the model to read with when it changed since its last full reading. */
export interface SheetThreadRequest {
  id: number;
  job: SheetJob;
  model?: ThreadModel;
}

/** Why a job failed; `sheet`: the file itself is at fault (the same file fails the same way again). */
export interface SheetJobFailure {
  code: string;
  message: string;
  sheet: boolean;
}

type Outcome<T> = ({ ok: true } & T) | { ok: false; error: SheetJobFailure };
export type InspectResult = Outcome<{ inspected: { kind: DocumentKind; pageCount: number } }>;
export type PhotosResult = Outcome<{ pdf: Uint8Array }>;
export type ReadResult = Outcome<{
  reading: SheetReading;
  recognizer: string;
  /** The registry version whose model read the cells; null when no model read them (header only, none loaded, none given). */
  modelVersion: number | null;
  pageImages?: Array<{ page: number; bytes: Uint8Array }>;
}>;
/** The cells of a document read again: each cell's image and its row's printed label (number and name). */
export type CropsResult = Outcome<{
  /** Every page holding numbers showed the template's layout: only then are the crops the cells. */
  templateVerified: boolean;
  layoutProblems: string[];
  crops: Array<{ field: string; page: number; png: Uint8Array; labelPng?: Uint8Array }>;
}>;

/**
 * The pages of a document registered to its template (a photo flattened), by document page: each
 * image covers the template's page exactly, so a cell's CropRef, in template coordinates, falls on
 * its ink. None when the document is not verified as its layout.
 */
export type PageImagesResult = Outcome<{
  templateVerified: boolean;
  layoutProblems: string[];
  images: Array<{ page: number; png: Uint8Array; pageWidth: number; pageHeight: number }>;
}>;

/** What a thread answers for a job: the result, and what its heap and buffers hold once the job is done. */
export interface SheetThreadReply {
  id: number;
  result: InspectResult | PhotosResult | ReadResult | CropsResult | PageImagesResult;
  memoryBytes: number;
}

/** What a thread posts: that it has loaded its code and takes jobs, or a job's reply. */
export type SheetThreadMessage = { ready: true } | SheetThreadReply;

export interface SheetThreadsOptions {
  /** Threads working at once: each may hold a decoded page, so this bounds the memory files take. */
  size: number;
  /** Wall-clock deadline of one job once it runs on a thread: checks of an upload, readings and crops. */
  timeoutMs: { inspect: number; read: number };
  /** V8 heap limit of one thread. */
  heapMb: number;
  /** Jobs a thread runs before it is replaced. */
  maxJobsPerThread: number;
  /** Upload checks waiting for a thread; one more is refused with SheetThreadsBusy. */
  maxWaitingChecks: number;
  /**
   * A thread idle this long ends: V8 does not collect garbage in an idle thread, so the buffers of
   * the last decoded page would stay resident until the next job.
   */
  idleMs: number;
}

/** Too many upload checks wait for a thread: the sender should come back after `retryAfterSeconds`. */
export class SheetThreadsBusy extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many received files are waiting to be checked');
  }
}

const MAX_FAILED_STARTS = 3;
/**
 * A thread still holding more than this share of its heap limit after a job (heap and buffers: a
 * decoded page is a buffer outside the heap, kept until a collection an idle thread may never run)
 * is replaced before the next one, which gives that memory back.
 */
const RECYCLE_MEMORY_SHARE = 0.5;
/** Interactive jobs first: a sender waits for the checks of an upload, a reviewer for crops. */
const PRIORITY: Record<SheetJob['kind'], number> = { inspect: 0, photos: 0, crops: 1, pages: 1, read: 2 };

interface Pending {
  id: number;
  job: SheetJob;
  resolve: (result: SheetThreadReply['result']) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Its code is loaded: a job's deadline counts the job only, not the thread's start. */
  ready: boolean;
  jobs: number;
  busy: Pending | null;
  /** The model version last sent to the thread (sent again only when it changes). */
  modelVersion: number | null;
  deadline: NodeJS.Timeout | null;
  /** Ends the thread when it has had nothing to do for `idleMs`. */
  idle: NodeJS.Timeout | null;
  /** Terminated (deadline, recycling): it counts against the size until it has exited and freed its memory. */
  stopping: boolean;
}

const tooComplex = (why: string): SheetThreadReply['result'] => ({
  ok: false,
  error: { code: 'FILE_TOO_COMPLEX', message: `The file ${why}; it is refused.`, sheet: true },
});

/**
 * The worker threads that touch untrusted files: parsing and decoding a hostile file cost seconds
 * of CPU and hundreds of MB, so none of it runs on the event loop, which stays free for HTTP and
 * the queue. Threads start when there is work for them (each holds the recognizer's model) and run
 * under a heap limit; a job past its deadline or the heap limit ends its thread and is refused as
 * FILE_TOO_COMPLEX. A thread is replaced after some jobs, or when its heap stays large, since
 * decoders keep memory. A thread that dies otherwise fails its job (the caller may retry it).
 */
export class SheetThreads {
  private readonly slots: Slot[] = [];
  private readonly waiting: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private failedStarts = 0;
  private broken: Error | null = null;
  /** Threads started so far (replacements included). */
  started = 0;
  recognizer = 'not loaded yet';
  readonly size: number;
  /** The model full readings use; none given = the committed models, recorded as no version. */
  private model: ThreadModel | null = null;

  constructor(private readonly options: SheetThreadsOptions) {
    this.size = options.size > 0 ? options.size : availableParallelism();
  }

  /** Threads alive now (working, idle or starting). */
  get alive(): number {
    return this.slots.length;
  }

  /**
   * Reads cells with `model` from the next full reading on: each thread gets it once, with its
   * first full reading after the change (a job already running finishes with the model it had).
   */
  useModel(model: ThreadModel): void {
    this.model = model;
  }

  /** The intake checks of a received file; rejects with SheetThreadsBusy when too many checks wait. */
  inspect(bytes: Uint8Array, limits: IntakeLimitsInput): Promise<InspectResult> {
    return this.run({ kind: 'inspect', bytes, limits }) as Promise<InspectResult>;
  }

  /** The photos of a sheet's pages (JPEG, each checked by `inspect`), in this order, as one PDF. */
  photosAsPdf(photos: Uint8Array[], limits: IntakeLimitsInput): Promise<PhotosResult> {
    return this.run({ kind: 'photos', photos, limits }) as Promise<PhotosResult>;
  }

  read(job: Omit<Extract<SheetJob, { kind: 'read' }>, 'kind'>): Promise<ReadResult> {
    return this.run({ kind: 'read', ...job }) as Promise<ReadResult>;
  }

  /** The PNG of every cell of the document read with `templates`, as the recognizer saw it. */
  crops(bytes: Uint8Array, templates: SheetTemplate[], limits: IntakeLimitsInput): Promise<CropsResult> {
    return this.run({ kind: 'crops', bytes, templates, limits }) as Promise<CropsResult>;
  }

  /**
   * Every page of the document, registered to the layout of `templates` it shows, as PNGs at most
   * `maxWidth` pixels wide (never finer than the scan itself).
   */
  pageImages(job: Omit<Extract<SheetJob, { kind: 'pages' }>, 'kind'>): Promise<PageImagesResult> {
    return this.run({ kind: 'pages', ...job }) as Promise<PageImagesResult>;
  }

  private run(job: SheetJob): Promise<SheetThreadReply['result']> {
    if (this.closed) return Promise.reject(new Error('the file threads are closed'));
    if (this.broken) return Promise.reject(new Error(`the file threads cannot start: ${this.broken.message}`));
    return new Promise((resolve, reject) => {
      const pending: Pending = { id: this.nextId++, job, resolve, reject };
      const behind = this.waiting.findIndex((other) => PRIORITY[other.job.kind] > PRIORITY[job.kind]);
      this.waiting.splice(behind < 0 ? this.waiting.length : behind, 0, pending);
      this.dispatch();
      if (
        job.kind === 'inspect' &&
        this.waiting.includes(pending) &&
        this.checksInLine() > this.options.maxWaitingChecks
      ) {
        this.waiting.splice(this.waiting.indexOf(pending), 1);
        // Within a check's deadline every running check is over and a thread is free.
        reject(new SheetThreadsBusy(Math.ceil(this.options.timeoutMs.inspect / 1000)));
      }
    });
  }

  /** Upload checks waiting with no thread starting for them (checks come first, so they take the starting ones). */
  private checksInLine(): number {
    const starting = this.slots.filter((slot) => !slot.ready && !slot.stopping).length;
    return this.waiting.filter((pending) => pending.job.kind === 'inspect').length - starting;
  }

  private dispatch() {
    // Start threads for the jobs the free ones (idle or starting) cannot take, up to the pool size.
    const free = this.slots.filter((slot) => !slot.busy && !slot.stopping);
    let unserved = this.waiting.length - free.length;
    while (unserved-- > 0 && this.slots.length < this.size && !this.broken && !this.closed) this.spawn();
    for (const slot of free.filter((candidate) => candidate.ready)) {
      const next = this.waiting.shift();
      if (!next) {
        this.endWhenIdle(slot);
        continue;
      }
      if (slot.idle) clearTimeout(slot.idle);
      slot.idle = null;
      slot.busy = next;
      const timeoutMs = next.job.kind === 'inspect' ? this.options.timeoutMs.inspect : this.options.timeoutMs.read;
      slot.deadline = setTimeout(() => this.stop(slot, tooComplex(`took more than ${timeoutMs} ms`)), timeoutMs);
      slot.deadline.unref();
      const request: SheetThreadRequest = { id: next.id, job: next.job };
      const model = this.model;
      if (model && next.job.kind === 'read' && next.job.mode === 'full' && slot.modelVersion !== model.version) {
        request.model = model;
        slot.modelVersion = model.version;
      }
      slot.worker.postMessage(request);
    }
  }

  private endWhenIdle(slot: Slot) {
    if (slot.idle) return;
    slot.idle = setTimeout(() => {
      slot.idle = null;
      if (!slot.busy && !slot.stopping) this.stop(slot, null);
    }, this.options.idleMs);
    slot.idle.unref();
  }

  private spawn() {
    const worker = new Worker(workerUrl(import.meta.url, 'sheet-worker'), {
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb },
    });
    const slot: Slot = {
      worker,
      ready: false,
      jobs: 0,
      busy: null,
      modelVersion: null,
      deadline: null,
      idle: null,
      stopping: false,
    };
    this.slots.push(slot);
    this.started++;
    worker.on('message', (message: SheetThreadMessage) => {
      if ('id' in message) return this.answered(slot, message);
      slot.ready = true;
      this.failedStarts = 0;
      this.dispatch();
    });
    worker.on('error', (error) => this.failed(slot, error));
    worker.once('exit', () => {
      this.settle(slot)?.reject(new Error('a file thread exited in the middle of a job'));
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      this.dispatch();
    });
    worker.unref();
  }

  /** The thread's job is over: its deadline cleared, the job handed back to who settles it. */
  private settle(slot: Slot): Pending | null {
    const busy = slot.busy;
    slot.busy = null;
    if (slot.deadline) clearTimeout(slot.deadline);
    slot.deadline = null;
    return busy;
  }

  private answered(slot: Slot, reply: SheetThreadReply) {
    const busy = this.settle(slot);
    if (reply.result.ok && 'recognizer' in reply.result) this.recognizer = reply.result.recognizer;
    busy?.resolve(reply.result);
    slot.jobs++;
    const heapLimitBytes = this.options.heapMb * 1_048_576;
    if (slot.jobs >= this.options.maxJobsPerThread || reply.memoryBytes > heapLimitBytes * RECYCLE_MEMORY_SHARE) {
      this.stop(slot, null);
    } else this.dispatch();
  }

  /** The thread died: out of heap (the file's fault), or anything else (its job may be retried). */
  private failed(slot: Slot, error: Error & { code?: string }) {
    const busy = this.settle(slot);
    if (error.code === 'ERR_WORKER_OUT_OF_MEMORY')
      busy?.resolve(tooComplex(`needs more than ${this.options.heapMb} MB`));
    else busy?.reject(error);
    if (slot.ready || this.closed) return;
    // A thread that cannot even start (its file missing from a build) would fail forever: after a
    // few in a row the pool stops starting threads and refuses jobs, loudly.
    if (++this.failedStarts >= MAX_FAILED_STARTS) {
      this.broken = error;
      for (const waiting of this.waiting.splice(0)) waiting.reject(error);
    }
  }

  /** Ends a thread (its job, if any, answered with `result`); a replacement starts once it has exited. */
  private stop(slot: Slot, result: SheetThreadReply['result'] | null) {
    const busy = this.settle(slot);
    if (busy && result) busy.resolve(result);
    slot.stopping = true;
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = null;
    void slot.worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.waiting.splice(0)) waiting.reject(new Error('the file threads are closed'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
