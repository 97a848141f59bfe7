/**
 * Embedded vector stores for dashboard-ia's campaign-document retrieval when no Chroma server is
 * configured (bench/results/vector-stores.json). Same data, same run, same machine:
 * - reference: an exact brute-force cosine scan over one Float32Array matrix, with the visibility
 *   filter (`visibleTo` null or the asking user) applied in the scan;
 * - int8: what dashboard-ia ships (`VectorMatrix`): sign codes pick candidates, int8 vectors rank them;
 * - PGlite (WASM PostgreSQL) with pgvector: binary COPY ingest (a text COPY sample for contrast),
 *   HNSW (vector_cosine_ops, m=16, ef_construction=64) persisted to a directory through nodefs;
 *   then a fresh process reopens the directory (the restart cost) and asks top-10 with
 *   `visible_to IS NULL OR visible_to = $1` at ef_search 40 and 100.
 * Latencies are ratios to the reference; recall@10 is against the reference's exact top-10.
 * Each part runs in its own process so that one's memory never colours another's figures.
 * VECTOR_STORES_N sets the store size (default 100,000).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, type Rng } from '@castor/seeded-random';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { machine, memoryOf, percentile } from '../../../bench/support.js';
import { VectorMatrix } from '../src/shared/postgres-vector-index.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const serviceDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

const DATA = {
  vectors: Number(process.env.VECTOR_STORES_N ?? 100_000),
  dimensions: 256,
  clusters: 500,
  documents: 2_000,
  sources: ['programa', 'debate', 'prensa', 'redes', 'interno'],
  users: 20,
  restrictedShare: 0.05,
  queries: 200,
  topK: 10,
  /** Noise per dimension around a centre (documents), and around a centre (queries). */
  documentNoise: 0.7,
  queryNoise: 0.5,
  /** Decimals kept per component, so PGlite's text COPY and the in-memory copies hold the same floats. */
  decimals: 6,
};
const HNSW = { m: 16, efConstruction: 64, efSearch: [40, 100] };
const COPY_BATCH = 5_000;
const WARM_UP_QUERIES = 20;

interface Row {
  id: number;
  documentId: number;
  source: string;
  visibleTo: string | null;
  embedding: Float64Array;
}

interface Query {
  userId: string;
  embedding: Float64Array;
}

type Part = 'exact' | 'int8' | 'pglite-build' | 'pglite-restart';

