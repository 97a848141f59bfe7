import type { DocumentLimits } from '../limits.js';

/** What every format reader is given besides the bytes. */
export interface ReaderContext {
  limits: DocumentLimits;
  /** The title when the document states none (the file name without extension). */
  fallbackTitle: string;
}
