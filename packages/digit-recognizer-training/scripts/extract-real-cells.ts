/**
 * Rebuilds fixtures/real-cells/ from the real E-14 sheets: the second-round sheets of Anzá and
 * Turbo (page 1's embedded scan, extracted with poppler's `pdfimages`) and the first-round sheets
 * of the Barcelona consulate (pages 1–2 of its PDF, likewise) and Cúcuta 25-001-06-06-009 (two
 * 300-dpi page PNGs). Every value cell is cropped at the fixed page coordinates below, found by
 * looking at the page images: the value column's inner borders, the table rows' lines, and for a
 * candidate row a band as tall as the template's cell (96 frame pixels) centred in the candidate's
 * box. The crops are written as PNG with their expected readings from labels.json and
 * labels-first-round.json.
 *
 *   pnpm --filter @castor/digit-recognizer-training exec tsx scripts/extract-real-cells.ts \
 *     [--pdfs <folder with the sheets and labels.json, labels-first-round.json>] [--out fixtures/real-cells]
 *
 * These cells are for evaluation only: never train on them.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type Box,
  cropGrayImage,
  type GrayImage,
  grayImageFromEncoded,
  grayImageToPng,
} from '@castor/digit-recognizer';
import { z } from 'zod';
import type { RealCell, RealCellFixture } from '../src/real-cells.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    pdfs: { type: 'string', default: fileURLToPath(new URL('../../test-support/fixtures/e14/real', import.meta.url)) },
    out: { type: 'string', default: join(packageRoot, 'fixtures', 'real-cells') },
  },
});

/** Where a page comes from: the scan embedded in a PDF page, or a page image. */
type PageSource = { pdf: string; page: number } | { png: string; page: number };

interface SheetCrops {
  /** The labels file and the sheet's key in it. */
  labels: 'labels.json' | 'labels-first-round.json';
  key: string;
  prefix: string;
  pages: { source: PageSource; cells: Record<string, Box> }[];
  /** Fields written over a corrected digit. */
  overwritten: string[];
}

/** Cells of one value column: the same x and width, each row's top and height. */
function column(x: number, width: number, rows: Record<string, [y: number, height: number]>): Record<string, Box> {
  return Object.fromEntries(Object.entries(rows).map(([field, [y, height]]) => [field, { x, y, width, height }]));
}

/** The second-round rows, all as tall as a nivelación row (82 px). */
const secondRound = (rows: Record<string, number>) =>
  Object.fromEntries(Object.entries(rows).map(([field, y]) => [field, [y, 82] as [number, number]]));

const SHEETS: SheetCrops[] = [
  {
    labels: 'labels.json',
    key: '2026-presidente-anza.pdf',
    prefix: 'anza',
    pages: [
      {
        source: { pdf: '2026-presidente-anza.pdf', page: 1 },
        cells: column(
          606,
          217,
          secondRound({
            e11: 637,
            urna: 720,
            incinerados: 803,
            'candidates.1': 1155,
            'candidates.2': 1553,
            blanco: 1831,
            nulos: 1913,
            no_marcados: 1995,
            suma_total: 2077,
          }),
        ),
      },
    ],
    overwritten: [],
  },
  {
    labels: 'labels.json',
    key: '2026-presidente-turbo-a.pdf',
    prefix: 'turbo-a',
    pages: [
      {
        source: { pdf: '2026-presidente-turbo-a.pdf', page: 1 },
        cells: column(
          602,
          218,
          secondRound({
            e11: 652,
            urna: 736,
            incinerados: 819,
            'candidates.1': 1168,
            'candidates.2': 1580,
            blanco: 1856,
            nulos: 1938,
            no_marcados: 2020,
            suma_total: 2102,
          }),
        ),
      },
    ],
    // labels.json: "both candidate values have an over-written first digit".
    overwritten: ['candidates.1', 'candidates.2'],
  },
  {
    // 72-ppi scans (864 × 2604 and 868 × 2606): candidate boxes 205 px tall, cells 96 px.
    labels: 'labels-first-round.json',
    key: '2026-presidente-1v-consulado-barcelona-001.pdf',
    prefix: 'barcelona',
    pages: [
      {
        source: { pdf: '2026-presidente-1v-consulado-barcelona-001.pdf', page: 1 },
        cells: {
          ...column(603, 215, { e11: [630, 75], urna: [709, 60], incinerados: [772, 75] }),
          ...column(603, 215, {
            'candidates.1': [998, 96],
            'candidates.2': [1220, 96],
            'candidates.3': [1444, 96],
            'candidates.4': [1666, 96],
            'candidates.5': [1890, 96],
            'candidates.6': [2112, 96],
            'candidates.7': [2333, 96],
          }),
        },
      },
      {
        source: { pdf: '2026-presidente-1v-consulado-barcelona-001.pdf', page: 2 },
        cells: {
          ...column(604, 215, {
            'candidates.8': [697, 96],
            'candidates.9': [919, 96],
            'candidates.10': [1142, 96],
            'candidates.11': [1366, 96],
            'candidates.12': [1588, 96],
            'candidates.13': [1812, 96],
          }),
          ...column(607, 218, {
            blanco: [1998, 75],
            nulos: [2077, 59],
            no_marcados: [2139, 58],
            suma_total: [2201, 75],
          }),
        },
      },
    ],
    overwritten: [],
  },
  {
    // 300-dpi renders (3600 px wide, 4.15 times the 72-ppi frame): candidate boxes ~850 px tall, cells 398 px.
    labels: 'labels-first-round.json',
    key: '2026-presidente-1v-cucuta-009',
    prefix: 'cucuta',
    pages: [
      {
        source: { png: '2026-presidente-1v-cucuta-009-page1.png', page: 1 },
        cells: {
          ...column(2505, 902, { e11: [2597, 313], urna: [2926, 248], incinerados: [3188, 318] }),
          ...column(2505, 902, {
            'candidates.1': [4130, 398],
            'candidates.2': [5057, 398],
            'candidates.3': [5984, 398],
            'candidates.4': [6912, 398],
            'candidates.5': [7841, 398],
            'candidates.6': [8766, 398],
            'candidates.7': [9689, 398],
          }),
        },
      },
      {
        source: { png: '2026-presidente-1v-cucuta-009-page2.png', page: 2 },
        cells: {
          ...column(2530, 899, {
            'candidates.8': [2894, 398],
            'candidates.9': [3824, 398],
            'candidates.10': [4751, 398],
            'candidates.11': [5680, 398],
            'candidates.12': [6607, 398],
            'candidates.13': [7534, 398],
          }),
          ...column(2530, 902, {
            blanco: [8305, 315],
            nulos: [8630, 244],
            no_marcados: [8889, 252],
            suma_total: [9155, 315],
          }),
        },
      },
    ],
    overwritten: [],
  },
];

