import { describe, expect, it } from 'vitest';
import { get, sendJson } from '../../support/fixtures.js';
import { recordsOf, submitCopiesThatDiffer, withFixtureElection } from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;

withFixtureElection((started) => {
  ({ e14, admin } = started);
});

const patch = (id: string, body: unknown) => sendJson(e14, 'PATCH', `/api/alerts/${id}`, admin, body);

describe('alert ids and paging are strict decimal', () => {
  it('refuses every other spelling of an alert id with 400 and leaves the alert alone', async () => {
    await submitCopiesThatDiffer(e14, admin);
    const { alerts } = recordsOf(e14, admin);
    const [alert] = (await alerts('status=open')).items;
    expect(alert).toBeDefined();
    const id: number = alert.id;
    const spellings = [`0x${id.toString(16)}`, `%20${id}`, `${id}%20`, `${id}e0`, `+${id}`, `0${id}`, '1e1', '0'];
    for (const spelling of spellings) {
      const response = await patch(spelling, { status: 'acknowledged', reason: 'lenient id' });
      expect(response.statusCode, `${spelling}: ${response.body}`).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { issues: [{ path: 'params.id' }] },
      });
    }
    expect((await alerts('status=acknowledged')).total).toBe(0);
    const acknowledged = await patch(String(id), { status: 'acknowledged', reason: 'strict id' });
    expect(acknowledged.statusCode, acknowledged.body).toBe(200);
    expect(acknowledged.json()).toMatchObject({ id, status: 'acknowledged' });
  });

  it('serves one alert by id to those who read the list (a shared link), 404 ALERT_UNKNOWN for another id', async () => {
    await submitCopiesThatDiffer(e14, admin);
    const { alerts } = recordsOf(e14, admin);
    const [listed] = (await alerts('')).items;
    expect(listed).toBeDefined();
    for (const role of ['admin', 'analyst', 'reviewer'] as const) {
      const token = role === 'admin' ? admin : (await e14.token(role)).token;
      const one = await get(e14, `/api/alerts/${listed.id}`, token);
      expect(one.statusCode, one.body).toBe(200);
      expect(one.json()).toEqual(listed);
    }
    const witness = await get(e14, `/api/alerts/${listed.id}`, (await e14.token('witness')).token);
    expect([witness.statusCode, witness.json().error.code]).toEqual([403, 'FORBIDDEN']);
    const unknown = await get(e14, '/api/alerts/987654321', admin);
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'ALERT_UNKNOWN']);
    expect((await get(e14, '/api/alerts/0x1', admin)).statusCode).toBe(400);
  });

  it('refuses lenient numbers in the paging of the alert list', async () => {
    const { alerts } = recordsOf(e14, admin);
    for (const query of ['limit=0x10', 'limit=%2010', 'offset=1e1', 'offset=+1', 'limit=010', 'limit=']) {
      expect((await alerts(query)).error?.code, query).toBe('VALIDATION_FAILED');
    }
    expect((await alerts('limit=16&offset=0')).items).toBeInstanceOf(Array);
  });
});
