import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { corporationSchema } from '@castor/contracts';
import { draftTemplate } from '../src/template/draft.js';

/**
 * pnpm --filter @castor/e14-sheets template:draft --pdf sample.pdf --out draft.json \
 *   [--id concejo-2027] [--corporation CONCEJO]
 */
const { values } = parseArgs({
  options: {
    pdf: { type: 'string' },
    out: { type: 'string' },
    id: { type: 'string', default: 'draft-template' },
    corporation: { type: 'string', default: 'PRESIDENTE' },
  },
});
if (!values.pdf || !values.out) {
  console.error(
    'usage: template:draft --pdf <sample.pdf> --out <draft.json> [--id <id>] [--corporation <CORPORACION>]',
  );
  process.exit(2);
}
const draft = await draftTemplate(new Uint8Array(readFileSync(values.pdf)), {
  id: values.id,
  corporation: corporationSchema.parse(values.corporation),
});
writeFileSync(values.out, `${JSON.stringify(draft, null, 2)}\n`);
console.log(
  `${draft.cells.length} value cells and ${draft.pages.reduce((sum, page) => sum + page.rules.length, 0)} rules on ${draft.pageCount} pages written to ${values.out}.`,
);
console.log(
  'Name each cell (field "?") with its E14Submission key, check the regions, then validate with parseTemplate().',
);
