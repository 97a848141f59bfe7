import {
  type Corporation,
  corporationSchema,
  type DivipolDocument,
  type updateRulesRequestSchema,
} from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import type { z } from 'zod';
import type { ElectionCatalog, ElectionCatalogs } from '../../shared/election-catalog.js';
import { type DivipolImportResult, importDivipolDocument } from './divipol-import.js';
import type { ElectionSummary, ElectionsRepository } from './elections.repository.js';
import { describeRules } from './rules-config.js';

export interface ElectionsServiceDeps {
  repository: Pick<ElectionsRepository, 'list' | 'transaction'>;
  catalogs: Pick<ElectionCatalogs, 'get' | 'invalidate' | 'requireElection'>;
  /** What other features drop when an election's divipol changes (results caches); wired in app.ts. */
  onDivipolImported: (catalog: ElectionCatalog) => Promise<void>;
}

type RulesUpdate = z.output<typeof updateRulesRequestSchema>;

/** Divipol imports, the list of elections, and their rule configuration. */
export class ElectionsService {
  constructor(private readonly deps: ElectionsServiceDeps) {}

  list(): Promise<ElectionSummary[]> {
    return this.deps.repository.list();
  }

  async importDivipol(document: DivipolDocument, actor: string): Promise<DivipolImportResult> {
    const result = await importDivipolDocument(this.deps.repository, document, actor);
    this.deps.catalogs.invalidate(result.electionCode);
    const catalog = await this.deps.catalogs.get(result.electionCode);
    if (catalog) await this.deps.onDivipolImported(catalog);
    return result;
  }

  async rules(electionCode: string): Promise<ReturnType<typeof describeRules>> {
    return describeRules(await this.deps.catalogs.requireElection(electionCode));
  }

  /** Replaces the election-wide or one corporation's rule configuration, audited with before and after. */
  async updateRules(
    electionCode: string,
    request: RulesUpdate,
    actor: string,
  ): Promise<ReturnType<typeof describeRules>> {
    const catalog = await this.deps.catalogs.requireElection(electionCode);
    const corporation = request.corporation === undefined ? undefined : this.electedCorporation(catalog, request);
    await this.deps.repository.transaction(async (tx) => {
      const before =
        corporation === undefined
          ? await tx.replaceElectionRuleConfig(catalog.id, request.config)
          : await tx.replaceCorporationRuleConfig(catalog.id, corporation, request.config);
      await tx.audit([
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
    this.deps.catalogs.invalidate(catalog.code);
    return this.rules(catalog.code);
  }

  private electedCorporation(catalog: ElectionCatalog, request: RulesUpdate): Corporation {
    const corporation = corporationSchema.safeParse(request.corporation);
    if (!corporation.success || !catalog.corporations.has(corporation.data as Corporation)) {
      throw httpError('CORPORATION_NOT_IN_ELECTION', `${request.corporation} is not elected in ${catalog.code}`);
    }
    return corporation.data as Corporation;
  }
}
