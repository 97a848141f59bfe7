import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import * as schema from './schema/index.js';

export type E14Db = NodePgDatabase<typeof schema>;

export function createDb(pool: pg.Pool | pg.PoolClient): E14Db {
  return drizzle(pool, { schema });
}

/** Shared by every service; re-exported so e14's features keep one import for their database helpers. */
export { withTransaction } from '@castor/service-kit';
