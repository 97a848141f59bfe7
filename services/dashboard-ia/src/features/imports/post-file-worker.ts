import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { type PostFileFormat, PostFileRefusal, readPostFile } from './post-file.js';
import type { PostFileMessage } from './post-file-thread.js';

// One import per thread: the file arrives as workerData (its bytes moved, not copied); each batch
// goes back as a message. The next batch is read while the service stores this one, and sent only
// once it has: at most two batches exist at a time.
const { bytes, format, maxPosts, batchSize } = workerData as {
  bytes: Uint8Array;
  format: PostFileFormat;
  maxPosts: number;
  batchSize: number;
};
const port = parentPort as NonNullable<typeof parentPort>;
const send = (message: PostFileMessage) => port.postMessage(message);
try {
  let stored: Promise<unknown> = Promise.resolve();
  for await (const batch of readPostFile(bytes, format, { maxPosts, batchSize })) {
    await stored;
    stored = once(port, 'message');
    send({ type: 'batch', batch });
  }
  await stored;
  send({ type: 'end' });
} catch (error) {
  if (!(error instanceof PostFileRefusal)) throw error;
  send({ type: 'refused', problem: error.problem, tooMany: error.tooMany });
}
