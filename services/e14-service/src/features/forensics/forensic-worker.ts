import type { Corporation, RuleId } from '@castor/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { withTransaction } from '../../db/client.js';
import { lastDigitTest, median, robustZ, secondDigitTest } from '../../domain/forensic-stats.js';
import { type EffectiveRules, RULES } from '../../domain/rule-catalog.js';
import { type NewAlert, resolveGoneAlerts, upsertAlerts } from '../../shared/alert-store.js';
import { appendAudit } from '../../shared/audit-chain.js';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';

const FORENSIC_RULES: RuleId[] = [
  'turnout_outlier',
  'one_candidate',
  'identical_vectors',
  'benford_second_digit',
  'last_digit',
];

export interface MesaTruth {
  mesaId: number;
  mesaKey: string;
  habilitados: number;
  sufragantes: number | null;
  blancos: number | null;
  nulos: number | null;
  noMarcados: number | null;
  candidateIds: number[];
  votes: Array<number | null>;
}

type Signal = Omit<NewAlert, 'electionId' | 'corporation' | 'municipioId' | 'ruleVersion' | 'formId' | 'copy'>;

/**
 * The cross-mesa signals of one municipio (E14.md "Forensic signals"), as alerts plus the
 * statistics shown on the dashboard. Pure: the worker feeds it the reconciled mesas.
 */
