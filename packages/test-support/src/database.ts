import { randomBytes } from 'node:crypto';
import { databaseUrl, ensureLoginRole } from '@castor/dev-infra';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file, cloned from the service's migrated template. */
export async function createTestDatabase(service: string): Promise<TestDatabase> {
  const infrastructure = inject('testInfrastructure');
  const template = infrastructure.templates[service];
  if (!template) throw new Error(`no template database for "${service}"; list it in the project's globalSetup`);
  const name = `t_${service}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: infrastructure.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${admin.escapeIdentifier(template)}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrl(infrastructure.adminUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: infrastructure.adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface RoleSeparatedDatabase {
  name: string;
  /** The database as the server's superuser, who may grant anything. */
  adminUrl: string;
  /** Owns the database, its public schema and (once migrated) every table: for migrations only. */
  ownerUrl: string;
  /** Owns nothing and may only connect until the owner's migrations grant it table privileges. */
  runtimeUrl: string;
  runtimeRole: string;
  drop(): Promise<void>;
}

/**
 * An empty database set up as init-db/ sets up a service's: an owner role that owns it and a
 * runtime role that may only connect. Roles belong to the whole server, so their names are unique
 * per call and they are dropped with the database.
 */
export async function createRoleSeparatedDatabase(service: string): Promise<RoleSeparatedDatabase> {
  const { adminUrl } = inject('testInfrastructure');
  const suffix = randomBytes(5).toString('hex');
  const name = `t_${service}_${suffix}`;
  const owner = { name: `t_${service}_owner_${suffix}`, password: randomBytes(12).toString('hex') };
  const runtime = { name: `t_${service}_runtime_${suffix}`, password: randomBytes(12).toString('hex') };
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
    await admin.query(`REVOKE ALL ON DATABASE ${admin.escapeIdentifier(name)} FROM PUBLIC`);
    await ensureLoginRole(adminUrl, owner, name);
    await ensureLoginRole(adminUrl, runtime, name);
    await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(name)} OWNER TO ${admin.escapeIdentifier(owner.name)}`);
  } finally {
    await admin.end();
  }
  const inDatabase = new pg.Client({ connectionString: databaseUrl(adminUrl, name) });
  await inDatabase.connect();
  try {
    await inDatabase.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await inDatabase.query(`ALTER SCHEMA public OWNER TO ${inDatabase.escapeIdentifier(owner.name)}`);
  } finally {
    await inDatabase.end();
  }
  return {
    name,
    adminUrl: databaseUrl(adminUrl, name),
    ownerUrl: databaseUrl(adminUrl, name, owner),
    runtimeUrl: databaseUrl(adminUrl, name, runtime),
    runtimeRole: runtime.name,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
        for (const role of [runtime, owner]) {
          await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role.name)}`);
        }
      } finally {
        await client.end();
      }
    },
  };
}

/** Redis URL plus a key prefix no other test file uses, so files never see each other's keys. */
export function testRedis(): { url: string; keyPrefix: string } {
  return { url: inject('testInfrastructure').redisUrl, keyPrefix: `t${randomBytes(4).toString('hex')}:` };
}
