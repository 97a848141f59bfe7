import { parentPort, workerData } from 'node:worker_threads';
import { type PostFileFormat, parsePostFile } from './post-file.js';

// One import per thread: the file arrives as workerData, the parse goes back as one message.
const { text, format, maxPosts } = workerData as { text: string; format: PostFileFormat; maxPosts: number };
parentPort?.postMessage(parsePostFile(text, format, maxPosts));
