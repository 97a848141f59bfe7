import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';

/** Any fixed number works; it only has to be the same in every replica of every service. */
const MIGRATION_LOCK_ID = 72_014_2026;

interface MinimalLogger {
  info(message: string): void;
}

/**
 * Applies the committed drizzle-kit migrations. Replicas starting together serialise on a
 * session-level advisory lock; the loser then finds nothing left to do.
 */
export async function runMigrations(pool: pg.Pool, migrationsFolder: string, log?: MinimalLogger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      await migrate(drizzle(client), { migrationsFolder });
      log?.info(`migrations applied from ${migrationsFolder}`);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    client.release();
  }
}
