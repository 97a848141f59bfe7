import { copySchema, corporationSchema, mesaKeySchema, RULE_IDS, type RuleId, ruleIdSchema } from '@castor/contracts';
import { z } from 'zod';
import type { InjectedFault } from './faults.js';

/** One alert a detector raised, reduced to what matching needs. */
export const detectionAlertSchema = z.object({
  rule: ruleIdSchema,
  mesaKey: mesaKeySchema,
  corporation: corporationSchema,
  copy: copySchema.optional(),
});
export type DetectionAlert = z.infer<typeof detectionAlertSchema>;

export interface RuleScore {
  /** Faults labelled with the rule that at least one alert of the rule matched. */
  truePositives: number;
  /** Distinct alerts of the rule that match no fault labelled with it. */
  falsePositives: number;
  /** Faults labelled with the rule that no alert of the rule matched. */
  falseNegatives: number;
  /** Distinct alerts of the rule that match some fault (duplicates of one fault all count). */
  matchedAlerts: number;
  /** truePositives / (truePositives + falseNegatives); null when no fault carries the rule. */
  recall: number | null;
  /** matchedAlerts / (matchedAlerts + falsePositives); null when the rule raised nothing. */
  precision: number | null;
}

/**
 * Scores a detector's alerts against the injected faults, per rule.
 *
 * An alert matches a fault when all of these hold:
 * - the alert's rule is one of the fault's `rules`;
 * - same corporation;
 * - the alert's mesaKey is the fault's mesaKey or one of its `relatedMesaKeys` (for
 *   identical_vectors both mesas of the pair are right to flag);
 * - copy: when both the alert and the fault name a copy they must be the same, except for the
 *   copies_differ rule, whose alert may name any copy of the pair (which copy is the odd one out
 *   cannot always be told). An alert without a copy, or a fault without one, matches any copy.
 *
 * Alerts are first deduplicated on (rule, mesaKey, corporation, copy). A fault counts once however
 * many alerts match it (truePositives), while precision is over distinct alerts, so a detector
 * that flags each of the three copies of a wrong sheet is not punished. Alerts of a rule on
 * honest data — including the genuinely high-turnout or one-sided mesas the generator plants, see
 * `MesaTruth.natural` — are false positives of that rule.
 */
export function scoreDetections(
  faults: Iterable<InjectedFault>,
  alerts: Iterable<DetectionAlert>,
): Record<RuleId, RuleScore> {
  const byMesa = new Map<string, InjectedFault[]>();
  const detected = new Set<string>();
  const labelled = new Map<RuleId, InjectedFault[]>();
  for (const fault of faults) {
    for (const rule of fault.rules) append(labelled, rule, fault);
    for (const mesaKey of [fault.mesaKey, ...(fault.relatedMesaKeys ?? [])]) {
      append(byMesa, `${mesaKey}|${fault.corporation}`, fault);
    }
  }

  const scores = Object.fromEntries(
    RULE_IDS.map((rule) => [
      rule,
      { truePositives: 0, falsePositives: 0, falseNegatives: 0, matchedAlerts: 0, recall: null, precision: null },
    ]),
  ) as Record<RuleId, RuleScore>;
  const seen = new Set<string>();
  for (const input of alerts) {
    const alert = detectionAlertSchema.parse(input);
    const identity = `${alert.rule}|${alert.mesaKey}|${alert.corporation}|${alert.copy ?? ''}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const matches = (byMesa.get(`${alert.mesaKey}|${alert.corporation}`) ?? []).filter(
      (fault) =>
        fault.rules.includes(alert.rule) &&
        (alert.rule === 'copies_differ' ||
          alert.copy === undefined ||
          fault.copy === undefined ||
          alert.copy === fault.copy),
    );
    const score = scores[alert.rule];
    if (matches.length === 0) {
      score.falsePositives++;
      continue;
    }
    score.matchedAlerts++;
    for (const fault of matches) detected.add(`${alert.rule}|${fault.id}`);
  }

  for (const rule of RULE_IDS) {
    const score = scores[rule];
    const faultsOfRule = labelled.get(rule) ?? [];
    score.truePositives = faultsOfRule.filter((fault) => detected.has(`${rule}|${fault.id}`)).length;
    score.falseNegatives = faultsOfRule.length - score.truePositives;
    score.recall = faultsOfRule.length > 0 ? score.truePositives / faultsOfRule.length : null;
    const raised = score.matchedAlerts + score.falsePositives;
    score.precision = raised > 0 ? score.matchedAlerts / raised : null;
  }
  return scores;
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
