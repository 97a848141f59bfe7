import {
  type Corporation,
  corporationSchema,
  RULE_IDS,
  ruleConfigSchema,
  type updateRulesRequestSchema,
} from '@castor/contracts';
import { unprocessable } from '@castor/service-kit';
import type pg from 'pg';
import type { z } from 'zod';
import { withTransaction } from '../../db/client.js';
import { effectiveRules, RULES } from '../../domain/rule-catalog.js';
import { appendAudit } from '../../shared/audit-chain.js';
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

export async function updateRuleConfig(
  pool: pg.Pool,
  catalog: ElectionCatalog,
  request: z.output<typeof updateRulesRequestSchema>,
  actor: string,
): Promise<void> {
  await withTransaction(pool, async (client) => {
    let before: unknown;
    if (request.corporation === undefined) {
      const previous = await client.query<{ rule_config: unknown }>(
        'SELECT rule_config FROM elections WHERE id = $1 FOR UPDATE',
        [catalog.id],
      );
      before = previous.rows[0]?.rule_config;
      await client.query('UPDATE elections SET rule_config = $2, updated_at = now() WHERE id = $1', [
        catalog.id,
        JSON.stringify(request.config),
      ]);
    } else {
      const corporation = corporationSchema.safeParse(request.corporation);
      if (!corporation.success || !catalog.corporations.has(corporation.data as Corporation)) {
        throw unprocessable('CORPORATION_NOT_IN_ELECTION', `${request.corporation} is not elected in ${catalog.code}`);
      }
      const previous = await client.query<{ rule_config: unknown }>(
        'SELECT rule_config FROM election_corporations WHERE election_id = $1 AND corporation = $2 FOR UPDATE',
        [catalog.id, corporation.data],
      );
      before = previous.rows[0]?.rule_config;
      await client.query(
        'UPDATE election_corporations SET rule_config = $3, updated_at = now() WHERE election_id = $1 AND corporation = $2',
        [catalog.id, corporation.data, JSON.stringify(request.config)],
      );
    }
    await appendAudit(client, [
      {
        actor,
        action: 'rules.configured',
        entity: 'election',
        entityId: request.corporation ? `${catalog.code}/${request.corporation}` : catalog.code,
        before,
        after: request.config,
      },
    ]);
  });
}
