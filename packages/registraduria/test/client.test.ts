import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type FakeRegistraduria, startFakeRegistraduria } from '@castor/fake-apis';
import { createRedis, RedisStore } from '@castor/service-kit';
import { testRedis } from '@castor/test-support';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FileOutcome,
  KeyValueValidatorStore,
  type MesaResult,
  RegistraduriaClient,
  type RegistraduriaOptions,
} from '../src/index.js';

// The two real published sheets and the site's answer for a missing file (test-support's fixtures/e14).
const shared = pathToFileURL(join(E14_REAL_DIR, '..', '/'));
const anzaPdf = readFileSync(new URL('real/2026-presidente-anza.pdf', shared));
const turboPdf = readFileSync(new URL('real/2026-presidente-turbo-a.pdf', shared));
const missingPage = readFileSync(new URL('negative/html-error-page.pdf', shared));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const anza = { departamento: '01', municipio: '034', zona: '00', puesto: '00', mesa: '001' };
const turbo = { departamento: '01', municipio: '280', zona: '03', puesto: '01', mesa: '001' };
const bogota = { departamento: '16', municipio: '001', zona: '01', puesto: '02', mesa: '003' };

/** Distinct small PDFs for load tests: %PDF- magic and an %%EOF end, like the real ones. */
const syntheticPdf = (index: number) => Buffer.from(`%PDF-1.6\n% mesa ${index}\n${'0'.repeat(2_000)}\n%%EOF\n`);
const mesaNumber = (index: number) => ({ ...bogota, mesa: String(index + 1).padStart(3, '0') });

let site: FakeRegistraduria;
let clients: RegistraduriaClient[];
beforeEach(async () => {
  site = await startFakeRegistraduria();
  clients = [];
});
afterEach(async () => {
  for (const client of clients) client.close();
  await site.close();
});

function newClient(options: Partial<RegistraduriaOptions> = {}) {
  const client = new RegistraduriaClient({
    baseUrl: site.url,
    requestsPerSecond: 100,
    concurrency: 4,
    initialDelayMs: 20,
    maxDelayMs: 100,
    ...options,
  });
  clients.push(client);
  return client;
}

async function collect(results: AsyncIterable<MesaResult>) {
  const all: MesaResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}

