import { readFileSync } from 'node:fs';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import { type RealSheetLabels, realSheetLabels } from '@castor/test-support/real-sheets';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadShippedTemplate,
  PRESIDENTE_2026_TEMPLATE_IDS,
  PrintedDigitReader,
  readSheet,
  type SheetReading,
  type SheetTemplate,
} from '../src/index.js';

/**
 * The first-round sheets of 2026 (13 candidates, numbers on pages 1 and 2 of a 3-page form) read
 * with every Presidente layout offered: the template is chosen from what the page prints and
 * verified against it, and the pages are accounted for.
 */

const REAL = E14_REAL_DIR;
const labels = realSheetLabels('labels-first-round.json');
const PRESIDENTE = PRESIDENTE_2026_TEMPLATE_IDS.map((id) => loadShippedTemplate(id));

/** The Cúcuta sheet comes as two 300-dpi page images: one PDF of them, as a scanner would make. */
async function cucutaPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const page of [1, 2]) {
    const image = await doc.embedPng(readFileSync(`${REAL}/2026-presidente-1v-cucuta-009-page${page}.png`));
    const pdfPage = doc.addPage([(image.width * 72) / 300, (image.height * 72) / 300]);
    pdfPage.drawImage(image, { x: 0, y: 0, width: pdfPage.getWidth(), height: pdfPage.getHeight() });
  }
  return doc.save();
}

async function barcelonaPages(pages: number[]): Promise<Uint8Array> {
  const source = await PDFDocument.load(readFileSync(`${REAL}/2026-presidente-1v-consulado-barcelona-001.pdf`));
  const doc = await PDFDocument.create();
  for (const page of await doc.copyPages(source, pages)) doc.addPage(page);
  return doc.save();
}

const sheets = [
  {
    name: 'Barcelona consulate',
    label: '2026-presidente-1v-consulado-barcelona-001.pdf',
    bytes: () => barcelonaPages([0, 1]),
    templateId: 'presidente-2026-1v-consulado',
    copy: 'consul_embajador',
  },
  {
    name: 'Cúcuta 300-dpi pages',
    label: '2026-presidente-1v-cucuta-009',
    bytes: cucutaPdf,
    templateId: 'presidente-2026-1v',
    copy: 'delegados',
  },
];

describe.each(sheets)('first-round sheet: $name', ({ label: labelKey, bytes, templateId, copy }) => {
  const label = labels.get(labelKey) as RealSheetLabels;
  let reading: SheetReading;
  let template: SheetTemplate;
  beforeAll(async () => {
    reading = await readSheet(await bytes(), { templates: PRESIDENTE, readQr: false, cropImages: true });
    template = loadShippedTemplate(templateId);
  }, 60_000);

  it('is read with the first-round layout of its header kind, verified on both numbered pages', () => {
    expect(reading.templateId).toBe(templateId);
    expect(reading.templateVerified).toBe(true);
    expect(reading.layoutProblems).toEqual([]);
    expect(reading.pageAccounting).toEqual({ numberedPages: [1, 2], formPages: [1, 2], missing: [], duplicated: [] });
    for (const page of reading.pages) {
      expect(page.layoutCheck?.numbersFound).toBe(page.layoutCheck?.numbersExpected);
      expect(page.barcode?.parsed).toMatchObject({ page: page.formPage, pageCount: 3, copy });
      expect(page.barcode?.check).toEqual({ ok: true, problems: [] });
    }
  });

  it('reads the header of its kind: the mesa codes and transmission code of the labels', () => {
    expect(Object.fromEntries(Object.entries(reading.header).map(([key, code]) => [key, code.value]))).toEqual({
      departamento: label.header.departamento,
      municipio: label.header.municipio,
      zona: label.header.zona,
      puesto: label.header.puesto,
      mesa: label.header.mesa,
    });
    expect(reading.transmissionCode.value).toBe(label.transmission_code);
  });

  it('takes each candidate cell from the page that prints that candidate, next to its printed number', async () => {
    expect(reading.fields.map((field) => field.field)).toEqual(template.cells.map((cell) => cell.field));
    const printed = await PrintedDigitReader.create();
    for (const field of reading.fields) {
      const candidate = /^votes\.(\d+)$/.exec(field.field)?.[1];
      if (candidate) expect(field.page).toBe(Number(candidate) > 7 ? 2 : 1);
      expect(field.cropPng).toBeDefined();
      expect(field.labelCrop).toMatchObject({ page: field.page, documentHash: reading.documentHash });
      if (!candidate || !field.labelPng) continue;
      // The label crop the review desk shows holds the candidate's printed number, read back here.
      const cell = template.cells.find((c) => c.field === field.field);
      const number = template.pages.flatMap((page) => page.printedNumbers).find((entry) => entry.text === candidate);
      if (!cell?.labelRect || !number) throw new Error(`no label for ${field.field}`);
      const png = await sharp(field.labelPng)
        .extract({
          left: Math.round(number.rect.x - (cell.labelRect?.x ?? 0)),
          top: Math.round(number.rect.y - (cell.labelRect?.y ?? 0)),
          width: Math.round(number.rect.width),
          height: Math.round(number.rect.height),
        })
        // The printed-digit reader samples at two pixels a template unit; the crop is at one.
        .resize({ width: Math.round(number.rect.width) * 2, kernel: 'nearest' })
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const image = { width: png.info.width, height: png.info.height, data: new Uint8Array(png.data) };
      expect(printed.readImage(image, false).text).toBe(candidate);
    }
  });
});

