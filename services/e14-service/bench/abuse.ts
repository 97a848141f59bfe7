/**
 * The e14 abuse benchmark (bench/results/e14-abuse.json), issue 10 items 1 and 4. The service runs
 * in its own process so that its resident memory is read from /proc/<pid>/status; core-service and
 * PostgreSQL/Redis are real.
 *
 * (1) hostile files: GET /api/results and /api/health are probed at a fixed rate (open loop, each
 *     probe with a timeout that counts as its latency when it expires), first alone, then while a
 *     witness uploads a burst of 10 MB random-bytes "PDFs" (`%PDF-1.4 … %%EOF`). The figure is the
 *     results p95 during the burst as a ratio to the p95 without it, in the same run. A service
 *     still unresponsive after the burst is killed and started again (and the report says so), so
 *     that the memory phase runs on a service that answers.
 * (2) memory: six concurrent uploads of large images under the pixel limit (100 MP JPEG and PNG
 *     pages, each under the file size limit), read by the pipeline, while the service's RSS is
 *     sampled every 50 ms; then its RSS after a settle period. Figures are ratios to the 512 MB
 *     budget and to the idle RSS measured in the same run.
 *
 *   npx tsx services/e14-service/bench/abuse.ts --out bench/results/e14-abuse.json
 *
 * The service runs as built (dist/, which `pnpm bench` builds first) when it is, with the glibc
 * allocator settings docker-compose.yml gives it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { crc32 } from 'node:zlib';
import { mesaKey } from '@castor/contracts';
import { buildCoreApp } from '@castor/core-service/app';
import { loadCoreConfig } from '@castor/core-service/config';
import { findFreePort, IMAGE_DECODING_ALLOCATOR_ENV } from '@castor/dev-infra';
import { generateElection } from '@castor/e14-synth';
import sharp from 'sharp';
import { z } from 'zod';
import { benchInfrastructure } from '../../../bench/infrastructure.js';
import { machine, memoryOf } from '../../../bench/support.js';

const serviceRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const MEMORY_BUDGET_MB = 512;
/** The bundle production runs (`pnpm bench` builds it first), else the source through tsx. */
const SERVICE_ARGS = existsSync(resolve(serviceRoot, 'dist/server.js'))
  ? ['dist/server.js']
  : ['--import', 'tsx', 'src/server.ts'];
const ELECTION = 'BENCH-ABUSE';
const CORPORATION = 'PRESIDENTE';

export const abuseBenchOptionsSchema = z.object({
  hostileUploads: z.number().int().min(1).max(50).default(3),
  hostileMb: z.number().positive().max(10).default(10),
  /** How long each probe phase sends requests, and how often (per path). */
  probeWindowMs: z.number().int().min(1_000).default(8_000),
  probeEveryMs: z.number().int().min(10).default(100),
  /** A probe not answered within this counts as this long (a lower bound) and as timed out. */
  probeTimeoutMs: z.number().int().min(100).default(10_000),
  largeUploads: z.number().int().min(1).max(24).default(6),
  largeImageSide: z.number().int().min(1_000).max(10_900).default(10_000),
  /** Longest the large uploads may take to be read before the phase gives up waiting. */
  readTimeoutMs: z.number().int().min(1_000).default(90_000),
  /** Past the default E14_SHEET_THREAD_IDLE_MS (30 s), after which idle read threads end and free what they held. */
  settleMs: z.number().int().min(0).default(40_000),
});
type AbuseBenchOptions = z.output<typeof abuseBenchOptionsSchema>;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

// ---------------------------------------------------------------- the service in its own process

interface RunningService {
  child: ChildProcess;
  pid: number;
  url: string;
  /** The last lines it wrote to stderr, for a failure report. */
  stderrTail: () => string;
}

async function waitHealthy(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1_000) })).ok) return true;
    } catch {
      // starting, or busy
    }
    await sleep(100);
  }
  return false;
}

