import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrl, startEmbeddedPostgres, startRedisServer } from '@castor/dev-infra';
import pg from 'pg';

export interface TestInfrastructure {
  /** Superuser URL of the test PostgreSQL server. */
  adminUrl: string;
  redisUrl: string;
  /** Template database name per service, migrated to the committed schema. */
  templates: Record<string, string>;
}

export interface TemplateSpec {
  name: string;
  /** Hashed to name the template, so a schema change builds a new one. */
  migrationsFolder: string;
  /** Applies the migrations; passed in (the service kit's runner) so this package stays below the kit. */
  migrate: (pool: pg.Pool) => Promise<void>;
}

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const cleanups: Array<() => Promise<void>> = [];

/**
 * PostgreSQL: TEST_DATABASE_URL (any database on a server where we may CREATE DATABASE), else an
 * embedded server under .castor/test-pg. Redis: REDIS_URL, else a `redis-server` from the machine.
 * Both are exported to process.env so every project of one vitest run shares them.
 */
async function ensureServers(): Promise<{ adminUrl: string; redisUrl: string }> {
  if (!process.env.TEST_DATABASE_URL) {
    const server = await startEmbeddedPostgres({
      dataDir: resolve(repoRoot, '.castor/test-pg'),
      log: (line) => process.stderr.write(`[test-pg] ${line}\n`),
    });
    process.env.TEST_DATABASE_URL = server.adminUrl;
    cleanups.push(server.stop);
  }
  if (!process.env.REDIS_URL) {
    const redis = await startRedisServer();
    if (!redis) {
      throw new Error('Tests need a real Redis: set REDIS_URL or install redis-server (apt-get install redis-server).');
    }
    process.env.REDIS_URL = redis.url;
    cleanups.push(redis.stop);
  }
  return { adminUrl: process.env.TEST_DATABASE_URL, redisUrl: process.env.REDIS_URL };
}

function migrationsHash(folder: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = resolve(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(entry.name).update(readFileSync(path));
    }
  };
  walk(folder);
  return hash.digest('hex').slice(0, 12);
}

/**
 * A migrated template per service, named after the hash of its migrations so a persistent test
 * server reuses it until the schema changes. Test files clone it (CREATE DATABASE ... TEMPLATE),
 * which takes a fraction of a second.
 */
async function ensureTemplate(adminUrl: string, spec: TemplateSpec): Promise<string> {
  const name = `tpl_${spec.name}_${migrationsHash(spec.migrationsFolder)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      const building = `${name}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(building)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(building)}`);
      const pool = new pg.Pool({ connectionString: databaseUrl(adminUrl, building), max: 1 });
      try {
        await spec.migrate(pool);
      } finally {
        await pool.end();
      }
      // Renamed only once complete, so a crash mid-migration never leaves a half-built template.
      await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(building)} RENAME TO ${admin.escapeIdentifier(name)}`);
    }
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined);
    await admin.end();
  }
}

export async function setupTestInfrastructure(templates: TemplateSpec[]): Promise<TestInfrastructure> {
  const { adminUrl, redisUrl } = await ensureServers();
  const names: Record<string, string> = {};
  for (const spec of templates) names[spec.name] = await ensureTemplate(adminUrl, spec);
  return { adminUrl, redisUrl, templates: names };
}

export async function teardownTestInfrastructure(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()?.();
}
