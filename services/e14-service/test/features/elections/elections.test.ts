import { describe, expect, it } from 'vitest';
import { bearer, divipol, ELECTION, get, sendJson } from '../../support/fixtures.js';
import { withFixtureElection } from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;

withFixtureElection((started) => {
  ({ e14, admin } = started);
});

const boundary = 'castorboundary';
const part = (name: string, value: string, file?: string) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"` : ''}\r\n${file ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n${value}\r\n`;
const uploadFiles = (parts: string[]) =>
  e14.app.inject({
    method: 'POST',
    url: '/api/elections/import/files',
    headers: { ...bearer(admin), 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: `${parts.join('')}--${boundary}--\r\n`,
  });
const registraduriaElection = {
  code: 'REGISTRADURIA-TEST-2026',
  name: 'Prueba índice',
  date: '2026-03-08',
  corporations: ['PRESIDENTE'],
};

describe('GET /api/elections', () => {
  it('lists each election with its corporations in order and its mesa count', async () => {
    const expectedMesas = divipol().departamentos.flatMap((departamento) =>
      departamento.municipios.flatMap((municipio) =>
        municipio.zonas.flatMap((zona) => zona.puestos.flatMap((puesto) => puesto.mesas)),
      ),
    ).length;
    const listed = await get(e14, '/api/elections', admin);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toContainEqual({
      code: ELECTION,
      name: 'Elecciones territoriales 2023',
      date: '2023-10-29',
      corporations: ['ASAMBLEA', 'GOBERNADOR'],
      mesas: expectedMesas,
    });
  });
});

describe('POST /api/elections/import/files', () => {
  it('imports the Registraduría mesa index, once', async () => {
    const index = {
      '01000001': { dep: '1', mun: '1', zon: '0', pto: '1', mes: '1', potencial: 300 },
      '01000002': { dep: '1', mun: '1', zon: '0', pto: '1', mes: '2', potencial: 280 },
    };
    const parts = [
      part('election', JSON.stringify(registraduriaElection)),
      part('registraduria', JSON.stringify(index), 'allTransmissionCodes.json'),
    ];
    const first = await uploadFiles(parts);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      electionCode: registraduriaElection.code,
      created: { departamentos: 1, municipios: 1, puestos: 1, mesas: 2, candidates: 0 },
      unchanged: false,
    });
    expect((await uploadFiles(parts)).json()).toMatchObject({ unchanged: true, created: { mesas: 0 } });
  });

  it('refuses what is not multipart, unreadable JSON and a divipol without mesas', async () => {
    const json = await e14.app.inject({
      method: 'POST',
      url: '/api/elections/import/files',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      payload: '{}',
    });
    // Its status is the one the error registry gives UNSUPPORTED_MEDIA_TYPE.
    expect(json.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const badField = await uploadFiles([part('election', '{"code":')]);
    expect(badField.statusCode).toBe(400);
    expect(badField.json().error.code).toBe('INVALID_JSON');
    const badFile = await uploadFiles([
      part('election', JSON.stringify(registraduriaElection)),
      part('registraduria', '[{', 'index.json'),
    ]);
    expect(badFile.json().error.code).toBe('INVALID_JSON');
    const noMesas = await uploadFiles([part('election', JSON.stringify(registraduriaElection))]);
    expect(noMesas.statusCode).toBe(400);
    expect(noMesas.json().error.code).toBe('DIVIPOL_INVALID');
  });
});

describe('/api/elections/:code/rules', () => {
  const configure = (body: unknown) => sendJson(e14, 'PUT', `/api/elections/${ELECTION}/rules`, admin, body);

  it('replaces the election-wide configuration and describes it back', async () => {
    const configured = await configure({ config: { rules: { signatures: { severity: 'critical' } } } });
    expect(configured.statusCode, configured.body).toBe(200);
    expect(configured.json().election).toMatchObject({ rules: { signatures: { severity: 'critical' } } });
    const described = await get(e14, `/api/elections/${ELECTION}/rules`, admin);
    expect(described.json().rules.find((rule: { id: string }) => rule.id === 'signatures')).toMatchObject({
      effectiveSeverity: 'critical',
    });
    expect((await configure({ config: {} })).statusCode).toBe(200);
  });

  it('refuses a corporation the election does not elect, and an unknown election', async () => {
    const other = await configure({ corporation: 'SENADO', config: {} });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('CORPORATION_NOT_IN_ELECTION');
    const unknown = await get(e14, '/api/elections/NO-SUCH-2099/rules', admin);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('ELECTION_UNKNOWN');
  });
});
