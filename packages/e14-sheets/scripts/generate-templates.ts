import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEMO_LAYOUTS, genericTemplate } from '../src/template/layout.js';

/** Writes templates/<id>.json for the generic layouts the renderer draws (pnpm templates:generate). */
for (const layout of DEMO_LAYOUTS) {
  const template = genericTemplate(layout.id, layout.corporation, layout.blocks);
  const path = fileURLToPath(new URL(`../templates/${layout.id}.json`, import.meta.url));
  writeFileSync(path, `${JSON.stringify(template, null, 2)}\n`);
  console.log(`${path}: ${template.pageCount} pages, ${template.cells.length} cells`);
}
