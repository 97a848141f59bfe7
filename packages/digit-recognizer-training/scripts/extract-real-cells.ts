/**
 * Rebuilds fixtures/real-cells/ from the two real E-14 sheets: extracts page 1's embedded scan with
 * poppler's `pdfimages`, crops every value cell at the fixed coordinates below (found by looking
 * at the page images: the value column's inner borders and the row lines), and writes the crops
 * as PNG with their expected readings from labels.json.
 *
 *   pnpm --filter @castor/digit-recognizer-training exec tsx scripts/extract-real-cells.ts \
 *     [--pdfs packages/test-support/fixtures/e14/real] [--out fixtures/real-cells]
 *
 * These cells are for evaluation only: never train on them.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cropGrayImage, grayImageFromEncoded, grayImageToPng } from '@castor/digit-recognizer';
import { z } from 'zod';
import type { RealCellFixture } from '../src/real-cells.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    pdfs: { type: 'string', default: fileURLToPath(new URL('../../test-support/fixtures/e14/real', import.meta.url)) },
    out: { type: 'string', default: join(packageRoot, 'fixtures', 'real-cells') },
  },
});

/** Row tops of each value cell on page 1; every cell is as tall as a nivelación row (82 px). */
const CELL_HEIGHT = 82;
const SHEETS = [
  {
    pdf: '2026-presidente-anza.pdf',
    prefix: 'anza',
    x: 606,
    width: 217,
    rows: {
      e11: 637,
      urna: 720,
      incinerados: 803,
      'candidates.1': 1155,
      'candidates.2': 1553,
      blanco: 1831,
      nulos: 1913,
      no_marcados: 1995,
      suma_total: 2077,
    },
    overwritten: [] as string[],
  },
  {
    pdf: '2026-presidente-turbo-a.pdf',
    prefix: 'turbo-a',
    x: 602,
    width: 218,
    rows: {
      e11: 652,
      urna: 736,
      incinerados: 819,
      'candidates.1': 1168,
      'candidates.2': 1580,
      blanco: 1856,
      nulos: 1938,
      no_marcados: 2020,
      suma_total: 2102,
    },
    // labels.json: "both candidate values have an over-written first digit".
    overwritten: ['candidates.1', 'candidates.2'],
  },
];

const labelValue = z.union([z.number().int(), z.object({ value: z.number().int(), empty: z.boolean() })]);
const labelsSchema = z.record(
  z.string(),
  z.union([
    z.string(),
    z.object({
      values: z.object({
        e11: labelValue,
        urna: labelValue,
        incinerados: labelValue,
        candidates: z.record(z.string(), labelValue),
        blanco: labelValue,
        nulos: labelValue,
        no_marcados: labelValue,
        suma_total: labelValue,
      }),
    }),
  ]),
);

const labels = labelsSchema.parse(JSON.parse(readFileSync(join(args.pdfs, 'labels.json'), 'utf8')));
mkdirSync(args.out, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'real-cells-'));
const fixture: RealCellFixture = {
  about:
    'Value cells cropped from page 1 of the two real 2026 presidential E-14 sheets (public Registraduría scans, redistributed by an MIT-licensed observer repository), with the readings of labels.json. For evaluation only: never train on these.',
  cellHeight: CELL_HEIGHT,
  cells: [],
};
try {
  for (const sheet of SHEETS) {
    const entry = labels[sheet.pdf];
    if (!entry || typeof entry === 'string') throw new Error(`labels.json has no values for ${sheet.pdf}`);
    execFileSync('pdfimages', ['-png', '-f', '1', '-l', '1', join(args.pdfs, sheet.pdf), join(scratch, sheet.prefix)]);
    const page = await grayImageFromEncoded(join(scratch, `${sheet.prefix}-000.png`));
    for (const [field, y] of Object.entries(sheet.rows)) {
      const [group, key] = field.split('.');
      const values = entry.values;
      const label =
        group === 'candidates'
          ? values.candidates[key ?? '']
          : values[group as Exclude<keyof typeof values, 'candidates'>];
      if (label === undefined) throw new Error(`no label for ${field}`);
      const empty = typeof label === 'object' && label.empty;
      const value = typeof label === 'number' ? label : label.value;
      const file = `${sheet.prefix}-${field.replace('.', '-')}.png`;
      const box = { x: sheet.x, y, width: sheet.width, height: CELL_HEIGHT };
      writeFileSync(join(args.out, file), await grayImageToPng(cropGrayImage(page, box)));
      fixture.cells.push({
        sheet: sheet.pdf,
        field,
        page: 1,
        pageSize: { width: page.width, height: page.height },
        box,
        file,
        expected: empty ? { state: 'empty', value: 0 } : { state: 'read', value },
        overwritten: sheet.overwritten.includes(field),
      });
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
writeFileSync(join(args.out, 'cells.json'), `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`wrote ${fixture.cells.length} cells to ${args.out}`);