export function municipioSignals(
  municipioCode: string,
  mesas: readonly MesaTruth[],
  rules: EffectiveRules,
  corporation: string,
  /** The ballot option a candidate row counts toward: its list for list corporations, itself otherwise. */
  optionOf: (candidateId: number) => number = (candidateId) => candidateId,
) {
  const { params } = rules;
  const signals: Signal[] = [];
  const key = (rule: RuleId, subject: string | number) => `${rule}:${subject}:${corporation}`;
  const withTurnout = mesas.filter((mesa) => mesa.habilitados > 0 && mesa.sufragantes !== null);
  const turnout = new Map(withTurnout.map((mesa) => [mesa.mesaId, (mesa.sufragantes ?? 0) / mesa.habilitados]));

  // Turnout: absolute thresholds, and robust z within the puesto and within the municipio.
  // A z-score counts only where the mesa is also far from the group's median in absolute terms.
  const significant = (values: readonly number[]) => {
    const center = median(values);
    return robustZ(values).map((z, index) =>
      z !== null && Math.abs((values[index] ?? center) - center) >= params.turnoutMinDeviation ? z : null,
    );
  };
  const zScores = new Map<number, { puesto: number | null; municipio: number | null }>();
  const municipioZ =
    withTurnout.length >= params.minGroupForZ
      ? significant(withTurnout.map((mesa) => turnout.get(mesa.mesaId) ?? 0))
      : [];
  withTurnout.forEach((mesa, index) => {
    zScores.set(mesa.mesaId, { puesto: null, municipio: municipioZ[index] ?? null });
  });
  const byPuesto = new Map<string, MesaTruth[]>();
  for (const mesa of mesas) {
    const puesto = mesa.mesaKey.slice(0, 12);
    byPuesto.set(puesto, [...(byPuesto.get(puesto) ?? []), mesa]);
  }
  for (const group of byPuesto.values()) {
    const members = group.filter((mesa) => turnout.has(mesa.mesaId));
    if (members.length < params.minGroupForZ) continue;
    significant(members.map((mesa) => turnout.get(mesa.mesaId) ?? 0)).forEach((z, index) => {
      const mesa = members[index];
      const entry = mesa && zScores.get(mesa.mesaId);
      if (entry) entry.puesto = z;
    });
  }
  for (const mesa of withTurnout) {
    const tau = turnout.get(mesa.mesaId) ?? 0;
    const z = zScores.get(mesa.mesaId) ?? { puesto: null, municipio: null };
    const reasons = [
      ...(tau > 1
        ? ['turnout above 100 %']
        : tau >= params.turnoutHigh
          ? [`turnout ≥ ${params.turnoutHigh * 100} %`]
          : []),
      ...(z.puesto !== null && Math.abs(z.puesto) > params.robustZ
        ? [`robust z ${z.puesto.toFixed(1)} within the puesto`]
        : []),
      ...(z.municipio !== null && Math.abs(z.municipio) > params.robustZ
        ? [`robust z ${z.municipio.toFixed(1)} within the municipio`]
        : []),
    ];
    if (reasons.length === 0) continue;
    signals.push({
      rule: 'turnout_outlier',
      severity: tau > 1 ? 'critical' : RULES.turnout_outlier.severity,
      dedupeKey: key('turnout_outlier', mesa.mesaId),
      territory: mesa.mesaKey,
      mesaId: mesa.mesaId,
      message: `Mesa ${mesa.mesaKey}: turnout ${(tau * 100).toFixed(1)} % (${mesa.sufragantes} of ${mesa.habilitados}): ${reasons.join('; ')}`,
      numbers: {
        turnout: tau,
        sufragantes: mesa.sufragantes,
        habilitados: mesa.habilitados,
        zPuesto: z.puesto,
        zMunicipio: z.municipio,
      },
      evidence: { fields: ['nivelacion.sufragantes'], sources: [{ source: 'reconciled' }] },
    });
  }

  // One option with nearly every vote in a high-turnout mesa.
  for (const mesa of withTurnout) {
    const tau = turnout.get(mesa.mesaId) ?? 0;
    const values = mesa.votes.map((value) => value ?? 0);
    const total = values.reduce((sum, value) => sum + value, 0);
    if (total === 0 || tau < params.oneCandidateTurnout) continue;
    const top = Math.max(...values);
    const share = top / total;
    if (share < params.oneCandidateShare) continue;
    const candidateId = mesa.candidateIds[values.indexOf(top)] ?? null;
    signals.push({
      rule: 'one_candidate',
      severity: RULES.one_candidate.severity,
      dedupeKey: key('one_candidate', mesa.mesaId),
      territory: mesa.mesaKey,
      mesaId: mesa.mesaId,
      message: `Mesa ${mesa.mesaKey}: one option has ${(share * 100).toFixed(1)} % of ${total} votes with turnout ${(tau * 100).toFixed(1)} %`,
      numbers: { share, votes: top, candidateVotes: total, turnout: tau, candidateId },
      evidence: { sources: [{ source: 'reconciled' }] },
    });
  }

  // Identical vote vectors within a puesto.
  for (const group of byPuesto.values()) {
    const byVector = new Map<string, MesaTruth[]>();
    for (const mesa of group) {
      const values = [...mesa.votes, mesa.blancos, mesa.nulos, mesa.noMarcados];
      if (values.some((value) => value === null)) continue;
      const total = values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
      if (total < params.identicalMinVotes) continue;
      const order = mesa.candidateIds.map((id, index) => [id, mesa.votes[index]] as const).sort((a, b) => a[0] - b[0]);
      const vector = `${order.map(([id, value]) => `${id}:${value}`).join(',')}|${mesa.blancos},${mesa.nulos},${mesa.noMarcados}`;
      byVector.set(vector, [...(byVector.get(vector) ?? []), mesa]);
    }
    for (const twins of byVector.values()) {
      if (twins.length < 2) continue;
      for (const mesa of twins) {
        const others = twins.filter((other) => other !== mesa).map((other) => other.mesaKey);
        signals.push({
          rule: 'identical_vectors',
          severity: RULES.identical_vectors.severity,
          dedupeKey: key('identical_vectors', mesa.mesaId),
          territory: mesa.mesaKey,
          mesaId: mesa.mesaId,
          message: `Mesa ${mesa.mesaKey} has exactly the same votes as ${others.join(', ')} in the same puesto`,
          numbers: { identicalMesas: twins.length },
          evidence: { sources: [{ source: 'reconciled' }], detail: { identicalTo: others } },
        });
      }
    }
  }

  // Digit tests over the option totals ≥ 10 of the municipio: candidates, or whole lists (the
  // printed TOTAL), not a list's small preferential rows, whose digits are not uniform by nature.
  const counts = mesas.flatMap((mesa) => {
    const totals = new Map<number, number>();
    mesa.candidateIds.forEach((candidateId, index) => {
      const option = optionOf(candidateId);
      totals.set(option, (totals.get(option) ?? 0) + (mesa.votes[index] ?? 0));
    });
    return [...totals.values()].filter((value) => value >= params.digitMinCount);
  });
  const benford = counts.length >= params.benfordMinSample ? secondDigitTest(counts) : null;
  if (benford && benford.chiSquare > params.chiSquareCritical) {
    signals.push({
      rule: 'benford_second_digit',
      severity: RULES.benford_second_digit.severity,
      dedupeKey: key('benford_second_digit', municipioCode),
      territory: municipioCode,
      mesaId: null,
      message: `Municipio ${municipioCode}: second digits of ${benford.n} counts depart from Benford (χ² ${benford.chiSquare.toFixed(1)} > ${params.chiSquareCritical}); weak evidence alone`,
      numbers: { chiSquare: benford.chiSquare, n: benford.n, critical: params.chiSquareCritical },
      evidence: { detail: { observed: benford.observed } },
    });
  }
  const lastDigit = counts.length >= params.lastDigitMinSample ? lastDigitTest(counts) : null;
  if (lastDigit && lastDigit.chiSquare > params.chiSquareCritical) {
    signals.push({
      rule: 'last_digit',
      severity: RULES.last_digit.severity,
      dedupeKey: key('last_digit', municipioCode),
      territory: municipioCode,
      mesaId: null,
      message: `Municipio ${municipioCode}: last digits of ${lastDigit.n} counts are not uniform (χ² ${lastDigit.chiSquare.toFixed(1)} > ${params.chiSquareCritical})`,
      numbers: {
        chiSquare: lastDigit.chiSquare,
        n: lastDigit.n,
        repeatedPairRate: lastDigit.repeatedPairRate,
        adjacentPairRate: lastDigit.adjacentPairRate,
      },
      evidence: { detail: { observed: lastDigit.observed } },
    });
  }
  const enabled = signals.filter((signal) => rules.enabled(signal.rule));
  return {
    signals: enabled.map((signal) => ({ ...signal, severity: rules.severity(signal.rule, signal.severity) })),
    stats: {
      mesas: mesas.length,
      benford: benford ?? { n: counts.length, insufficient: true },
      lastDigit: lastDigit ?? { n: counts.length, insufficient: true },
    },
  };
}

