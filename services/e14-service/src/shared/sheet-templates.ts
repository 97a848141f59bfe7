import type { Candidate, Corporation, MesaRef } from '@castor/contracts';
import {
  ballotBlocks,
  genericTemplate,
  loadShippedTemplate,
  PRESIDENTE_2026_TEMPLATE_IDS,
  type SheetTemplate,
} from '@castor/e14-sheets';
import { type ElectionCatalog, optionKey } from './election-catalog.js';

/** The vote rows a layout reads, as a comparable key ("votes.1,votes.2,..."). */
const voteRowsOf = (paths: readonly string[]) =>
  paths
    .filter((path) => path.startsWith('votes.'))
    .sort()
    .join(',');

/**
 * The layouts a mesa's sheet may have for a corporation, from the divipol's ballot: a Presidente
 * ballot whose rows are those of the published 2026 forms gets those layouts (first round: 13
 * candidates, second round: 2; each with the departamento header and the consulate's), and
 * `readSheet` chooses among them from what the page prints (barcode page count, header kind,
 * printed candidate numbers) and verifies the choice. Any other ballot gets the generic layout of
 * its rows (what @castor/e14-sheets draws and reads). Cached per ballot: a departamento shares one.
 */
export class TemplateResolver {
  private readonly cache = new Map<string, SheetTemplate[]>();
  private presidente: SheetTemplate[] | undefined;

  /**
   * Every published Presidente layout: the header, barcode and code regions of a departamento
   * form are those of every form, and the consulate forms print their codes elsewhere, so reading
   * the header of an unidentified sheet tries them all.
   */
  headerTemplates(): SheetTemplate[] {
    this.presidente ??= PRESIDENTE_2026_TEMPLATE_IDS.map((id) => loadShippedTemplate(id));
    return this.presidente;
  }

  /** The layouts `readSheet` chooses among for this mesa's sheet; null when the divipol has no ballot for it. */
  forMesa(catalog: ElectionCatalog, corporation: Corporation, mesa: MesaRef): SheetTemplate[] | null {
    const options = catalog.optionsFor(corporation, mesa.departamento, mesa.municipio);
    if (options.length === 0) return null;
    const ballot = options.map((option) => `${option.ballotNumber}-${option.candidateNumber ?? ''}`).join(',');
    const key = `${catalog.id}|${corporation}|${ballot}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const templates = (corporation === 'PRESIDENTE' &&
      this.publishedFor(
        options.map((option) => `votes.${optionKey(option.ballotNumber, option.candidateNumber)}`),
      )) || [this.genericFor(catalog, corporation, options)];
    this.cache.set(key, templates);
    return templates;
  }

  /** The published Presidente layouts reading exactly these vote rows; null when none does. */
  private publishedFor(votePaths: string[]): SheetTemplate[] | null {
    const rows = voteRowsOf(votePaths);
    const matching = this.headerTemplates().filter(
      (template) => voteRowsOf(template.cells.map((cell) => cell.field)) === rows,
    );
    return matching.length > 0 ? matching : null;
  }

  private genericFor(
    catalog: ElectionCatalog,
    corporation: Corporation,
    options: ReturnType<ElectionCatalog['optionsFor']>,
  ): SheetTemplate {
    const preferente = new Set(
      options.flatMap((option) =>
        option.listId !== null && catalog.lists.get(option.listId)?.preferente ? [option.ballotNumber] : [],
      ),
    );
    const candidates: Candidate[] = options.map((option) => ({
      corporation,
      circunscripcion: option.circunscripcion as Candidate['circunscripcion'],
      ballotNumber: option.ballotNumber,
      ...(option.candidateNumber === null ? {} : { candidateNumber: option.candidateNumber }),
      name: option.name,
      ...(option.party ? { party: option.party } : {}),
    }));
    const blocks = ballotBlocks(
      corporation,
      options.map((option) => ({
        ballotNumber: option.ballotNumber,
        ...(option.candidateNumber === null ? {} : { candidateNumber: option.candidateNumber }),
      })),
      [...preferente],
      candidates,
    );
    const rows = blocks.reduce((sum, block) => sum + block.rows.length, 0);
    return genericTemplate(`generic-${corporation.toLowerCase()}-${blocks.length}b-${rows}r`, corporation, blocks);
  }
}