function unitGaussian(rng: Rng, dimensions: number): Float64Array {
  const values = new Float64Array(dimensions);
  let norm = 0;
  for (let j = 0; j < dimensions; j++) {
    const value = rng.normal();
    values[j] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  for (let j = 0; j < dimensions; j++) values[j] = (values[j] as number) / norm;
  return values;
}

/**
 * A centre plus Gaussian noise, normalised, then rounded to DATA.decimals: the rounded doubles
 * print exactly as the decimals PGlite's COPY parses, so every store holds the same numbers.
 */
function nearCentre(rng: Rng, centre: Float64Array, noise: number): Float64Array {
  const d = centre.length;
  const values = new Float64Array(d);
  let norm = 0;
  for (let j = 0; j < d; j++) {
    const value = (centre[j] as number) + rng.normal() * (noise / Math.sqrt(d));
    values[j] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  const scale = 10 ** DATA.decimals;
  for (let j = 0; j < d; j++) values[j] = Math.round(((values[j] as number) / norm) * scale) / scale;
  return values;
}

function centres(): Float64Array[] {
  const rng = createRng('vector-stores:centres');
  return Array.from({ length: DATA.clusters }, () => unitGaussian(rng, DATA.dimensions));
}

/** The corpus, row by row, so the PGlite child never holds it all in JS memory. */
function* corpus(): Generator<Row> {
  const centreList = centres();
  const rng = createRng('vector-stores:corpus');
  const documentsPerCluster = DATA.documents / DATA.clusters;
  for (let id = 0; id < DATA.vectors; id++) {
    const cluster = rng.int(0, DATA.clusters - 1);
    // A document's chunks sit in one cluster, as a campaign programme's chunks share a topic.
    const documentId = cluster * documentsPerCluster + rng.int(0, documentsPerCluster - 1);
    const source = rng.pick(DATA.sources);
    const visibleTo = rng.chance(DATA.restrictedShare) ? `user-${rng.int(1, DATA.users)}` : null;
    yield {
      id,
      documentId,
      source,
      visibleTo,
      embedding: nearCentre(rng, centreList[cluster] as Float64Array, DATA.documentNoise),
    };
  }
}

function queries(): Query[] {
  const centreList = centres();
  const rng = createRng('vector-stores:queries');
  return Array.from({ length: DATA.queries }, () => ({
    userId: `user-${rng.int(1, DATA.users)}`,
    embedding: nearCentre(rng, rng.pick(centreList), DATA.queryNoise),
  }));
}

const vectorLiteral = (embedding: Float64Array) => `[${embedding.join(',')}]`;

function* take<T>(items: Iterable<T>, count: number): Generator<T> {
  if (count <= 0) return;
  let taken = 0;
  for (const item of items) {
    yield item;
    if (++taken === count) return;
  }
}

function textCopy(rows: readonly Row[]): string {
  const lines = rows.map(
    (row) => `${row.id}\t${row.documentId}\t${row.source}\t${row.visibleTo ?? '\\N'}\t${vectorLiteral(row.embedding)}`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * PostgreSQL's binary COPY format for (id int4, document_id int4, source text, visible_to text,
 * embedding vector): a vector is int16 dimensions, int16 unused, then big-endian float4s.
 */
function binaryCopy(rows: readonly Row[]): Uint8Array {
  const encoder = new TextEncoder();
  const texts = rows.map(
    (row) => [encoder.encode(row.source), row.visibleTo === null ? null : encoder.encode(row.visibleTo)] as const,
  );
  const vectorBytes = 4 + 4 * DATA.dimensions;
  let size = 19 + 2;
  for (const [source, visibleTo] of texts)
    size += 2 + 8 + 8 + 4 + source.length + 4 + (visibleTo?.length ?? 0) + 4 + vectorBytes;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]); // PGCOPY\n\377\r\n\0, then flags and extension length 0
  let at = 19;
  const int32 = (value: number) => {
    view.setInt32(at, value);
    at += 4;
  };
  const field = (value: Uint8Array | null) => {
    int32(value === null ? -1 : value.length);
    if (value !== null) bytes.set(value, at);
    at += value?.length ?? 0;
  };
  rows.forEach((row, index) => {
    const [source, visibleTo] = texts[index] as (typeof texts)[number];
    view.setInt16(at, 5);
    at += 2;
    int32(4);
    int32(row.id);
    int32(4);
    int32(row.documentId);
    field(source);
    field(visibleTo);
    int32(vectorBytes);
    view.setInt16(at, DATA.dimensions);
    view.setInt16(at + 2, 0);
    at += 4;
    for (const value of row.embedding) {
      view.setFloat32(at, value);
      at += 4;
    }
  });
  view.setInt16(at, -1);
  return bytes;
}

/** Keeps the k best (highest score) ids seen, in a small sorted array: k is 10. */
class TopK {
  readonly ids: number[] = [];
  readonly scores: number[] = [];
  constructor(private readonly k: number) {}
  offer(id: number, score: number): void {
    if (this.ids.length === this.k && score <= (this.scores[this.k - 1] as number)) return;
    let at = this.ids.length === this.k ? this.k - 1 : this.ids.length;
    while (at > 0 && (this.scores[at - 1] as number) < score) {
      this.scores[at] = this.scores[at - 1] as number;
      this.ids[at] = this.ids[at - 1] as number;
      at--;
    }
    this.scores[at] = score;
    this.ids[at] = id;
  }
}

/** Visibility as one small integer per row: 0 for everyone, else the user's number. */
function visibilityCode(visibleTo: string | null): number {
  return visibleTo === null ? 0 : Number(visibleTo.slice('user-'.length));
}

function timeQueries(run: (query: Query) => number[]): { timings: number[]; results: number[][] } {
  const all = queries();
  for (const query of all.slice(0, WARM_UP_QUERIES)) run(query);
  const timings: number[] = [];
  const results: number[][] = [];
  for (const query of all) {
    const started = performance.now();
    results.push(run(query));
    timings.push(performance.now() - started);
  }
  return { timings, results };
}

function latency(timings: number[]) {
  return { p50Ms: round(percentile(timings, 50), 2), p95Ms: round(percentile(timings, 95), 2) };
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));
const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

