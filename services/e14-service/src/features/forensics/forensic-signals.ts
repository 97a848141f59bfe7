import type { RuleId, RuleParams } from '@castor/contracts';
import type { mesas, reconciliations } from '../../db/schema/index.js';
import { lastDigitTest, median, robustZ, secondDigitTest } from '../../domain/forensic-stats.js';
import { type EffectiveRules, RULES } from '../../domain/rule-catalog.js';
import type { NewAlert } from '../../shared/alert-store.js';

/** The reconciled numbers of one mesa that the signals read; a vote left empty on every copy is null. */
export type MesaTruth = Pick<
  typeof reconciliations.$inferSelect,
  'mesaId' | 'sufragantes' | 'blancos' | 'nulos' | 'noMarcados' | 'candidateIds'
> &
  Pick<typeof mesas.$inferSelect, 'mesaKey' | 'habilitados'> & { votes: Array<number | null> };

type Signal = Omit<NewAlert, 'electionId' | 'corporation' | 'municipioId' | 'ruleVersion' | 'formId' | 'copy'>;

/** What every signal of one municipio and corporation needs: the rule parameters and the dedupe key. */
interface SignalContext {
  params: RuleParams;
  key: (rule: RuleId, subject: string | number) => string;
}

/** The mesas with a turnout (habilitados and E-11 known), and each one's turnout τ = E-11 / H. */
interface Turnouts {
  withTurnout: MesaTruth[];
  turnout: Map<number, number>;
}

type ZScores = Map<number, { puesto: number | null; municipio: number | null }>;

/** The "DD-MMM-ZZ-PP" puesto of a mesa key. */
const puestoOf = (mesaKey: string) => mesaKey.slice(0, 12);

function byPuesto(mesas: readonly MesaTruth[]): Map<string, MesaTruth[]> {
  const groups = new Map<string, MesaTruth[]>();
  for (const mesa of mesas) {
    const puesto = puestoOf(mesa.mesaKey);
    groups.set(puesto, [...(groups.get(puesto) ?? []), mesa]);
  }
  return groups;
}

/**
 * Robust z of each mesa's turnout within its puesto and within the municipio. A z-score counts
 * only where the mesa is also far from the group's median in absolute terms.
 */
function turnoutZScores(
  { withTurnout, turnout }: Turnouts,
  puestos: ReadonlyMap<string, MesaTruth[]>,
  params: RuleParams,
): ZScores {
  const significant = (values: readonly number[]) => {
    const center = median(values);
    return robustZ(values).map((z, index) =>
      z !== null && Math.abs((values[index] ?? center) - center) >= params.turnoutMinDeviation ? z : null,
    );
  };
  const zScores: ZScores = new Map();
  const municipioZ =
    withTurnout.length >= params.minGroupForZ
      ? significant(withTurnout.map((mesa) => turnout.get(mesa.mesaId) ?? 0))
      : [];
  withTurnout.forEach((mesa, index) => {
    zScores.set(mesa.mesaId, { puesto: null, municipio: municipioZ[index] ?? null });
  });
  for (const group of puestos.values()) {
    const members = group.filter((mesa) => turnout.has(mesa.mesaId));
    if (members.length < params.minGroupForZ) continue;
    significant(members.map((mesa) => turnout.get(mesa.mesaId) ?? 0)).forEach((z, index) => {
      const mesa = members[index];
      const entry = mesa && zScores.get(mesa.mesaId);
      if (entry) entry.puesto = z;
    });
  }
  return zScores;
}

/** Turnout: absolute thresholds, and robust z within the puesto and within the municipio. */
function turnoutOutliers({ params, key }: SignalContext, { withTurnout, turnout }: Turnouts, zScores: ZScores) {
  const signals: Signal[] = [];
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
  return signals;
}

/** One option with nearly every vote in a high-turnout mesa. */
function oneCandidateMesas({ params, key }: SignalContext, { withTurnout, turnout }: Turnouts) {
  const signals: Signal[] = [];
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
  return signals;
}

/** The mesas of one puesto grouped by their full vote vector (candidates, blancos, nulos, no marcados). */
function byVoteVector(group: readonly MesaTruth[], params: RuleParams): Map<string, MesaTruth[]> {
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
  return byVector;
}

