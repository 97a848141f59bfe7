import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';

export type CsvCell = string | number | boolean | null | undefined;

/**
 * A CSV file for a spreadsheet: a header line, then one line per row. Cells that a spreadsheet would run
 * as a formula (starting with =, +, -, @, tab or carriage return) are prefixed with ', since they hold
 * text others typed (task titles, post texts). The UTF-8 byte order mark makes Excel read accents right.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return stringify([header, ...rows], { bom: true, escape_formulas: true, record_delimiter: 'unix' });
}

/** Sends `csv` as a download named `filename` (ASCII, chosen by the route, never by the caller). */
export function sendCsv(reply: FastifyReply, filename: string, csv: string): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(csv);
}
