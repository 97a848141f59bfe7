import { describe, expect, it } from 'vitest';
import { uploadSourceRef } from '../../../src/domain/reconciliation-policy.js';
import { bearer, ELECTION, honestSheet, post, sendJson, workedExample } from '../../support/fixtures.js';
import { withFixtureElection } from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;

withFixtureElection((started) => {
  ({ e14, admin } = started);
});

const count = async (table: string) => Number((await e14.app.pg.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
const snapshot = async () => ({
  forms: await count('e14_forms'),
  fields: await count('e14_fields'),
  truth: await count('reconciliations'),
  alerts: await count('alerts'),
  audit: await count('audit_log'),
});

/** The admin POSTs to intake an honest sheet of `mesa` with `votes` (and `headers`). */
const submitHonest = (mesa: string, votes: number[], headers: Record<string, string> = {}) =>
  post(e14, '/api/e14/process-v2', admin, honestSheet(mesa, votes), headers);

describe('structured intake', () => {
  it('stores a sheet with its fields, truth, rollups and audit entries', async () => {
    const before = await snapshot();
    const response = await post(e14, '/api/e14/process-v2', admin, workedExample());
    expect(response.statusCode, response.body).toBe(201);
    const result = response.json();
    expect(result).toMatchObject({
      outcome: 'stored',
      version: 1,
      mesaKey: '01-031-99-01-001',
      formStatus: 'validated',
      mesaStatus: 'validated',
    });
    expect(result.truthFormId).toBe(result.formId);
    const after = await snapshot();
    expect(after.forms - before.forms).toBe(1);
    expect(after.fields - before.fields).toBe(17); // 3 nivelación + 10 rows + blancos, nulos, no marcados, suma total
    expect(after.truth - before.truth).toBe(1);
    expect(after.audit - before.audit).toBe(2); // e14.stored + reconciliation.decided
    const empty = await e14.app.pg.query(
      `SELECT state, value FROM e14_fields WHERE form_id = $1 AND path = 'votes.3'`,
      [result.formId],
    );
    expect(empty.rows[0]).toEqual({ state: 'empty', value: null });
  });

  it('is idempotent by content: the same sheet again stores nothing and answers the first form', async () => {
    const first = await submitHonest('01-031-99-01-002', [50, 40, 0, 0, 0, 0, 0, 0, 0, 10]);
    expect(first.statusCode).toBe(201);
    const before = await snapshot();
    // The same content with the shorthand expanded hashes the same (canonical form).
    const sheet = honestSheet('01-031-99-01-002', [50, 40, 0, 0, 0, 0, 0, 0, 0, 10]);
    const again = await post(e14, '/api/e14/process-v2', admin, { ...sheet, blancos: { value: 2 } });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      outcome: 'duplicate',
      formId: first.json().formId,
      contentHash: first.json().contentHash,
    });
    expect(await snapshot()).toEqual(before);
  });

  it('keeps a conflicting second version of the same copy as version 2, never overwriting the first', async () => {
    const v1 = await submitHonest('01-031-99-01-003', [100, 50, 0, 0, 0, 0, 0, 0, 0, 0]);
    const v2 = await submitHonest('01-031-99-01-003', [101, 49, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(v1.json().version).toBe(1);
    expect(v2.json()).toMatchObject({ outcome: 'stored', version: 2 });
    const rows = await e14.app.pg.query('SELECT version, votes FROM e14_forms WHERE id = ANY($1) ORDER BY version', [
      [v1.json().formId, v2.json().formId],
    ]);
    expect(rows.rows.map((row) => row.votes.slice(0, 2))).toEqual([
      [100, 50],
      [101, 49],
    ]);
    await expect(
      e14.app.pg.query('UPDATE e14_forms SET votes = $2 WHERE id = $1', [v1.json().formId, [1, 2]]),
    ).rejects.toThrow(/never rewritten/);
    await expect(e14.app.pg.query('DELETE FROM e14_forms WHERE id = $1', [v1.json().formId])).rejects.toThrow(
      /never deleted/,
    );
  });

  it('refuses a reused Idempotency-Key carrying a different E-14', async () => {
    const send = (votes: number[]) =>
      submitHonest('01-031-99-01-004', votes, { 'idempotency-key': 'witness-app-0001' });
    const first = await send([10, 10, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(first.statusCode).toBe(201);
    const replay = await send([10, 10, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(replay.json().outcome).toBe('duplicate');
    const before = await snapshot();
    const other = await send([11, 9, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await snapshot()).toEqual(before);
  });

  it('two concurrent E-14s with one Idempotency-Key: one is stored, the other refused', async () => {
    const headers = { 'idempotency-key': 'witness-app-race-0001' };
    const answers = await Promise.all([
      submitHonest('01-031-99-01-006', [12, 10, 0, 0, 0, 0, 0, 0, 0, 0], headers),
      submitHonest('01-031-99-02-003', [13, 10, 0, 0, 0, 0, 0, 0, 0, 0], headers),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((answer) => answer.statusCode === 409)?.json().error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('batch: per-item results, refused items write nothing, accepted ones are committed together', async () => {
    const good = honestSheet('01-031-99-02-001', [60, 30, 0, 0, 0, 0, 0, 0, 0, 0]);
    const before = await snapshot();
    const response = await post(e14, '/api/e14/process-v2/batch', admin, {
      sheets: [
        good,
        good,
        { ...good, mesa: { ...good.mesa, mesa: '999' } },
        { nonsense: true },
        honestSheet('01-031-99-02-002', [5, 5, 0, 0, 0, 0, 0, 0, 0, 0]),
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect({ stored: body.stored, duplicates: body.duplicates, rejected: body.rejected }).toEqual({
      stored: 2,
      duplicates: 0,
      rejected: 3,
    });
    expect(
      body.items.map((item: { ok: boolean; error?: { code: string } }) => (item.ok ? 'ok' : item.error?.code)),
    ).toEqual(['ok', 'DUPLICATE_IN_BATCH', 'MESA_UNKNOWN', 'VALIDATION_FAILED', 'ok']);
    expect((await snapshot()).forms - before.forms).toBe(2);
    const tooMany = await e14.app.inject({
      method: 'POST',
      url: '/api/e14/process-v2/batch',
      headers: { 'content-type': 'application/json', ...bearer(admin) },
      payload: JSON.stringify({ sheets: Array.from({ length: e14.config.E14_BATCH_MAX_SHEETS + 1 }, () => ({})) }),
    });
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().error.code).toBe('BATCH_TOO_LARGE');
  });
});

describe('bad input: clear 4xx with codes, nothing partially stored', () => {
  const cases: Array<[string, unknown, number, string]> = [
    [
      'unknown mesa',
      workedExample({ mesa: { departamento: '01', municipio: '031', zona: '99', puesto: '01', mesa: '777' } }),
      422,
      'MESA_UNKNOWN',
    ],
    ['a cell above 999', workedExample({ blancos: 1000 }), 400, 'VALUE_OUT_OF_RANGE'],
    ['a negative value', workedExample({ noMarcados: -1 }), 400, 'VALUE_OUT_OF_RANGE'],
    ['a negative value inside a field object', workedExample({ nulos: { value: -3 } }), 400, 'VALUE_OUT_OF_RANGE'],
    [
      'sums over habilitados',
      workedExample({ nivelacion: { sufragantes: 96, urna: 121, incinerados: 25 } }),
      422,
      'SUM_OVER_HABILITADOS',
    ],
    [
      'wrong corporation for the election',
      workedExample({ corporation: 'PRESIDENTE' }),
      422,
      'CORPORATION_NOT_IN_ELECTION',
    ],
    ['unknown election', workedExample({ electionCode: 'NO-SUCH-ELECTION' }), 404, 'ELECTION_UNKNOWN'],
    [
      'a ballot option not on the ballot',
      workedExample({ votes: [{ ballotNumber: 42, votes: 96 }] }),
      422,
      'BALLOT_OPTION_UNKNOWN',
    ],
    [
      'a row given twice',
      workedExample({
        votes: [
          { ballotNumber: 1, votes: 40 },
          { ballotNumber: 1, votes: 40 },
        ],
      }),
      400,
      'VALIDATION_FAILED',
    ],
    ['a malformed payload', { schemaVersion: 2, electionCode: ELECTION }, 400, 'VALIDATION_FAILED'],
    ['a wrong schema version', { ...workedExample(), schemaVersion: 1 }, 400, 'VALIDATION_FAILED'],
  ];
  it.each(cases)('%s', async (_name, body, status, code) => {
    const before = await snapshot();
    const response = await post(e14, '/api/e14/process-v2', admin, body);
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(await snapshot()).toEqual(before);
  });

  it('invalid JSON is INVALID_JSON', async () => {
    const response = await e14.app.inject({
      method: 'POST',
      url: '/api/e14/process-v2',
      headers: { 'content-type': 'application/json', ...bearer(admin) },
      payload: '{"schemaVersion": 2,',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('INVALID_JSON');
  });
});

describe('roles', () => {
  it('a witness submits only for assigned mesas and only as source witness', async () => {
    const witness = await e14.token('witness');
    const assign = await sendJson(e14, 'PUT', `/api/witnesses/${witness.userId}/assignments`, admin, {
      electionCode: ELECTION,
      territories: ['01-031-99-02'],
    });
    expect(assign.statusCode, assign.body).toBe(200);
    const assigned = honestSheet('01-031-99-02-003', [20, 20, 0, 0, 0, 0, 0, 0, 0, 0], { source: 'witness' });
    expect((await post(e14, '/api/e14/process-v2', witness.token, assigned)).statusCode).toBe(201);
    const elsewhere = await post(
      e14,
      '/api/e14/process-v2',
      witness.token,
      honestSheet('01-031-99-01-005', [20, 20, 0, 0, 0, 0, 0, 0, 0, 0], { source: 'witness' }),
    );
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error.code).toBe('WITNESS_NOT_ASSIGNED');
    const spoofed = await post(
      e14,
      '/api/e14/process-v2',
      witness.token,
      honestSheet('01-031-99-02-003', [21, 19, 0, 0, 0, 0, 0, 0, 0, 0], { source: 'reviewer' }),
    );
    expect(spoofed.json().error.code).toBe('SOURCE_NOT_ALLOWED');
    const own = await e14.app.inject({
      method: 'GET',
      url: `/api/witnesses/${witness.userId}/assignments?election=${ELECTION}`,
      headers: bearer(witness.token),
    });
    expect(own.json().territories).toEqual(['01-031-99-02']);
    const alerts = await e14.app.inject({
      method: 'GET',
      url: `/api/alerts?election=${ELECTION}`,
      headers: bearer(witness.token),
    });
    expect(alerts.statusCode).toBe(403);
  });

  it('only the document pipeline names the scanned document a form was read from', async () => {
    const witness = await e14.token('witness');
    const assign = await sendJson(e14, 'PUT', `/api/witnesses/${witness.userId}/assignments`, admin, {
      electionCode: ELECTION,
      territories: ['01-031-99-02'],
    });
    expect(assign.statusCode, assign.body).toBe(200);
    const before = await snapshot();
    // As if it were another witness's later upload: it would replace that witness's photo of the copy.
    const claimed = uploadSourceRef(999_999, 'witness:00000000-0000-4000-8000-000000000000');
    for (const [token, sourceRef] of [
      [witness.token, claimed],
      [admin, claimed],
      [admin, 'e14-document:12'],
    ] as const) {
      const sheet = {
        ...honestSheet('01-031-99-02-003', [22, 18, 0, 0, 0, 0, 0, 0, 0, 0], { source: 'witness' }),
        sourceRef,
      };
      const refused = await post(e14, '/api/e14/process-v2', token, sheet);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('SOURCE_REF_RESERVED');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('reviewer and analyst read but do not submit; viewer reads results only; no token is 401', async () => {
    const reviewer = (await e14.token('reviewer')).token;
    const analyst = (await e14.token('analyst')).token;
    const viewer = (await e14.token('viewer')).token;
    for (const token of [reviewer, analyst, viewer]) {
      expect((await post(e14, '/api/e14/process-v2', token, workedExample())).statusCode).toBe(403);
    }
    for (const token of [reviewer, analyst]) {
      expect(
        (await e14.app.inject({ method: 'GET', url: `/api/alerts?election=${ELECTION}`, headers: bearer(token) }))
          .statusCode,
      ).toBe(200);
      expect((await post(e14, '/api/e14/validate', token, workedExample())).statusCode).toBe(200);
    }
    expect((await post(e14, '/api/e14/validate', viewer, workedExample())).statusCode).toBe(403);
    expect(
      (
        await e14.app.inject({
          method: 'GET',
          url: `/api/results?election=${ELECTION}&corporation=GOBERNADOR`,
          headers: bearer(viewer),
        })
      ).statusCode,
    ).toBe(200);
    expect((await post(e14, '/api/elections/import', analyst, {})).statusCode).toBe(403);
    const anonymous = await e14.app.inject({
      method: 'GET',
      url: `/api/results?election=${ELECTION}&corporation=GOBERNADOR`,
    });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('contract', () => {
  it('the OpenAPI document shows the E14Submission body of the intake', async () => {
    const response = await e14.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const operation = response.json().paths['/api/e14/process-v2'].post;
    const schema = operation.requestBody.content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['schemaVersion', 'nivelacion', 'votes', 'confirmedAsPrinted']),
    );
  });
});

describe('honest names: /api/e14/forms, with /api/e14/process-v2 kept as the seed alias', () => {
  it('POST /api/e14/forms stores, and the alias answers the same form as a duplicate', async () => {
    const sheet = honestSheet('01-031-99-02-002', [7, 5, 0, 0, 0, 0, 0, 0, 0, 0], { copy: 'claveros' });
    const stored = await post(e14, '/api/e14/forms', admin, sheet);
    expect(stored.statusCode, stored.body).toBe(201);
    expect(stored.json()).toMatchObject({ outcome: 'stored', mesaKey: '01-031-99-02-002', copy: 'claveros' });
    const again = await post(e14, '/api/e14/process-v2', admin, sheet);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...stored.json(), outcome: 'duplicate', alertIds: again.json().alertIds });
    const refused = await post(e14, '/api/e14/forms', admin, workedExample({ blancos: 1000 }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('VALUE_OUT_OF_RANGE');
  });

  it('POST /api/e14/forms/batch answers like /api/e14/process-v2/batch', async () => {
    const sheets = [honestSheet('01-031-99-02-002', [8, 4, 0, 0, 0, 0, 0, 0, 0, 0], { copy: 'transmision' })];
    const stored = await post(e14, '/api/e14/forms/batch', admin, { sheets });
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json()).toMatchObject({ stored: 1, duplicates: 0, rejected: 0 });
    const again = await post(e14, '/api/e14/process-v2/batch', admin, { sheets });
    expect(again.json()).toMatchObject({ stored: 0, duplicates: 1, rejected: 0 });
    expect(again.json().items[0].result.formId).toBe(stored.json().items[0].result.formId);
  });

  it('the OpenAPI document lists both names with one body; the alias says it is the seed alias', async () => {
    const paths = (await e14.app.inject({ method: 'GET', url: '/api/openapi.json' })).json().paths;
    for (const [name, alias] of [
      ['/api/e14/forms', '/api/e14/process-v2'],
      ['/api/e14/forms/batch', '/api/e14/process-v2/batch'],
    ] as const) {
      expect(paths[alias].post.requestBody).toEqual(paths[name].post.requestBody);
      expect(paths[alias].post.responses).toEqual(paths[name].post.responses);
      expect(paths[alias].post.summary).toMatch(new RegExp(`^Alias of POST ${name} kept from the seed`));
      expect(paths[name].post.summary).not.toMatch(/alias/i);
    }
  });
});
