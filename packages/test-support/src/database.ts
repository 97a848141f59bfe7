import { randomBytes } from 'node:crypto';
import { databaseUrl } from '@castor/dev-infra';
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

/** Redis URL plus a key prefix no other test file uses, so files never see each other's keys. */
export function testRedis(): { url: string; keyPrefix: string } {
  return { url: inject('testInfrastructure').redisUrl, keyPrefix: `t${randomBytes(4).toString('hex')}:` };
}
