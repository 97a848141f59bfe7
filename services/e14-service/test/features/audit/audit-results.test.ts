import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { get } from '../../support/fixtures.js';
import { submitPuestoTwoSheets, withFixtureElection } from '../../support/records-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;

const TAMPERED_MESA = '01-031-99-02-001';

withFixtureElection(async (started) => {
  ({ e14, admin } = started);
  await submitPuestoTwoSheets(e14, admin);
});

const verify = async () => (await get(e14, '/api/audit/verify', admin)).json();

/**
 * Runs `statements` as the superuser the tests connect as, with the protection triggers of the
 * tables off (what an intruder with that access does), checks verify's answer, then puts
 * everything back in the same transaction-less way so the next test starts untampered.
 */
async function tampered(statements: string[], undo: string[], check: (body: unknown) => void) {
  const run = async (list: string[]) => {
    const client: pg.PoolClient = await e14.app.pg.connect();
    try {
      await client.query('SET session_replication_role = replica'); // user triggers off
      for (const statement of list) {
        const result = await client.query(statement);
        expect(result.rowCount ?? 1).toBeGreaterThan(0);
      }
    } finally {
      await client.query('RESET session_replication_role');
      client.release();
    }
  };
  await run(statements);
  try {
    check(await verify());
  } finally {
    await run(undo);
  }
  expect(await verify()).toMatchObject({ ok: true });
}

const mesaId = `(SELECT id FROM mesas WHERE mesa_key = '${TAMPERED_MESA}')`;
const puestoId = `(SELECT puesto_id FROM mesas WHERE mesa_key = '${TAMPERED_MESA}')`;
const firstCandidate = `(SELECT candidate_ids[1] FROM reconciliations WHERE mesa_id = ${mesaId})`;

const editPayload = (formId: string | undefined, from: string, to: string) =>
  `UPDATE e14_forms SET payload = replace(payload::text, '${from}', '${to}')::json
   WHERE id = ${formId} AND strpos(payload::text, '${from}') > 0`;

