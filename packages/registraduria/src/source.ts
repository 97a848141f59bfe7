import { setMaxListeners } from 'node:events';
import type { MesaRef } from '@castor/contracts';
import { linkAbort, type ProviderErrorCode } from '@castor/resilience';
import { z } from 'zod';
import type { IndexEntry, MesaIndex } from './index-file.js';

/** Size caps every source applies before reading a body (published sheets are 47–60 KB). */
export const sourceSizeLimits = {
  /** E14_MAX_FILE_SIZE_MB is 10. */
  maxFileBytes: z
    .number()
    .int()
    .min(1)
    .default(10 * 1024 * 1024),
  maxIndexBytes: z
    .number()
    .int()
    .min(1)
    .default(256 * 1024 * 1024),
};

/**
 * Where E-14 files come from: the Registraduría's site (RegistraduriaClient) or, offline, a folder
 * that mirrors it (OfflineFolderSource). Every result names its origin, so nothing read from a
 * local copy can pass for a fresh download.
 */
export type FileOrigin = 'registraduria-site' | 'offline-folder';

/** What one file came to. `missing` covers the site's HTTP 200 HTML answer. */
export type FileOutcome =
  | { kind: 'pdf'; sha256: string; size: number; bytes: Buffer; etag: string | null; lastModified: string | null }
  | { kind: 'unchanged'; sha256: string; size: number }
  | {
      kind: 'missing';
      reason: 'html-page' | 'not-pdf' | 'empty' | 'not-found';
      status: number | null;
      sha256: string | null;
      size: number;
    }
  | { kind: 'too-large'; limitBytes: number; declaredBytes: number | null }
  | { kind: 'failed'; code: ProviderErrorCode; message: string; status: number | null; retryAfterMs: number | null };

export interface FileResult {
  origin: FileOrigin;
  /** http(s) URL on the site, or file:// URL in the mirror. */
  url: string;
  attempts: number;
  durationMs: number;
  outcome: FileOutcome;
}

export interface MesaResult extends FileResult {
  entry: IndexEntry;
}

export interface FetchOptions {
  signal?: AbortSignal;
  /** Ignore what is remembered about earlier downloads. */
  force?: boolean;
}

/** The crawling API both sources share; e14-service depends on this, not on a concrete source. */
export abstract class E14FileSource {
  abstract readonly origin: FileOrigin;
  /** How many files are fetched ahead of the consumer during a crawl. */
  protected abstract readonly crawlWindow: number;
  abstract fetchIndex(signal?: AbortSignal): Promise<MesaIndex>;
  abstract fetchEntry(entry: IndexEntry, options?: FetchOptions): Promise<MesaResult>;

  /** The file of one mesa, found through the index; null when the index does not list the mesa. */
  async fetchMesa(mesa: MesaRef, options: FetchOptions = {}): Promise<MesaResult | null> {
    const entry = (await this.fetchIndex(options.signal)).byMesa(mesa);
    return entry ? this.fetchEntry(entry, options) : null;
  }

  /**
   * Fetches the given mesas, yielding each result as it completes (not in input order), with at
   * most `crawlWindow` fetches ahead of the consumer. Breaking out of the loop cancels the rest.
   */
  async *crawl(entries: Iterable<IndexEntry>, options: FetchOptions = {}): AsyncGenerator<MesaResult> {
    const stop = linkAbort([options.signal]);
    const signal = stop.signal;
    // Each fetch in flight listens to this signal: up to crawlWindow at once, by design.
    setMaxListeners(this.crawlWindow + 10, signal);
    const source = entries[Symbol.iterator]();
    const pending = new Map<number, Promise<{ id: number; result: MesaResult }>>();
    let nextId = 0;
    const fill = () => {
      while (pending.size < this.crawlWindow) {
        const next = source.next();
        if (next.done) return;
        const id = nextId++;
        pending.set(
          id,
          this.fetchEntry(next.value, { ...options, signal }).then((result) => ({ id, result })),
        );
      }
    };
    try {
      fill();
      while (pending.size > 0) {
        const { id, result } = await Promise.race(pending.values());
        pending.delete(id);
        fill();
        yield result;
      }
    } finally {
      // Whatever is still pending belongs to a consumer that stopped reading: drop it.
      stop.abort();
      stop.dispose();
      for (const abandoned of pending.values()) abandoned.catch(() => undefined);
    }
  }

  /** Every mesa of a departamento (optionally one municipio) listed in the index. */
  async *crawlDepartamento(
    departamento: string,
    options: FetchOptions & { municipio?: string } = {},
  ): AsyncGenerator<MesaResult> {
    const index = await this.fetchIndex(options.signal);
    const entries = index.entries.filter(
      (entry) =>
        entry.mesa.departamento === departamento &&
        (options.municipio === undefined || entry.mesa.municipio === options.municipio),
    );
    yield* this.crawl(entries, options);
  }
}
