import { sql } from 'drizzle-orm';
import { bigserial, check, customType, integer, jsonb, serial, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Column helpers and CHECK expressions every aggregate's tables share. Each builder returns new
 * column builders on every call (drizzle binds a builder to one table), so the helpers are
 * functions; the `...Columns()` ones return an object to spread, in the table's column order.
 */
export const CORPORATION_CHECK = sql`corporation IN ('PRESIDENTE', 'SENADO', 'CAMARA', 'GOBERNADOR', 'ASAMBLEA', 'ALCALDE', 'CONCEJO', 'JAL')`;
export const SEVERITY_CHECK = sql`severity IN ('info', 'warning', 'high', 'critical')`;
/** The state of one value read on a form (a field, a reviewer's entry). */
export const FIELD_STATE_CHECK = sql`state IN ('read', 'empty', 'illegible')`;
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
export const timestampsColumns = () => ({ createdAt: createdAt(), updatedAt: updatedAt() });

export const serialIdColumn = () => serial('id').primaryKey();
export const bigserialIdColumn = () => bigserial('id', { mode: 'number' }).primaryKey();

export const corporationColumn = () => text('corporation').notNull();
/** `<table>_corporation_check`: the corporation is one of those an election elects. */
export const corporationCheck = (table: string) => check(`${table}_corporation_check`, CORPORATION_CHECK);

export const importedAtColumn = () => timestamp('imported_at', { withTimezone: true }).notNull().defaultNow();
/** Who imported a document, what it held, and when (the tail of every import record). */
export const importRecordColumns = () => ({
  importedBy: text('imported_by').notNull(),
  counts: jsonb('counts').notNull(),
  importedAt: importedAtColumn(),
});

/** The non-candidate votes of a mesa (null = unread). */
export const blankNullUnmarkedColumns = () => ({
  blancos: integer('blancos'),
  nulos: integer('nulos'),
  noMarcados: integer('no_marcados'),
});

/** The non-candidate numbers of a mesa's E-14 (null = unread). */
export const mesaNumbersColumns = () => ({
  sufragantes: integer('sufragantes'),
  urna: integer('urna'),
  incinerados: integer('incinerados'),
  ...blankNullUnmarkedColumns(),
});

/** Aligned arrays: `candidateIds[i]` got `votes[i]` (null = unread). */
export const candidateVotesColumns = () => ({
  candidateIds: integer('candidate_ids').array().notNull(),
  votes: integer('votes').array().notNull(),
});

/** The key of per-municipio derived rows (tallies, forensics), with their election (no foreign keys). */
export const municipioScopeColumns = () => ({
  municipioId: integer('municipio_id').notNull(),
  corporation: corporationColumn(),
  electionId: integer('election_id').notNull(),
});