interface QueueRow {
  municipio_id: number;
  corporation: Corporation;
  election_id: number;
}

/**
 * Recomputes the forensic signals of queued municipios: one municipio per transaction, claimed
 * with SKIP LOCKED so replicas share the queue, and removed only when its results are written.
 */
export class ForensicWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly catalogs: ElectionCatalogs,
    private readonly electionCodes: (electionId: number) => Promise<string | null>,
    private readonly log?: FastifyBaseLogger,
  ) {}

  start(pollMs: number): void {
    this.timer = setInterval(() => {
      this.running ??= this.drain({ dueOnly: true })
        .catch((error: unknown) => {
          this.log?.warn({ err: error }, 'forensic signals failed');
          return 0;
        })
        .finally(() => {
          this.running = undefined;
        });
    }, pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Processes queued municipios until none is left (or none is due); returns how many. */
  async drain(options: { dueOnly: boolean } = { dueOnly: false }): Promise<number> {
    let processed = 0;
    for (;;) {
      const done = await withTransaction(this.pool, async (client) => {
        const claimed = await client.query<QueueRow>(
          `SELECT municipio_id, corporation, election_id FROM forensic_queue
           WHERE ($1::boolean IS FALSE OR due_at <= now()) ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [options.dueOnly],
        );
        const row = claimed.rows[0];
        if (!row) return false;
        await this.compute(client, row);
        await client.query('DELETE FROM forensic_queue WHERE municipio_id = $1 AND corporation = $2', [
          row.municipio_id,
          row.corporation,
        ]);
        return true;
      });
      if (!done) return processed;
      processed += 1;
    }
  }

  private async compute(client: pg.PoolClient, row: QueueRow): Promise<void> {
    const code = await this.electionCodes(row.election_id);
    const catalog = code ? await this.catalogs.get(code) : null;
    const rules = catalog?.corporations.get(row.corporation)?.rules;
    if (!catalog || !rules) return;
    const municipio = await client.query<{ code: string }>(
      `SELECT d.code || '-' || m.code AS code FROM municipios m JOIN departamentos d ON d.id = m.departamento_id WHERE m.id = $1`,
      [row.municipio_id],
    );
    const municipioCode = municipio.rows[0]?.code ?? '';
    const truths = await client.query<{
      mesa_id: number;
      mesa_key: string;
      habilitados: number;
      sufragantes: number | null;
      blancos: number | null;
      nulos: number | null;
      no_marcados: number | null;
      candidate_ids: number[];
      votes: Array<number | null>;
    }>({
      name: 'forensics-truths',
      text: `SELECT r.mesa_id, m.mesa_key, m.habilitados, r.sufragantes, r.blancos, r.nulos, r.no_marcados, r.candidate_ids, r.votes
             FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id
             WHERE r.municipio_id = $1 AND r.corporation = $2 ORDER BY m.mesa_key`,
      values: [row.municipio_id, row.corporation],
    });
    const { signals, stats } = municipioSignals(
      municipioCode,
      truths.rows.map((truth) => ({
        mesaId: truth.mesa_id,
        mesaKey: truth.mesa_key,
        habilitados: truth.habilitados,
        sufragantes: truth.sufragantes,
        blancos: truth.blancos,
        nulos: truth.nulos,
        noMarcados: truth.no_marcados,
        candidateIds: truth.candidate_ids,
        votes: truth.votes,
      })),
      rules,
      row.corporation,
      (candidateId) => catalog.candidates.get(candidateId)?.listId ?? candidateId,
    );
    const raised = await upsertAlerts(
      client,
      signals.map((signal) => ({
        ...signal,
        electionId: row.election_id,
        corporation: row.corporation,
        municipioId: row.municipio_id,
        ruleVersion: RULES[signal.rule].version,
        formId: null,
        copy: null,
      })),
    );
    const current = new Set(signals.map((signal) => signal.dedupeKey));
    const open = await client.query<{ dedupe_key: string }>(
      `SELECT dedupe_key FROM alerts WHERE municipio_id = $1 AND corporation = $2 AND rule = ANY($3::text[]) AND status <> 'resolved'`,
      [row.municipio_id, row.corporation, FORENSIC_RULES],
    );
    const gone = open.rows.map((alert) => alert.dedupe_key).filter((key) => !current.has(key));
    const resolved = await resolveGoneAlerts(
      client,
      row.election_id,
      gone,
      'forensics',
      'the signal is no longer observed',
    );
    await client.query(
      `INSERT INTO municipio_forensics (municipio_id, corporation, election_id, stats, computed_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (municipio_id, corporation) DO UPDATE SET stats = excluded.stats, computed_at = now()`,
      [row.municipio_id, row.corporation, row.election_id, JSON.stringify(stats)],
    );
    if (raised.length > 0 || resolved.length > 0) {
      await appendAudit(client, [
        {
          actor: 'system:forensics',
          action: 'forensics.signals_changed',
          entity: 'municipio',
          entityId: `${catalog.code}/${municipioCode}/${row.corporation}`,
          after: { raisedOrUpdated: raised.map((alert) => alert.id), resolved },
        },
      ]);
    }
  }
}
