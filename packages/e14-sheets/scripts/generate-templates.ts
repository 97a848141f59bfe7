import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { consulateTemplate, PRESIDENTE_2026_REGULAR_IDS } from '../src/template/consulado.js';
import { DEMO_LAYOUTS, genericTemplate } from '../src/template/layout.js';
import { loadShippedTemplate } from '../src/template/load.js';
import type { SheetTemplate } from '../src/template/schema.js';

/**
 * Writes templates/<id>.json (pnpm templates:generate) for the generic layouts the renderer draws
 * and for the consulate variants of the measured Presidente layouts.
 */
const generated: SheetTemplate[] = [
  ...DEMO_LAYOUTS.map((layout) => genericTemplate(layout.id, layout.corporation, layout.blocks)),
  ...PRESIDENTE_2026_REGULAR_IDS.map((id) => consulateTemplate(loadShippedTemplate(id))),
];
for (const template of generated) {
  const path = fileURLToPath(new URL(`../templates/${template.id}.json`, import.meta.url));
  writeFileSync(path, `${JSON.stringify(template, null, 2)}\n`);
  console.log(`${path}: ${template.pageCount} pages, ${template.cells.length} cells`);
}