/** Identical vote vectors within a puesto. */
function identicalVectors({ params, key }: SignalContext, puestos: ReadonlyMap<string, MesaTruth[]>) {
  const signals: Signal[] = [];
  for (const group of puestos.values()) {
    for (const twins of byVoteVector(group, params).values()) {
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
  return signals;
}

/**
 * The option totals ≥ `digitMinCount` of every mesa of the municipio: candidates, or whole lists
 * (the printed TOTAL), not a list's small preferential rows, whose digits are not uniform by nature.
 */
function optionCounts(
  mesas: readonly MesaTruth[],
  optionOf: (candidateId: number) => number,
  params: RuleParams,
): number[] {
  return mesas.flatMap((mesa) => {
    const totals = new Map<number, number>();
    mesa.candidateIds.forEach((candidateId, index) => {
      const option = optionOf(candidateId);
      totals.set(option, (totals.get(option) ?? 0) + (mesa.votes[index] ?? 0));
    });
    return [...totals.values()].filter((value) => value >= params.digitMinCount);
  });
}

/** Second-digit (Benford) and last-digit tests over the municipio's option totals. */
function digitTests(
  { params, key }: SignalContext,
  municipioCode: string,
  mesas: readonly MesaTruth[],
  optionOf: (candidateId: number) => number,
) {
  const counts = optionCounts(mesas, optionOf, params);
  const signals: Signal[] = [];
  const municipioSignal = (
    rule: 'benford_second_digit' | 'last_digit',
    message: string,
    numbers: Signal['numbers'],
    observed: unknown,
  ) =>
    signals.push({
      rule,
      severity: RULES[rule].severity,
      dedupeKey: key(rule, municipioCode),
      territory: municipioCode,
      mesaId: null,
      message,
      numbers,
      evidence: { detail: { observed } },
    });
  const benford = counts.length >= params.benfordMinSample ? secondDigitTest(counts) : null;
  if (benford && benford.chiSquare > params.chiSquareCritical)
    municipioSignal(
      'benford_second_digit',
      `Municipio ${municipioCode}: second digits of ${benford.n} counts depart from Benford (χ² ${benford.chiSquare.toFixed(1)} > ${params.chiSquareCritical}); weak evidence alone`,
      { chiSquare: benford.chiSquare, n: benford.n, critical: params.chiSquareCritical },
      benford.observed,
    );
  const lastDigit = counts.length >= params.lastDigitMinSample ? lastDigitTest(counts) : null;
  if (lastDigit && lastDigit.chiSquare > params.chiSquareCritical)
    municipioSignal(
      'last_digit',
      `Municipio ${municipioCode}: last digits of ${lastDigit.n} counts are not uniform (χ² ${lastDigit.chiSquare.toFixed(1)} > ${params.chiSquareCritical})`,
      {
        chiSquare: lastDigit.chiSquare,
        n: lastDigit.n,
        repeatedPairRate: lastDigit.repeatedPairRate,
        adjacentPairRate: lastDigit.adjacentPairRate,
      },
      lastDigit.observed,
    );
  return {
    signals,
    benford: benford ?? { n: counts.length, insufficient: true },
    lastDigit: lastDigit ?? { n: counts.length, insufficient: true },
  };
}

/**
 * The cross-mesa signals of one municipio (docs/e14.md "Forensic signals"), as alerts plus the
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
  const context: SignalContext = {
    params: rules.params,
    key: (rule, subject) => `${rule}:${subject}:${corporation}`,
  };
  const withTurnout = mesas.filter((mesa) => mesa.habilitados > 0 && mesa.sufragantes !== null);
  const turnouts: Turnouts = {
    withTurnout,
    turnout: new Map(withTurnout.map((mesa) => [mesa.mesaId, (mesa.sufragantes ?? 0) / mesa.habilitados])),
  };
  const puestos = byPuesto(mesas);
  const digits = digitTests(context, municipioCode, mesas, optionOf);
  const signals = [
    ...turnoutOutliers(context, turnouts, turnoutZScores(turnouts, puestos, context.params)),
    ...oneCandidateMesas(context, turnouts),
    ...identicalVectors(context, puestos),
    ...digits.signals,
  ];
  const enabled = signals.filter((signal) => rules.enabled(signal.rule));
  return {
    signals: enabled.map((signal) => ({ ...signal, severity: rules.severity(signal.rule, signal.severity) })),
    stats: { mesas: mesas.length, benford: digits.benford, lastDigit: digits.lastDigit },
  };
}
