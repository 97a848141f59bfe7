/**
 * core-service benchmark (bench/results/core.json). Same run, same machine, loopback:
 * - reference: a bare Fastify hello-world (one process);
 * - an authenticated route that only verifies the access token (GET /api/auth/token-info), with
 *   everything production has on the path: request ids, logging at warn, metrics histogram, rate
 *   limit counters in Redis, JWT verification and the deny-list;
 * - login (argon2id at OWASP parameters, bounded concurrency).
 * Budget: the authenticated route reaches ≥ 50 % of the hello-world's requests/s.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '@castor/dev-infra';
import { benchInfrastructure } from './infrastructure.js';
import { load, machine, memoryOf, startNodeServer, stop } from './support.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = 50;

async function waitHealthy(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // starting
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${url} never became healthy`);
}

export async function benchCore(): Promise<Record<string, unknown>> {
  const infrastructure = await benchInfrastructure();
  const hello = startNodeServer(resolve(root, 'bench/hello-world.ts'), { ...process.env, PORT: '0' }, [
    '--import',
    'tsx',
  ]);
  const port = await findFreePort();
  const core = startNodeServer(resolve(root, 'services/core-service/dist/server.js'), {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: await infrastructure.createDatabase('bench_core'),
    REDIS_URL: infrastructure.redisUrl,
    REDIS_KEY_PREFIX: `bench${randomBytes(3).toString('hex')}:core:`,
    JWT_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Budgets big enough that the load generator measures the service, not the limiter (the
    // limiter still counts every request in Redis).
    RATE_LIMIT_DEFAULT: '100000000/hour',
    RATE_LIMIT_AUTH: '100000000/hour',
  });
  const coreUrl = `http://127.0.0.1:${port}`;
  try {
    const helloUrl = await hello.url;
    await waitHealthy(coreUrl);
    const pid = core.child.pid ?? 0;
    const idle = memoryOf(pid);

    const credentials = { email: 'bench@castor.test', password: 'benchmark passphrase 2026', name: 'Bench' };
    const json = { 'content-type': 'application/json' };
    await fetch(`${coreUrl}/api/auth/register`, { method: 'POST', headers: json, body: JSON.stringify(credentials) });
    const session = (await (
      await fetch(`${coreUrl}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify(credentials) })
    ).json()) as { accessToken: string };

    // Warm both servers up so JIT state is comparable.
    await load({ url: helloUrl, connections: CONNECTIONS, duration: 2 });
    await load({
      url: `${coreUrl}/api/auth/token-info`,
      connections: CONNECTIONS,
      duration: 2,
      headers: { authorization: `Bearer ${session.accessToken}` },
    });

    const helloWorld = await load({ url: helloUrl, connections: CONNECTIONS, duration: DURATION_S });
    const authenticated = await load({
      url: `${coreUrl}/api/auth/token-info`,
      connections: CONNECTIONS,
      duration: DURATION_S,
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    const login = await load({
      url: `${coreUrl}/api/auth/login`,
      method: 'POST',
      connections: 8,
      duration: DURATION_S,
      headers: json,
      body: JSON.stringify({ email: credentials.email, password: credentials.password }),
    });
    const underLoad = memoryOf(pid);
    const ratio = authenticated.requestsPerSecond / helloWorld.requestsPerSecond;
    return {
      benchmark: 'core-service',
      date: new Date().toISOString(),
      machine: machine(),
      method: `autocannon on loopback, ${CONNECTIONS} connections, ${DURATION_S} s per case after a 2 s warm-up; servers in their own processes`,
      reference: { name: 'bare Fastify hello-world', ...helloWorld },
      authenticatedRoute: {
        name: 'GET /api/auth/token-info (token verification only)',
        ...authenticated,
        ratioToReference: Number(ratio.toFixed(3)),
      },
      login: { name: 'POST /api/auth/login (argon2id 19 MiB, t=2, p=1)', connections: 8, ...login },
      memory: { idleRssMB: idle.rssMB, peakRssMB: underLoad.peakRssMB },
      budgets: {
        authenticatedRouteRatio: { min: 0.5, met: ratio >= 0.5 },
        idleRssMB: { max: 200, met: idle.rssMB <= 200 },
        peakRssMB: { max: 512, met: underLoad.peakRssMB <= 512 },
      },
    };
  } finally {
    await stop(hello.child);
    await stop(core.child);
    await infrastructure.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const result = await benchCore();
  mkdirSync(resolve(root, 'bench/results'), { recursive: true });
  writeFileSync(resolve(root, 'bench/results/core.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
