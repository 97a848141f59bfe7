import { readFileSync } from 'node:fs';
import type { DivipolDocument } from '@castor/contracts';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import {
  labelledBlank,
  labelledNumber,
  labelsByPath,
  type RealSheetLabels,
  realSheetLabels,
} from '@castor/test-support/real-sheets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDivipol, listeningE14, settled, upload } from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

/** The two real published sheets of test-support's fixtures/e14/real and the values read by eye. */
const REAL = E14_REAL_DIR;
const CODE = 'PRE-2026-2V';
const labels = realSheetLabels('labels.json');
const files = ['2026-presidente-anza.pdf', '2026-presidente-turbo-a.pdf'];

function divipol(): DivipolDocument {
  const sheets = files.map((file) => labels.get(file) as RealSheetLabels);
  return {
    format: 'castor-divipol/1',
    election: { code: CODE, name: 'Presidente 2026, segunda vuelta', date: '2026-06-21', corporations: ['PRESIDENTE'] },
    departamentos: [
      {
        code: '01',
        name: 'ANTIOQUIA',
        municipios: sheets.map((sheet) => ({
          code: sheet.header.municipio,
          name: `MUNICIPIO ${sheet.header.municipio}`,
          zonas: [
            {
              code: sheet.header.zona,
              puestos: [
                {
                  code: sheet.header.puesto,
                  name: 'PUESTO',
                  mesas: [{ code: sheet.header.mesa, habilitados: 300, transmissionCode: sheet.transmission_code }],
                },
              ],
            },
          ],
        })),
      },
    ],
    candidates: [1, 2].map((ballotNumber) => ({
      corporation: 'PRESIDENTE' as const,
      circunscripcion: 'territorial' as const,
      ballotNumber,
      name: `CANDIDATO ${ballotNumber}`,
    })),
  };
}

/** The labelled value of a field path: state and value. */
function truth(sheet: RealSheetLabels, path: string): { state: 'read' | 'empty'; value: number } {
  const label = labelsByPath(sheet).get(path);
  if (label === undefined) throw new Error(`no label for ${path}`);
  return { state: labelledBlank(label) ? 'empty' : 'read', value: labelledNumber(label) };
}

let e14: E14UnderTest;
let baseUrl: string;
let admin: string;

beforeAll(async () => {
  ({ e14, baseUrl, admin } = await listeningE14());
  const imported = await importDivipol(baseUrl, admin, divipol());
  expect(imported.status).toBe(200);
});
afterAll(async () => e14?.close());

describe('the two real published sheets through the pipeline (local recognizer only)', () => {
  it.each(files)('%s: no field is wrong without going to review', async (file) => {
    const sheet = labels.get(file) as RealSheetLabels;
    const response = await upload(baseUrl, admin, new Uint8Array(readFileSync(`${REAL}/${file}`)), {
      electionCode: CODE,
    });
    expect(response.status).toBe(202);
    const { documentId } = (await response.json()) as { documentId: number };
    const document = await settled(baseUrl, admin, documentId);
    expect(document.error).toBeNull();
    const { departamento, municipio, zona, puesto, mesa } = sheet.header;
    expect(document.mesaKey).toBe(`${departamento}-${municipio}-${zona}-${puesto}-${mesa}`);
    const fields = document.reading?.fields ?? [];
    expect(fields.map((field) => field.path).sort()).toEqual([
      'blancos',
      'nivelacion.incinerados',
      'nivelacion.sufragantes',
      'nivelacion.urna',
      'noMarcados',
      'nulos',
      'sumaTotal',
      'votes.1',
      'votes.2',
    ]);
    const unreviewedWrong = fields.filter((field) => {
      if (field.review !== null) return false;
      const expected = truth(sheet, field.path);
      return field.state !== expected.state || (field.state === 'read' && field.value !== expected.value);
    });
    expect(unreviewedWrong).toEqual([]);
  });
});
