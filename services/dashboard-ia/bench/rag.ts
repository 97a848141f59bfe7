/**
 * dashboard-ia's document retrieval benchmark (bench/results/dashboard-rag.json), against the
 * service's production bundle in its own process, in the embedded store (dashboard_db), first
 * lexical only (no embeddings: the offline default), then hybrid after a restart with embeddings
 * from the loopback OpenAI fake:
 * - quality: recall@5 and MRR of POST /api/chat/rag/search on the synthetic campaign's question set
 *   (its seven documents alone, then again once the store holds the whole corpus, lexical and hybrid);
 * - ingest: synthetic campaigns of other seeds (other names, figures and movements, so that
 *   de-duplication keeps their passages) uploaded as Markdown through POST /api/documents until the
 *   store holds BENCH_RAG_CHUNKS chunks (default 100,000); chunks stored per second of upload; then
 *   passages embedded per second by the backfill;
 * - search: top-10 latency (p50/p95) over the full store, over HTTP and inside the store, lexical
 *   and hybrid;
 * - restarts: how long the service takes to answer again with 100,000 passages (and vectors) to load;
 * - the service's peak RSS in each phase;
 * - forecasting: 50 daily series forecast by @castor/forecast in this process (budget 200 ms).
 * Run from the repository root: `pnpm bench dashboard-rag` (BENCH_RAG_CHUNKS=5000 for a quick check).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SynthQuestion } from '@castor/documents-synth';
import { generateCampaign, generateCorpus, renderMarkdown } from '@castor/documents-synth';
import { startFakeOpenAi } from '@castor/fake-apis';
import { forecastSeries } from '@castor/forecast';
import { startBenchService } from '../../../bench/service-harness.js';
import { machine, percentile } from '../../../bench/support.js';
import { retrievalQuality } from '../test/features/documents/retrieval-quality.js';
import { multipartUpload } from '../test/features/documents/upload.js';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const out = new URL('../../../bench/results/dashboard-rag.json', import.meta.url);
const TARGET_CHUNKS = Number(process.env.BENCH_RAG_CHUNKS ?? 100_000);
/** Campaigns (seeds) per uploaded Markdown file: about 2,000 chunks per upload. */
const SEEDS_PER_UPLOAD = 50;
const SEARCH_REQUESTS = 500;
const BUDGET = { searchP95Ms: 50, peakRssMiB: 512 };

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** Every document of the seeds' campaigns in one Markdown file, each under its own title heading. */
function campaignsMarkdown(seeds: readonly string[]): Uint8Array {
  const parts: string[] = [];
  for (const seed of seeds) {
    for (const document of generateCampaign(seed).documents) {
      const titled = document.blocks[0]?.kind === 'heading';
      parts.push(`${titled ? '' : `# ${document.title}\n\n`}${renderMarkdown(document)}`);
    }
  }
  return new TextEncoder().encode(parts.join('\n'));
}

/**
 * Forecasting speed: 50 daily series of 90 points (the committed reference series, cut at
 * different ends), each fitted with every ETS candidate and forecast 14 days, in this process
 * after a warm-up pass; the median of 5 passes. Budget: 50 series ≤ 200 ms.
 */
function forecastTiming() {
  const file = JSON.parse(
    readFileSync(new URL('../../../packages/forecast/reference/series.json', import.meta.url), 'utf8'),
  ) as { series: Array<{ train: number[]; test: number[] }> };
  const pool = file.series.map((entry) => [...entry.train, ...entry.test]);
  const series = Array.from({ length: 50 }, (_, index) => {
    const values = pool[index % pool.length] as number[];
    const end = values.length - (index % 5);
    return values.slice(Math.max(0, end - 90), end);
  });
  const pass = () => {
    const started = performance.now();
    for (const values of series) forecastSeries(values, { horizon: 14 });
    return performance.now() - started;
  };
  pass();
  const passes = Array.from({ length: 5 }, pass).sort((a, b) => a - b);
  const median = passes[2] as number;
  return {
    series: series.length,
    points: series[0]?.length,
    method:
      'forecastSeries (every additive ETS candidate fitted, AICc choice, 14-day horizon with 80/95 % intervals), in-process, median of 5 passes after a warm-up',
    ms: round(median, 1),
    budget: { ms: { max: 200, met: median <= 200 } },
  };
}

const serviceEnv = {
  RATE_LIMIT_DASHBOARD_READ: '100000000/minute',
  DOCUMENT_MAX_CHARACTERS: '20000000',
  DOCUMENT_MAX_FILE_SIZE_MB: '64',
};
const OPENAI_KEY = 'sk-bench-rag';
const openai = await startFakeOpenAi({ apiKeys: [OPENAI_KEY] });
const hybridEnv = { ...serviceEnv, OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${openai.url}/v1` };
const service = await startBenchService({ serviceDir, name: 'dashboard', env: serviceEnv });
const headers = { authorization: `Bearer ${service.target.token}` };
const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
  const response = await fetch(`${service.target.baseUrl}${path}`, {
    ...init,
    headers: { ...headers, ...(init.headers ?? {}) },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};
const upload = (filename: string, contentType: string, bytes: Uint8Array) => {
  const { payload, contentType: type } = multipartUpload({ filename, contentType, bytes });
  return api<{ document: { id: string }; counts: { stored: number } }>('/api/documents', {
    method: 'POST',
    headers: { 'content-type': type },
    body: new Uint8Array(payload),
  });
};
type Hit = { id: string; documentId: string };
type RagStats = {
  documents: number;
  chunks: number;
  indexBytes: number;
  retrieval: object;
  vectors: { vectors: number; pending: number } | null;
};
const search = (query: string, limit: number, filters: { to?: string } = {}) =>
  api<{ chunks: Hit[]; tookMs: number; retrieval: { mode: string } }>('/api/chat/rag/search', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, limit, filters }),
  });

try {
  const idle = service.serviceMemory();
  const corpus = await generateCorpus();
  const synthIdOf = new Map<string, string>();
  for (const file of corpus.files) {
    const stored = await upload(file.filename, file.contentType, file.bytes);
    synthIdOf.set(stored.document.id, file.documentId);
  }
  // The question set's own documents are the first stored: a date filter keeps a search to them.
  const corpusStoredBy = new Date().toISOString();
  const quality = (questions: readonly SynthQuestion[], filters: { to?: string } = {}) =>
    retrievalQuality(questions, async (question) => {
      const { chunks } = await search(question, 10, filters);
      return Promise.all(
        chunks.map(async (hit) => ({
          synthDocumentId: synthIdOf.get(hit.documentId),
          text: (await api<{ text: string }>(`/api/chat/rag/sources/${encodeURIComponent(hit.id)}`)).text,
        })),
      );
    });
  const corpusOnly = await quality(corpus.campaign.questions);

  // Ingest until the store holds the target: only the upload requests are timed.
  let chunks = (await api<{ chunks: number }>('/api/chat/rag/stats')).chunks;
  let ingested = 0;
  let uploadSeconds = 0;
  let uploads = 0;
  let seed = 0;
  while (chunks < TARGET_CHUNKS) {
    const seeds = Array.from({ length: SEEDS_PER_UPLOAD }, () => `bench-rag-${seed++}`);
    const bytes = campaignsMarkdown(seeds);
    const started = performance.now();
    const stored = await upload(`campanas-${seeds[0]}.md`, 'text/markdown', bytes);
    uploadSeconds += (performance.now() - started) / 1000;
    uploads += 1;
    chunks += stored.counts.stored;
    ingested += stored.counts.stored;
  }
  const afterIngest = service.serviceMemory();

  // Search: the question set and the same questions about other seeds' candidates, top-10.
  const queries = [
    ...corpus.campaign.questions.map((question) => question.question),
    ...generateCampaign('bench-rag-7').questions.map((question) => `${question.question} ${question.answerContains}`),
  ];
  /** Sequential searches after one warm-up pass (which also caches each question's embedding). */
  const timeSearches = async (mode: RegExp) => {
    for (const query of queries) {
      const { retrieval } = await search(query, 10);
      if (!mode.test(retrieval.mode)) throw new Error(`expected a ${mode} search, got "${retrieval.mode}"`);
    }
    const http: number[] = [];
    const store: number[] = [];
    for (let index = 0; index < SEARCH_REQUESTS; index += 1) {
      const started = performance.now();
      const { tookMs } = await search(queries[index % queries.length] as string, 10);
      http.push(performance.now() - started);
      store.push(tookMs);
    }
    const p95 = percentile(http, 95);
    return {
      requests: SEARCH_REQUESTS,
      p50Ms: round(percentile(http, 50), 1),
      p95Ms: round(p95, 1),
      storeP50Ms: round(percentile(store, 50), 1),
      storeP95Ms: round(percentile(store, 95), 1),
      budget: { p95Ms: { max: BUDGET.searchP95Ms, met: p95 <= BUDGET.searchP95Ms } },
    };
  };
  const lexicalSearch = await timeSearches(/^offline lexical/);
  const lexicalAtScale = await quality(corpus.campaign.questions);
  const lexicalMemory = service.serviceMemory();

  // Hybrid: the same store after a restart with embeddings; the backfill embeds every passage.
  const lexicalRestartMs = await service.restart(hybridEnv);
  const embeddingStarted = performance.now();
  let stats = await api<RagStats>('/api/chat/rag/stats');
  while ((stats.vectors?.pending ?? 1) > 0) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    stats = await api<RagStats>('/api/chat/rag/stats');
  }
  const embeddingSeconds = (performance.now() - embeddingStarted) / 1000;
  const hybridRestartMs = await service.restart(hybridEnv);
  stats = await api<RagStats>('/api/chat/rag/stats');
  const hybridSearch = await timeSearches(/^hybrid/);
  const atScale = await quality(corpus.campaign.questions);
  const hybridCorpusOnly = await quality(corpus.campaign.questions, { to: corpusStoredBy });
  const loaded = service.serviceMemory();
  const result = {
    benchmark: 'dashboard-rag',
    date: new Date().toISOString(),
    machine: machine(),
    retrieval: stats.retrieval,
    forecasting: forecastTiming(),
    store: { documents: stats.documents, chunks: stats.chunks, indexMB: round(stats.indexBytes / 1e6, 1) },
    quality: {
      questions: corpus.campaign.questions.length,
      method:
        'POST /api/chat/rag/search top-10; a hit answers when it comes from the question’s document and holds its answer phrase',
      corpusOnly: {
        lexical: corpusOnly,
        hybrid: {
          ...hybridCorpusOnly,
          note: 'over the full store with a date filter that keeps the question set’s own seven documents',
        },
      },
      atScale: {
        lexical: lexicalAtScale,
        hybrid: atScale,
        note: 'the same questions once the store also holds every other seed’s campaign: their programmes answer the same questions with other figures, so literal ties are expected. The fake’s vectors hash word stems and trigrams (similar wording, not meaning): hybrid figures here measure the fusion’s cost and that it keeps the literal answers, not what real embeddings add to paraphrases',
      },
    },
    ingest: {
      method: `${uploads} Markdown uploads of ${SEEDS_PER_UPLOAD} synthetic campaigns each through POST /api/documents (read and chunked in the service's thread, stored in one transaction); chunks stored per second of upload requests`,
      chunks: ingested,
      seconds: round(uploadSeconds, 1),
      chunksPerSecond: Math.round(ingested / uploadSeconds),
    },
    embedding: {
      method:
        'after a restart with OPENAI_API_KEY: the backfill embeds every stored passage (256 at a time, text-embedding-3-small at 256 dimensions) through the real SDK against the loopback fake in this process; passages per second until none is pending',
      vectors: stats.vectors?.vectors,
      seconds: round(embeddingSeconds, 1),
      chunksPerSecond: Math.round((stats.vectors?.vectors ?? 0) / embeddingSeconds),
    },
    restart: {
      method:
        'stop, start the production bundle on the same database, until /api/health answers (the in-memory indexes are built from dashboard_db before it listens)',
      lexicalMs: Math.round(lexicalRestartMs),
      hybridMs: Math.round(hybridRestartMs),
    },
    search: {
      method: `sequential POST /api/chat/rag/search, limit 10, ${queries.length} questions after one warm-up pass, over ${stats.chunks} chunks; hybrid: each question's embedding is cached after the warm-up (a new question adds one provider round trip, not counted)`,
      lexical: lexicalSearch,
      hybrid: hybridSearch,
    },
    memory: {
      idleRssMiB: idle.rssMiB,
      lexical: { peakRssMiB: lexicalMemory.peakRssMiB, peakRssMiBAfterIngest: afterIngest.peakRssMiB },
      hybrid: { rssMiB: loaded.rssMiB, peakRssMiB: loaded.peakRssMiB },
      budget: {
        peakRssMiB: {
          max: BUDGET.peakRssMiB,
          met: Math.max(lexicalMemory.peakRssMiB, loaded.peakRssMiB) <= BUDGET.peakRssMiB,
        },
      },
    },
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await service.close();
  await openai.close();
}
