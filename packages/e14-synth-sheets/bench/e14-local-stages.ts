import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { type E14Submission, mesaKey } from '@castor/contracts';
import { loadShippedTemplate, type SheetTemplate } from '@castor/e14-sheets';
import { createRng } from '@castor/seeded-random';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import { z } from 'zod';
import { renderSheetPdf } from '../src/index.js';

/**
 * Throughput of the local stages of E-14 reading (page image, registration, barcode, header, QR,
 * cell crops and @castor/digit-recognizer's model when one is committed) on synthetic and real PDFs, through a pool of
 * worker threads sized to the cores, against `pdftoppm -r 150` on the same files in the same run.
 *
 *   pnpm --filter @castor/e14-synth-sheets bench:local -- --out results.json [--synthetic 60]
 */

const run = promisify(execFile);

export const benchOptionsSchema = z.object({
  synthetic: z.number().int().min(1).max(5_000).default(60),
  includeReal: z.boolean().default(true),
  workers: z.number().int().min(1).max(64).default(availableParallelism()),
  /** Passes over the corpus (the first warms the JIT and the wasm modules and is not counted). */
  passes: z.number().int().min(2).max(20).default(3),
  out: z.string().min(1),
});
export type BenchOptions = z.input<typeof benchOptionsSchema>;

interface Document {
  name: string;
  bytes: Uint8Array;
  template: string;
  pages: number;
  /** What every page must read: barcode, mesa codes (dd-mmm-zz-pp-mmm), transmission code. */
  truth: { barcodes: string[]; mesa: string; transmissionCode: string };
}

const REAL_TRUTH: Record<string, Document['truth']> = {
  '2026-presidente-anza.pdf': {
    barcodes: ['710103222010102', '710103222010202'],
    mesa: '01-034-00-00-001',
    transmissionCode: 'X 2-39-88-14 X',
  },
  '2026-presidente-turbo-a.pdf': {
    barcodes: ['710677782010102', '710677782010202'],
    mesa: '01-280-03-01-001',
    transmissionCode: 'X 2-85-14-17 X',
  },
};

const REAL_DIR = E14_REAL_DIR;

function presidente(seed: number): E14Submission {
  const a = 20 + ((seed * 37) % 180);
  const b = 5 + ((seed * 53) % 150);
  const blancos = seed % 7;
  const total = a + b + blancos + 1;
  return {
    schemaVersion: 2,
    electionCode: 'PRE-2026-2V',
    corporation: 'PRESIDENTE',
    copy: 'delegados',
    source: 'ocr',
    mesa: {
      departamento: '01',
      municipio: String(seed % 999).padStart(3, '0'),
      zona: '00',
      puesto: '01',
      mesa: String((seed % 40) + 1).padStart(3, '0'),
    },
    nivelacion: {
      sufragantes: total + (seed % 3),
      urna: total,
      incinerados: { state: 'empty', value: 0, confidence: 1, overwritten: false },
    },
    votes: [
      { ballotNumber: 1, votes: a },
      { ballotNumber: 2, votes: b },
    ],
    listTotals: [],
    blancos,
    nulos: { state: 'empty', value: 0, confidence: 1, overwritten: false },
    noMarcados: 1,
    sumaTotal: total,
  };
}

async function corpus(
  options: z.output<typeof benchOptionsSchema>,
  templates: Map<string, SheetTemplate>,
): Promise<Document[]> {
  const documents: Document[] = [];
  const presidenteTemplate = loadShippedTemplate('presidente-2026-2v');
  templates.set(presidenteTemplate.id, presidenteTemplate);
  for (let i = 0; i < options.synthetic; i++) {
    const sheet = await renderSheetPdf(
      presidente(i),
      {},
      { maxRotationDeg: 3, speckle: 0.0004 + (i % 4) * 0.0005 },
      createRng(`bench-${i}`),
    );
    templates.set(sheet.template.id, sheet.template);
    documents.push({
      name: `synthetic-${i}`,
      bytes: sheet.pdf,
      template: sheet.template.id,
      pages: sheet.template.pageCount,
      truth: {
        barcodes: sheet.truth.pages.map((page) => page.barcode),
        mesa: mesaKey(sheet.truth.mesa),
        transmissionCode: sheet.truth.transmissionCode,
      },
    });
  }
  if (options.includeReal) {
    for (const file of ['2026-presidente-anza.pdf', '2026-presidente-turbo-a.pdf']) {
      documents.push({
        name: file,
        bytes: new Uint8Array(readFileSync(join(REAL_DIR, file))),
        template: presidenteTemplate.id,
        pages: 2,
        truth: REAL_TRUTH[file] as Document['truth'],
      });
    }
  }
  return documents;
}

interface JobResult {
  id: number;
  /** Per page: barcode digits, mesa key from the header, transmission code. */
  read: { barcode: string | null; mesa: string | null; transmissionCode: string | null }[];
  ms: number;
  inspectMs: number;
  recognizer: string;
  pages: { timings: Record<string, number>; ok: boolean }[];
}

async function throughLocalStages(
  documents: Document[],
  workers: number,
  passes: number,
  templates: Map<string, SheetTemplate>,
) {
  const pool = Array.from(
    { length: workers },
    () =>
      new Worker(new URL('./local-stages-worker.mjs', import.meta.url), {
        workerData: { templates: Object.fromEntries(templates) },
      }),
  );
  const runPass = async () => {
    const results: JobResult[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= documents.length) return resolve();
              const id = next++;
              const document = documents[id] as Document;
              worker.postMessage({ id, bytes: document.bytes, template: document.template });
            };
            worker.on('message', (result: JobResult) => {
              results.push(result);
              send();
            });
            worker.once('error', reject);
            send();
          }),
      ),
    );
    for (const worker of pool) worker.removeAllListeners('message');
    return { results, wallMs: performance.now() - started };
  };
  try {
    await runPass();
    const measured = [];
    for (let pass = 1; pass < passes; pass++) measured.push(await runPass());
    return measured;
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
}

