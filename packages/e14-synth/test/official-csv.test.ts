import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import {
  formatOfficialCsv,
  generateElection,
  OFFICIAL_CSV_HEADER,
  OfficialCsvError,
  type OfficialRow,
  parseOfficialCsv,
  readOfficialCsv,
} from '../src/index.js';

describe('castor-official/1 feeds', () => {
  const election = generateElection({ seed: 4, scale: { departamentos: ['11', '88'], mesas: 300 } });
  const rows = [...election.officialRows('escrutinio')];

  it('have one row per option of the ballot (zeros included) plus BLANCO, NULO, NO_MARCADO, SUFRAGANTES', () => {
    for (const sheet of election.sheets()) {
      const opciones = sheet.officialRows('preconteo').map((row) => row.opcion);
      const options = sheet
        .submission('claveros')
        .votes.map((row) =>
          row.candidateNumber === undefined ? `${row.ballotNumber}` : `${row.ballotNumber}-${row.candidateNumber}`,
        );
      expect(opciones).toEqual([...options, 'BLANCO', 'NULO', 'NO_MARCADO', 'SUFRAGANTES']);
      expect(new Set(options)).toEqual(new Set(Object.keys(sheet.truth.votes)));
    }
    expect(rows.some((row) => /^\d+-0$/.test(row.opcion))).toBe(true);
    expect(rows.some((row) => /^\d+-1\d\d$/.test(row.opcion))).toBe(true);
    expect(rows.some((row) => row.votos === 0)).toBe(true);
  });

  it('round-trip through text, and through a file read line by line', async () => {
    const text = formatOfficialCsv(rows);
    expect(text.split('\n')[0]).toBe(OFFICIAL_CSV_HEADER);
    expect(text.endsWith('\n')).toBe(true);
    expect(parseOfficialCsv(text)).toEqual(rows);
    expect(parseOfficialCsv(text.replaceAll('\n', '\r\n'))).toEqual(rows);

    const folder = mkdtempSync(join(tmpdir(), 'e14-synth-'));
    try {
      const file = join(folder, 'escrutinio.csv');
      writeFileSync(file, text);
      const streamed: OfficialRow[] = [];
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
      for await (const row of readOfficialCsv(lines)) streamed.push(row);
      expect(streamed).toEqual(rows);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  const bad: [string, string, number][] = [
    ['a wrong header', 'departamento,municipio,zona,puesto,mesa,corporacion,opcion\n', 1],
    ['a missing field', `${OFFICIAL_CSV_HEADER}\n01,001,01,01,001,PRESIDENTE,1\n`, 2],
    ['an unpadded code', `${OFFICIAL_CSV_HEADER}\n1,001,01,01,001,PRESIDENTE,1,4\n`, 2],
    ['an unknown corporación', `${OFFICIAL_CSV_HEADER}\n01,001,01,01,001,CONSEJO,1,4\n`, 2],
    ['a malformed opción', `${OFFICIAL_CSV_HEADER}\n01,001,01,01,001,SENADO,3-,4\n`, 2],
    ['a lowercase residual opción', `${OFFICIAL_CSV_HEADER}\n01,001,01,01,001,SENADO,blanco,4\n`, 2],
    [
      'a fractional count',
      `${OFFICIAL_CSV_HEADER}\n01,001,01,01,001,PRESIDENTE,1,4\n01,001,01,01,001,PRESIDENTE,2,1.5\n`,
      3,
    ],
    ['a negative count', `${OFFICIAL_CSV_HEADER}\n01,001,01,01,001,PRESIDENTE,1,-4\n`, 2],
    ['a count in exponent form', `${OFFICIAL_CSV_HEADER}\n01,001,01,01,001,PRESIDENTE,1,1e3\n`, 2],
    ['an empty file', '', 1],
  ];
  it.each(bad)('reject %s, naming the line', (_what, text, line) => {
    expect(() => parseOfficialCsv(text)).toThrow(OfficialCsvError);
    try {
      parseOfficialCsv(text);
    } catch (error) {
      expect((error as OfficialCsvError).line).toBe(line);
    }
  });
});
