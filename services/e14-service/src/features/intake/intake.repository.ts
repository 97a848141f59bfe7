import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import type pg from 'pg';
import { withTransaction } from '../../db/client.js';
import { type CopyValue, copyRows } from '../../db/copy.js';
import { e14Fields, e14Forms, mesas, reviewTasks } from '../../db/schema/index.js';

type Mesa = typeof mesas.$inferSelect;
type E14Form = typeof e14Forms.$inferSelect;

/**
 * A column's value as COPY takes it: JSON columns (typed `unknown` by drizzle) are given as JSON
 * text; integer arrays may hold NULL elements (an unread vote), which drizzle's `number[]` omits.
 */
type CopyCell<Value> = unknown extends Value
  ? CopyValue
  : Value extends readonly number[]
    ? ReadonlyArray<number | null>
    : Exclude<Value, undefined>;

/** One COPY row: the values of `Keys`, in that order, typed from the table's insert type. */
type CopyRow<Row, Keys extends readonly (keyof Row)[]> = { readonly [I in keyof Keys]: CopyCell<Row[Keys[I]]> };

/** The columns of `table` named by `keys`, as COPY and SELECT lists take them. */
function columnNames<T extends Table>(table: T, keys: readonly (keyof T['_']['columns'])[]): string[] {
  const columns = getTableColumns(table);
  return keys.map((key) => {
    const column = columns[key];
    if (!column) throw new Error(`${getTableName(table)} has no column ${String(key)}`);
    return column.name;
  });
}

/** `snake_name AS "camelName"`, so the rows come back with the schema's property names. */
function selectList<T extends Table>(table: T, keys: readonly (keyof T['_']['columns'])[]): string {
  const names = columnNames(table, keys);
  return keys
    .map((key, index) => (names[index] === key ? names[index] : `${names[index]} AS "${String(key)}"`))
    .join(', ');
}

const MESA_KEYS = [
  'id',
  'puestoId',
  'mesaKey',
  'habilitados',
  'municipioId',
  'departamentoId',
  'transmissionCode',
] as const satisfies readonly (keyof Mesa)[];

/** What the intake needs of a mesa: its place in the territory tree and what it checks a sheet against. */
export type MesaRow = Pick<Mesa, (typeof MESA_KEYS)[number]>;

const FORM_KEYS = [
  'id',
  'electionId',
  'corporation',
  'mesaId',
  'copy',
  'source',
  'version',
  'contentHash',
  'idempotencyKey',
  'submittedBy',
  'submitterRole',
  'sourceRef',
  'barcode',
  'transmissionCode',
  'pageCount',
  'documentHash',
  'status',
  'needsReview',
  'minConfidence',
  'sufragantes',
  'urna',
  'incinerados',
  'blancos',
  'nulos',
  'noMarcados',
  'sumaTotal',
  'candidateIds',
  'votes',
  'findings',
  'payload',
] as const satisfies readonly (keyof E14Form)[];

const FIELD_KEYS = [
  'formId',
  'path',
  'state',
  'value',
  'confidence',
  'overwritten',
  'readBy',
  'crop',
  'modelVersion',
] as const satisfies readonly (keyof typeof e14Fields.$inferInsert)[];

const REVIEW_TASK_KEYS = [
  'formId',
  'fieldPath',
  'reason',
] as const satisfies readonly (keyof typeof reviewTasks.$inferInsert)[];

/** One `e14_forms` row in COPY order (`findings` as JSON text, `payload` the canonical text). */
export type FormCopyRow = CopyRow<typeof e14Forms.$inferInsert, typeof FORM_KEYS>;
export type FieldCopyRow = CopyRow<typeof e14Fields.$inferInsert, typeof FIELD_KEYS>;
export type ReviewTaskCopyRow = CopyRow<typeof reviewTasks.$inferInsert, typeof REVIEW_TASK_KEYS>;

const FORM_COLUMNS = columnNames(e14Forms, FORM_KEYS);
const FIELD_COLUMNS = columnNames(e14Fields, FIELD_KEYS);
const REVIEW_TASK_COLUMNS = columnNames(reviewTasks, REVIEW_TASK_KEYS);

const MESAS_BY_KEY = `SELECT ${selectList(mesas, MESA_KEYS)}
               FROM mesas WHERE election_id = $1 AND mesa_key = ANY($2::text[])`;

/**
 * Every statement of the structured intake: the mesas a batch names, and, inside the store
 * transaction, the mesa locks, the Idempotency-Key lookup, form ids and the COPY of forms, fields
 * and review tasks.
 */
export class IntakeRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Runs `work` in one transaction; the in-transaction statements below take its client. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }

  async findMesas(electionId: number, mesaKeys: readonly string[]): Promise<MesaRow[]> {
    const rows = await this.pool.query<MesaRow>({
      name: 'intake-mesas',
      text: MESAS_BY_KEY,
      values: [electionId, mesaKeys],
    });
    return rows.rows;
  }

  /** Row locks on the mesas, taken in id order so two transactions never wait on each other in a cycle. */
  async lockMesas(client: pg.PoolClient, sortedMesaIds: readonly number[]): Promise<void> {
    await client.query({
      name: 'intake-lock-mesas',
      text: 'SELECT id FROM mesas WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE',
      values: [sortedMesaIds],
    });
  }

  /** The content hash of the form this submitter already stored with this Idempotency-Key, if any. */
  async idempotentContentHash(
    client: pg.PoolClient,
    submittedBy: string,
    idempotencyKey: string,
  ): Promise<E14Form['contentHash'] | undefined> {
    const previous = await client.query<{ content_hash: E14Form['contentHash'] }>(
      'SELECT content_hash FROM e14_forms WHERE submitted_by = $1 AND idempotency_key = $2',
      [submittedBy, idempotencyKey],
    );
    return previous.rows[0]?.content_hash;
  }

  /** `count` new form ids, drawn before the COPY so fields and alerts can point at their form. */
  async reserveFormIds(client: pg.PoolClient, count: number): Promise<number[]> {
    if (count === 0) return [];
    const rows = await client.query<{ id: string }>({
      name: 'intake-ids',
      text: `SELECT nextval('e14_forms_id_seq') AS id FROM generate_series(1, $1::int)`,
      values: [count],
    });
    return rows.rows.map((row) => Number(row.id));
  }

  async copyForms(client: pg.PoolClient, rows: Iterable<FormCopyRow>): Promise<void> {
    await copyRows(client, getTableName(e14Forms), FORM_COLUMNS, rows);
  }

  async copyFields(client: pg.PoolClient, rows: Iterable<FieldCopyRow>): Promise<void> {
    await copyRows(client, getTableName(e14Fields), FIELD_COLUMNS, rows);
  }

  async copyReviewTasks(client: pg.PoolClient, rows: readonly ReviewTaskCopyRow[]): Promise<void> {
    await copyRows(client, getTableName(reviewTasks), REVIEW_TASK_COLUMNS, rows);
  }
}
