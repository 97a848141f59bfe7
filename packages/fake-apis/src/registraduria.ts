import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { type RecordedExchange, startLoopbackServer } from './http.js';

/**
 * A loopback stand-in for the Registraduría's E-14 publication site, 2026 layout:
 *
 *   /assets/temis/pdf/{dep2}/{mun3}/{zona3}/{puesto2}/{mesa3}/{election}/{64 hex}.pdf
 *
 * and an index of mesas modelled on `allTransmissionCodes.json`. The real index (~35 MB) has not
 * been seen by the project; the shape served here is an ASSUMPTION, documented in README.md:
 *
 *   { "<transmission code as printed>": { departamento, municipio, zona (3 digits, as in paths),
 *     puesto, mesa, pdf: "<path of the file>" }, ... }
 *
 * Like the real site, an unknown path answers HTTP 200 with a 1,082-byte HTML page.
 */

export const DEFAULT_INDEX_PATH = '/assets/temis/allTransmissionCodes.json';
export const PUBLISHED_PATH_PATTERN =
  /^\/assets\/temis\/pdf\/(\d{2})\/(\d{3})\/(\d{3})\/(\d{2})\/(\d{3})\/([A-Z0-9]+)\/([0-9a-f]{64})\.pdf$/;

const MISSING_PAGE_URL = new URL('../fixtures/registraduria-missing-file.html', import.meta.url);

export interface FakeMesaCodes {
  departamento: string;
  municipio: string;
  /** Two digits as printed on the sheet; padded to three in paths. */
  zona: string;
  puesto: string;
  mesa: string;
}

export interface PublishedFile {
  path: string;
  transmissionCode: string;
  codes: FakeMesaCodes;
  bytes: Buffer;
  etag: string;
  lastModified: Date;
}

export interface IndexNode {
  departamento: string;
  municipio: string;
  zona: string;
  puesto: string;
  mesa: string;
  pdf: string;
}

/** Injected misbehaviour for the next matching requests. */
export type RegistraduriaInjection =
  | { kind: 'status'; status: 429 | 500 | 502 | 503 | 504; retryAfterSeconds?: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'truncate'; bytes: number };

export interface RegistraduriaScriptOptions {
  times?: number;
  /** Only requests whose path starts with this (default: every path). */
  pathPrefix?: string;
}

export interface FakeRegistraduriaOptions {
  /** Election segment of the paths (`PRE` for the presidential election). */
  election?: string;
  indexPath?: string;
  /**
   * Folder whose tree mirrors the site (files under assets/temis/pdf/...), loaded at start. An
   * index file at `indexPath` inside it gives the transmission codes; otherwise they are made up.
   */
  folder?: string;
  /** Delay before every answer. */
  latencyMs?: number;
  /** The page answered for unknown paths; by default the real 1,082-byte page. */
  missingPage?: Buffer;
}

export interface FakeRegistraduria {
  url: string;
  indexPath: string;
  /** Publishes a file for a mesa and returns it (path, ETag...). The file name is the SHA-256 of the bytes. */
  publish(
    codes: FakeMesaCodes,
    bytes: Uint8Array,
    options?: { transmissionCode?: string; lastModified?: Date },
  ): PublishedFile;
  /** Replaces a published file's bytes at the same path: a new ETag and Last-Modified. */
  replace(path: string, bytes: Uint8Array, lastModified?: Date): PublishedFile;
  unpublish(path: string): void;
  files(): PublishedFile[];
  index(): Record<string, IndexNode>;
  script(injection: RegistraduriaInjection, options?: RegistraduriaScriptOptions): void;
  setLatency(ms: number): void;
  requests: RecordedExchange[];
  readonly inFlight: number;
  readonly maxInFlight: number;
  resetInFlightPeak(): void;
  close(): Promise<void>;
}

const pad = (value: string, width: number) => value.padStart(width, '0');