/**
 * A labelled value: a number, an empty row (second round: `empty`), or a row of filler marks only
 * (first round: `filler`). Dots alone read as an empty row; slashed zeros 'ØØØ' are three zeros,
 * which the recognizer reads as the number 0.
 */
const labelValue = z.union([
  z.number().int(),
  z.object({ value: z.literal(0), empty: z.literal(true) }),
  z.object({ value: z.literal(0), filler: z.enum(['dots', 'slashed-zeros']) }),
]);
type LabelValue = z.infer<typeof labelValue>;
const sheetLabels = z.object({
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
});
// Keys starting with '_' are notes about the file.
const labelsSchema = z.record(z.string(), z.union([z.string(), sheetLabels]));

function expectedReading(label: LabelValue): RealCell['expected'] {
  if (typeof label === 'number') return { state: 'read', value: label };
  if ('filler' in label && label.filler === 'slashed-zeros') return { state: 'read', value: 0 };
  return { state: 'empty', value: 0 };
}

const scratch = mkdtempSync(join(tmpdir(), 'real-cells-'));

async function loadPage(source: PageSource, prefix: string): Promise<GrayImage> {
  if ('png' in source) return grayImageFromEncoded(join(args.pdfs, source.png));
  const root = join(scratch, `${prefix}-${source.page}`);
  const page = String(source.page);
  execFileSync('pdfimages', ['-png', '-f', page, '-l', page, join(args.pdfs, source.pdf), root]);
  return grayImageFromEncoded(`${root}-000.png`);
}

mkdirSync(args.out, { recursive: true });
const fixture: RealCellFixture = {
  about:
    'Value cells cropped from the real 2026 presidential E-14 sheets (public Registraduría publications; the second-round scans redistributed by an MIT-licensed observer repository), with the readings of labels.json and labels-first-round.json. For evaluation only: never train on these.',
  cells: [],
};
try {
  for (const sheet of SHEETS) {
    const labels = labelsSchema.parse(JSON.parse(readFileSync(join(args.pdfs, sheet.labels), 'utf8')));
    const entry = labels[sheet.key];
    if (!entry || typeof entry === 'string') throw new Error(`${sheet.labels} has no values for ${sheet.key}`);
    for (const { source, cells } of sheet.pages) {
      const page = await loadPage(source, sheet.prefix);
      for (const [field, box] of Object.entries(cells)) {
        const [group, key] = field.split('.');
        const values = entry.values;
        const label =
          group === 'candidates'
            ? values.candidates[key ?? '']
            : values[group as Exclude<keyof typeof values, 'candidates'>];
        if (label === undefined) throw new Error(`no label for ${field}`);
        const file = `${sheet.prefix}-${field.replace('.', '-')}.png`;
        writeFileSync(join(args.out, file), await grayImageToPng(cropGrayImage(page, box)));
        fixture.cells.push({
          sheet: 'pdf' in source ? source.pdf : sheet.key,
          field,
          page: source.page,
          pageSize: { width: page.width, height: page.height },
          box,
          file,
          expected: expectedReading(label),
          overwritten: sheet.overwritten.includes(field),
        });
      }
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
writeFileSync(join(args.out, 'cells.json'), `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`wrote ${fixture.cells.length} cells to ${args.out}`);
