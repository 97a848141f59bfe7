import type { ChunkedDocument, DocumentErrorCode, DocumentLimits } from '@castor/documents';
import { DocumentError } from '@castor/documents';
import { startFileThread } from '../../shared/file-thread.js';

export interface DocumentThreadRequest {
  bytes: Uint8Array;
  filename: string;
  contentType: string | undefined;
  documentId: string;
  limits: DocumentLimits;
  chunking: { targetTokens: number; overlapTokens: number };
}

/** What the reading thread sends back. */
export type DocumentThreadMessage =
  | { type: 'chunked'; document: ChunkedDocument }
  | { type: 'refused'; code: DocumentErrorCode; message: string; details: Record<string, unknown> };

export interface DocumentThreadLimits {
  /** Heap of the reading thread: a document needing more is refused, never the service's memory. */
  heapMb: number;
  /** Longest the thread may take to read and chunk one document. */
  timeoutMs: number;
}

/** A thread that died, ran out of its heap or took too long: the document is beyond one upload's limits. */
export class DocumentThreadFailure extends Error {}

/**
 * Reads and chunks an uploaded document in its own short-lived thread with a bounded heap, so
 * pdf.js, mammoth and a hostile file never stall the event loop or take the service's memory (see
 * `startFileThread`: the bytes are moved to it). Resolves with the
 * chunked document; rejects with the reader's `DocumentError` or a `DocumentThreadFailure`.
 */
export function readDocumentOffThread(
  request: DocumentThreadRequest,
  limits: DocumentThreadLimits,
): Promise<ChunkedDocument> {
  const { bytes, ...data } = request;
  return new Promise((resolve, reject) => {
    const worker = startFileThread({
      from: import.meta.url,
      worker: 'document-worker',
      bytes,
      data,
      heapMb: limits.heapMb,
    });
    let settled = false;
    const settle = (outcome: { document: ChunkedDocument } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if ('document' in outcome) resolve(outcome.document);
      else reject(outcome.error);
    };
    const timer = setTimeout(
      () => settle({ error: new DocumentThreadFailure(`reading took longer than ${limits.timeoutMs} ms`) }),
      limits.timeoutMs,
    );
    worker.once('message', (message: DocumentThreadMessage) => {
      if (message.type === 'chunked') return settle({ document: message.document });
      settle({ error: new DocumentError(message.code, message.message, message.details) });
    });
    worker.once('error', (error) => settle({ error: new DocumentThreadFailure(error.message, { cause: error }) }));
    worker.once('exit', () =>
      settle({ error: new DocumentThreadFailure('the reading thread stopped before the end') }),
    );
  });
}
