import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * A value of one COPY text-format column. Arrays are integer arrays; other objects become JSON
 * (pass a JSON string for a jsonb array).
 */
export type CopyValue = string | number | boolean | null | ReadonlyArray<number | null> | object;

const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// Most values have nothing to escape: test first, so they are passed through without a copy.
const escapeText = (value: string): string =>
  SPECIAL.test(value) ? value.replace(SPECIALS, (char) => ESCAPED[char] ?? char) : value;

function encode(value: CopyValue): string {
  switch (typeof value) {
    case 'string':
      return escapeText(value);
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
  }
  if (value === null) return '\\N';
  if (Array.isArray(value)) {
    let out = '{';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) out += ',';
      const item: number | null = value[index];
      out += item === null ? 'NULL' : String(item);
    }
    return `${out}}`;
  }
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
      // A plain loop: this runs for every one of the millions of values an election writes.
      let line = '';
      for (let index = 0; index < row.length; index += 1) {
        if (index > 0) line += '\t';
        line += encode(row[index] ?? null);
      }
      chunk += `${line}\n`;
      if (chunk.length > 65_536) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(lines, stream);
}
