import { generateElection, scoreDetections } from '@castor/e14-synth';
import { loadElection } from '@castor/e14-synth-sheets/demo';
import { describe, expect, it } from 'vitest';
import { demoLoadTarget } from './support/lifecycle.js';

const target = demoLoadTarget();

describe('a generated election loaded through the HTTP API', () => {
  it('stores every sheet and copy, imports both feeds, and catches the arithmetic faults', async () => {
    const election = generateElection({
      seed: 5,
      scale: { mesas: 120 },
      corporations: ['PRESIDENTE', 'CAMARA'],
      electionCode: 'LOAD-TEST',
    });
    const copies = ['claveros', 'delegados', 'transmision'] as const;
    const report = await loadElection(target, election, { copies: [...copies], batchSize: 100 });
    expect(report.rejected).toBe(0);
    expect(report.stored + report.duplicates).toBe(election.counts.sheets * copies.length);
    const coverage = await target.e14.app.pg.query<{ mesas: string }>(
      `SELECT count(*) AS mesas FROM reconciliations WHERE corporation = 'PRESIDENTE'`,
    );
    expect(Number(coverage.rows[0]?.mesas)).toBe(election.counts.mesas);
    const alerts = await target.e14.app.pg.query<{
      rule: 'urn_sum';
      mesa_key: string;
      corporation: 'PRESIDENTE';
      copy: 'delegados' | null;
    }>('SELECT a.rule, m.mesa_key, a.corporation, a.copy FROM alerts a JOIN mesas m ON m.id = a.mesa_id');
    const scores = scoreDetections(
      election.faults({ copies: [...copies] }),
      alerts.rows.map((alert) => ({
        rule: alert.rule,
        mesaKey: alert.mesa_key,
        corporation: alert.corporation,
        ...(alert.copy ? { copy: alert.copy } : {}),
      })),
    );
    // Every kind is in the sample (seed 5), so recall and precision are measured, never skipped.
    for (const rule of ['nivelacion', 'printed_sum', 'urn_sum', 'list_total', 'capacity'] as const) {
      const score = scores[rule];
      expect(score.truePositives + score.falseNegatives, `the sample carries ${rule} faults`).toBeGreaterThan(0);
      expect(score.recall, rule).toBe(1);
      expect(score.precision, rule).toBeGreaterThanOrEqual(0.99);
    }
    // The stored payload is the canonical text its content hash was computed from.
    const evidence = await target.e14.app.pg.query<{ ok: boolean }>(
      `SELECT bool_and(encode(sha256(convert_to(payload::text, 'UTF8')), 'hex') = content_hash) AS ok FROM e14_forms`,
    );
    expect(evidence.rows[0]?.ok).toBe(true);
  });
});