async function startService(env: Record<string, string>): Promise<RunningService> {
  const port = await findFreePort();
  const child = spawn(process.execPath, SERVICE_ARGS, {
    cwd: serviceRoot,
    env: { ...process.env, ...IMAGE_DECODING_ALLOCATOR_ENV, ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitHealthy(url, 60_000)) || child.pid === undefined) {
    child.kill('SIGKILL');
    throw new Error(`e14-service never became healthy:\n${stderr}`);
  }
  return { child, pid: child.pid, url, stderrTail: () => stderr };
}

/** SIGTERM, and SIGKILL when a busy event loop cannot even shut down. */
async function stopService(service: RunningService, graceMs = 5_000): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Samples a process's RSS every `everyMs` until stopped: peak and last, in MB. */
function sampleRss(pid: number, everyMs = 50) {
  let peakMB = memoryOf(pid).rssMB;
  let samples = 1;
  const timer = setInterval(() => {
    try {
      peakMB = Math.max(peakMB, memoryOf(pid).rssMB);
      samples += 1;
    } catch {
      // the process is gone
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakMB, samples };
    },
  };
}

/** A real core-service listening on loopback (e14 fetches its JWKS), and real sessions of any role. */
async function startCore(databaseUrl: string, redisUrl: string) {
  const core = await buildCoreApp(
    loadCoreConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `benchabuse${randomBytes(3).toString('hex')}:core:`,
      JWT_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      JWT_KEY_PREPUBLISH_SECONDS: '0',
      RATE_LIMIT_DEFAULT: '1000000/minute',
      RATE_LIMIT_AUTH: '1000000/minute',
    }),
    { logger: false },
  );
  const url = await core.app.listen({ host: '127.0.0.1', port: 0 });
  let sequence = 0;
  return {
    url,
    /** Invites a user with `role`, registers and signs them in. */
    async signIn(role: 'admin' | 'witness') {
      sequence += 1;
      const email = `${role}${sequence}@bench.castor.test`;
      const password = `pw-${randomBytes(12).toString('hex')}`;
      const { invitationToken } = await core.users.invite(null, email, role);
      await core.users.register({ email, password, name: `${role} ${sequence}`, invitationToken });
      return core.sessions.login(email, password);
    },
    close: () => core.app.close(),
  };
}

// ---------------------------------------------------------------- HTTP helpers

interface Probe {
  path: string;
  ms: number;
  status: number | 'timeout' | 'error';
}

/** Sends GET `paths` every `everyMs` for `windowMs` without waiting for answers; resolves when all ended. */
async function probe(url: string, token: string, paths: string[], options: AbuseBenchOptions): Promise<Probe[]> {
  const pending: Array<Promise<Probe>> = [];
  const end = performance.now() + options.probeWindowMs;
  while (performance.now() < end) {
    for (const path of paths) {
      const started = performance.now();
      pending.push(
        fetch(`${url}${path}`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(options.probeTimeoutMs),
        })
          .then(async (response): Promise<Probe> => {
            await response.arrayBuffer();
            return { path, ms: performance.now() - started, status: response.status };
          })
          .catch((error: Error) => ({
            path,
            ms: error.name === 'TimeoutError' ? options.probeTimeoutMs : performance.now() - started,
            status: error.name === 'TimeoutError' ? 'timeout' : 'error',
          })),
      );
    }
    await sleep(options.probeEveryMs);
  }
  return Promise.all(pending);
}

function latencyOf(probes: Probe[], path: string) {
  const mine = probes.filter((p) => p.path === path);
  const sorted = mine.map((p) => p.ms).sort((a, b) => a - b);
  const round = (ms: number) => Number(ms.toFixed(1));
  return {
    requests: mine.length,
    ok: mine.filter((p) => p.status === 200).length,
    timedOut: mine.filter((p) => p.status === 'timeout').length,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    maxMs: round(sorted.at(-1) ?? 0),
  };
}

