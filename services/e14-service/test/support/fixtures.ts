import type { DivipolDocument, E14SubmissionInput } from '@castor/contracts';
import type { E14UnderTest } from '../testing.js';

export const ELECTION = 'TERRITORIALES-2023';

/**
 * A small divipol around docs/e14.md's worked real example (Gobernador, Antioquia 01-031, zona 99,
 * puesto 01, mesa 001) plus a second puesto and an Asamblea with a list con voto preferente
 * (ballot 1: agrupación 0, candidates 101, 102) and a list sin voto preferente (ballot 2).
 */
export function divipol(): DivipolDocument {
  const mesas = (count: number, habilitados: number) =>
    Array.from({ length: count }, (_, index) => ({ code: String(index + 1).padStart(3, '0'), habilitados }));
  return {
    format: 'castor-divipol/1',
    election: {
      code: ELECTION,
      name: 'Elecciones territoriales 2023',
      date: '2023-10-29',
      corporations: ['GOBERNADOR', 'ASAMBLEA'],
    },
    departamentos: [
      {
        code: '01',
        name: 'ANTIOQUIA',
        municipios: [
          {
            code: '031',
            name: 'ANTIOQUIA',
            zonas: [
              {
                code: '99',
                puestos: [
                  {
                    code: '01',
                    name: 'CATIVO',
                    mesas: [
                      { code: '001', habilitados: 120, transmissionCode: 'X 7-61-24-10 X' },
                      ...mesas(6, 300).slice(1),
                    ],
                  },
                  { code: '02', name: 'LA PLAYA', mesas: mesas(3, 250) },
                ],
              },
            ],
          },
          {
            code: '001',
            name: 'MEDELLIN',
            zonas: [{ code: '01', puestos: [{ code: '01', name: 'INEM', mesas: mesas(4, 350) }] }],
          },
        ],
      },
      {
        code: '16',
        name: 'BOGOTA D.C.',
        municipios: [
          {
            code: '001',
            name: 'BOGOTA D.C.',
            zonas: [{ code: '01', puestos: [{ code: '01', name: 'CORFERIAS', mesas: mesas(2, 400) }] }],
          },
        ],
      },
    ],
    candidates: [
      ...Array.from({ length: 10 }, (_, index) => ({
        corporation: 'GOBERNADOR' as const,
        circunscripcion: 'territorial' as const,
        departamento: '01',
        ballotNumber: index + 1,
        name: `CANDIDATO ${index + 1}`,
        party: `PARTIDO ${index + 1}`,
      })),
      {
        corporation: 'GOBERNADOR',
        circunscripcion: 'territorial',
        departamento: '16',
        ballotNumber: 1,
        name: 'CANDIDATO BOGOTA',
      },
      ...[0, 101, 102].map((candidateNumber) => ({
        corporation: 'ASAMBLEA' as const,
        circunscripcion: 'territorial' as const,
        departamento: '01',
        ballotNumber: 1,
        listCode: '0001',
        preferente: true,
        candidateNumber,
        name: candidateNumber === 0 ? 'PARTIDO UNO' : `ASAMBLEISTA ${candidateNumber}`,
        party: 'PARTIDO UNO',
      })),
      {
        corporation: 'ASAMBLEA',
        circunscripcion: 'territorial',
        departamento: '01',
        ballotNumber: 2,
        listCode: '0002',
        preferente: false,
        name: 'PARTIDO DOS',
        party: 'PARTIDO DOS',
      },
    ],
  };
}

/**
 * docs/e14.md "A real sheet, read by eye": E11 = 96, U = 96, I empty; candidates 48, 6, —, 8, —, 6, 1,
 * —, —, 14; blank 3, null empty, unmarked 10, suma total 96. All rules pass.
 */
export function workedExample(overrides: Partial<E14SubmissionInput> = {}): E14SubmissionInput {
  const rows = [48, 6, null, 8, null, 6, 1, null, null, 14];
  return {
    schemaVersion: 2,
    electionCode: ELECTION,
    corporation: 'GOBERNADOR',
    mesa: { departamento: '01', municipio: '031', zona: '99', puesto: '01', mesa: '001' },
    copy: 'delegados',
    source: 'partner',
    barcode: '710084902010102',
    transmissionCode: 'X 7-61-24-10 X',
    pageCount: 2,
    nivelacion: { sufragantes: 96, urna: 96, incinerados: { state: 'empty' } },
    votes: rows.map((value, index) => ({
      ballotNumber: index + 1,
      votes: value === null ? { state: 'empty' } : value,
    })),
    blancos: 3,
    nulos: { state: 'empty' },
    noMarcados: 10,
    sumaTotal: 96,
    juradosSigned: 6,
    ...overrides,
  };
}

/** An honest Gobernador sheet for any mesa: votes per candidate, blank/null/unmarked. */
export function honestSheet(
  mesa: string,
  votes: readonly number[],
  extra: {
    blancos?: number;
    nulos?: number;
    noMarcados?: number;
    copy?: 'claveros' | 'delegados' | 'transmision';
    source?: 'ocr' | 'witness' | 'partner' | 'reviewer';
  } = {},
): E14SubmissionInput {
  const [departamento = '', municipio = '', zona = '', puesto = '', code = ''] = mesa.split('-');
  const blancos = extra.blancos ?? 2;
  const nulos = extra.nulos ?? 1;
  const noMarcados = extra.noMarcados ?? 1;
  const total = votes.reduce((sum, value) => sum + value, 0) + blancos + nulos + noMarcados;
  return {
    schemaVersion: 2,
    electionCode: ELECTION,
    corporation: 'GOBERNADOR',
    mesa: { departamento, municipio, zona, puesto, mesa: code },
    copy: extra.copy ?? 'delegados',
    source: extra.source ?? 'partner',
    nivelacion: { sufragantes: total, urna: total, incinerados: { state: 'empty' } },
    votes: votes.map((value, index) => ({ ballotNumber: index + 1, votes: value })),
    blancos,
    nulos,
    noMarcados,
    sumaTotal: total,
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A JSON request with a token, injected into the service. */
export async function sendJson(
  e14: E14UnderTest,
  method: 'POST' | 'PUT' | 'PATCH',
  url: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return e14.app.inject({
    method,
    url,
    headers: { 'content-type': 'application/json', ...bearer(token), ...headers },
    payload: JSON.stringify(body),
  });
}

export const post = (e14: E14UnderTest, url: string, token: string, body: unknown, headers?: Record<string, string>) =>
  sendJson(e14, 'POST', url, token, body, headers);

export async function get(e14: E14UnderTest, url: string, token: string) {
  return e14.app.inject({ method: 'GET', url, headers: bearer(token) });
}

export async function importFixture(e14: E14UnderTest, adminToken: string) {
  const response = await post(e14, '/api/elections/import', adminToken, divipol());
  if (response.statusCode !== 200) throw new Error(`divipol import failed: ${response.body}`);
  return response.json();
}
