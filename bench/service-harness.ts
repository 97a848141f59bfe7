import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { buildCoreApp } from '@castor/core-service/app';
import { loadCoreConfig } from '@castor/core-service/config';
import { findFreePort } from '@castor/dev-infra';
import pg from 'pg';
import { memoryOf } from './support.js';

export interface BenchServiceOptions {
  /** The service's folder (its dist/ is built and run). */
  serviceDir: string;
  /** Short name for its database and Redis prefix ("e14", "dashboard"). */
  name: string;
  env?: Record<string, string>;
  /** Arguments of the service's node (e.g. --cpu-prof, which NODE_OPTIONS does not accept). */
  nodeArguments?: readonly string[];
}

/**
 * Starts core-service (in this process: it only serves its JWKS during the bench) and a service
 * in its own process from its production bundle (dist/, built first), each on a fresh database of
 * the PostgreSQL at BENCH_DATABASE_URL (or TEST_DATABASE_URL, or the local server), with an admin
 * token. The load generator (this process) and the service do not share an event loop, and the
 * service's memory is its own.
 */
export async function startBenchService({ serviceDir, name, env = {}, nodeArguments = [] }: BenchServiceOptions) {
  const adminUrl =
    process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const suffix = randomBytes(4).toString('hex');
  const databases = [`bench_core_${suffix}`, `bench_${name}_${suffix}`] as const;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const name of databases) await admin.query(`CREATE DATABASE ${name}`);
  const urlOf = (name: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const core = await buildCoreApp(
    loadCoreConfig({
      LOG_LEVEL: 'warn',
      DATABASE_URL: urlOf(databases[0]),
      JWT_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      JWT_KEY_PREPUBLISH_SECONDS: '0',
      RATE_LIMIT_DEFAULT: '100000000/minute',
      RATE_LIMIT_AUTH: '100000/minute',
    }),
    { logger: false },
  );
  const coreUrl = await core.app.listen({ host: '127.0.0.1', port: 0 });
  const email = `bench-${suffix}@castor.test`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const { invitationToken } = await core.users.invite(null, email, 'admin');
  await core.users.register({ email, password, name: 'bench admin', invitationToken });
  const session = await core.sessions.login(email, password);

  const port = await findFreePort();
  const redisPrefix = `bench${suffix}:`;
  // The production bundle, freshly built, is what runs: from a copy of its own at dist's depth
  // (the bundle finds the workspace's data files by relative URLs), so that a build during the run
  // (pnpm start, another benchmark) cannot swap the files its worker threads load.
  execFileSync('pnpm', ['build'], { cwd: serviceDir, stdio: 'ignore' });
  const bundleDir = `.bench-dist-${suffix}`;
  cpSync(`${serviceDir}/dist`, `${serviceDir}/${bundleDir}`, { recursive: true });
  const baseUrl = `http://127.0.0.1:${port}`;
  const launch = async (serviceEnv: Record<string, string>): Promise<ChildProcess> => {
    const launched = spawn(process.execPath, [...nodeArguments, `${bundleDir}/server.js`], {
      cwd: serviceDir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: urlOf(databases[1]),
        CORE_SERVICE_URL: coreUrl,
        RATE_LIMIT_DEFAULT: '100000000/minute',
        ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: redisPrefix } : {}),
        ...serviceEnv,
      },
    });
    for (let attempt = 0; ; attempt += 1) {
      try {
        if ((await fetch(`${baseUrl}/api/health`)).status < 500) return launched;
      } catch {
        // not listening yet
      }
      if (attempt > 3_000 || launched.exitCode !== null) throw new Error(`${name} service did not start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const stop = async (running: ChildProcess) => {
    if (running.exitCode !== null) return;
    running.kill('SIGTERM');
    await new Promise((resolve) => running.once('exit', resolve));
  };
  let child = await launch(env);
  return {
    target: { baseUrl, token: session.accessToken },
    databaseUrl: urlOf(databases[1]),
    redisPrefix: process.env.REDIS_URL ? redisPrefix : null,
    /** The service process's resident memory now and at its peak (VmHWM), in MiB. */
    serviceMemory() {
      const { rssMB, peakRssMB } = memoryOf(child.pid ?? 0);
      return { rssMiB: rssMB, peakRssMiB: peakRssMB };
    },
    /**
     * Stops the service and starts it again on the same database with `env` instead of the first
     * start's (a restart: what it holds in memory is rebuilt from its tables). Resolves when it
     * answers again, with the milliseconds that took.
     */
    async restart(restartEnv: Record<string, string>) {
      await stop(child);
      const started = performance.now();
      child = await launch(restartEnv);
      return performance.now() - started;
    },
    async close() {
      await stop(child);
      rmSync(`${serviceDir}/${bundleDir}`, { recursive: true, force: true });
      await core.app.close();
      for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
