import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';

/** Any fixed number works; it only has to be the same in every replica of every service. */
const MIGRATION_LOCK_ID = 72_014_2026;

interface MinimalLogger {
  info(message: string): void;
}

/** The role a service runs as when migrations are applied by a separate owner role. */
export interface RuntimeRole {
  name: string;
  /** Tables the service may only read and append to (no UPDATE, DELETE or TRUNCATE), e.g. an audit log. */
  appendOnlyTables: readonly string[];
}

/**
 * Applies the committed drizzle-kit migrations. Replicas starting together serialise on a
 * session-level advisory lock; the loser then finds nothing left to do. With `runtime`, the pool
 * connects as the schema's owner and the runtime role is then granted exactly what it needs.
 */
export async function runMigrations(
  pool: pg.Pool,
  migrationsFolder: string,
  log?: MinimalLogger,
  runtime?: RuntimeRole,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      await migrate(drizzle(client), { migrationsFolder });
      log?.info(`migrations applied from ${migrationsFolder}`);
      if (runtime) {
        await refuseOverprivileged(client, runtime.name);
        await grantRuntimePrivileges(client, runtime);
        log?.info(`table privileges granted to the runtime role ${runtime.name}`);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    client.release();
  }
}

/**
 * The split only protects anything if the runtime role can do no more than its grants: a superuser
 * or the owner of a table (a database set up before the owner role existed) could still disable
 * the triggers, so the service refuses to start rather than run unprotected.
 */
async function refuseOverprivileged(client: pg.PoolClient, role: string): Promise<void> {
  const { rows } = await client.query<{ superuser: boolean; owned: string[] }>(
    `SELECT r.rolsuper OR r.rolbypassrls AS superuser,
            array(SELECT relname::text FROM pg_class WHERE relowner = r.oid AND relnamespace = 'public'::regnamespace
                  ORDER BY relname LIMIT 5) AS owned
     FROM pg_roles r WHERE r.rolname = $1`,
    [role],
  );
  const [found] = rows;
  if (found?.superuser) throw new Error(`the runtime role ${role} is a superuser or bypasses row security`);
  if (found && found.owned.length > 0) {
    throw new Error(
      `the runtime role ${role} owns ${found.owned.join(', ')}: hand its objects to the owner role (REASSIGN OWNED; see deploy/README.md)`,
    );
  }
}

/**
 * Gives the runtime role data access and nothing else: it owns no table, so it can neither drop
 * nor disable the triggers that guard the evidence, and append-only tables refuse it UPDATE,
 * DELETE and TRUNCATE by privilege, not only by trigger. Run after every migration batch, in one
 * transaction, so tables created by any migration (and those of a database that predates the
 * split) end up with the same grants; revoking first removes whatever was granted by hand.
 */
async function grantRuntimePrivileges(client: pg.PoolClient, runtime: RuntimeRole): Promise<void> {
  const role = client.escapeIdentifier(runtime.name);
  const statements = [
    `REVOKE CREATE ON SCHEMA public FROM ${role}`,
    `GRANT USAGE ON SCHEMA public TO ${role}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${role}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    ...runtime.appendOnlyTables.map(
      (table) => `REVOKE UPDATE, DELETE ON TABLE public.${client.escapeIdentifier(table)} FROM ${role}`,
    ),
  ];
  await client.query('BEGIN');
  try {
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
