import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * A value of one COPY text-format column. Arrays are integer arrays; other objects become JSON
 * (pass a JSON string for a jsonb array).
 */
export type CopyValue = string | number | boolean | null | ReadonlyArray<number | null> | object;

function escapeText(value: string): string {
  return value.replace(/[\\\n\r\t]/g, (char) =>
    char === '\\' ? '\\\\' : char === '\n' ? '\\n' : char === '\r' ? '\\r' : '\\t',
  );
}

function encode(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'string') return escapeText(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (Array.isArray(value)) return `{${value.map((item) => (item === null ? 'NULL' : String(item))).join(',')}}`;
  return escapeText(JSON.stringify(value));
}

/**
 * Bulk-writes rows with COPY ... FROM STDIN (text format) on the caller's connection, so it takes
 * part in the caller's transaction. The fastest way into PostgreSQL for the intake's thousands of
 * rows per batch.
 */
export async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  async function* lines() {
    let chunk = '';
    for (const row of rows) {
      chunk += `${row.map(encode).join('\t')}\n`;
      if (chunk.length > 65_536) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(lines, stream);
}
