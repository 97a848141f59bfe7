import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';
import { runMigrations } from '../migrate.js';

declare module 'fastify' {
  interface FastifyInstance {
    pg: pg.Pool;
  }
}

export interface PostgresOptions {
  connectionString: string;
  poolMax: number;
  statementTimeoutMs: number;
  applicationName: string;
  /** drizzle-kit output folder; applied at start under an advisory lock so replicas don't race. */
  migrationsFolder?: string;
  /**
   * URL of the role that owns the schema, used only to apply the migrations; the service then
   * runs as `connectionString`'s role with table privileges only. Unset: that role migrates too.
   */
  migrationConnectionString?: string | undefined;
  /** Tables the runtime role may only read and append to (see RuntimeRole). */
  appendOnlyTables?: readonly string[];
}

export function createPool(
  options: Pick<PostgresOptions, 'connectionString' | 'poolMax' | 'statementTimeoutMs' | 'applicationName'>,
): pg.Pool {
  return new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolMax,
    application_name: options.applicationName,
    statement_timeout: options.statementTimeoutMs,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
}

async function currentUser(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ current_user: string }>('SELECT current_user');
  if (!rows[0]) throw new Error('PostgreSQL did not say which role the connection is');
  return rows[0].current_user;
}

/**
 * Applies the migrations, as the owner role when one is configured; the runtime role then gets
 * its table privileges (see runMigrations), unless both URLs name the same role.
 */
export async function applyMigrations(
  pool: pg.Pool,
  options: Pick<
    PostgresOptions,
    'migrationsFolder' | 'migrationConnectionString' | 'appendOnlyTables' | 'statementTimeoutMs' | 'applicationName'
  >,
  log: { info(message: string): void; warn(message: string): void },
): Promise<void> {
  const { migrationsFolder, migrationConnectionString } = options;
  if (!migrationsFolder) return;
  if (!migrationConnectionString) return runMigrations(pool, migrationsFolder, log);
  const owner = createPool({
    statementTimeoutMs: options.statementTimeoutMs,
    connectionString: migrationConnectionString,
    poolMax: 1,
    applicationName: `${options.applicationName} migrations`,
  });
  try {
    const runtimeRole = await currentUser(pool);
    const separateRoles = runtimeRole !== (await currentUser(owner));
    if (!separateRoles) log.warn('DATABASE_MIGRATION_URL connects as the same role as DATABASE_URL');
    await runMigrations(
      owner,
      migrationsFolder,
      log,
      separateRoles ? { name: runtimeRole, appendOnlyTables: options.appendOnlyTables ?? [] } : undefined,
    );
  } finally {
    await owner.end();
  }
}

export const postgresPlugin = fp(
  async (app: FastifyInstance, options: PostgresOptions) => {
    const pool = createPool(options);
    // An idle client losing its connection emits here; without a listener the process would crash.
    pool.on('error', (error) => app.log.warn({ err: error }, 'idle PostgreSQL client failed'));
    await applyMigrations(pool, options, app.log);
    app.decorate('pg', pool);
    app.health.register('postgres', {
      required: true,
      check: async () => {
        await pool.query('SELECT 1');
        return undefined;
      },
    });
    app.addHook('onClose', async () => {
      await pool.end();
    });
  },
  { name: 'castor-postgres', dependencies: ['castor-health'] },
);
