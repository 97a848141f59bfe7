import { sql } from 'drizzle-orm';
import { customType, timestamp } from 'drizzle-orm/pg-core';

/** Column helpers and CHECK expressions every aggregate's tables share. */
export const CORPORATION_CHECK = sql`corporation IN ('PRESIDENTE', 'SENADO', 'CAMARA', 'GOBERNADOR', 'ASAMBLEA', 'ALCALDE', 'CONCEJO', 'JAL')`;
export const SEVERITY_CHECK = sql`severity IN ('info', 'warning', 'high', 'critical')`;
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
