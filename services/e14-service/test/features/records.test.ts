import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, divipol, ELECTION, get, honestSheet, importFixture, post } from '../support/fixtures.js';
import { type E14UnderTest, startE14ForTests } from '../testing.js';

let e14: E14UnderTest;
let admin: string;
const results = async (territory = '', format = 'json') =>
  get(e14, `/api/results?election=${ELECTION}&corporation=GOBERNADOR&territory=${territory}&format=${format}`, admin);
const alerts = async (query: string) => (await get(e14, `/api/alerts?election=${ELECTION}&${query}`, admin)).json();
const votes = (values: number[]) => [...values, ...Array.from({ length: 10 - values.length }, () => 0)];

beforeAll(async () => {
  e14 = await startE14ForTests();
  admin = (await e14.token('admin')).token;
  await importFixture(e14, admin);
});
afterAll(async () => e14?.close());

describe('divipol import', () => {
  it('a second import of the same document changes nothing', async () => {
    const again = await post(e14, '/api/elections/import', admin, divipol());
    expect(again.json()).toMatchObject({ unchanged: true, created: { mesas: 0, candidates: 0 } });
    const changed = divipol();
    const puesto = changed.departamentos[1]?.municipios[0]?.zonas[0]?.puestos[0];
    puesto?.mesas.push({ code: '003', habilitados: 380 });
    const amended = await post(e14, '/api/elections/import', admin, changed);
    expect(amended.json()).toMatchObject({
      unchanged: false,
      created: { departamentos: 0, municipios: 0, puestos: 0, mesas: 1, candidates: 0 },
    });
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

describe('reconciliation, official feeds and results', () => {
  it('copies that differ become a copies_differ alert naming the odd copy; the mesa is disputed', async () => {
    const mesa = '01-031-99-01-002';
    for (const copy of ['claveros', 'transmision'] as const) {
      expect(
        (await post(e14, '/api/e14/process-v2', admin, honestSheet(mesa, votes([120, 80]), { copy }))).statusCode,
      ).toBe(201);
    }
    const odd = await post(
      e14,
      '/api/e14/process-v2',
      admin,
      honestSheet(mesa, votes([110, 90]), { copy: 'delegados' }),
    );
    expect(odd.json()).toMatchObject({ mesaStatus: 'disputed', formStatus: 'validated' });
    const found = await alerts('rule=copies_differ');
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({ mesaKey: mesa, copy: 'delegados', status: 'open', severity: 'high' });
    expect(found.items[0].evidence.fields).toEqual(
      ['candidate:1', 'candidate:2']
        .map((field) => expect.stringMatching(/^candidate:\d+$/) && field)
        .map(() => expect.any(String)),
    );
    // Claveros wins the truth by the policy (same status and source, copy priority).
    const truth = await e14.app.pg.query(
      `SELECT f.copy FROM reconciliations r JOIN e14_forms f ON f.id = r.form_id JOIN mesas m ON m.id = r.mesa_id WHERE m.mesa_key = $1`,
      [mesa],
    );
    expect(truth.rows[0].copy).toBe('claveros');
  });

  it('official feeds: E-14 ≠ escrutinio and preconteo ≠ escrutinio become official_differs alerts', async () => {
    const mesa = '01-031-99-01-003';
    await post(e14, '/api/e14/process-v2', admin, honestSheet(mesa, votes([150, 100])));
    const feed = (first: number, second: number) =>
      [
        'departamento,municipio,zona,puesto,mesa,corporacion,opcion,votos',
        `01,031,99,01,003,GOBERNADOR,1,${first}`,
        `01,031,99,01,003,GOBERNADOR,2,${second}`,
        '01,031,99,01,003,GOBERNADOR,BLANCO,2',
        '01,031,99,01,003,GOBERNADOR,NULO,1',
        '01,031,99,01,003,GOBERNADOR,NO_MARCADO,1',
        '',
      ].join('\n');
    const send = (source: string, text: string) =>
      e14.app.inject({
        method: 'POST',
        url: `/api/elections/${ELECTION}/official/${source}`,
        headers: { ...bearer(admin), 'content-type': 'text/csv' },
        payload: text,
      });
    const preconteo = await send('preconteo', feed(150, 100));
    expect(preconteo.json()).toMatchObject({ rows: 5, mesas: 1, unchanged: false, discrepancyAlerts: 0 });
    expect((await send('preconteo', feed(150, 100))).json().unchanged).toBe(true);
    const escrutinio = await send('escrutinio', feed(140, 110));
    expect(escrutinio.json().discrepancyAlerts).toBe(1);
    const found = await alerts('rule=official_differs');
    expect(found.items[0]).toMatchObject({ mesaKey: mesa, severity: 'high' });
    expect(found.items[0].evidence.detail.differences[0].values).toEqual({
      'e14:delegados': 150,
      preconteo: 150,
      escrutinio: 140,
    });
    const badLine = await send('escrutinio', `${feed(140, 110)}01,031,99,01,003,GOBERNADOR,77,5\n`);
    expect(badLine.json().error).toMatchObject({ code: 'CSV_LINE_INVALID', details: { line: 7 } });
  });

  it('results add up at every level, from reconciled truth only, and change when a mesa arrives', async () => {
    const national = (await results()).json();
    const departamento = (await results('01')).json();
    const municipio = (await results('01-031')).json();
    const puesto = (await results('01-031-99-01')).json();
    const mesaLevel = (await results('01-031-99-01-003')).json();
    const truth = await e14.app.pg.query(
      `SELECT sum(v)::int AS votes FROM reconciliations r, unnest(r.votes) v WHERE r.corporation = 'GOBERNADOR'`,
    );
    expect(national.totals.candidateVotes).toBe(truth.rows[0].votes);
    expect(departamento.totals.candidateVotes).toBe(national.totals.candidateVotes);
    expect(municipio.coverage).toMatchObject({ mesasExpected: 9, mesasIn: 2, mesasDisputed: 2 });
    expect(national.coverage.mesasExpected).toBe(9 + 4 + 3);
    expect(puesto.children.map((child: { code: string }) => child.code)).toContain('01-031-99-01-003');
    expect(mesaLevel.options.map((option: { votes: number }) => option.votes).slice(0, 3)).toEqual([150, 100, 0]);
    expect(national.children.map((child: { code: string }) => child.code)).toEqual(['01', '16']);
    const zona = (await results('01-031-99')).json();
    expect(municipio.children.map((child: { code: string }) => child.code)).toEqual(['01-031-99']);
    expect(zona.children.map((child: { code: string; name: string }) => `${child.code} ${child.name}`)).toEqual([
      '01-031-99-01 CATIVO',
      '01-031-99-02 LA PLAYA',
    ]);
    expect(zona.totals).toEqual(municipio.totals);
    expect(zona.children[0].coverage).toMatchObject({ mesasExpected: 6, mesasIn: 2 });
    // Cache invalidation: a new mesa changes the (cached) national answer.
    await post(e14, '/api/e14/process-v2', admin, honestSheet('01-001-01-01-001', votes([7, 3])));
    const after = (await results()).json();
    expect(after.totals.candidateVotes).toBe(national.totals.candidateVotes + 10);
    expect(after.coverage.mesasIn).toBe(national.coverage.mesasIn + 1);
    const csv = await results('01-031-99-01-003', 'csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[1]).toBe('01-031-99-01-003,mesa,GOBERNADOR,1,CANDIDATO 1,150');
  });

  it('alerts: filters by territory and severity; acknowledge and resolve with a reason, audited', async () => {
    const byTerritory = await alerts('territory=01-031-99-01');
    expect(byTerritory.total).toBeGreaterThanOrEqual(2);
    expect((await alerts('territory=16')).total).toBe(0);
    expect((await alerts('severity=critical')).total).toBe(0);
    const id = byTerritory.items[0].id;
    const patch = (status: string, reason: string) =>
      e14.app.inject({
        method: 'PATCH',
        url: `/api/alerts/${id}`,
        headers: { ...bearer(admin), 'content-type': 'application/json' },
        payload: JSON.stringify({ status, reason }),
      });
    expect((await patch('acknowledged', 'Abogado revisando')).json()).toMatchObject({
      status: 'acknowledged',
      statusReason: 'Abogado revisando',
    });
    expect((await patch('resolved', 'Reclamación presentada')).json().status).toBe('resolved');
    expect((await alerts('status=resolved')).items.map((item: { id: number }) => item.id)).toContain(id);
    const audit = await e14.app.pg.query(
      `SELECT action FROM audit_log WHERE entity = 'alert' AND entity_id = $1 ORDER BY seq`,
      [String(id)],
    );
    expect(audit.rows.map((row) => row.action)).toEqual(['alert.acknowledged', 'alert.resolved']);
  });

  it('claims packet: discrepancies, every version, official feeds and the audit trail, in JSON and HTML', async () => {
    const response = await get(e14, `/api/claims/01-031-99-01-003?election=${ELECTION}&corporation=GOBERNADOR`, admin);
    expect(response.statusCode, response.body).toBe(200);
    const packet = response.json();
    expect(packet.discrepancies.map((alert: { rule: string }) => alert.rule)).toEqual(['official_differs']);
    expect(packet.versions).toHaveLength(1);
    expect(packet.official.map((row: { source: string }) => row.source).sort()).toEqual(['escrutinio', 'preconteo']);
    const actions = packet.auditTrail.map((entry: { action: string }) => entry.action);
    expect(actions.slice(0, 3)).toEqual(['e14.stored', 'reconciliation.decided', 'reconciliation.decided']);
    expect(actions.slice(3).every((action: string) => action.startsWith('alert.'))).toBe(true);
    const html = await get(
      e14,
      `/api/claims/01-031-99-01-003?election=${ELECTION}&corporation=GOBERNADOR&format=html`,
      admin,
    );
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('Paquete de evidencia para reclamación');
    expect(html.body).toContain(packet.auditHead.hash);
  });
});

describe('forensic signals', () => {
  it('flag identical vectors, one-candidate mesas and turnout outliers, and resolve them when gone', async () => {
    // Puesto 01-001-01-01 (habilitados 350): mesa 001 already in; add twins and a one-sided mesa.
    await post(e14, '/api/e14/process-v2', admin, honestSheet('01-001-01-01-002', votes([90, 60])));
    await post(e14, '/api/e14/process-v2', admin, honestSheet('01-001-01-01-003', votes([90, 60])));
    await post(
      e14,
      '/api/e14/process-v2',
      admin,
      honestSheet('01-001-01-01-004', votes([340]), { blancos: 0, nulos: 0, noMarcados: 0 }),
    );
    expect(await e14.forensics.drain()).toBeGreaterThan(0);
    const rules = (await alerts('territory=01-001')).items
      .map((item: { rule: string; mesaKey: string }) => `${item.rule} ${item.mesaKey}`)
      .sort();
    expect(rules).toEqual([
      'identical_vectors 01-001-01-01-002',
      'identical_vectors 01-001-01-01-003',
      'one_candidate 01-001-01-01-004',
      'turnout_outlier 01-001-01-01-004',
    ]);
    // A corrected version of mesa 003 (reviewer) ends the twin: the system resolves both alerts.
    await post(
      e14,
      '/api/e14/process-v2',
      admin,
      honestSheet('01-001-01-01-003', votes([91, 59]), { source: 'reviewer' }),
    );
    await e14.forensics.drain();
    const open = (await alerts('territory=01-001&status=open&rule=identical_vectors')).total;
    expect(open).toBe(0);
    const fingerprint = await get(
      e14,
      `/api/forensics/fingerprint?election=${ELECTION}&corporation=GOBERNADOR&territory=01-001&bins=10`,
      admin,
    );
    expect(fingerprint.json(), fingerprint.body).toMatchObject({ mesas: 4 });
    expect(fingerprint.json().histogram[9][9]).toBe(1);
  });
});
