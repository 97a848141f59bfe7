import { createRoleSeparatedDatabase, type RoleSeparatedDatabase } from '@castor/test-support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildE14App } from '../../src/app.js';
import { honestSheet, importFixture, post } from '../support/fixtures.js';
import { type E14UnderTest, startE14ForTests } from '../testing.js';

/**
 * e14 as deployed: migrations applied by the role that owns the schema (DATABASE_MIGRATION_URL),
 * the service running as a role that owns nothing (DATABASE_URL). Whoever holds the service's
 * credentials must not be able to switch off the audit log's protection.
 */
let database: RoleSeparatedDatabase;
let e14: E14UnderTest;
let admin: string;
/** A session as the runtime role, as someone holding the service's credentials would open it. */
let runtime: pg.Client;

beforeAll(async () => {
  database = await createRoleSeparatedDatabase('e14');
  e14 = await startE14ForTests({ DATABASE_URL: database.runtimeUrl, DATABASE_MIGRATION_URL: database.ownerUrl });
  admin = (await e14.token('admin')).token;
  runtime = new pg.Client({ connectionString: database.runtimeUrl });
  await runtime.connect();
});

afterAll(async () => {
  await runtime?.end();
  await e14?.close();
  await database?.drop();
});

/** The server's refusal of `statement` for lack of a privilege (not a trigger's, not a syntax error). */
async function refusal(statement: string): Promise<string> {
  const error = await runtime.query(statement).then(
    () => new Error(`the runtime role was allowed: ${statement}`),
    (refused: pg.DatabaseError) => refused,
  );
  expect(error).toMatchObject({ code: '42501' }); // insufficient_privilege
  return error.message;
}

describe('e14 runs as a role that owns nothing', () => {
  it('works as the runtime role: divipol import and intake, audited', async () => {
    const serviceRole = await e14.app.pg.query<{ current_user: string }>('SELECT current_user');
    expect(serviceRole.rows[0]?.current_user).toBe(database.runtimeRole);
    await importFixture(e14, admin);
    const stored = await post(e14, '/api/e14/process-v2', admin, honestSheet('01-031-99-02-001', [31, 20, 0, 0]));
    expect(stored.statusCode).toBe(201);
    const audit = await runtime.query<{ actions: string[]; head: string; last: string }>(
      `SELECT array_agg(action ORDER BY seq) AS actions, max(seq)::text AS last,
              (SELECT seq::text FROM audit_head) AS head FROM audit_log`,
    );
    expect(audit.rows[0]?.actions).toContain('e14.stored');
    expect(audit.rows[0]?.head).toBe(audit.rows[0]?.last);
  });

  it('owns no table, sequence, function or schema', async () => {
    const owned = await runtime.query(
      `SELECT 'relation' AS kind, relname AS name FROM pg_class WHERE relowner = current_user::regrole
       UNION ALL SELECT 'function', proname FROM pg_proc WHERE proowner = current_user::regrole
       UNION ALL SELECT 'schema', nspname FROM pg_namespace WHERE nspowner = current_user::regrole`,
    );
    expect(owned.rows).toEqual([]);
    const tables = await runtime.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    expect(tables.rows[0].n).toBeGreaterThan(10);
  });

  it.each([
    'ALTER TABLE audit_log DISABLE TRIGGER ALL',
    'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete',
    'DROP TRIGGER audit_log_no_update_delete ON audit_log',
    'ALTER TABLE e14_forms DISABLE TRIGGER e14_forms_immutable',
    'DROP TABLE audit_log',
    `CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
    'SET session_replication_role = replica',
    `UPDATE audit_log SET actor = 'someone else' WHERE seq = 2`,
    'DELETE FROM audit_log WHERE seq = 3',
    'TRUNCATE audit_log',
    'CREATE TABLE public.shadow_audit_log (seq bigint)',
  ])('refuses by privilege: %s', async (statement) => {
    expect(await refusal(statement)).toMatch(/must be owner|permission denied/);
  });

  it('takes back at the next start a privilege granted by hand', async () => {
    const superuser = new pg.Client({ connectionString: database.adminUrl });
    await superuser.connect();
    try {
      await superuser.query(
        `GRANT UPDATE, DELETE, TRUNCATE ON audit_log TO ${superuser.escapeIdentifier(database.runtimeRole)}`,
      );
    } finally {
      await superuser.end();
    }
    const restarted = await buildE14App(e14.config, { logger: false });
    await restarted.app.ready();
    await restarted.app.close();
    expect(await refusal('DELETE FROM audit_log WHERE seq = 3')).toMatch(/permission denied/);
  });

  it('refuses to start while the runtime role owns a table', async () => {
    const superuser = new pg.Client({ connectionString: database.adminUrl });
    await superuser.connect();
    try {
      await superuser.query('CREATE TABLE stray_table (id int)');
      await superuser.query(`ALTER TABLE stray_table OWNER TO ${superuser.escapeIdentifier(database.runtimeRole)}`);
      await expect(buildE14App(e14.config, { logger: false })).rejects.toThrow(/owns stray_table/);
    } finally {
      await superuser.query('DROP TABLE stray_table');
      await superuser.end();
    }
  });
});
