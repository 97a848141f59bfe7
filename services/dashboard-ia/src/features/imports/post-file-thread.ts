import { startFileThread } from '../../shared/file-thread.js';
import type { PostFileBatch, PostFileFormat, PostFileProblem } from './post-file.js';
import { PostFileRefusal } from './post-file.js';

/** What the parsing thread sends back. */
export type PostFileMessage =
  | { type: 'batch'; batch: PostFileBatch }
  | { type: 'end' }
  | { type: 'refused'; problem: PostFileProblem; tooMany: boolean };

export interface PostFileThreadLimits {
  maxPosts: number;
  /** Posts per batch handed to the caller. */
  batchSize: number;
  /** Heap of the parsing thread: a file needing more is refused, never the service's memory. */
  heapMb: number;
  /** Longest the thread may take to read one batch (storing it is the caller's time, not counted). */
  batchTimeoutMs: number;
}

/** A thread that died, ran out of its heap or took too long: the file is beyond one import's limits. */
export class PostFileThreadFailure extends Error {}

/**
 * Reads an untrusted export in its own short-lived thread with a bounded heap, so a large or
 * hostile file never stalls the event loop or takes the service's memory, and hands its posts to
 * `store` one batch at a time: the thread reads the next batch while `store` works on this one and
 * sends it once `store` has finished, so at most two batches exist. A refusal or failure is reported
 * only after the batch being stored is done, so the caller never rolls back under a running write.
 * The bytes are moved to the thread (see `startFileThread`). Resolves with the number of posts once
 * all are stored; rejects with a `PostFileRefusal` (the first bad line), a `PostFileThreadFailure`, or
 * what `store` threw.
 */
export function readPostFileOffThread(
  bytes: Uint8Array,
  format: PostFileFormat,
  limits: PostFileThreadLimits,
  store: (batch: PostFileBatch) => Promise<void>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = startFileThread({
      from: import.meta.url,
      worker: 'post-file-worker',
      bytes,
      data: { format, maxPosts: limits.maxPosts, batchSize: limits.batchSize },
      heapMb: limits.heapMb,
    });
    let posts = 0;
    let settled = false;
    /** The batch being stored: the caller's transaction is busy until it settles. */
    let storing: Promise<void> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      // Answer once the batch being stored is done (its own failure wins), never under a running write.
      storing.then(() => (error === undefined ? resolve(posts) : reject(error)), reject);
    };
    const waitForThread = () => {
      timer = setTimeout(
        () => settle(new PostFileThreadFailure(`reading a batch took longer than ${limits.batchTimeoutMs} ms`)),
        limits.batchTimeoutMs,
      );
    };
    worker.on('message', (message: PostFileMessage) => {
      clearTimeout(timer);
      if (message.type === 'end') return settle();
      if (message.type === 'refused') return settle(new PostFileRefusal(message.problem, message.tooMany));
      posts += message.batch.posts.length;
      storing = store(message.batch).then(() => {
        if (settled) return;
        waitForThread();
        worker.postMessage('next');
      });
      storing.catch(settle);
    });
    worker.once('error', (error) => settle(new PostFileThreadFailure(error.message, { cause: error })));
    worker.once('exit', () => settle(new PostFileThreadFailure('the reading thread stopped before the end')));
    waitForThread();
  });
}
