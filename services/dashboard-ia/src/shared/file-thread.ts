import { Worker } from 'node:worker_threads';

/**
 * Starts the short-lived thread that reads one untrusted file, with a bounded heap so that a large
 * or hostile file never takes the service's memory. The bytes are moved to it, not copied (the
 * caller must not use them afterwards); a view on part of a larger buffer (a small body from
 * Node's pool) is copied first. `worker` names the thread's module beside the caller: from source
 * its `.mjs` shim (threads do not inherit tsx's loader), in the bundle the compiled `.js`.
 */
export function startFileThread(options: {
  /** The caller's `import.meta.url`. */
  from: string;
  worker: string;
  bytes: Uint8Array;
  /** The rest of the thread's workerData (the bytes travel as `bytes`). */
  data: Record<string, unknown>;
  heapMb: number;
}): Worker {
  const url = new URL(`./${options.worker}${options.from.endsWith('.ts') ? '.mjs' : '.js'}`, options.from);
  const { bytes } = options;
  const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  return new Worker(url, {
    workerData: { ...options.data, bytes: owned },
    transferList: [owned.buffer as ArrayBuffer],
    resourceLimits: { maxOldGenerationSizeMb: options.heapMb },
  });
}
