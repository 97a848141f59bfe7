import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELECTION, get, honestSheet, post, sendJson } from '../../support/fixtures.js';
import {
  COPIES_DIFFER_MESA,
  OFFICIAL_FEED_MESA,
  officialFeed,
  recordsOf,
  sendOfficialFeed,
  startWithFixtureElection,
  submitCopiesThatDiffer,
  votes,
} from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;
const alerts = async (query: string) => recordsOf(e14, admin).alerts(query);

beforeAll(async () => {
  ({ e14, admin } = await startWithFixtureElection());
});
afterAll(async () => e14?.close());

describe('reconciliation, official feeds, alerts and claims', () => {
  it('copies that differ become a copies_differ alert naming the odd copy; the mesa is disputed', async () => {
    const mesa = COPIES_DIFFER_MESA;
    const { agreeing, odd } = await submitCopiesThatDiffer(e14, admin);
    for (const copy of agreeing) expect(copy.statusCode).toBe(201);
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
    const mesa = OFFICIAL_FEED_MESA;
    await post(e14, '/api/e14/process-v2', admin, honestSheet(mesa, votes([150, 100])));
    const send = (source: string, text: string) => sendOfficialFeed(e14, admin, source, text);
    const preconteo = await send('preconteo', officialFeed(150, 100));
    expect(preconteo.json()).toMatchObject({ rows: 5, mesas: 1, unchanged: false, discrepancyAlerts: 0 });
    expect((await send('preconteo', officialFeed(150, 100))).json().unchanged).toBe(true);
    const escrutinio = await send('escrutinio', officialFeed(140, 110));
    expect(escrutinio.json().discrepancyAlerts).toBe(1);
    const found = await alerts('rule=official_differs');
    expect(found.items[0]).toMatchObject({ mesaKey: mesa, severity: 'high' });
    expect(found.items[0].evidence.detail.differences[0].values).toEqual({
      'e14:delegados': 150,
      preconteo: 150,
      escrutinio: 140,
    });
    const badLine = await send('escrutinio', `${officialFeed(140, 110)}01,031,99,01,003,GOBERNADOR,77,5\n`);
    expect(badLine.json().error).toMatchObject({ code: 'CSV_LINE_INVALID', details: { line: 7 } });
  });

  it('alerts: filters by territory and severity; acknowledge and resolve with a reason, audited', async () => {
    const byTerritory = await alerts('territory=01-031-99-01');
    expect(byTerritory.total).toBeGreaterThanOrEqual(2);
    expect((await alerts('territory=16')).total).toBe(0);
    expect((await alerts('severity=critical')).total).toBe(0);
    const id = byTerritory.items[0].id;
    const patch = (status: string, reason: string) =>
      sendJson(e14, 'PATCH', `/api/alerts/${id}`, admin, { status, reason });
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
    // The printed packet says what an alert is before any of them: a lead, not proof.
    expect(html.body).toContain('Una alerta es un indicio para revisar, no una prueba de fraude');
    expect(html.body.indexOf('no una prueba de fraude')).toBeLessThan(html.body.indexOf('Discrepancias y alertas'));
    expect(html.body).toContain(packet.auditHead.hash);
  });

  it('claims packet: a lawyer reads each alert in Spanish; the JSON keeps the English message beside it', async () => {
    const query = `election=${ELECTION}&corporation=GOBERNADOR`;
    const packet = (await get(e14, `/api/claims/${OFFICIAL_FEED_MESA}?${query}`, admin)).json();
    const [alert] = packet.discrepancies;
    expect(alert.message).toMatch(/disagree on/);
    expect(alert.description).toMatch(
      /^El acta y los datos oficiales \(delegados, preconteo, escrutinio\) no coinciden en votos de la opción 1, votos de la opción 2\.$/,
    );
    const html = (await get(e14, `/api/claims/${OFFICIAL_FEED_MESA}?${query}&format=html`, admin)).body;
    expect(html).toContain(alert.description);
    expect(html).not.toContain(alert.message);
    // Its rule, severity and status, and the numbers it carries, in words too.
    expect(html).toMatch(/Difiere del dato oficial \(official_differs, versión \d+\)/);
    expect(html).toContain('<td>Alta</td>');
    expect(html).toContain('Datos que difieren: 2');
    expect(html).not.toMatch(/>(high|open|resolved|acknowledged|validated|needs_review)</);
  });

  it('claims packet: links the fields a copies_differ alert names to the cells and rows of the versions', async () => {
    const packet = (
      await get(e14, `/api/claims/${COPIES_DIFFER_MESA}?election=${ELECTION}&corporation=GOBERNADOR`, admin)
    ).json();
    const alert = packet.discrepancies.find((item: { rule: string }) => item.rule === 'copies_differ');
    expect(alert.evidence.fields).toHaveLength(2);
    type Link = { field: string; path: string | null; row: string };
    const links = alert.evidence.fields.map((field: string) =>
      packet.comparedFields.find((link: Link) => link.field === field),
    );
    // candidate:<id> is the option the sheet prints in its vote rows: the cell and the row are votes.<option>.
    expect(links.map((link: Link) => link.path)).toEqual(['votes.1', 'votes.2']);
    expect(links.map((link: Link) => link.row)).toEqual(['votes.1', 'votes.2']);
    expect(packet.versions).toHaveLength(3);
    for (const version of packet.versions) {
      const rowValues = links.map((link: Link) => version.numbers[link.row]);
      expect(rowValues).toEqual(version.copy === 'delegados' ? [110, 90] : [120, 80]);
    }
    expect(packet.comparedFields).toContainEqual({ field: 'urna', path: 'nivelacion.urna', row: 'urna' });
  });
});
