import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrl, startEmbeddedPostgres, startRedisServer } from '@castor/dev-infra';
import pg from 'pg';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

export interface BenchInfrastructure {
  adminUrl: string;
  redisUrl: string;
  /** A new empty database on the bench server. */
  createDatabase(prefix: string): Promise<string>;
  close(): Promise<void>;
}

/** TEST_DATABASE_URL/REDIS_URL when given (this machine's servers), else embedded ones. */
export async function benchInfrastructure(): Promise<BenchInfrastructure> {
  const stops: Array<() => Promise<void>> = [];
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const server = await startEmbeddedPostgres({ dataDir: resolve(root, '.castor/bench-pg') });
    adminUrl = server.adminUrl;
    stops.push(server.stop);
  }
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const redis = await startRedisServer();
    if (!redis) throw new Error('benchmarks need redis-server on the machine or REDIS_URL');
    redisUrl = redis.url;
    stops.push(redis.stop);
  }
  const created: string[] = [];
  const admin = async <T>(work: (client: pg.Client) => Promise<T>) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    adminUrl,
    redisUrl,
    async createDatabase(prefix) {
      const name = `${prefix}_${randomBytes(4).toString('hex')}`;
      await admin((client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
      created.push(name);
      return databaseUrl(adminUrl, name);
    },
    async close() {
      await admin(async (client) => {
        for (const name of created)
          await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      });
      for (const stopServer of stops.reverse()) await stopServer();
    },
  };
}
