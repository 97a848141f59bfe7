/**
 * Throughput of a crawl against the fake site: M published mesas (synthetic 50 KB PDFs), with the
 * given concurrency, request rate and site latency. Reports files/s, the peak concurrency the
 * site saw, and the busiest second, so politeness limits can be checked at volume. Prints JSON.
 *
 *   npx tsx packages/registraduria/scripts/bench-crawl.ts --mesas 2000 --concurrency 8 --rate 200 --latency 20
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startFakeRegistraduria } from '@castor/fake-apis';
import { RegistraduriaClient } from '../src/index.js';

const { values } = parseArgs({
  options: {
    mesas: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    rate: { type: 'string', default: '200' },
    latency: { type: 'string', default: '20' },
  },
});
const mesas = Number(values.mesas);
const concurrency = Number(values.concurrency);
const requestsPerSecond = Number(values.rate);

const site = await startFakeRegistraduria({ latencyMs: Number(values.latency) });
const padding = 'x'.repeat(50_000);
for (let index = 0; index < mesas; index++) {
  const mesa = String((index % 999) + 1).padStart(3, '0');
  const puesto = String(Math.floor(index / 999) % 100).padStart(2, '0');
  site.publish(
    { departamento: '05', municipio: '001', zona: '01', puesto, mesa },
    Buffer.from(`%PDF-1.6\n%${index}\n${padding}\n%%EOF\n`),
  );
}
const client = new RegistraduriaClient({ baseUrl: site.url, concurrency, requestsPerSecond, maxAttempts: 3 });
await client.fetchIndex();
const before = site.requests.length;
site.resetInFlightPeak();
const outcomes: Record<string, number> = {};
const started = performance.now();
for await (const result of client.crawlDepartamento('05'))
  outcomes[result.outcome.kind] = (outcomes[result.outcome.kind] ?? 0) + 1;
const wallMs = performance.now() - started;
const arrivals = site.requests.slice(before).map((request) => request.receivedAtMs);
let busiestSecond = 0;
for (let start = 0, end = 0; start < arrivals.length; start++) {
  while (end < arrivals.length && (arrivals[end] ?? 0) < (arrivals[start] ?? 0) + 1_000) end++;
  busiestSecond = Math.max(busiestSecond, end - start);
}
client.close();
await site.close();
console.log(
  JSON.stringify(
    {
      bench: 'registraduria/crawl',
      machine: { cpus: cpus().length, node: process.version, load: loadavg() },
      mesas,
      concurrency,
      requestsPerSecond,
      latencyMs: Number(values.latency),
      wallMs: Math.round(wallMs),
      filesPerSecond: Number(((mesas * 1000) / wallMs).toFixed(1)),
      sitePeakInFlight: site.maxInFlight,
      busiestSecond,
      outcomes,
      stats: client.stats(),
    },
    null,
    2,
  ),
);
