import {
  type Corporation,
  corporationSchema,
  departamentoCodeSchema,
  type MesaRef,
  mesaCodeSchema,
  municipioCodeSchema,
  puestoCodeSchema,
  zonaCodeSchema,
} from '@castor/contracts';
import { z } from 'zod';
import type { Ballot } from './ballots.js';
import { type Cells, cell, SheetLayout } from './layout.js';

/**
 * `castor-official/1`: the official feeds (preconteo, escrutinio) as CSV, one row per mesa,
 * corporation and option:
 *
 *   departamento,municipio,zona,puesto,mesa,corporacion,opcion,votos
 *   01,001,01,01,001,PRESIDENTE,1,34
 *   01,001,01,01,001,SENADO,3-101,12
 *   01,001,01,01,001,SENADO,BLANCO,4
 *
 * Codes are zero-padded as printed; `corporacion` is a Corporation; `opcion` is the ballot number
 * of a candidate or of a list sin voto preferente, `<ballot>-<candidate>` inside a list con voto
 * preferente (`3-0` solo por la agrupación), or BLANCO, NULO, NO_MARCADO, SUFRAGANTES. Every option
 * of the ballot has a row, zeros included. No quoting: no field can hold a comma. Lines end in
 * `\n` (a `\r\n` is accepted when reading). Which feed a file holds is not in the file.
 */
export const OFFICIAL_CSV_FORMAT = 'castor-official/1';
export const OFFICIAL_CSV_HEADER = 'departamento,municipio,zona,puesto,mesa,corporacion,opcion,votos';
export const OFFICIAL_SOURCES = ['preconteo', 'escrutinio'] as const;
export type OfficialSource = (typeof OFFICIAL_SOURCES)[number];

export const RESIDUAL_OPTIONS = ['BLANCO', 'NULO', 'NO_MARCADO', 'SUFRAGANTES'] as const;

export const officialRowSchema = z.object({
  departamento: departamentoCodeSchema,
  municipio: municipioCodeSchema,
  zona: zonaCodeSchema,
  puesto: puestoCodeSchema,
  mesa: mesaCodeSchema,
  corporacion: corporationSchema,
  opcion: z.union([z.enum(RESIDUAL_OPTIONS), z.string().regex(/^[1-9]\d{0,2}(-(0|[1-9]\d{0,2}))?$/)]),
  votos: z.number().int().min(0),
});
export type OfficialRow = z.infer<typeof officialRowSchema>;

/** The rows of one mesa and corporation from the numbers of a sheet (or of a feed's version of it). */
export function officialRowsOf(mesa: MesaRef, corporation: Corporation, ballot: Ballot, cells: Cells): OfficialRow[] {
  const layout = ballot.layout;
  const row = (opcion: string, votos: number): OfficialRow => ({
    departamento: mesa.departamento,
    municipio: mesa.municipio,
    zona: mesa.zona,
    puesto: mesa.puesto,
    mesa: mesa.mesa,
    corporacion: corporation,
    opcion,
    votos,
  });
  return [
    ...ballot.options.map((option, o) => row(option.key, cell(cells, layout.vote(o)))),
    row('BLANCO', cell(cells, layout.blancos)),
    row('NULO', cell(cells, layout.nulos)),
    row('NO_MARCADO', cell(cells, layout.noMarcados)),
    row('SUFRAGANTES', cell(cells, SheetLayout.SUFRAGANTES)),
  ];
}

export function formatOfficialRow(row: OfficialRow): string {
  return `${row.departamento},${row.municipio},${row.zona},${row.puesto},${row.mesa},${row.corporacion},${row.opcion},${row.votos}`;
}

/** The header line, then one line per row (without line endings). */
export function* officialCsvLines(rows: Iterable<OfficialRow>): Generator<string> {
  yield OFFICIAL_CSV_HEADER;
  for (const row of rows) yield formatOfficialRow(row);
}

export function formatOfficialCsv(rows: Iterable<OfficialRow>): string {
  let text = '';
  for (const line of officialCsvLines(rows)) text += `${line}\n`;
  return text;
}

export class OfficialCsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`castor-official/1 line ${line}: ${message}`);
  }
}

const DIGITS = /^\d+$/;

/** Parses and validates one data line; `line` is its 1-based number, for the error. */
export function parseOfficialRow(text: string, line: number): OfficialRow {
  const fields = text.split(',');
  if (fields.length !== 8) throw new OfficialCsvError(line, `expected 8 fields, found ${fields.length}`);
  const [departamento, municipio, zona, puesto, mesa, corporacion, opcion, votos = ''] = fields;
  if (!DIGITS.test(votos)) throw new OfficialCsvError(line, `votos "${votos}" is not a whole number`);
  const parsed = officialRowSchema.safeParse({
    departamento,
    municipio,
    zona,
    puesto,
    mesa,
    corporacion,
    opcion,
    votos: Number(votos),
  });
  if (!parsed.success) {
    throw new OfficialCsvError(line, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/** One physical line: the header (checked, yields nothing) or a data row. */
function parseLine(raw: string, number: number): OfficialRow | undefined {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (number > 1) return parseOfficialRow(line, number);
  if (line !== OFFICIAL_CSV_HEADER) throw new OfficialCsvError(1, `the header must be "${OFFICIAL_CSV_HEADER}"`);
  return undefined;
}

/** Parses a whole file held in memory. */
export function parseOfficialCsv(text: string): OfficialRow[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new OfficialCsvError(1, 'the file is empty');
  return lines.flatMap((raw, i) => parseLine(raw, i + 1) ?? []);
}

/** Parses a file line by line (e.g. from node:readline), for feeds too large to hold. */
export async function* readOfficialCsv(lines: AsyncIterable<string>): AsyncGenerator<OfficialRow> {
  let number = 0;
  for await (const raw of lines) {
    const row = parseLine(raw, ++number);
    if (row) yield row;
  }
  if (number === 0) throw new OfficialCsvError(1, 'the file is empty');
}
