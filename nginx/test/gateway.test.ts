/**
 * The gateway as deployed: the real nginx binary running nginx/nginx.conf (only addresses, ports
 * and file locations rewritten for loopback) with a self-signed certificate from dev-cert.sh, in
 * front of a real core-service, a real e14-service and a real dashboard-ia, serving the web app's real build
 * (services/web/dist, built once here when it is missing) as the image does.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { type DashboardUnderTest, startDashboardForTests } from '@castor/dashboard-ia/testing';
import { findFreePort } from '@castor/dev-infra';
import { type E14UnderTest, startE14ForTests } from '@castor/e14-service/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, createGateway } from '../../services/web/gateway/gateway.js';

const gatewayDir = fileURLToPath(new URL('..', import.meta.url));
const webDist = fileURLToPath(new URL('../../services/web/dist', import.meta.url));

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  tlsProtocol?: string | null;
}

let e14: E14UnderTest;
let dashboard: DashboardUnderTest;
let dashboardUrl: string;
let nginx: ChildProcess;
let workDir: string;
let ca: Buffer;
let httpPort: number;
let httpsPort: number;
let e14Url: string;
/** This run's copy of the web build: a concurrent `vite build` empties services/web/dist first. */
let webRoot: string;
/** The app's entry script, as index.html names it (/assets/index-<hash>.js). */
let entryScript: string;

function nginxVersion(): [number, number, number] {
  const run = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (run.error) throw new Error('The gateway tests need a real nginx: apt-get install nginx');
  // nginx prints its version on stderr.
  const match = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${run.stdout}${run.stderr}`);
  if (!match) throw new Error(`cannot read the nginx version from: ${run.stderr}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** nginx/nginx.conf with Docker's names, ports and paths swapped for this test's; each swap must apply. */
function loopbackConfig(services: { core: string; e14: string; dashboard: string }): string {
  let config = readFileSync(join(gatewayDir, 'nginx.conf'), 'utf8');
  const swap = (from: string, to: string) => {
    if (!config.includes(from)) throw new Error(`nginx.conf no longer contains "${from}": update the gateway test`);
    config = config.replace(from, to);
  };
  swap(
    'worker_processes auto;',
    `worker_processes 1;\npid ${workDir}/nginx.pid;\nerror_log ${workDir}/error.log warn;`,
  );
  swap('access_log /var/log/nginx/access.log main;', `access_log ${workDir}/access.log main;`);
  swap('listen 80;', `listen 127.0.0.1:${httpPort};`);
  const [major, minor, patch] = nginxVersion();
  // `http2 on;` arrived in nginx 1.25.1 (the image's 1.27 has it); Debian 12 ships 1.22.
  if (major > 1 || minor > 25 || (minor === 25 && patch >= 1))
    swap('listen 443 ssl;', `listen 127.0.0.1:${httpsPort} ssl;`);
  else {
    swap('listen 443 ssl;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
    swap('http2 on;', '');
  }
  swap('/etc/nginx/certs/cert.pem', `${workDir}/certs/cert.pem`);
  swap('/etc/nginx/certs/key.pem', `${workDir}/certs/key.pem`);
  swap('set $core http://core-service:5001;', `set $core ${services.core};`);
  swap('set $e14 http://e14-service:5002;', `set $e14 ${services.e14};`);
  swap('set $dashboard http://dashboard-ia:5003;', `set $dashboard ${services.dashboard};`);
  swap('root /usr/share/nginx/html;', `root ${webRoot};`);
  return config;
}

function readWebFile(path: string): string {
  return readFileSync(join(webRoot, path), 'utf8');
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`nginx did not listen on ${port}: ${readFileSync(join(workDir, 'error.log'), 'utf8')}`);
}

function call(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; plain?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const common = { host: '127.0.0.1', method: options.method ?? 'GET', path, headers: options.headers ?? {} };
    const onResponse = (response: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
          tlsProtocol: options.plain ? undefined : (response.socket as TLSSocket).getProtocol?.(),
        }),
      );
    };
    const request = options.plain
      ? httpRequest({ ...common, port: httpPort }, onResponse)
      : httpsRequest({ ...common, port: httpsPort, ca, servername: 'localhost', agent: false }, onResponse);
    request.on('error', reject);
    request.end(options.body);
  });
}

/**
 * Sends every request over one HTTP/2 connection, in order and without waiting between them, so
 * nginx meets them within a few milliseconds of each other (a fresh TLS handshake per request
 * would spread them over more than the auth zone's 200 ms refill). Answers the statuses in order.
 */
