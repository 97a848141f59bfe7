import { Worker } from 'node:worker_threads';
import type { PostFileFormat, PostFileParse } from './post-file.js';

/** From source a thread needs tsx's loader (the .mjs shim); a bundle carries the compiled worker beside the server. */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./post-file-worker.mjs', import.meta.url)
    : new URL('./post-file-worker.js', import.meta.url);
}

/**
 * Parses an untrusted export in its own short-lived thread with a bounded heap, so a large or
 * hostile file never stalls the event loop or takes the service's memory. Imports are rare;
 * a thread per import keeps nothing resident between them.
 */
export function parsePostFileOffThread(
  text: string,
  format: PostFileFormat,
  options: { maxPosts: number; heapMb: number; timeoutMs: number },
): Promise<PostFileParse> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl(), {
      workerData: { text, format, maxPosts: options.maxPosts },
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb },
    });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`parsing the import took longer than ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    worker.once('message', (result: PostFileParse) => {
      clearTimeout(timer);
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
