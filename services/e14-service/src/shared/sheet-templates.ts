import type { Candidate, Corporation, MesaRef } from '@castor/contracts';
import { ballotBlocks, genericTemplate, loadShippedTemplate, type SheetTemplate } from '@castor/e14-sheets';
import type { ElectionCatalog } from './election-catalog.js';

const PRESIDENTE_2V = 'presidente-2026-2v';

/**
 * The layout of a mesa's sheet for a corporation, from the divipol's ballot: the Presidente
 * second round as published (shipped template), any other ballot the generic layout of its rows
 * (what @castor/e14-sheets draws and reads). Cached per ballot: a departamento shares one.
 */
export class TemplateResolver {
  private readonly cache = new Map<string, SheetTemplate>();
  private shipped: SheetTemplate | undefined;

  /** Any template: the header, barcode and code regions are the same on every layout. */
  headerTemplate(): SheetTemplate {
    this.shipped ??= loadShippedTemplate(PRESIDENTE_2V);
    return this.shipped;
  }

  forMesa(catalog: ElectionCatalog, corporation: Corporation, mesa: MesaRef): SheetTemplate | null {
    const options = catalog.optionsFor(corporation, mesa.departamento, mesa.municipio);
    if (options.length === 0) return null;
    const ballot = options.map((option) => `${option.ballotNumber}-${option.candidateNumber ?? ''}`).join(',');
    const key = `${catalog.id}|${corporation}|${ballot}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    let template: SheetTemplate;
    if (corporation === 'PRESIDENTE' && ballot === '1-,2-') template = this.headerTemplate();
    else {
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
      template = genericTemplate(
        `generic-${corporation.toLowerCase()}-${blocks.length}b-${rows}r`,
        corporation,
        blocks,
      );
    }
    this.cache.set(key, template);
    return template;
  }
}
