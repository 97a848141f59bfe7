import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_INDEX_PATH,
  type FakeRegistraduria,
  PUBLISHED_PATH_PATTERN,
  startFakeRegistraduria,
} from '../src/index.js';

const anza = { departamento: '01', municipio: '034', zona: '00', puesto: '00', mesa: '001' };
const turbo = { departamento: '01', municipio: '280', zona: '03', puesto: '01', mesa: '001' };
const pdf = (text: string) => Buffer.from(`%PDF-1.6\n${text}\n%%EOF\n`);

let site: FakeRegistraduria;
beforeEach(async () => {
  site = await startFakeRegistraduria();
});
afterEach(async () => {
  await site.close();
});

describe('fake Registraduría site', () => {
  it('serves a published file on the 2026 layout with validators', async () => {
    const bytes = pdf('anza');
    const file = site.publish(anza, bytes, { transmissionCode: 'X 2-39-88-14 X' });
    expect(file.path).toMatch(PUBLISHED_PATH_PATTERN);
    expect(file.path).toBe(
      `/assets/temis/pdf/01/034/000/00/001/PRE/${createHash('sha256').update(bytes).digest('hex')}.pdf`,
    );

    const response = await fetch(`${site.url}${file.path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('etag')).toBe(file.etag);
    expect(Date.parse(response.headers.get('last-modified') ?? '')).toBe(file.lastModified.getTime());
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it('answers unknown paths with HTTP 200 and the real 1,082-byte HTML page', async () => {
    const response = await fetch(`${site.url}/assets/temis/pdf/01/034/000/00/002/PRE/${'0'.repeat(64)}.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body).toHaveLength(1_082);
    expect(body.subarray(0, 15).toString()).toBe('<!doctype html>');
    expect(createHash('sha256').update(body).digest('hex')).toBe(
      'f56ba9566b5f844b2f7b742dbb414b45752d55fba19025401f00c0c5b54c7edc',
    );
  });

  it('answers conditional requests with 304 until the file changes', async () => {
    const file = site.publish(anza, pdf('v1'), { lastModified: new Date(Date.now() - 60_000) });
    const url = `${site.url}${file.path}`;

    const byEtag = await fetch(url, { headers: { 'if-none-match': file.etag } });
    expect(byEtag.status).toBe(304);
    expect(await byEtag.text()).toBe('');
    const byDate = await fetch(url, { headers: { 'if-modified-since': new Date().toUTCString() } });
    expect(byDate.status).toBe(304);
    const olderDate = await fetch(url, {
      headers: { 'if-modified-since': new Date(Date.now() - 3_600_000).toUTCString() },
    });
    expect(olderDate.status).toBe(200);

    const replaced = site.replace(file.path, pdf('v2'));
    expect(replaced.etag).not.toBe(file.etag);
    const stale = await fetch(url, { headers: { 'if-none-match': file.etag } });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toContain('v2');
  });

  it('serves an index mapping transmission codes to mesas and files', async () => {
    const first = site.publish(anza, pdf('anza'), { transmissionCode: 'X 2-39-88-14 X' });
    const second = site.publish(turbo, pdf('turbo'));
    const response = await fetch(`${site.url}${DEFAULT_INDEX_PATH}`);
    expect(response.headers.get('content-type')).toBe('application/json');
    const index = (await response.json()) as Record<string, { zona: string; pdf: string }>;
    expect(index['X 2-39-88-14 X']).toEqual({ ...anza, zona: '000', pdf: first.path });
    expect(index[second.transmissionCode]).toEqual({ ...turbo, zona: '003', pdf: second.path });
    expect(second.transmissionCode).toMatch(/^X \d-\d{2}-\d{2}-\d{2} X$/);

    const etag = response.headers.get('etag') ?? '';
    expect((await fetch(`${site.url}${DEFAULT_INDEX_PATH}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('injects 429 with retry-after, 503 and slowness on matching paths only', async () => {
    const file = site.publish(anza, pdf('anza'));
    site.script({ kind: 'status', status: 429, retryAfterSeconds: 3 }, { pathPrefix: '/assets/temis/pdf/01/034/' });
    site.script({ kind: 'status', status: 503 }, { times: 2, pathPrefix: '/assets/temis/pdf/' });

    expect((await fetch(`${site.url}${DEFAULT_INDEX_PATH}`)).status).toBe(200);
    const limited = await fetch(`${site.url}${file.path}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await fetch(`${site.url}${file.path}`)).status).toBe(503);
    expect((await fetch(`${site.url}${file.path}`)).status).toBe(503);
    expect((await fetch(`${site.url}${file.path}`)).status).toBe(200);

    site.script({ kind: 'delay', ms: 300 });
    const started = performance.now();
    await (await fetch(`${site.url}${file.path}`)).arrayBuffer();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('can cut a download short after announcing its full length', async () => {
    const file = site.publish(anza, pdf('x'.repeat(10_000)));
    site.script({ kind: 'truncate', bytes: 100 });
    const response = await fetch(`${site.url}${file.path}`);
    expect(response.headers.get('content-length')).toBe(String(file.bytes.length));
    await expect(response.arrayBuffer()).rejects.toThrow();
  });

  it('records concurrency as the server saw it', async () => {
    const file = site.publish(anza, pdf('anza'));
    site.setLatency(200);
    await Promise.all(Array.from({ length: 5 }, () => fetch(`${site.url}${file.path}`).then((r) => r.arrayBuffer())));
    expect(site.maxInFlight).toBe(5);
    expect(site.requests).toHaveLength(5);
    expect(site.requests.every((request) => request.status === 200)).toBe(true);
  });

  it('loads a folder mirroring the site, with the transmission codes of its index', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'fake-registraduria-'));
    try {
      const bytes = pdf('from disk');
      const path = `/assets/temis/pdf/01/280/003/01/001/PRE/${createHash('sha256').update(bytes).digest('hex')}.pdf`;
      await mkdir(dirname(join(folder, path)), { recursive: true });
      await writeFile(join(folder, path), bytes);
      await mkdir(dirname(join(folder, DEFAULT_INDEX_PATH)), { recursive: true });
      await writeFile(
        join(folder, DEFAULT_INDEX_PATH),
        JSON.stringify({ 'X 2-85-14-17 X': { ...turbo, zona: '003', pdf: path } }),
      );
      const fromFolder = await startFakeRegistraduria({ folder });
      try {
        expect(Object.keys(fromFolder.index())).toEqual(['X 2-85-14-17 X']);
        const response = await fetch(`${fromFolder.url}${path}`);
        expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
      } finally {
        await fromFolder.close();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
