import { createRoleSeparatedDatabase, type RoleSeparatedDatabase } from '@castor/test-support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

/** core as deployed: migrated by the owner role (DATABASE_MIGRATION_URL), run as a role that owns nothing. */
let database: RoleSeparatedDatabase;
let core: CoreUnderTest;
/** A session as the runtime role, as someone holding core's credentials would open it. */
let runtime: pg.Client;

beforeAll(async () => {
  database = await createRoleSeparatedDatabase('core');
  core = await startCoreForTests({ DATABASE_URL: database.runtimeUrl, DATABASE_MIGRATION_URL: database.ownerUrl });
  runtime = new pg.Client({ connectionString: database.runtimeUrl });
  await runtime.connect();
});

afterAll(async () => {
  await runtime?.end();
  await core?.close();
  await database?.drop();
});

describe('core runs as a role that owns nothing', () => {
  it('invites, registers and signs in as the runtime role, recording account events', async () => {
    const session = await core.signIn('admin');
    expect(session.accessToken).toEqual(expect.any(String));
    const events = await runtime.query<{ n: number }>('SELECT count(*)::int AS n FROM account_events');
    expect(events.rows[0]?.n).toBeGreaterThan(0);
    const owned = await runtime.query('SELECT relname FROM pg_class WHERE relowner = current_user::regrole');
    expect(owned.rows).toEqual([]);
  });

  it.each([
    `UPDATE account_events SET kind = 'nothing happened'`,
    'DELETE FROM account_events',
    'TRUNCATE account_events',
    'ALTER TABLE users DISABLE TRIGGER ALL',
    'DROP TABLE signing_keys',
  ])('refuses by privilege: %s', async (statement) => {
    await expect(runtime.query(statement)).rejects.toMatchObject({
      code: '42501',
      message: expect.stringMatching(/must be owner|permission denied/),
    });
  });
});