async function sendFile(url: string, token: string, bytes: Uint8Array, mesa: string, signal?: AbortSignal) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ electionCode: ELECTION, corporation: CORPORATION, mesa }))
    form.append(name, value);
  form.append('file', new Blob([bytes]), 'e14');
  const started = performance.now();
  const response = await fetch(`${url}/api/e14/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
    ...(signal ? { signal } : {}),
  });
  const body = (await response.json().catch(() => ({}))) as { documentId?: number; error?: { code?: string } };
  return {
    status: response.status,
    code: body.error?.code ?? null,
    documentId: body.documentId,
    ms: performance.now() - started,
    retryAfterS: Number(response.headers.get('retry-after') ?? 1) || 1,
  };
}

/** Sends a file again while the service answers 503 BUSY (after its Retry-After), as a client should. */
async function sendUntilAccepted(url: string, token: string, bytes: Uint8Array, mesa: string, deadline: number) {
  let busyAnswers = 0;
  for (;;) {
    const sent = await sendFile(url, token, bytes, mesa);
    if (sent.status !== 503 || Date.now() > deadline) return { ...sent, busyAnswers };
    busyAnswers += 1;
    await sleep(sent.retryAfterS * 1_000);
  }
}

async function putJson(url: string, token: string, path: string, method: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

// ---------------------------------------------------------------- the files

/**
 * Random bytes between a PDF header and its end marker (what blocked e14 for 47 s in the issue),
 * after one object header: a first look that refuses bytes holding no PDF object at all lets them
 * through to the PDF parser, which needs ~4 s per MB to give up on them.
 */
function hostilePdf(megabytes: number): Uint8Array {
  const head = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n');
  const tail = Buffer.from('\n%%EOF\n');
  const size = Math.floor(megabytes * 1_000_000);
  return new Uint8Array(Buffer.concat([head, randomBytes(size - head.length - tail.length), tail]));
}

/** A 1000 px paper tile with glyph-sized marks in lines and some grain: large pages of it still compress. */
function paperTile(side: number): Buffer {
  const tile = Buffer.alloc(side * side, 238);
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let line = 40; line < side - 60; line += 60) {
    for (let x = 30; x < side - 40; x += 14) {
      if (random() < 0.2) continue;
      const glyphHeight = 14 + Math.floor(random() * 12);
      for (let y = line; y < line + glyphHeight; y++) {
        for (let dx = 0; dx < 9; dx++) tile[y * side + x + dx] = 40 + Math.floor(random() * 30);
      }
    }
  }
  for (let i = 0; i < tile.length; i += 13) tile[i] = (tile[i] as number) - Math.floor(random() * 8);
  return tile;
}

/** One large colour page (side × side pixels) as JPEG and as PNG, both under the 10 MB file limit. */
async function largePages(side: number): Promise<{ jpeg: Buffer; png: Buffer }> {
  const tileSide = 1_000;
  const page = () =>
    sharp(paperTile(tileSide), { raw: { width: tileSide, height: tileSide, channels: 1 } })
      .extend({ right: side - tileSide, bottom: side - tileSide, extendWith: 'repeat' })
      .extractChannel(0)
      .toColourspace('srgb');
  const [jpeg, png] = await Promise.all([
    page().jpeg({ quality: 50 }).toBuffer(),
    page().png({ compressionLevel: 6 }).toBuffer(),
  ]);
  return { jpeg, png };
}

/** The same JPEG with a comment segment after SOI: other bytes (another document), same pixels. */
function jpegWithComment(jpeg: Buffer, text: string): Uint8Array {
  const comment = Buffer.from(text, 'latin1');
  const segment = Buffer.from([0xff, 0xfe, (comment.length + 2) >> 8, (comment.length + 2) & 0xff]);
  return new Uint8Array(Buffer.concat([jpeg.subarray(0, 2), segment, comment, jpeg.subarray(2)]));
}

/** The same PNG with a tEXt chunk after IHDR (8 signature bytes + 25 bytes of IHDR). */
function pngWithText(png: Buffer, text: string): Uint8Array {
  const typeAndData = Buffer.concat([Buffer.from('tEXt'), Buffer.from(`Comment\0${text}`, 'latin1')]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(typeAndData.length - 4);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return new Uint8Array(Buffer.concat([png.subarray(0, 33), length, typeAndData, crc, png.subarray(33)]));
}

// ---------------------------------------------------------------- phases

async function waitUntilRead(url: string, token: string, ids: number[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const states = new Map<number, string>();
  while (Date.now() < deadline) {
    for (const id of ids) {
      const response = await fetch(`${url}/api/e14/documents/${id}`, { headers: { authorization: `Bearer ${token}` } });
      const document = (await response.json()) as { state?: string; error?: { code?: string } | null };
      states.set(id, `${document.state}${document.error?.code ? ` ${document.error.code}` : ''}`);
    }
    if ([...states.values()].every((state) => !state.startsWith('queued') && !state.startsWith('processing'))) {
      return { allRead: true, states: [...states.values()] };
    }
    await sleep(250);
  }
  return { allRead: false, states: [...states.values()] };
}

export async function runAbuseBenchmark(input: z.input<typeof abuseBenchOptionsSchema> = {}) {
  const options = abuseBenchOptionsSchema.parse(input);
  const generated = performance.now();
  const pages = await largePages(options.largeImageSide);
  const generateMs = performance.now() - generated;

  const infrastructure = await benchInfrastructure();
  const core = await startCore(await infrastructure.createDatabase('bench_abuse_core'), infrastructure.redisUrl);
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: await infrastructure.createDatabase('bench_abuse_e14'),
    REDIS_URL: infrastructure.redisUrl,
    REDIS_KEY_PREFIX: `benchabuse${randomBytes(3).toString('hex')}:e14:`,
    CORE_SERVICE_URL: core.url,
    E14_FORENSICS_ENABLED: 'false',
    // The probes and uploads come from one address: budgets that measure the service, not the limiter.
    RATE_LIMIT_DEFAULT: '1000000/minute',
    RATE_LIMIT_E14_READ: '1000000/minute',
    RATE_LIMIT_E14_INTAKE: '1000000/minute',
  };
  let service = await startService(env);
  try {
    const admin = (await core.signIn('admin')).accessToken;
    const election = generateElection({
      seed: 11,
      scale: { departamentos: ['01'], municipios: 2, puestos: 3, mesas: options.hostileUploads + options.largeUploads },
      corporations: [CORPORATION],
      presidentialRound: 2,
      electionCode: ELECTION,
    });
    await putJson(service.url, admin, '/api/elections/import', 'POST', election.divipol);
    const mesas = [...election.submissions({ copies: ['delegados'] })].map((sheet) => mesaKey(sheet.mesa));
    const witness = await core.signIn('witness');
    await putJson(service.url, admin, `/api/witnesses/${witness.user.id}/assignments`, 'PUT', {
      electionCode: ELECTION,
      territories: mesas,
    });

    const resultsPath = `/api/results?election=${ELECTION}&corporation=${CORPORATION}`;
    const paths = [resultsPath, '/api/health'];
    // Warm up (JIT, caches, connection pools), then the idle figure.
    await probe(service.url, admin, paths, { ...options, probeWindowMs: 2_000 });
    await sleep(1_000);
    const idleRssMB = memoryOf(service.pid).rssMB;

    // (1) the same probes alone, then during a burst of hostile uploads.
    const baseline = await probe(service.url, admin, paths, options);
    const aborter = new AbortController();
    const hostile = Array.from({ length: options.hostileUploads }, (_, i) =>
      sendFile(
        service.url,
        witness.accessToken,
        hostilePdf(options.hostileMb),
        mesas[i] as string,
        aborter.signal,
      ).catch((error: Error) => ({ status: error.name, code: null, ms: Number.NaN })),
    );
    const burstStarted = performance.now();
    const burst = await probe(service.url, admin, paths, options);
    // A service that checks files apart from its event loop answers them within its deadlines.
    await Promise.race([Promise.all(hostile), sleep(options.probeTimeoutMs)]);
    const recovered = await waitHealthy(service.url, 5_000);
    const recoveryMs = performance.now() - burstStarted;
    aborter.abort();
    const hostileOutcomes = await Promise.all(hostile);
    const burstPeakRssMB = memoryOf(service.pid).peakRssMB;
    let restartedAfterBurst = false;
    let memoryIdleRssMB = idleRssMB;
    if (!recovered) {
      restartedAfterBurst = true;
      await stopService(service, 1_000);
      service = await startService(env);
      await probe(service.url, admin, paths, { ...options, probeWindowMs: 2_000 });
      await sleep(1_000);
      memoryIdleRssMB = memoryOf(service.pid).rssMB;
    }

    // (2) six large images at once, read by the pipeline, RSS sampled throughout.
    const files = Array.from({ length: options.largeUploads }, (_, i) =>
      i % 2 === 0 ? jpegWithComment(pages.jpeg, `bench ${i}`) : pngWithText(pages.png, `bench ${i}`),
    );
    const sampler = sampleRss(service.pid);
    const uploadStarted = performance.now();
    const uploadDeadline = Date.now() + options.readTimeoutMs;
    const uploads = await Promise.all(
      files.map((bytes, i) =>
        sendUntilAccepted(
          service.url,
          witness.accessToken,
          bytes,
          mesas[options.hostileUploads + i] as string,
          uploadDeadline,
        ),
      ),
    );
    const ids = uploads.flatMap((upload) => (upload.documentId === undefined ? [] : [upload.documentId]));
    const read = await waitUntilRead(service.url, admin, ids, options.readTimeoutMs);
    const readMs = performance.now() - uploadStarted;
    const { peakMB: largePeakRssMB, samples } = sampler.stop();
    await sleep(options.settleMs);
    const settledRssMB = memoryOf(service.pid).rssMB;

    const resultsBaseline = latencyOf(baseline, resultsPath);
    const resultsBurst = latencyOf(burst, resultsPath);
    const p95Ratio = resultsBurst.p95Ms / Math.max(0.1, resultsBaseline.p95Ms);
    const round = (value: number, digits = 3) => Number(value.toFixed(digits));
    return {
      benchmark: 'e14-abuse',
      date: new Date().toISOString(),
      machine: machine(),
      method:
        `e14-service as \`node ${SERVICE_ARGS.join(' ')}\` in its own process, production mode, with the allocator settings of docker-compose.yml (${Object.entries(
          IMAGE_DECODING_ALLOCATOR_ENV,
        )
          .map(([key, value]) => `${key}=${value}`)
          .join(' ')}), real core-service, PostgreSQL and Redis; ` +
        `probes: GET results and health every ${options.probeEveryMs} ms each for ${options.probeWindowMs} ms, open loop, a probe unanswered after ${options.probeTimeoutMs} ms counts as ${options.probeTimeoutMs} ms; ` +
        'RSS from /proc/<pid>/status (VmRSS), sampled every 50 ms during the large uploads',
      hostileBurst: {
        files: `${options.hostileUploads} × ${options.hostileMb} MB of random bytes between %PDF-1.4 (and one object header) and %%EOF, sent by a witness at once`,
        reference: {
          name: 'same probes without uploads',
          results: resultsBaseline,
          health: latencyOf(baseline, '/api/health'),
        },
        duringBurst: { results: resultsBurst, health: latencyOf(burst, '/api/health') },
        resultsP95RatioToReference: round(p95Ratio, 2),
        uploads: hostileOutcomes.map((outcome) => ({
          status: outcome.status,
          code: outcome.code,
          ms: Number.isNaN(outcome.ms) ? null : Math.round(outcome.ms),
        })),
        healthyAgainWithinMs: recovered ? Math.round(recoveryMs) : null,
        restartedAfterBurst,
        peakRssMBSoFar: burstPeakRssMB,
      },
      largeImages: {
        files: `${options.largeUploads} uploads at once, alternately JPEG (${(pages.jpeg.length / 1_048_576).toFixed(1)} MB) and PNG (${(pages.png.length / 1_048_576).toFixed(1)} MB), ${options.largeImageSide} × ${options.largeImageSide} px (${(options.largeImageSide ** 2 / 1e6).toFixed(0)} MP; limit 120 MP)`,
        generateMs: Math.round(generateMs),
        uploads: uploads.map((upload) => ({
          status: upload.status,
          code: upload.code,
          busyAnswers: upload.busyAnswers,
          ms: Math.round(upload.ms),
        })),
        read: { ...read, wallMs: Math.round(readMs) },
        idleRssMB: memoryIdleRssMB,
        peakRssMB: largePeakRssMB,
        rssSamples: samples,
        settledRssMB,
        settleMs: options.settleMs,
        peakRatioToBudget: round(largePeakRssMB / MEMORY_BUDGET_MB),
        peakRatioToIdle: round(largePeakRssMB / memoryIdleRssMB),
        settledRatioToIdle: round(settledRssMB / memoryIdleRssMB),
      },
      budgets: {
        resultsP95Ratio: { max: 3, met: p95Ratio <= 3 && resultsBurst.timedOut === 0 },
        peakRssMB: { max: MEMORY_BUDGET_MB, met: largePeakRssMB <= MEMORY_BUDGET_MB },
        settledRatioToIdle: { max: 1.5, met: settledRssMB / memoryIdleRssMB <= 1.5 },
      },
    };
  } catch (error) {
    process.stderr.write(`e14-service stderr (tail):\n${service.stderrTail()}\n`);
    throw error;
  } finally {
    await stopService(service);
    await core.close();
    await infrastructure.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const result = await runAbuseBenchmark();
  if (values.out) {
    mkdirSync(dirname(resolve(values.out)), { recursive: true });
    writeFileSync(resolve(values.out), `${JSON.stringify(result, null, 2)}\n`);
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  // core's and the database pool's handles may linger a moment; the figures are written.
  process.exit(0);
}