function recallAt10(results: number[][], truth: number[][]): number {
  let found = 0;
  let expected = 0;
  results.forEach((ids, q) => {
    const exact = new Set(truth[q]);
    expected += exact.size;
    for (const id of ids) if (exact.has(id)) found++;
  });
  return round(found / expected, 4);
}

async function partExact() {
  const before = memoryOf(process.pid);
  const { dimensions: d, vectors: n } = DATA;
  const started = performance.now();
  const matrix = new Float32Array(n * d);
  const inverseNorms = new Float32Array(n);
  const visibility = new Uint8Array(n);
  for (const row of corpus()) {
    matrix.set(row.embedding, row.id * d);
    let norm = 0;
    for (const value of row.embedding) norm += value * value;
    inverseNorms[row.id] = 1 / Math.sqrt(norm);
    visibility[row.id] = visibilityCode(row.visibleTo);
  }
  const loadMs = performance.now() - started;
  const loaded = memoryOf(process.pid);
  const { timings, results } = timeQueries(({ userId, embedding }) => {
    const user = visibilityCode(userId);
    const top = new TopK(DATA.topK);
    for (let i = 0; i < n; i++) {
      const seen = visibility[i] as number;
      if (seen !== 0 && seen !== user) continue;
      let dot = 0;
      const offset = i * d;
      for (let j = 0; j < d; j++) dot += (embedding[j] as number) * (matrix[offset + j] as number);
      top.offer(i, dot * (inverseNorms[i] as number));
    }
    return top.ids;
  });
  const after = memoryOf(process.pid);
  return {
    store: 'exact brute force over a Float32Array (cosine, visibility filter in the scan)',
    loadMs: round(loadMs, 0),
    dataMiB: mib(matrix.byteLength + inverseNorms.byteLength + visibility.byteLength),
    queries: latency(timings),
    memory: {
      baselineRssMiB: before.rssMB,
      loadedRssMiB: loaded.rssMB,
      rssDeltaMiB: after.rssMB - before.rssMB,
      peakRssMiB: after.peakRssMB,
    },
    truth: results,
  };
}

/** What dashboard-ia ships (`VectorMatrix`): sign codes pick 500 candidates, int8 vectors rank them. */
async function partInt8(truth: number[][]) {
  const before = memoryOf(process.pid);
  const started = performance.now();
  const matrix = new VectorMatrix(DATA.dimensions);
  for (const row of corpus()) {
    let norm = 0;
    for (const value of row.embedding) norm += value * value;
    const unit = Float32Array.from(row.embedding, (value) => value / Math.sqrt(norm));
    matrix.put(String(row.id), unit, {
      documentId: String(row.documentId),
      source: row.source,
      candidateId: null,
      visibleTo: row.visibleTo,
      createdAtMs: 0,
    });
  }
  const loadMs = performance.now() - started;
  const { timings, results } = timeQueries(({ userId, embedding }) =>
    matrix
      .nearest(Float32Array.from(embedding), DATA.topK, { model: 'bench', viewer: userId })
      .map((hit) => Number(hit.chunkId)),
  );
  const after = memoryOf(process.pid);
  return {
    store:
      "dashboard-ia's VectorMatrix: sign-code Hamming distance picks 500 candidates, int8 vectors (one scale each) rank them; same filter",
    loadMs: round(loadMs, 0),
    dataMiB: mib(DATA.vectors * (DATA.dimensions + 4 + DATA.dimensions / 8)),
    queries: latency(timings),
    recallAt10: recallAt10(results, truth),
    memory: { baselineRssMiB: before.rssMB, rssDeltaMiB: after.rssMB - before.rssMB, peakRssMiB: after.peakRssMB },
  };
}

