import { RULE_IDS, ruleConfigSchema } from '@castor/contracts';
import { effectiveRules, RULES } from '../../domain/rule-catalog.js';
import type { ElectionCatalog } from '../../shared/election-catalog.js';

/** The documented rules with the configuration in force for each corporation of the election. */
export function describeRules(catalog: ElectionCatalog) {
  const corporations = [...catalog.corporations.entries()];
  const electionWide = effectiveRules(catalog.electionRuleConfig, {});
  return {
    electionCode: catalog.code,
    election: ruleConfigSchema.parse(catalog.electionRuleConfig ?? {}),
    corporations: Object.fromEntries(
      corporations.map(([corporation, entry]) => [corporation, ruleConfigSchema.parse(entry.config ?? {})]),
    ),
    effectiveParams: Object.fromEntries(corporations.map(([corporation, entry]) => [corporation, entry.rules.params])),
    // Election-wide state; a corporation's own configuration may override it (see `corporations`).
    rules: RULE_IDS.map((id) => ({
      ...RULES[id],
      enabled: electionWide.enabled(id),
      effectiveSeverity: electionWide.severity(id),
    })),
  };
}