describe('pages accounted for', () => {
  it('a one-page upload of the two-page sheet reads page 1 only and names page 2 missing', async () => {
    const reading = await readSheet(await barcelonaPages([0]), { templates: PRESIDENTE, readQr: false });
    expect(reading.templateId).toBe('presidente-2026-1v-consulado');
    expect(reading.pageAccounting).toEqual({ numberedPages: [1, 2], formPages: [1], missing: [2], duplicated: [] });
    expect(reading.fields.every((field) => field.page === 1)).toBe(true);
    expect(reading.fields.some((field) => field.field === 'votes.8' || field.field === 'sumaTotal')).toBe(false);
  }, 60_000);

  it('page 1 twice: page 1 is read once, page 1 named twice and page 2 missing', async () => {
    const reading = await readSheet(await barcelonaPages([0, 0]), { templates: PRESIDENTE, readQr: false });
    expect(reading.pageAccounting).toEqual({
      numberedPages: [1, 2],
      formPages: [1, 1],
      missing: [2],
      duplicated: [1],
    });
    const paths = reading.fields.map((field) => field.field);
    expect(new Set(paths).size).toBe(paths.length);
  }, 60_000);

  it('pages in the wrong order are each read as the page their barcode names', async () => {
    const reading = await readSheet(await barcelonaPages([1, 0]), { templates: PRESIDENTE, readQr: false });
    expect(reading.templateId).toBe('presidente-2026-1v-consulado');
    expect(reading.pageAccounting.formPages).toEqual([2, 1]);
    expect(reading.templateVerified).toBe(true);
    const votes8 = reading.fields.find((field) => field.field === 'votes.8');
    expect(votes8?.crop.page).toBe(1);
  }, 60_000);
});

describe('a template that does not fit', () => {
  it('the second-round layout offered alone for a first-round sheet: not verified, its boxes never read', async () => {
    const reading = await readSheet(await barcelonaPages([0, 1]), {
      templates: [loadShippedTemplate('presidente-2026-2v')],
      readQr: false,
      cropImages: true,
    });
    expect(reading.templateVerified).toBe(false);
    expect(reading.layoutProblems.join('; ')).toMatch(/page 1: printed candidate numbers not where the template puts/);
    expect(reading.fields).toEqual([]);
  }, 60_000);

  it('a page no layout registers on is reported as such, not thrown, as with a single template', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([868, 2613]);
    const reading = await readSheet(await doc.save(), { templates: PRESIDENTE, readQr: false });
    expect(reading.pages[0]?.error?.code).toBe('PAGE_NOT_REGISTERED');
    expect(reading.templateVerified).toBe(false);
    expect(reading.fields).toEqual([]);
  }, 60_000);

  it('a second-round sheet among every layout is read with the second-round one', async () => {
    const bytes = new Uint8Array(readFileSync(`${REAL}/2026-presidente-anza.pdf`));
    const reading = await readSheet(bytes, { templates: PRESIDENTE, readQr: false });
    expect(reading.templateId).toBe('presidente-2026-2v');
    expect(reading.templateVerified).toBe(true);
    expect(reading.pageAccounting).toEqual({ numberedPages: [1], formPages: [1, 2], missing: [], duplicated: [] });
  }, 60_000);
});
