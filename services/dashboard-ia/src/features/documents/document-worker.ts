import { parentPort, workerData } from 'node:worker_threads';
import { chunkDocument, isDocumentError, readDocument } from '@castor/documents';
import type { DocumentThreadMessage, DocumentThreadRequest } from './document-thread.js';

// One document per thread: the file arrives as workerData (its bytes moved, not copied); the read
// and chunked document, or the reader's refusal, goes back as one message.
const request = workerData as DocumentThreadRequest;
const port = parentPort as NonNullable<typeof parentPort>;
const send = (message: DocumentThreadMessage) => port.postMessage(message);
try {
  const parsed = await readDocument(request.bytes, {
    filename: request.filename,
    contentType: request.contentType,
    limits: request.limits,
  });
  send({ type: 'chunked', document: chunkDocument(parsed, { documentId: request.documentId, ...request.chunking }) });
} catch (error) {
  if (!isDocumentError(error)) throw error;
  send({ type: 'refused', code: error.code, message: error.message, details: error.details });
}
