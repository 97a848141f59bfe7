/**
 * Detection benchmark (bench/results/e14-rules.json): load a generated election with injected,
 * labelled faults (every copy, both official feeds) through the HTTP API, let the forensic
 * signals run, and score every alert against the labels with the generator's scoreDetections.
 * Run from the repo root: `npx tsx services/e14-service/bench/rules.ts [--mesas 4000]`.
 */
import { writeFileSync } from 'node:fs';
import type { Copy, Corporation, RuleId } from '@castor/contracts';
import { generateElection, scoreDetections } from '@castor/e14-synth';
import { loadElection } from '@castor/e14-synth-sheets/demo';
import pg from 'pg';
import { machine, startBenchServices, waitForForensics } from './harness.js';

const mesasArgument = process.argv.indexOf('--mesas');
const mesas = mesasArgument > 0 ? Number(process.argv[mesasArgument + 1]) : 4_000;
const ARITHMETIC: RuleId[] = ['nivelacion', 'printed_sum', 'urn_sum', 'list_total', 'bounds', 'capacity'];
const copies: Copy[] = ['claveros', 'delegados', 'transmision'];

const election = generateElection({
  seed: 41,
  scale: { mesas },
  corporations: ['PRESIDENTE', 'CAMARA'],
  electionCode: 'BENCH-RULES',
});
const services = await startBenchServices();
const load = await loadElection(services.target, election, { copies, batchSize: 500, concurrency: 2, official: true });
const pool = new pg.Pool({ connectionString: services.e14DatabaseUrl, max: 1 });
await waitForForensics(pool);
const alerts = await pool.query<{
  rule: RuleId;
  mesa_key: string | null;
  territory: string;
  corporation: Corporation;
  copy: Copy | null;
}>('SELECT a.rule, m.mesa_key, a.territory, a.corporation, a.copy FROM alerts a LEFT JOIN mesas m ON m.id = a.mesa_id');
// Municipio-level signals (digit tests) name no mesa: they are reported, not scored per mesa.
const mesaAlerts = alerts.rows.flatMap((alert) =>
  alert.mesa_key
    ? [
        {
          rule: alert.rule,
          mesaKey: alert.mesa_key,
          corporation: alert.corporation,
          ...(alert.copy ? { copy: alert.copy } : {}),
        },
      ]
    : [],
);
const scores = scoreDetections(election.faults({ copies }), mesaAlerts as Parameters<typeof scoreDetections>[1]);
const municipioSignals = alerts.rows
  .filter((alert) => !alert.mesa_key)
  .reduce<Record<string, number>>((counts, alert) => {
    counts[alert.rule] = (counts[alert.rule] ?? 0) + 1;
    return counts;
  }, {});
// Which criterion raised each turnout_outlier alert (a mesa may meet several).
const turnout = await pool.query<{ criterion: string; alerts: string }>(
  `SELECT CASE WHEN (numbers->>'turnout')::float > 1 THEN 'turnout above 100 %'
               WHEN (numbers->>'turnout')::float >= $1 THEN 'turnout at least 95 %'
               ELSE 'robust z only' END AS criterion, count(*) AS alerts
   FROM alerts WHERE rule = 'turnout_outlier' GROUP BY 1 ORDER BY 1`,
  [0.95],
);
const turnoutCriteria = Object.fromEntries(turnout.rows.map((row) => [row.criterion, Number(row.alerts)]));
const arithmetic = Object.fromEntries(ARITHMETIC.map((rule) => [rule, scores[rule]]));
const arithmeticHolds = ARITHMETIC.every((rule) => {
  const score = scores[rule];
  return (score.recall === null || score.recall === 1) && (score.precision === null || score.precision >= 0.99);
});
const result = {
  benchmark: 'e14-rules',
  measuredAt: new Date().toISOString(),
  machine: await machine(),
  election: {
    seed: 41,
    mesas: election.counts.mesas,
    corporations: ['PRESIDENTE', 'CAMARA'],
    copies,
    sheets: load.sheets,
    officialRows: load.officialRows,
  },
  matching:
    'scoreDetections of @castor/e14-synth: same rule, mesa (or a related mesa), corporation, and copy when both name one',
  target: { arithmeticRules: ARITHMETIC, recall: 1, precisionAtLeast: 0.99, holds: arithmeticHolds },
  perRule: scores,
  arithmetic,
  turnoutOutlierByCriterion: turnoutCriteria,
  municipioLevelSignals: {
    note: 'digit tests flag a municipio, not a mesa; counted, not scored',
    counts: municipioSignals,
  },
  load,
};
writeFileSync(
  new URL('../../../bench/results/e14-rules.json', import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
);
process.stdout.write(`${JSON.stringify({ holds: arithmeticHolds, perRule: scores }, null, 2)}\n`);
await pool.end();
await services.close();