export function publishedPath(codes: FakeMesaCodes, election: string, fileHash: string): string {
  return `/assets/temis/pdf/${codes.departamento}/${codes.municipio}/${pad(codes.zona, 3)}/${codes.puesto}/${codes.mesa}/${election}/${fileHash}.pdf`;
}

/** A printed-looking transmission code ("X 2-39-88-14 X") derived from the mesa, for files without one. */
export function syntheticTransmissionCode(codes: FakeMesaCodes): string {
  const digest = createHash('sha256')
    .update(`${codes.departamento}-${codes.municipio}-${codes.zona}-${codes.puesto}-${codes.mesa}`)
    .digest();
  const group = (index: number) => pad(String((digest[index] ?? 0) % 100), 2);
  return `X ${(digest[0] ?? 0) % 10}-${group(1)}-${group(2)}-${group(3)} X`;
}

const etagOf = (bytes: Buffer) => `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`;

/** HTTP dates have one-second resolution; keep stored times on whole seconds so comparisons hold. */
const wholeSecond = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);

const indexNodeSchema = z.object({
  departamento: z.string(),
  municipio: z.string(),
  zona: z.string(),
  puesto: z.string(),
  mesa: z.string(),
  pdf: z.string(),
});

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** True when the client's validators still match: If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2). */
function notModified(request: IncomingMessage, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const tags = ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(etag);
  }
  const ifModifiedSince = request.headers['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && lastModified.getTime() <= since;
}

