import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import * as schema from './schema.js';

export type CoreDb = NodePgDatabase<typeof schema>;

export function createDb(pool: pg.Pool): CoreDb {
  return drizzle(pool, { schema });
}
