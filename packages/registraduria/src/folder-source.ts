import { open, readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProviderError } from '@castor/resilience';
import { z } from 'zod';
import { type IndexEntry, type MesaIndex, parseMesaIndex } from './index-file.js';
import { E14FileSource, type FetchOptions, type FileOutcome, type MesaResult, sourceSizeLimits } from './source.js';
import { MemoryValidatorStore, type ValidatorStore } from './validators.js';
import { judgeBody } from './verdict.js';

export const offlineFolderOptionsSchema = z.object({
  /** A folder mirroring the site: assets/temis/pdf/... and the index at `indexPath`. */
  folder: z.string().min(1),
  indexPath: z.string().startsWith('/').default('/assets/temis/allTransmissionCodes.json'),
  ...sourceSizeLimits,
  /** Files read at once during a crawl. */
  concurrency: z.number().int().min(1).max(64).default(8),
});
export type OfflineFolderOptions = z.input<typeof offlineFolderOptionsSchema> & { validators?: ValidatorStore };

/**
 * The offline default: the same API as RegistraduriaClient over a local copy of the site (a
 * mirror taken earlier, a drive handed over by a partner). Files are judged exactly as downloads
 * are, and every result says `origin: 'offline-folder'`.
 */
export class OfflineFolderSource extends E14FileSource {
  readonly origin = 'offline-folder' as const;
  readonly options: z.output<typeof offlineFolderOptionsSchema>;
  protected readonly crawlWindow: number;
  private readonly root: string;
  private readonly validators: ValidatorStore;
  private index: { value: MesaIndex; mtimeMs: number } | undefined;

  constructor(options: OfflineFolderOptions) {
    super();
    this.options = offlineFolderOptionsSchema.parse(options);
    this.root = resolve(this.options.folder);
    this.crawlWindow = this.options.concurrency;
    this.validators = options.validators ?? new MemoryValidatorStore();
  }

  /** A site path inside the mirror; the index is external input, so nothing may climb out of the folder. */
  private local(path: string): string {
    const file = resolve(join(this.root, path));
    if (!file.startsWith(this.root + sep)) {
      throw new ProviderError('PROVIDER_BAD_RESPONSE', this.origin, `path escapes the mirror: ${path}`);
    }
    return file;
  }

  async fetchIndex(): Promise<MesaIndex> {
    const file = this.local(this.options.indexPath);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(file);
    } catch (error) {
      throw new ProviderError('PROVIDER_NOT_CONFIGURED', this.origin, `no index in the mirror at ${file}`, {
        cause: error,
      });
    }
    if (this.index && this.index.mtimeMs === info.mtimeMs) return this.index.value;
    if (info.size > this.options.maxIndexBytes) {
      throw new ProviderError(
        'PROVIDER_BAD_RESPONSE',
        this.origin,
        `the index is over ${this.options.maxIndexBytes} bytes`,
      );
    }
    let value: MesaIndex;
    try {
      value = parseMesaIndex(JSON.parse(await readFile(file, 'utf8')));
    } catch (error) {
      throw new ProviderError('PROVIDER_BAD_RESPONSE', this.origin, `unusable index: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.index = { value, mtimeMs: info.mtimeMs };
    return value;
  }

  async fetchEntry(entry: IndexEntry, options: FetchOptions = {}): Promise<MesaResult> {
    const started = performance.now();
    options.signal?.throwIfAborted();
    const file = this.local(entry.path);
    const url = pathToFileURL(file).href;
    const outcome = await this.read(file, url, options.force ?? false);
    return { origin: this.origin, url, entry, attempts: 1, durationMs: performance.now() - started, outcome };
  }

  private async read(file: string, url: string, force: boolean): Promise<FileOutcome> {
    let bytes: Buffer;
    let modified: Date;
    try {
      const handle = await open(file, 'r');
      try {
        const info = await handle.stat();
        if (info.size > this.options.maxFileBytes) {
          return { kind: 'too-large', limitBytes: this.options.maxFileBytes, declaredBytes: info.size };
        }
        bytes = await handle.readFile();
        modified = info.mtime;
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { kind: 'missing', reason: 'not-found', status: null, sha256: null, size: 0 };
      }
      return {
        kind: 'failed',
        code: 'PROVIDER_UNAVAILABLE',
        message: (error as Error).message,
        status: null,
        retryAfterMs: null,
      };
    }
    const verdict = judgeBody(bytes);
    switch (verdict.kind) {
      case 'pdf': {
        const stored = force ? null : await this.validators.get(url);
        if (stored?.sha256 === verdict.sha256) return { kind: 'unchanged', sha256: verdict.sha256, size: verdict.size };
        const lastModified = modified.toUTCString();
        await this.validators.set(url, { etag: null, lastModified, sha256: verdict.sha256, size: verdict.size });
        return { kind: 'pdf', sha256: verdict.sha256, size: verdict.size, bytes, etag: null, lastModified };
      }
      case 'truncated-pdf':
        // A copy cut short stays cut: reading it again will not help, unlike a dropped download.
        return {
          kind: 'failed',
          code: 'PROVIDER_BAD_RESPONSE',
          message: `truncated PDF in the mirror (${verdict.size} bytes, no %%EOF)`,
          status: null,
          retryAfterMs: null,
        };
      case 'not-pdf':
        return {
          kind: 'missing',
          reason: verdict.reason === 'other' ? 'not-pdf' : verdict.reason,
          status: null,
          sha256: verdict.sha256,
          size: verdict.size,
        };
    }
  }
}