describe('verify checks the stored results against the chain', () => {
  it('passes an untampered election, having re-hashed every form and recomputed every truth and rollup', async () => {
    const body = await verify();
    expect(body).toMatchObject({ ok: true, firstBroken: null, firstMismatch: null, publishedHead: null });
    expect(body.checked).toMatchObject({ forms: 3, truths: 3 });
    expect(body.checked.rollupRows).toBeGreaterThan(0);
  });

  it('names the form whose stored payload was edited', async () => {
    const form = await e14.app.pg.query<{ id: string; content_hash: string }>(
      `SELECT id, content_hash FROM e14_forms WHERE mesa_id = ${mesaId}`,
    );
    const [row] = form.rows;
    await tampered(
      // The first candidate's cell, {"confidence":1,…,"value":31}: only rows holding it are updated.
      [editPayload(row?.id, '"value":31}', '"value":5031}')],
      [editPayload(row?.id, '"value":5031}', '"value":31}')],
      (body) =>
        expect(body).toMatchObject({
          ok: false,
          firstBroken: null,
          firstMismatch: {
            kind: 'form_content',
            entity: 'e14_form',
            entityId: row?.id,
            field: 'payload',
            expected: row?.content_hash,
          },
        }),
    );
  });

  it('names the mesa whose truth got 5,000 more votes, even with its rollups raised to match', async () => {
    const raise = (amount: number) => [
      `UPDATE reconciliations SET votes[1] = votes[1] + ${amount}, sufragantes = sufragantes + ${amount}
       WHERE mesa_id = ${mesaId}`,
      `UPDATE puesto_vote_tallies SET votes = votes + ${amount} WHERE puesto_id = ${puestoId} AND candidate_id = ${firstCandidate}`,
      `UPDATE municipio_vote_tallies SET votes = votes + ${amount}
       WHERE municipio_id = (SELECT municipio_id FROM mesas WHERE id = ${mesaId}) AND candidate_id = ${firstCandidate}`,
      `UPDATE puesto_coverage SET sufragantes = sufragantes + ${amount} WHERE puesto_id = ${puestoId}`,
      `UPDATE municipio_coverage SET sufragantes = sufragantes + ${amount}
       WHERE municipio_id = (SELECT municipio_id FROM mesas WHERE id = ${mesaId})`,
    ];
    await tampered(raise(5_000), raise(-5_000), (body) =>
      expect(body).toMatchObject({
        ok: false,
        firstMismatch: {
          kind: 'reconciliation',
          entity: 'mesa',
          entityId: `${TAMPERED_MESA}/GOBERNADOR`,
          field: 'numbersHash',
        },
      }),
    );
  });

  it('names the rollup row raised without its truth, with the recomputed and the stored votes', async () => {
    const puesto = await e14.app.pg.query<{ puesto_id: number; candidate_id: number; votes: string }>(
      `SELECT puesto_id, candidate_id, votes FROM puesto_vote_tallies
       WHERE puesto_id = ${puestoId} AND candidate_id = ${firstCandidate}`,
    );
    const [row] = puesto.rows;
    const votes = Number(row?.votes);
    await tampered(
      [
        `UPDATE puesto_vote_tallies SET votes = votes + 5000 WHERE puesto_id = ${row?.puesto_id} AND candidate_id = ${row?.candidate_id}`,
      ],
      [
        `UPDATE puesto_vote_tallies SET votes = votes - 5000 WHERE puesto_id = ${row?.puesto_id} AND candidate_id = ${row?.candidate_id}`,
      ],
      (body) =>
        expect(body).toMatchObject({
          ok: false,
          firstMismatch: {
            kind: 'rollup',
            entity: 'puesto_vote_tallies',
            entityId: `${row?.puesto_id}/GOBERNADOR/${row?.candidate_id}`,
            field: 'votes',
            expected: String(votes),
            found: String(votes + 5_000),
          },
        }),
    );
  });

  it('names the coverage counter changed in a municipio rollup', async () => {
    const municipio = `(SELECT municipio_id FROM mesas WHERE id = ${mesaId})`;
    await tampered(
      [`UPDATE municipio_coverage SET mesas_validated = mesas_validated + 1 WHERE municipio_id = ${municipio}`],
      [`UPDATE municipio_coverage SET mesas_validated = mesas_validated - 1 WHERE municipio_id = ${municipio}`],
      (body) =>
        expect(body).toMatchObject({
          ok: false,
          firstMismatch: { kind: 'rollup', entity: 'municipio_coverage', field: 'mesas_validated' },
        }),
    );
  });

  it('names the truth switched to another form', async () => {
    const truth = `(SELECT form_id FROM reconciliations WHERE mesa_id = ${mesaId})`;
    const other = `(SELECT min(id) FROM e14_forms WHERE mesa_id <> ${mesaId})`;
    const saved = await e14.app.pg.query<{ form_id: string; other: string }>(
      `SELECT ${truth} AS form_id, ${other} AS other`,
    );
    const { form_id: formId, other: otherId } = saved.rows[0] ?? { form_id: '', other: '' };
    await tampered(
      [`UPDATE reconciliations SET form_id = ${otherId} WHERE mesa_id = ${mesaId}`],
      [`UPDATE reconciliations SET form_id = ${formId} WHERE mesa_id = ${mesaId}`],
      (body) =>
        expect(body).toMatchObject({
          firstMismatch: { kind: 'reconciliation', field: 'formId', expected: formId, found: otherId },
        }),
    );
  });

  it('names the decided truth that was deleted', async () => {
    await tampered(
      [
        `CREATE TABLE saved_truth AS SELECT * FROM reconciliations WHERE mesa_id = ${mesaId}`,
        `DELETE FROM reconciliations WHERE mesa_id = ${mesaId}`,
      ],
      ['INSERT INTO reconciliations SELECT * FROM saved_truth', 'DROP TABLE saved_truth'],
      (body) =>
        expect(body).toMatchObject({
          ok: false,
          firstMismatch: { kind: 'reconciliation', entityId: `${TAMPERED_MESA}/GOBERNADOR`, field: 'missing' },
        }),
    );
  });
});