export async function startFakeRegistraduria(options: FakeRegistraduriaOptions = {}): Promise<FakeRegistraduria> {
  const election = options.election ?? 'PRE';
  const indexPath = options.indexPath ?? DEFAULT_INDEX_PATH;
  const missingPage = options.missingPage ?? (await readFile(MISSING_PAGE_URL));
  const missingEtag = etagOf(missingPage);
  const startedAt = wholeSecond(new Date());
  const byPath = new Map<string, PublishedFile>();
  const steps: Array<{ injection: RegistraduriaInjection; remaining: number; pathPrefix: string }> = [];
  const requests: RecordedExchange[] = [];
  let latencyMs = options.latencyMs ?? 0;
  let indexChangedAt = startedAt;

  const publishAt = (
    path: string,
    codes: FakeMesaCodes,
    bytes: Buffer,
    transmissionCode: string,
    lastModified: Date,
  ) => {
    const file: PublishedFile = {
      path,
      codes,
      transmissionCode,
      bytes,
      etag: etagOf(bytes),
      lastModified: wholeSecond(lastModified),
    };
    byPath.set(path, file);
    indexChangedAt = wholeSecond(new Date());
    return file;
  };

  const index = (): Record<string, IndexNode> => {
    const nodes: Record<string, IndexNode> = {};
    for (const file of byPath.values()) {
      nodes[file.transmissionCode] = { ...file.codes, zona: pad(file.codes.zona, 3), pdf: file.path };
    }
    return nodes;
  };

  if (options.folder) {
    const folder = options.folder;
    let knownCodes: Record<string, z.infer<typeof indexNodeSchema>> = {};
    try {
      const text = await readFile(join(folder, indexPath), 'utf8');
      knownCodes = z.record(z.string(), indexNodeSchema).parse(JSON.parse(text));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const codeByPath = new Map(Object.entries(knownCodes).map(([code, node]) => [node.pdf, code]));
    for (const file of await listFiles(folder)) {
      const path = `/${relative(folder, file).split(sep).join('/')}`;
      const match = PUBLISHED_PATH_PATTERN.exec(path);
      if (!match) continue;
      const [, departamento = '', municipio = '', zona3 = '', puesto = '', mesa = ''] = match;
      const codes = { departamento, municipio, zona: zona3.slice(1), puesto, mesa };
      publishAt(path, codes, await readFile(file), codeByPath.get(path) ?? syntheticTransmissionCode(codes), startedAt);
    }
  }

  const nextInjection = (path: string): RegistraduriaInjection | null => {
    const position = steps.findIndex((step) => path.startsWith(step.pathPrefix));
    const step = steps[position];
    if (!step) return null;
    step.remaining -= 1;
    if (step.remaining === 0) steps.splice(position, 1);
    return step.injection;
  };

  const sendBody = (
    request: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
    headers: Record<string, string>,
    truncateTo: number | null,
  ) => {
    response.writeHead(200, { ...headers, 'content-length': String(body.length) });
    if (request.method === 'HEAD') {
      response.end();
    } else if (truncateTo !== null) {
      // Announces the full length and cuts the connection early, like a dropped download.
      response.write(body.subarray(0, truncateTo), () => response.destroy());
    } else {
      response.end(body);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' });
      response.end();
      return;
    }
    const injection = nextInjection(path);
    await server.wait(injection?.kind === 'delay' ? injection.ms : latencyMs);
    if (injection?.kind === 'hang') {
      await new Promise<void>((resolve) => response.on('close', resolve));
      return;
    }
    if (injection?.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
      if (injection.retryAfterSeconds !== undefined) headers['retry-after'] = String(injection.retryAfterSeconds);
      response.writeHead(injection.status, headers);
      response.end(`<html><body><h1>${injection.status}</h1></body></html>`);
      return;
    }
    const truncateTo = injection?.kind === 'truncate' ? injection.bytes : null;

    if (path === indexPath) {
      const body = Buffer.from(JSON.stringify(index()));
      const etag = etagOf(body);
      const lastModified = indexChangedAt;
      if (notModified(request, etag, lastModified)) {
        response.writeHead(304, { etag, 'last-modified': lastModified.toUTCString() });
        response.end();
        return;
      }
      sendBody(
        request,
        response,
        body,
        { 'content-type': 'application/json', etag, 'last-modified': lastModified.toUTCString() },
        truncateTo,
      );
      return;
    }

    const file = byPath.get(path);
    if (!file) {
      // The real site's single-page app answers every unknown path with its HTML shell and status 200.
      sendBody(request, response, missingPage, { 'content-type': 'text/html', etag: missingEtag }, truncateTo);
      return;
    }
    const lastModified = file.lastModified.toUTCString();
    if (notModified(request, file.etag, file.lastModified)) {
      response.writeHead(304, { etag: file.etag, 'last-modified': lastModified });
      response.end();
      return;
    }
    sendBody(
      request,
      response,
      file.bytes,
      { 'content-type': 'application/pdf', etag: file.etag, 'last-modified': lastModified },
      truncateTo,
    );
  };

  const server = await startLoopbackServer(handle, requests);

  return {
    url: server.url,
    indexPath,
    publish(codes, bytes, { transmissionCode, lastModified = new Date() } = {}) {
      const buffer = Buffer.from(bytes);
      const path = publishedPath(codes, election, createHash('sha256').update(buffer).digest('hex'));
      return publishAt(path, codes, buffer, transmissionCode ?? syntheticTransmissionCode(codes), lastModified);
    },
    replace(path, bytes, lastModified = new Date()) {
      const current = byPath.get(path);
      if (!current) throw new Error(`nothing is published at ${path}`);
      return publishAt(path, current.codes, Buffer.from(bytes), current.transmissionCode, lastModified);
    },
    unpublish(path) {
      byPath.delete(path);
      indexChangedAt = wholeSecond(new Date());
    },
    files: () => [...byPath.values()],
    index,
    script(injection, { times = 1, pathPrefix = '/' } = {}) {
      if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
      steps.push({ injection, remaining: times, pathPrefix });
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    requests,
    get inFlight() {
      return server.inFlight;
    },
    get maxInFlight() {
      return server.maxInFlight;
    },
    resetInFlightPeak: () => server.resetInFlightPeak(),
    close: () => server.close(),
  };
}
