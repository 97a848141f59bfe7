import type { ProviderErrorCode } from '@castor/resilience';

/**
 * A vector index did not answer usefully (down, too slow, circuit open, or it refused the request).
 * Retrieval catches it and answers from the lexical half alone, so a Chroma outage degrades search
 * instead of failing the chat. `reason` says which failure it was, for logs and metrics.
 */
export class VectorIndexUnavailable extends Error {
  override readonly name = 'VectorIndexUnavailable';
  readonly code = 'VECTOR_INDEX_UNAVAILABLE';

  constructor(
    /** The index's name ("chroma"). */
    readonly index: string,
    /** What was being done: 'connect', 'upsert', 'deleteDocument', 'query', 'count'. */
    readonly operation: string,
    readonly reason: ProviderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