async function callAtOnce(requests: { path: string; method: string; body?: string }[]): Promise<number[]> {
  const session = connectHttp2(`https://localhost:${httpsPort}`, { ca, host: '127.0.0.1', servername: 'localhost' });
  try {
    return await Promise.all(
      requests.map(
        ({ path, method, body }) =>
          new Promise<number>((resolve, reject) => {
            const stream = session.request({ ':method': method, ':path': path, 'content-type': 'application/json' });
            let status = 0;
            stream.on('response', (headers) => {
              status = Number(headers[':status']);
            });
            stream.on('error', reject);
            stream.on('end', () => resolve(status));
            stream.resume();
            stream.end(body);
          }),
      ),
    );
  } finally {
    session.close();
  }
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'castor-gateway-'));
  // nginx's workers (nobody, when started as root) create their temp folders under the prefix.
  chmodSync(workDir, 0o755);
  mkdirSync(join(workDir, 'certs'));
  execFileSync('sh', [join(gatewayDir, 'dev-cert.sh'), join(workDir, 'certs')], { stdio: 'ignore' });
  ca = readFileSync(join(workDir, 'certs', 'cert.pem'));
  if (!existsSync(join(webDist, 'index.html'))) execFileSync('pnpm', ['--filter', '@castor/web', 'build']);
  webRoot = join(workDir, 'html');
  cpSync(webDist, webRoot, { recursive: true });
  const entry = /<script type="module"[^>]* src="(\/assets\/[^"]+\.js)"/.exec(readWebFile('index.html'));
  if (!entry?.[1]) throw new Error('services/web/dist/index.html names no entry script');
  entryScript = entry[1];

  e14 = await startE14ForTests();
  e14Url = await e14.app.listen({ host: '127.0.0.1', port: 0 });
  // dashboard-ia verifies tokens of its own core (its test harness starts one): its requests here
  // carry that core's tokens, which is enough to show nginx hands them to dashboard-ia.
  dashboard = await startDashboardForTests();
  dashboardUrl = await dashboard.app.listen({ host: '127.0.0.1', port: 0 });
  httpPort = await findFreePort();
  httpsPort = await findFreePort();
  const configPath = join(workDir, 'nginx.conf');
  writeFileSync(configPath, loopbackConfig({ core: e14.core.url, e14: e14Url, dashboard: dashboardUrl }));
  nginx = spawn('nginx', ['-p', `${workDir}/`, '-c', configPath, '-g', 'daemon off;'], { stdio: 'ignore' });
  await waitForPort(httpsPort);
});

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((done) => nginx.once('exit', done));
    nginx.kill('SIGQUIT');
    await exited;
  }
  await e14?.close();
  await dashboard?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('gateway (real nginx)', () => {
  it('redirects plain HTTP to HTTPS', async () => {
    const answer = await call('/api/health', { plain: true, headers: { host: 'localhost' } });
    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe('https://localhost/api/health');
  });

  it('serves over TLS 1.2 or 1.3 with HSTS and the security headers, without its version', async () => {
    const answer = await call('/api/health');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).service).toBe('core-service');
    expect(['TLSv1.2', 'TLSv1.3']).toContain(answer.tlsProtocol);
    expect(answer.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['x-frame-options']).toBe('DENY');
    expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(answer.headers.server).toBe('nginx');
  });

  it('routes by path prefix: auth to core, elections to e14, with nginx request ids', async () => {
    const analyst = await e14.core.signIn('analyst');
    const login = await call('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: analyst.user.email, password: analyst.password }),
    });
    expect(login.status).toBe(200);
    const token = JSON.parse(login.body).accessToken as string;
    const me = await call('/api/auth/me', { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body).email).toBe(analyst.user.email);
    const elections = await call('/api/elections', { headers: { authorization: `Bearer ${token}` } });
    expect(elections.status).toBe(200);
    expect(JSON.parse(elections.body)).toEqual({ items: [] });
    // nginx names the request; the service answers with the same id.
    expect(elections.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });

  it("routes dashboard-ia's prefixes to it, authenticated requests included", async () => {
    const { token } = await dashboard.token('analyst');
    const authorization = { authorization: `Bearer ${token}` };
    const candidates = await call('/api/campaign/candidates', { headers: authorization });
    expect(candidates.status).toBe(200);
    expect(JSON.parse(candidates.body)).toEqual({ candidates: [] });
    expect(candidates.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    const members = await call('/api/team/members', { headers: authorization });
    expect(members.status).toBe(200);
    expect(JSON.parse(members.body)).toEqual({ members: [] });
    const tasksCsv = await call('/api/team/tasks.csv', { headers: authorization });
    expect(tasksCsv.status).toBe(200);
    expect(tasksCsv.headers['content-disposition']).toMatch(/^attachment; filename="tareas-equipo-/);
    // Unsigned, the import route and the team's routes are refused by dashboard-ia itself (its JSON error).
    for (const [method, path] of [
      ['POST', '/api/media/import'],
      ['GET', '/api/team/tasks'],
    ] as const) {
      const refused = await call(path, { method, headers: { 'content-type': 'text/csv' }, body: 'id\n' });
      expect(refused.status, path).toBe(401);
      expect(JSON.parse(refused.body).error.code, path).toBe('AUTH_REQUIRED');
    }
    // Prefixes whose routes other issues add reach dashboard-ia too: its own 404, not nginx's.
    for (const path of ['/api/sentiment', '/api/bots/accounts', '/api/media/mentions', '/api/advisor']) {
      const answer = await call(path, { headers: authorization });
      expect(answer.status, path).toBe(404);
      expect(JSON.parse(answer.body).error.code, path).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('routes documents and the chat to dashboard-ia, and streams a chat answer as server-sent events', async () => {
    const { token } = await dashboard.token('analyst');
    const authorization = { authorization: `Bearer ${token}` };
    const documents = await call('/api/documents', { headers: authorization });
    expect(documents.status).toBe(200);
    expect(JSON.parse(documents.body)).toHaveProperty('documents');
    const stats = await call('/api/chat/rag/stats', { headers: authorization });
    expect(stats.status).toBe(200);
    expect(JSON.parse(stats.body)).toHaveProperty('chunks');
    const streamed = await call('/api/chat/rag', {
      method: 'POST',
      headers: {
        ...authorization,
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'accept-encoding': 'gzip',
      },
      body: JSON.stringify({ question: '¿Quién ganó el mundial de 1986?' }),
    });
    expect(streamed.status).toBe(200);
    expect(streamed.headers['content-type']).toMatch(/^text\/event-stream/);
    // Not compressed (gzip would hold events back until its buffer fills).
    expect(streamed.headers['content-encoding']).toBeUndefined();
    expect(streamed.body).toMatch(/^event: citations\n/);
    expect(streamed.body).toMatch(/event: answer\ndata: .*"found":false/);
  });

  it('keeps internal endpoints internal and unknown API paths unrouted', async () => {
    for (const path of ['/api/metrics', '/api/e14/metrics', '/api/auth/revocations', '/api/nothing-here']) {
      expect((await call(path)).status, path).toBe(404);
    }
    // The services do serve /api/metrics, on the internal network only.
    expect((await fetch(`${e14Url}/api/metrics`)).status).toBe(200);
    expect((await fetch(`${dashboardUrl}/api/metrics`)).status).toBe(200);
    for (const path of ['/api/media/metrics', '/api/team/metrics', '/api/sentiment/metrics']) {
      expect((await call(path)).status, path).toBe(404);
      expect((await call(path)).body, path).not.toContain('ROUTE_NOT_FOUND');
    }
  });

  it('answers bursts on authentication with 429 per client address', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 24 }, () =>
        call('/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'nobody@castor.test', password: 'not the password at all' }),
        }),
      ),
    );
    const statuses = attempts.map((attempt) => attempt.status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(8);
    const passed = statuses.filter((status) => status !== 429);
    expect(passed).toEqual(passed.map(() => 401));
  });

  it('keeps internal endpoints internal on every spelling the services would route', async () => {
    // Fastify ignores a trailing slash and decodes %XX before matching a route; nginx must refuse
    // each of these itself (no x-request-id: no service ever saw the request).
    const spellings = [
      '/api/auth/revocations/',
      '/api/auth/revocations/?after=0',
      '/api/auth/revocations?after=0',
      '/api/auth/%72evocations',
      '/api/auth/%72evocations/',
      '/api/auth/revocations%2f',
      '/api/auth/REVOCATIONS',
      '/api/auth/revocations;x',
      '/api/auth/revocations/#x',
      '//api/auth/revocations/',
      '/api//auth//revocations',
      '/api/auth/./revocations/',
      '/api/auth/x/../revocations',
      '/api/metrics/',
      '/api/%6detrics',
      '/API/Metrics/',
      '/api/e14/metrics/',
    ];
    const answered: Record<string, string> = {};
    for (const path of spellings) {
      const answer = await call(path);
      answered[path] = `${answer.status} ${answer.headers['x-request-id'] ? 'from a service' : 'from nginx'}`;
    }
    expect(answered).toEqual(Object.fromEntries(spellings.map((path) => [path, '404 from nginx'])));
  });

  it('counts every spelling of login, register and refresh against the strict auth limit', async () => {
    const attempt = (path: string) => ({ path, method: 'POST', body: '{}' });
    const spellings = [
      '/api/auth/login/',
      '/api/auth/login/?next=1',
      '/api/auth/login?next=1',
      '/api/auth/%6cogin',
      '/api/auth/%6Cogin/',
      '/api/auth/login%2f',
      '/API/AUTH/LOGIN',
      '/api/auth/login;x',
      '/api/auth/login/#x',
      '//api/auth/login',
      '/api//auth//login/',
      '/api/auth/./login',
      '/api/auth/x/../login/',
      '/api/auth/register/',
      '/api/auth/%72efresh/',
    ];
    // Twelve plain logins fill the zone (one burst of ten plus one); every spelling that follows
    // within the same 200 ms is over the limit when it is counted by that zone.
    const statuses = await callAtOnce([
      ...Array.from({ length: 12 }, () => attempt('/api/auth/login')),
      ...spellings.map(attempt),
    ]);
    expect(statuses.slice(0, 12)).toContain(429);
    const answered = Object.fromEntries(spellings.map((path, index) => [path, statuses[12 + index]]));
    expect(answered).toEqual(Object.fromEntries(spellings.map((path) => [path, 429])));
  });

  it('routes health with a trailing slash, as the service does', async () => {
    const health = await call('/api/health/');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).service).toBe('core-service');
  });

  it('refuses an E-14 upload over the size limit before it reaches the service', async () => {
    const answer = await call('/api/e14/process', {
      method: 'POST',
      headers: { 'content-type': 'application/pdf' },
      body: Buffer.alloc(13 * 1024 * 1024, 1),
    });
    expect(answer.status).toBe(413);
  });

  it('gives POST /api/e14/documents, the upload route, the upload size limit and not the general 8 MB', async () => {
    const answer = await call('/api/e14/documents', {
      method: 'POST',
      headers: { 'content-type': 'application/pdf' },
      body: Buffer.alloc(10 * 1024 * 1024, 1),
    });
    // Past nginx the unsigned request is refused by the service (or the connection is cut while
    // nginx still sends): anything but the gateway's own 413.
    expect(answer.status).not.toBe(413);
  });
});

