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
}

export function createPool(options: Omit<PostgresOptions, 'migrationsFolder'>): pg.Pool {
  return new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolMax,
    application_name: options.applicationName,
    statement_timeout: options.statementTimeoutMs,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
}

export const postgresPlugin = fp(
  async (app: FastifyInstance, options: PostgresOptions) => {
    const pool = createPool(options);
    // An idle client losing its connection emits here; without a listener the process would crash.
    pool.on('error', (error) => app.log.warn({ err: error }, 'idle PostgreSQL client failed'));
    if (options.migrationsFolder) {
      await runMigrations(pool, options.migrationsFolder, app.log);
    }
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