function expectPdf(outcome: FileOutcome | undefined): Extract<FileOutcome, { kind: 'pdf' }> {
  if (outcome?.kind !== 'pdf') throw new Error(`expected a PDF, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe('RegistraduriaClient against the fake site', () => {
  it('crawls a departamento through the index and judges the real sheets as PDFs', async () => {
    site.publish(anza, anzaPdf, { transmissionCode: 'X 2-39-88-14 X' });
    site.publish(turbo, turboPdf, { transmissionCode: 'X 2-85-14-17 X' });
    site.publish(bogota, syntheticPdf(0));
    const client = newClient();

    const results = await collect(client.crawlDepartamento('01'));
    expect(results.map((result) => result.entry.transmissionCode).sort()).toEqual(['X 2-39-88-14 X', 'X 2-85-14-17 X']);
    const byCode = new Map(results.map((result) => [result.entry.transmissionCode, result]));
    const anzaResult = byCode.get('X 2-39-88-14 X');
    expect(anzaResult?.entry.mesa).toEqual(anza);
    expect(anzaResult?.origin).toBe('registraduria-site');
    const pdf = expectPdf(anzaResult?.outcome);
    expect(pdf.sha256).toBe(sha256(anzaPdf));
    expect(pdf.bytes.equals(anzaPdf)).toBe(true);
    expect(pdf.etag).toMatch(/^"/);
    expect(anzaResult?.url).toMatch(/\/assets\/temis\/pdf\/01\/034\/000\/00\/001\/PRE\/[0-9a-f]{64}\.pdf$/);

    const onlyTurbo = await collect(client.crawlDepartamento('01', { municipio: '280' }));
    expect(onlyTurbo.map((result) => result.entry.mesa)).toEqual([turbo]);
  });

  it('calls an HTTP 200 HTML answer missing, never a file', async () => {
    const published = site.publish(anza, anzaPdf);
    const client = newClient();
    const index = await client.fetchIndex();
    site.unpublish(published.path);

    const entry = index.byMesa(anza);
    if (!entry) throw new Error('anza is not in the index');
    const result = await client.fetchEntry(entry);
    expect(site.requests.at(-1)?.status).toBe(200);
    expect(result.outcome).toEqual({
      kind: 'missing',
      reason: 'html-page',
      status: 200,
      sha256: sha256(missingPage),
      size: 1_082,
    });
    expect(await client.fetchMesa({ ...anza, mesa: '999' })).toBeNull();
  });

  it('asks only for changes: a 304 is not downloaded again, a replaced file is', async () => {
    const published = site.publish(anza, anzaPdf, { lastModified: new Date(Date.now() - 60_000) });
    const client = newClient();
    const first = await client.fetchMesa(anza);
    const firstPdf = expectPdf(first?.outcome);

    const second = await client.fetchMesa(anza);
    expect(second?.outcome).toEqual({ kind: 'unchanged', sha256: firstPdf.sha256, size: anzaPdf.length });
    const conditional = site.requests.at(-1);
    expect(conditional?.headers['if-none-match']).toBe(published.etag);
    expect(conditional?.headers['if-modified-since']).toBe(published.lastModified.toUTCString());
    expect(conditional?.status).toBe(304);
    expect(client.stats()).toMatchObject({
      notModified: 1,
      bytes: anzaPdf.length + JSON.stringify(site.index()).length,
    });

    site.replace(published.path, turboPdf);
    const third = await client.fetchMesa(anza);
    expect(expectPdf(third?.outcome).sha256).toBe(sha256(turboPdf));

    const forced = await client.fetchMesa(anza, { force: true });
    expect(expectPdf(forced?.outcome).sha256).toBe(sha256(turboPdf));
    expect(site.requests.at(-1)?.headers['if-none-match']).toBeUndefined();
  });

  it('remembers validators in Redis, so another worker skips unchanged files too', async () => {
    const { url, keyPrefix } = testRedis();
    const redis = createRedis(url, keyPrefix);
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', () => resolve());
      redis.once('error', reject);
    });
    try {
      const validators = new KeyValueValidatorStore(new RedisStore(redis));
      site.publish(anza, anzaPdf);
      expectPdf((await newClient({ validators }).fetchMesa(anza))?.outcome);
      const elsewhere = await newClient({ validators }).fetchMesa(anza);
      expect(elsewhere?.outcome).toMatchObject({ kind: 'unchanged', sha256: sha256(anzaPdf) });
    } finally {
      redis.disconnect();
    }
  });

  it('backs off on 429, honouring retry-after for every request to the host', async () => {
    const first = site.publish(anza, anzaPdf);
    for (let index = 0; index < 4; index++) site.publish(mesaNumber(index), syntheticPdf(index));
    const client = newClient({ concurrency: 1 });
    const index = await client.fetchIndex();
    const limitedEntry = index.byMesa(anza);
    if (!limitedEntry) throw new Error('anza is not in the index');
    const others = index.entries.filter((entry) => entry !== limitedEntry);
    site.script({ kind: 'status', status: 429, retryAfterSeconds: 1 }, { pathPrefix: first.path });

    const results = await collect(client.crawl([limitedEntry, ...others]));
    expect(results.map((result) => result.outcome.kind)).toEqual(['pdf', 'pdf', 'pdf', 'pdf', 'pdf']);
    expect(results.find((result) => result.entry === limitedEntry)?.attempts).toBe(2);
    expect(client.stats()).toMatchObject({ hostPauses: 1, retries: 1 });

    // The other mesas were queued behind the limited one: none of them reached the site during
    // the second it asked for (a little slack for timer granularity).
    const answered429 = site.requests.find((request) => request.status === 429)?.answeredAtMs ?? 0;
    const after = site.requests.filter((request) => request.receivedAtMs > answered429);
    expect(after).toHaveLength(5);
    for (const request of after) expect(request.receivedAtMs - answered429).toBeGreaterThanOrEqual(950);
  });

  it('retries 503s and succeeds; gives up after maxAttempts with a typed failure', async () => {
    site.publish(anza, anzaPdf);
    const client = newClient({ maxAttempts: 3 });
    await client.fetchIndex();
    site.script({ kind: 'status', status: 503 }, { times: 2, pathPrefix: '/assets/temis/pdf/' });
    const recovered = await client.fetchMesa(anza, { force: true });
    expect(recovered?.attempts).toBe(3);
    expectPdf(recovered?.outcome);

    site.script({ kind: 'status', status: 503 }, { times: 3, pathPrefix: '/assets/temis/pdf/' });
    const failed = await client.fetchMesa(anza, { force: true });
    expect(failed?.attempts).toBe(3);
    expect(failed?.outcome).toMatchObject({ kind: 'failed', code: 'PROVIDER_UNAVAILABLE', status: 503 });
  });

  it('re-downloads a PDF cut short in transit', async () => {
    site.publish(anza, anzaPdf);
    const client = newClient();
    await client.fetchIndex();
    site.script({ kind: 'truncate', bytes: 10_000 }, { pathPrefix: '/assets/temis/pdf/' });
    const result = await client.fetchMesa(anza);
    expect(result?.attempts).toBe(2);
    expect(expectPdf(result?.outcome).sha256).toBe(sha256(anzaPdf));
  });

  it('times out a hung download and reports PROVIDER_TIMEOUT', async () => {
    site.publish(anza, anzaPdf);
    const client = newClient({ requestTimeoutMs: 300, maxAttempts: 2 });
    await client.fetchIndex();
    site.script({ kind: 'hang' }, { times: 2, pathPrefix: '/assets/temis/pdf/' });
    const result = await client.fetchMesa(anza);
    expect(result?.outcome).toMatchObject({ kind: 'failed', code: 'PROVIDER_TIMEOUT' });
    expect(result?.attempts).toBe(2);
  });

  it('refuses a file over the size cap without reading it, and remembers nothing about it', async () => {
    site.publish(anza, anzaPdf);
    const client = newClient({ maxFileBytes: 10_000 });
    const result = await client.fetchMesa(anza);
    expect(result?.outcome).toEqual({ kind: 'too-large', limitBytes: 10_000, declaredBytes: anzaPdf.length });
    expect(client.stats().bytes).toBe(JSON.stringify(site.index()).length);
    const again = await client.fetchMesa(anza);
    expect(again?.outcome.kind).toBe('too-large');
    expect(site.requests.at(-1)?.headers['if-none-match']).toBeUndefined();
  });

  it('keeps at most `concurrency` requests in flight (measured at the server)', async () => {
    for (let index = 0; index < 12; index++) site.publish(mesaNumber(index), syntheticPdf(index));
    const client = newClient({ concurrency: 3, requestsPerSecond: 100 });
    await client.fetchIndex();
    site.setLatency(150);
    site.resetInFlightPeak();
    const results = await collect(client.crawlDepartamento('16'));
    expect(results).toHaveLength(12);
    expect(results.every((result) => result.outcome.kind === 'pdf')).toBe(true);
    expect(site.maxInFlight).toBe(3);
  });

  it('spaces request starts by 1/rate (measured at the server)', async () => {
    const rate = 8;
    const count = 12;
    for (let index = 0; index < count; index++) site.publish(mesaNumber(index), syntheticPdf(index));
    const client = newClient({ concurrency: count, requestsPerSecond: rate });
    await client.fetchIndex();
    const before = site.requests.length;
    await collect(client.crawlDepartamento('16'));
    const arrivals = site.requests.slice(before).map((request) => request.receivedAtMs);
    expect(arrivals).toHaveLength(count);

    // Busiest one-second window as the site saw it: at most `rate` starts, plus one for arrival
    // jitter on a loaded machine (without the limit all 12 arrive within a few milliseconds).
    const busiest = Math.max(
      ...arrivals.map((start) => arrivals.filter((at) => at >= start && at < start + 1_000).length),
    );
    expect(busiest).toBeLessThanOrEqual(rate + 1);
    const span = (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0);
    expect(span).toBeGreaterThanOrEqual(((count - 1) * 1_000) / rate - 50);
    const gaps = arrivals.slice(1).map((at, index) => at - (arrivals[index] ?? 0));
    console.info(
      `registraduria rate: ${rate}/s configured, ${(((count - 1) * 1_000) / span).toFixed(2)}/s measured at the site, ` +
        `busiest second ${busiest} requests, smallest gap ${Math.min(...gaps).toFixed(1)} ms`,
    );
  });

  it('stops downloading when the consumer stops reading', async () => {
    for (let index = 0; index < 20; index++) site.publish(mesaNumber(index), syntheticPdf(index));
    const client = newClient({ concurrency: 1, requestsPerSecond: 20 });
    await client.fetchIndex();
    const before = site.requests.length;
    for await (const result of client.crawlDepartamento('16')) {
      expect(result.outcome.kind).toBe('pdf');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(site.requests.length - before).toBeLessThanOrEqual(3);
  });

  it('cancels queued and running downloads on close()', async () => {
    for (let index = 0; index < 6; index++) site.publish(mesaNumber(index), syntheticPdf(index));
    const client = newClient({ concurrency: 1, requestsPerSecond: 100 });
    const index = await client.fetchIndex();
    site.setLatency(5_000);
    const downloads = index.entries.map((entry) => client.fetchEntry(entry).catch((error: unknown) => error));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    client.close();
    const settled = await Promise.all(downloads);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(settled.map((error) => (error as { code?: string }).code)).toEqual(Array(6).fill('PROVIDER_CANCELLED'));
    await expect(client.fetchEntry(index.entries[0] as (typeof index.entries)[number])).rejects.toMatchObject({
      code: 'PROVIDER_CANCELLED',
    });
  });

  it('refuses an index that is not JSON, such as the HTML page', async () => {
    const client = newClient({ indexPath: '/assets/temis/no-such-index.json' });
    await expect(client.fetchIndex()).rejects.toMatchObject({ code: 'PROVIDER_BAD_RESPONSE' });
  });
});
