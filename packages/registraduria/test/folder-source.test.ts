import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MesaResult, OfflineFolderSource, publishedFilePath } from '../src/index.js';

const shared = pathToFileURL(join(E14_REAL_DIR, '..', '/'));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const anza = { departamento: '01', municipio: '034', zona: '00', puesto: '00', mesa: '001' };
const turbo = { departamento: '01', municipio: '280', zona: '03', puesto: '01', mesa: '001' };
const third = { ...turbo, mesa: '002' };
const fourth = { ...turbo, mesa: '003' };
const INDEX = '/assets/temis/allTransmissionCodes.json';

let folder: string;
let anzaPdf: Buffer;

async function put(path: string, bytes: Buffer | string) {
  await mkdir(dirname(join(folder, path)), { recursive: true });
  await writeFile(join(folder, path), bytes);
}

/** A mirror of the site: two real sheets, one HTML answer saved as .pdf, one cut PDF, one absent file. */
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'registraduria-mirror-'));
  anzaPdf = await readFile(new URL('real/2026-presidente-anza.pdf', shared));
  const turboPdf = await readFile(new URL('real/2026-presidente-turbo-a.pdf', shared));
  const htmlPage = await readFile(new URL('negative/html-error-page.pdf', shared));
  const files = [
    { code: 'X 2-39-88-14 X', mesa: anza, bytes: anzaPdf },
    { code: 'X 2-85-14-17 X', mesa: turbo, bytes: turboPdf },
    { code: 'X 1-00-00-02 X', mesa: third, bytes: htmlPage },
    { code: 'X 1-00-00-03 X', mesa: fourth, bytes: turboPdf.subarray(0, 20_000) },
  ];
  const index: Record<string, unknown> = {};
  for (const { code, mesa, bytes } of files) {
    const path = publishedFilePath({ mesa, election: 'PRE', fileId: sha256(bytes) });
    await put(path, bytes);
    index[code] = { ...mesa, zona: mesa.zona.padStart(3, '0'), pdf: path };
  }
  const absent = { ...turbo, mesa: '004' };
  index['X 1-00-00-04 X'] = {
    ...absent,
    zona: '003',
    pdf: publishedFilePath({ mesa: absent, election: 'PRE', fileId: 'c'.repeat(64) }),
  };
  await put(INDEX, JSON.stringify(index));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function collect(results: AsyncIterable<MesaResult>) {
  const all = new Map<string, MesaResult>();
  for await (const result of results) all.set(result.entry.transmissionCode, result);
  return all;
}

describe('OfflineFolderSource (the offline default)', () => {
  it('crawls a mirror with the same verdicts as downloads, and says it is offline', async () => {
    const source = new OfflineFolderSource({ folder });
    const results = await collect(source.crawlDepartamento('01'));
    expect(results.size).toBe(5);
    for (const result of results.values()) {
      expect(result.origin).toBe('offline-folder');
      expect(result.url).toMatch(/^file:\/\//);
    }
    expect(results.get('X 2-39-88-14 X')?.outcome).toMatchObject({ kind: 'pdf', sha256: sha256(anzaPdf), etag: null });
    expect(results.get('X 1-00-00-02 X')?.outcome).toMatchObject({ kind: 'missing', reason: 'html-page', size: 1_082 });
    expect(results.get('X 1-00-00-03 X')?.outcome).toMatchObject({ kind: 'failed', code: 'PROVIDER_BAD_RESPONSE' });
    expect(results.get('X 1-00-00-04 X')?.outcome).toEqual({
      kind: 'missing',
      reason: 'not-found',
      status: null,
      sha256: null,
      size: 0,
    });
  });

  it('reports files it already delivered as unchanged unless forced', async () => {
    const source = new OfflineFolderSource({ folder });
    expect((await source.fetchMesa(anza))?.outcome.kind).toBe('pdf');
    expect((await source.fetchMesa(anza))?.outcome).toEqual({
      kind: 'unchanged',
      sha256: sha256(anzaPdf),
      size: anzaPdf.length,
    });
    expect((await source.fetchMesa(anza, { force: true }))?.outcome.kind).toBe('pdf');
    expect(await source.fetchMesa({ ...anza, mesa: '999' })).toBeNull();
  });

  it('refuses files over the size cap without reading them', async () => {
    const source = new OfflineFolderSource({ folder, maxFileBytes: 10_000 });
    expect((await source.fetchMesa(anza))?.outcome).toEqual({
      kind: 'too-large',
      limitBytes: 10_000,
      declaredBytes: anzaPdf.length,
    });
  });

  it('needs an index inside the folder', async () => {
    await expect(new OfflineFolderSource({ folder, indexPath: '/nowhere.json' }).fetchIndex()).rejects.toMatchObject({
      code: 'PROVIDER_NOT_CONFIGURED',
    });
    await expect(new OfflineFolderSource({ folder, indexPath: '/../outside.json' }).fetchIndex()).rejects.toMatchObject(
      {
        code: 'PROVIDER_BAD_RESPONSE',
      },
    );
  });
});
