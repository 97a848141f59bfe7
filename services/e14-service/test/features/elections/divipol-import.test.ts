import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, divipol, get, honestSheet, post } from '../../support/fixtures.js';
import { divipolWithOneMoreMesa, recordsOf, startWithFixtureElection } from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;

beforeAll(async () => {
  ({ e14, admin } = await startWithFixtureElection());
});
afterAll(async () => e14?.close());

describe('divipol import', () => {
  it('a second import of the same document changes nothing', async () => {
    const again = await post(e14, '/api/elections/import', admin, divipol());
    expect(again.json()).toMatchObject({ unchanged: true, created: { mesas: 0, candidates: 0 } });
    const amended = await post(e14, '/api/elections/import', admin, divipolWithOneMoreMesa());
    expect(amended.json()).toMatchObject({
      unchanged: false,
      created: { departamentos: 0, municipios: 0, puestos: 0, mesas: 1, candidates: 0 },
    });
  });

  it('an amended habilitados moves the coverage of mesas already counted, and the audit still verifies', async () => {
    const mesa = '01-031-99-01-004';
    const stored = await post(e14, '/api/e14/forms', admin, honestSheet(mesa, [40, 30]));
    expect(stored.statusCode, stored.body).toBe(201);
    const coverage = async () => (await recordsOf(e14, admin).results('01-031')).json().coverage.habilitadosIn;
    const before = await coverage();
    const amended = divipolWithOneMoreMesa();
    const listed = amended.departamentos[0]?.municipios[0]?.zonas[0]?.puestos[0]?.mesas.find((m) => m.code === '004');
    if (!listed) throw new Error('the fixture divipol lost mesa 004');
    listed.habilitados -= 50;
    const imported = await post(e14, '/api/elections/import', admin, amended);
    expect(imported.json()).toMatchObject({ unchanged: false });
    expect(await coverage()).toBe(before - 50);
    const verify = await get(e14, '/api/audit/verify', admin);
    expect(verify.json()).toMatchObject({ ok: true });
  });

  it('imports the CSV format and names the failing line', async () => {
    const election = { code: 'CSV-TEST-2026', name: 'Prueba CSV', date: '2026-05-31', corporations: ['PRESIDENTE'] };
    const mesasCsv =
      'departamento,departamento_nombre,municipio,municipio_nombre,zona,puesto,puesto_nombre,mesa,habilitados\n01,ANTIOQUIA,034,ANZA,00,00,I.E ANZA,001,300\n01,ANTIOQUIA,280,TURBO,03,01,UNIV DE ANTIOQUIA,1,280\n';
    const candidatesCsv =
      'corporacion,numero,nombre,partido\nPRESIDENTE,1,FORMULA UNO,P1\nPRESIDENTE,2,FORMULA DOS,P2\n';
    const upload = (mesas: string) => {
      const boundary = 'castorboundary';
      const part = (name: string, value: string, file?: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"` : ''}\r\n${file ? 'Content-Type: text/csv\r\n' : ''}\r\n${value}\r\n`;
      return e14.app.inject({
        method: 'POST',
        url: '/api/elections/import/files',
        headers: { ...bearer(admin), 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: `${part('election', JSON.stringify(election))}${part('mesas', mesas, 'mesas.csv')}${part('candidates', candidatesCsv, 'candidatos.csv')}--${boundary}--\r\n`,
      });
    };
    const ok = await upload(mesasCsv);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().created).toMatchObject({ departamentos: 1, municipios: 2, puestos: 2, mesas: 2, candidates: 2 });
    const bad = await upload(`${mesasCsv}01,ANTIOQUIA,280,TURBO,03,01,UNIV,002,muchos\n`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'CSV_LINE_INVALID', details: { line: 4 } });
  });
});