function directoryBytes(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    total += entry.isDirectory() ? directoryBytes(child) : statSync(child).size;
  }
  return total;
}

/**
 * VmHWM is the process's peak so far; writing 5 to clear_refs (Linux) restarts it, so each phase
 * reports its own peak (initdb's is not the index build's).
 */
function phasePeak(): number {
  const peak = memoryOf(process.pid).peakRssMB;
  writeFileSync('/proc/self/clear_refs', '5');
  return peak;
}

/** Creates the store in dataDir: initdb, ingest, HNSW build, close. The restart is another process. */
async function partPgliteBuild(dataDir: string) {
  const before = memoryOf(process.pid);
  phasePeak();
  let started = performance.now();
  const db = await PGlite.create(dataDir, { extensions: { vector } });
  const createMs = performance.now() - started;
  const opened = memoryOf(process.pid);
  const createPeak = phasePeak();
  await db.exec(`
      CREATE EXTENSION vector;
      CREATE TABLE chunks (
        id integer PRIMARY KEY,
        document_id integer NOT NULL,
        source text NOT NULL,
        visible_to text,
        embedding vector(${DATA.dimensions}) NOT NULL
      );`);

  // Text COPY makes pgvector parse every float in WASM: measured on the first batch only, for contrast.
  const textSample = [...take(corpus(), COPY_BATCH)];
  await db.exec('CREATE TABLE chunks_text_sample (LIKE chunks)');
  started = performance.now();
  await db.query("COPY chunks_text_sample FROM '/dev/blob'", [], { blob: new Blob([textCopy(textSample)]) });
  const textSampleMs = performance.now() - started;
  await db.exec('DROP TABLE chunks_text_sample');

  started = performance.now();
  let batch: Row[] = [];
  let copyMs = 0;
  const flush = async () => {
    const copyStarted = performance.now();
    await db.query("COPY chunks FROM '/dev/blob' WITH (FORMAT binary)", [], { blob: new Blob([binaryCopy(batch)]) });
    copyMs += performance.now() - copyStarted;
    batch = [];
  };
  for (const row of corpus()) {
    batch.push(row);
    if (batch.length === COPY_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  const ingestMs = performance.now() - started;
  const ingested = memoryOf(process.pid);
  const ingestPeak = phasePeak();

  started = performance.now();
  // pgvector builds much faster when the graph fits in maintenance_work_mem (it warns otherwise).
  await db.exec(`SET maintenance_work_mem = '1GB';
      CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops)
        WITH (m = ${HNSW.m}, ef_construction = ${HNSW.efConstruction});
      ANALYZE chunks;`);
  const indexMs = performance.now() - started;
  const indexed = memoryOf(process.pid);
  const indexPeak = phasePeak();
  const sizes = (
    await db.query<{ table: string; index: string }>(
      "SELECT pg_total_relation_size('chunks')::text AS table, pg_relation_size('chunks_embedding_hnsw')::text AS index",
    )
  ).rows[0];
  started = performance.now();
  await db.close();
  const closeMs = performance.now() - started;
  const onDiskBytes = directoryBytes(dataDir);

  return {
    store: `PGlite ${readPackageVersion('@electric-sql/pglite')} + pgvector (${readPackageVersion('@electric-sql/pglite-pgvector')}), nodefs directory, HNSW`,
    createMs: round(createMs, 0),
    ingest: {
      method: `COPY FROM /dev/blob WITH (FORMAT binary) in batches of ${COPY_BATCH} rows`,
      ms: round(ingestMs, 0),
      vectorsPerSecond: Math.round((DATA.vectors / ingestMs) * 1000),
      copyOnlyMs: round(copyMs, 0),
      copyOnlyVectorsPerSecond: Math.round((DATA.vectors / copyMs) * 1000),
      note: 'ms includes generating and encoding the rows in JS; copyOnly is the time inside COPY',
      textCopySample: {
        rows: textSample.length,
        ms: round(textSampleMs, 0),
        vectorsPerSecond: Math.round((textSample.length / textSampleMs) * 1000),
      },
    },
    index: {
      m: HNSW.m,
      efConstruction: HNSW.efConstruction,
      buildMs: round(indexMs, 0),
      buildVectorsPerSecond: Math.round((DATA.vectors / indexMs) * 1000),
    },
    disk: {
      directoryMiB: mib(onDiskBytes),
      tableWithIndexMiB: mib(Number(sizes?.table)),
      hnswIndexMiB: mib(Number(sizes?.index)),
    },
    closeMs: round(closeMs, 0),
    memory: {
      baselineRssMiB: before.rssMB,
      afterCreateRssMiB: opened.rssMB,
      afterIngestRssMiB: ingested.rssMB,
      afterIndexRssMiB: indexed.rssMB,
      peakRssMiB: { create: createPeak, ingest: ingestPeak, indexBuild: indexPeak },
    },
  };
}

/**
 * A service restart: a fresh process opens the directory (WASM compile, PostgreSQL start, no
 * initdb), answers its first (cold) query, then the timed ones at each ef_search.
 */
async function partPgliteRestart(dataDir: string, truth: number[][]) {
  const before = memoryOf(process.pid);
  const all = queries();
  let started = performance.now();
  const db = await PGlite.create(dataDir, { extensions: { vector } });
  const reopenMs = performance.now() - started;
  const opened = memoryOf(process.pid);
  const search = `SELECT id FROM chunks WHERE visible_to IS NULL OR visible_to = $2
    ORDER BY embedding <=> $1::vector LIMIT ${DATA.topK}`;
  const parameters = (query: Query) => [vectorLiteral(query.embedding), query.userId];
  const firstQuery = all[0] as Query;
  started = performance.now();
  await db.query(search, parameters(firstQuery));
  const firstQueryMs = performance.now() - started;
  const settings = Object.fromEntries(
    (
      await db.query<{ name: string; setting: string; unit: string | null }>(
        "SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem')",
      )
    ).rows.map((row) => [row.name, `${row.setting}${row.unit === null ? '' : ` × ${row.unit}`}`]),
  );
  const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${search}`, parameters(firstQuery))).rows
    .map((row) => row['QUERY PLAN'])
    .find((line) => line.includes('Scan'));

  const byEfSearch: Record<
    string,
    { p50Ms: number; p95Ms: number; recallAt10: number; queriesWithFewerThan10: number }
  > = {};
  for (const efSearch of HNSW.efSearch) {
    await db.exec(`SET hnsw.ef_search = ${efSearch}`);
    const run = async (query: Query) =>
      (await db.query<{ id: number }>(search, parameters(query))).rows.map((row) => row.id);
    // A whole untimed pass: table and index (about twice shared_buffers at 100,000) are then as warm
    // as they get, and the timed pass measures steady state.
    for (const query of all) await run(query);
    const timings: number[] = [];
    const results: number[][] = [];
    for (const query of all) {
      const queryStarted = performance.now();
      results.push(await run(query));
      timings.push(performance.now() - queryStarted);
    }
    byEfSearch[String(efSearch)] = {
      ...latency(timings),
      recallAt10: recallAt10(results, truth),
      queriesWithFewerThan10: results.filter((ids) => ids.length < DATA.topK).length,
    };
  }
  const after = memoryOf(process.pid);
  await db.close();
  return {
    method: 'a fresh Node process opens the persisted directory',
    reopenMs: round(reopenMs, 0),
    firstQueryMs: round(firstQueryMs, 1),
    queryPlan: plan?.trim(),
    settings,
    queries: byEfSearch,
    memory: {
      baselineRssMiB: before.rssMB,
      afterReopenRssMiB: opened.rssMB,
      afterQueriesRssMiB: after.rssMB,
      rssDeltaMiB: after.rssMB - before.rssMB,
      peakRssMiB: after.peakRssMB,
    },
  };
}

function readPackageVersion(name: string): string {
  return (
    JSON.parse(readFileSync(join(serviceDir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
  ).version;
}

/** Runs one part in a fresh process and returns what it printed (one JSON document). */
function runPart(part: Part, options: string[] = []): Record<string, unknown> {
  const script = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', script, '--part', part, ...options];
  const run = spawnSync(process.execPath, args, {
    cwd: root,
    env: process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`vector-stores part ${part} failed (exit ${run.status ?? run.signal})`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const partIndex = process.argv.indexOf('--part');
  if (partIndex > 0) {
    const part = process.argv[partIndex + 1] as Part;
    const option = (name: string) => process.argv[process.argv.indexOf(name) + 1] as string;
    const truth = () => JSON.parse(readFileSync(option('--truth'), 'utf8')) as number[][];
    const result =
      part === 'exact'
        ? await partExact()
        : part === 'int8'
          ? await partInt8(truth())
          : part === 'pglite-build'
            ? await partPgliteBuild(option('--dir'))
            : await partPgliteRestart(option('--dir'), truth());
    // Other work on the machine slows one part and not another: each part says what it ran under.
    process.stdout.write(JSON.stringify({ ...result, loadAverageAtEnd: loadavg().map((load) => round(load, 2)) }));
    return;
  }

  const started = performance.now();
  const { truth, ...exact } = runPart('exact') as Awaited<ReturnType<typeof partExact>>;
  const scratch = mkdtempSync(join(tmpdir(), 'castor-vector-stores-'));
  // The truth for recall and the PGlite directory, removed whatever happens.
  let int8: Awaited<ReturnType<typeof partInt8>>;
  let pglite: Awaited<ReturnType<typeof partPgliteBuild>>;
  let restart: Awaited<ReturnType<typeof partPgliteRestart>>;
  try {
    const truthFile = join(scratch, 'truth.json');
    writeFileSync(truthFile, JSON.stringify(truth));
    int8 = runPart('int8', ['--truth', truthFile]) as Awaited<ReturnType<typeof partInt8>>;
    const dataDir = join(scratch, 'pgdata');
    pglite = runPart('pglite-build', ['--dir', dataDir]) as Awaited<ReturnType<typeof partPgliteBuild>>;
    restart = runPart('pglite-restart', ['--dir', dataDir, '--truth', truthFile]) as Awaited<
      ReturnType<typeof partPgliteRestart>
    >;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const reference = exact.queries;
  const ratios = (figures: { p50Ms: number; p95Ms: number }) => ({
    p50: round(figures.p50Ms / reference.p50Ms, 3),
    p95: round(figures.p95Ms / reference.p95Ms, 3),
  });

  const result = {
    benchmark: 'vector-stores',
    date: new Date().toISOString(),
    machine: machine(),
    seconds: round((performance.now() - started) / 1000, 0),
    data: {
      vectors: DATA.vectors,
      dimensions: DATA.dimensions,
      generator: `seeded (sfc32) unit vectors: ${DATA.clusters} Gaussian cluster centres, noise ${DATA.documentNoise} (documents) / ${DATA.queryNoise} (queries) in norm, ${DATA.decimals} decimals per component`,
      documents: DATA.documents,
      sources: DATA.sources.length,
      visibility: `${(1 - DATA.restrictedShare) * 100} % visible to all, else one of ${DATA.users} users`,
      queries: DATA.queries,
      topK: DATA.topK,
      method: `${WARM_UP_QUERIES} warm-up queries (PGlite: one whole untimed pass per ef_search), then ${DATA.queries} timed sequential queries per store, each store in its own process; recall@10 against the reference's exact top-10 (same filter)`,
    },
    reference: exact,
    int8: { ...int8, ratioToReference: ratios(int8.queries) },
    pglite: {
      ...pglite,
      restart,
      ratioToReference: Object.fromEntries(
        Object.entries(restart.queries).map(([efSearch, figures]) => [`efSearch${efSearch}`, ratios(figures)]),
      ),
    },
  };
  mkdirSync(resolve(root, 'bench/results'), { recursive: true });
  writeFileSync(resolve(root, 'bench/results/vector-stores.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main();
