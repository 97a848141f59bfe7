import type { SheetTemplate } from './schema.js';

/**
 * Where a consulate's header prints its codes. "CONSULADO: 88" and "PAÍS: 355" have shorter
 * labels than "DEPARTAMENTO:" and "MUNICIPIO:", so the codes stand further left (measured on the
 * Barcelona scan); zona, puesto and mesa stay where they are.
 */
const CONSULADO_REGIONS = {
  departamento: { x: 227, y: 382, width: 36, height: 32 },
  municipio: { x: 126, y: 418, width: 52, height: 32 },
} as const;

/** The consulate variant of a layout: the same form with the CONSULADO / PAÍS header. */
export function consulateTemplate(template: SheetTemplate): SheetTemplate {
  return {
    ...template,
    id: `${template.id}-consulado`,
    description: `${template.description} Consulate variant: CONSULADO 88 and the PAÍS code in the municipio place.`,
    header: 'consulado',
    regions: { ...template.regions, ...CONSULADO_REGIONS },
  };
}

/** The measured Presidente 2026 layouts whose consulate variants are generated. */
export const PRESIDENTE_2026_REGULAR_IDS = ['presidente-2026-1v', 'presidente-2026-2v'] as const;

/** Every Presidente 2026 layout: both rounds, regular mesas and consulates. */
export const PRESIDENTE_2026_TEMPLATE_IDS = PRESIDENTE_2026_REGULAR_IDS.flatMap((id) => [id, `${id}-consulado`]);