async function throughPdftoppm(documents: Document[], workers: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'e14-pdftoppm-'));
  try {
    for (const [i, document] of documents.entries()) writeFileSync(join(dir, `${i}.pdf`), document.bytes);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next < documents.length) {
          const i = next++;
          await run('pdftoppm', ['-r', '150', '-gray', join(dir, `${i}.pdf`), join(dir, `out-${i}`)]);
        }
      }),
    );
    return performance.now() - started;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Share of pages whose barcode, mesa codes and transmission code equal the truth. */
function accuracy(results: JobResult[], documents: Document[]) {
  let pages = 0;
  const right = { barcode: 0, mesa: 0, transmissionCode: 0 };
  for (const result of results) {
    const { truth } = documents[result.id] as Document;
    result.read.forEach((page, index) => {
      pages++;
      if (page.barcode === truth.barcodes[index]) right.barcode++;
      if (page.mesa === truth.mesa) right.mesa++;
      if (page.transmissionCode === truth.transmissionCode) right.transmissionCode++;
    });
  }
  return {
    pages,
    barcode: right.barcode / pages,
    mesa: right.mesa / pages,
    transmissionCode: right.transmissionCode / pages,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function runLocalStagesBenchmark(input: BenchOptions) {
  const options = benchOptionsSchema.parse(input);
  const templates = new Map<string, SheetTemplate>();
  const generationStarted = performance.now();
  const documents = await corpus(options, templates);
  const generationMs = performance.now() - generationStarted;
  const pageCount = documents.reduce((sum, document) => sum + document.pages, 0);

  // Resident memory while reading (the high-water mark of the whole run includes the renderer).
  let readingRss = 0;
  const sampler = setInterval(() => {
    readingRss = Math.max(readingRss, process.memoryUsage.rss());
  }, 50);
  const passes = await throughLocalStages(documents, options.workers, options.passes, templates).finally(() =>
    clearInterval(sampler),
  );
  const best = passes.reduce((a, b) => (a.wallMs <= b.wallMs ? a : b));
  const allPages = passes.flatMap((pass) => pass.results.flatMap((result) => result.pages));
  const stageNames = ['extractMs', 'registerMs', 'barcodeMs', 'headerMs', 'qrMs', 'cellsMs'];
  const stages = Object.fromEntries(
    stageNames.map((stage) => {
      const values = allPages.map((page) => page.timings[stage] ?? 0);
      return [
        stage.replace(/Ms$/, ''),
        { meanMs: values.reduce((a, b) => a + b, 0) / values.length, p95Ms: percentile(values, 95) },
      ];
    }),
  );
  const inspect = passes.flatMap((pass) => pass.results.map((result) => result.inspectMs));
  const pagesPerSecond = pageCount / (best.wallMs / 1000);

  const pdftoppmMs = await throughPdftoppm(documents, options.workers);
  const pdftoppmPagesPerSecond = pageCount / (pdftoppmMs / 1000);

  const result = {
    benchmark: 'e14-local-stages',
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      totalMemoryMb: Math.round(totalmem() / 1_048_576),
      node: process.version,
      note: 'shared development machine unless stated otherwise: figures are indicative',
    },
    corpus: {
      documents: documents.length,
      pages: pageCount,
      synthetic: options.synthetic,
      real: options.includeReal ? 2 : 0,
      generationSeconds: Math.round(generationMs) / 1000,
    },
    workers: options.workers,
    passes: passes.map((pass) => ({
      wallMs: Math.round(pass.wallMs),
      pagesPerSecond: Math.round((pageCount / (pass.wallMs / 1000)) * 10) / 10,
    })),
    localStages: {
      pagesPerSecond: Math.round(pagesPerSecond * 10) / 10,
      budgetPagesPerSecond: 50,
      stagesPerPage: stages,
      inspectPerDocument: {
        meanMs: inspect.reduce((a, b) => a + b, 0) / inspect.length,
        p95Ms: percentile(inspect, 95),
      },
      pagesFullyRead: allPages.filter((page) => page.ok).length / allPages.length,
      accuracy: accuracy(
        passes.flatMap((pass) => pass.results),
        documents,
      ),
      recognizer: passes[0]?.results[0]?.recognizer ?? 'unknown',
    },
    pdftoppm150: {
      pagesPerSecond: Math.round(pdftoppmPagesPerSecond * 10) / 10,
      wallMs: Math.round(pdftoppmMs),
    },
    ratioToPdftoppm: Math.round((pagesPerSecond / pdftoppmPagesPerSecond) * 100) / 100,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    peakRssWhileReadingMb: Math.round(readingRss / 1_048_576),
  };
  writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      synthetic: { type: 'string' },
      workers: { type: 'string' },
      passes: { type: 'string' },
      'no-real': { type: 'boolean', default: false },
    },
  });
  const { out } = values;
  if (!out) {
    console.error(
      'usage: e14-local-stages --out <results.json> [--synthetic N] [--workers N] [--passes N] [--no-real]',
    );
    process.exit(2);
  }
  const result = await runLocalStagesBenchmark({
    out,
    ...(values.synthetic ? { synthetic: Number(values.synthetic) } : {}),
    ...(values.workers ? { workers: Number(values.workers) } : {}),
    ...(values.passes ? { passes: Number(values.passes) } : {}),
    includeReal: !values['no-real'],
  });
  console.log(JSON.stringify(result, null, 2));
}