describe('gateway (real nginx): the web app', () => {
  it('serves a hashed asset with a year-long immutable cache', async () => {
    const answer = await call(entryScript);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/javascript/);
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.body).toBe(readWebFile(entryScript));
  });

  it("answers the app's routes with index.html, revalidated on every load, under the app's CSP", async () => {
    for (const path of ['/', '/index.html', '/noche-electoral', '/resultados/nacional', '/alertas?severidad=alta']) {
      const answer = await call(path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type'], path).toMatch(/^text\/html/);
      expect(answer.headers['cache-control'], path).toBe('no-cache');
      expect(answer.headers['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY);
      expect(answer.headers['x-frame-options'], path).toBe('DENY');
      expect(answer.headers['strict-transport-security'], path).toBe('max-age=31536000; includeSubDomains');
      expect(answer.body, path).toBe(readWebFile('index.html'));
    }
  });

  it('answers a missing asset 404, not with the app page and not cacheable', async () => {
    const answer = await call('/assets/index-0000000.js');
    expect(answer.status).toBe(404);
    expect(answer.headers['cache-control']).toBeUndefined();
    expect(answer.body).not.toContain('<div id="root">');
  });

  it("keeps /api/* the services' own, cache headers included", async () => {
    const health = await call('/api/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).service).toBe('core-service');
    const direct = await fetch(`${e14.core.url}/api/health`);
    expect(health.headers['cache-control']).toBe(direct.headers.get('cache-control') ?? undefined);
    for (const path of ['/api', '/api/', '/api/noche-electoral']) expect((await call(path)).status, path).toBe(404);
  });

  it('answers as the gateway `pnpm start` serves the same build with', async () => {
    const devGateway = await createGateway({
      distDir: webRoot,
      upstreams: { core: e14.core.url, e14: e14Url },
    });
    try {
      const devUrl = await devGateway.listen({ host: '127.0.0.1', port: 0 });
      const paths = ['/', '/noche-electoral', entryScript, '/assets/index-0000000.js', '/api', '/api/health'];
      const seen = async (path: string, answer: Pick<Answer, 'status' | 'headers'>) => ({
        path,
        status: answer.status,
        cacheControl: answer.headers['cache-control'],
        // nginx sends its security headers on every answer, the dev gateway on the app's files: compare
        // the policy where the browser enforces it.
        csp: answer.status === 200 && !path.startsWith('/api') ? answer.headers['content-security-policy'] : 'n/a',
      });
      const fromNginx = await Promise.all(paths.map(async (path) => seen(path, await call(path))));
      const fromDev = await Promise.all(
        paths.map(async (path) => {
          const response = await fetch(`${devUrl}${path}`);
          // Read to the end: the gateway closes only once its connections are idle.
          await response.arrayBuffer();
          return seen(path, { status: response.status, headers: Object.fromEntries(response.headers) });
        }),
      );
      expect(fromDev).toEqual(fromNginx);
    } finally {
      await devGateway.close();
    }
  });
});
