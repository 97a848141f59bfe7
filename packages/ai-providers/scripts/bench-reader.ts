/**
 * How well the Claude reader keeps a slow provider busy: N page readings through C concurrent
 * workers against the fake Messages API with a fixed latency (the pipeline budget uses 2 s).
 * Busy ratio = time spent in calls / (C × wall time); 1.0 means the reader and its core add no
 * waiting of their own. Prints one JSON object.
 *
 *   npx tsx packages/ai-providers/scripts/bench-reader.ts --concurrency 32 --pages 256 --latency 2000
 */

import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { grayscalePng, readingsBySha256, startFakeAnthropic } from '@castor/fake-apis';
import { ANTHROPIC_PRICES, ClaudeE14Reader, type E14PageImage, PricingTable, UsageLedger } from '../src/index.js';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '32' },
    pages: { type: 'string', default: '256' },
    latency: { type: 'string', default: '2000' },
  },
});
const concurrency = Number(values.concurrency);
const pages = Number(values.pages);
const latencyMs = Number(values.latency);

const images: E14PageImage[] = Array.from({ length: pages }, (_, index) => ({
  bytes: grayscalePng(96, 288, (x, y) => (x * (index + 3) + y + index) % 256),
  mediaType: 'image/png',
  page: 1,
}));
const reading = {
  header: {
    departamento: '01',
    municipio: '034',
    zona: '00',
    puesto: '00',
    mesa: '001',
    corporation: 'PRESIDENTE',
    copy: 'delegados',
    barcode: null,
    transmissionCode: null,
    page: 1,
    pageCount: 2,
  },
  fields: [
    {
      path: 'blancos',
      state: 'read',
      value: 2,
      confidence: 0.95,
      overwritten: false,
      region: { image: 1, x: 1, y: 1, width: 10, height: 10 },
    },
  ],
};
const table = Object.fromEntries(
  images.map((image) => [createHash('sha256').update(image.bytes).digest('hex'), reading]),
);
const fake = await startFakeAnthropic({ latencyMs, handler: readingsBySha256(table) });
const ledger = new UsageLedger(new PricingTable(ANTHROPIC_PRICES));
const reader = new ClaudeE14Reader({
  apiKey: 'sk-ant-bench',
  baseURL: fake.url,
  model: 'claude-sonnet-5-5',
  ledger,
  resilience: { attemptTimeoutMs: latencyMs * 5, breakerThreshold: 1_000 },
});

let next = 0;
let busyMs = 0;
let failures = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (let index = next++; index < pages; index = next++) {
      const image = images[index];
      if (!image) break;
      const callStarted = performance.now();
      try {
        await reader.read({ images: [image] });
      } catch {
        failures += 1;
      }
      busyMs += performance.now() - callStarted;
    }
  }),
);
const wallMs = performance.now() - started;
await fake.close();

const totals = ledger.totals().overall;
console.log(
  JSON.stringify(
    {
      bench: 'ai-providers/claude-reader',
      machine: {
        cpus: (await import('node:os')).cpus().length,
        node: process.version,
        load: (await import('node:os')).loadavg(),
      },
      concurrency,
      pages,
      latencyMs,
      wallMs: Math.round(wallMs),
      pagesPerSecond: Number(((pages * 1000) / wallMs).toFixed(2)),
      idealPagesPerSecond: Number(((concurrency * 1000) / latencyMs).toFixed(2)),
      busyRatio: Number((busyMs / (concurrency * wallMs)).toFixed(3)),
      meanOverheadMs: Number((busyMs / pages - latencyMs).toFixed(1)),
      providerPeakInFlight: fake.maxInFlight,
      failures,
      tokens: { input: totals.inputTokens, output: totals.outputTokens },
      costUsd: Number(totals.costUsd.toFixed(4)),
    },
    null,
    2,
  ),
);
