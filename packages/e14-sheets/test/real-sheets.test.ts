import { readFileSync } from 'node:fs';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import { PDFDocument, PDFName } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  inspectDocument,
  loadShippedTemplate,
  readSheet,
  registerPage,
  type SheetReading,
  sheetToSubmission,
} from '../src/index.js';
import { extractPages } from '../src/intake/page-raster.js';
import { readCode39Digits } from '../src/reading/code39.js';

const REAL = E14_REAL_DIR;
const labelSchema = z.object({
  pages: z.number(),
  header: z.object({
    departamento: z.string(),
    municipio: z.string(),
    zona: z.string(),
    puesto: z.string(),
    mesa: z.string(),
  }),
  transmission_code: z.string(),
});
const labels = z.record(z.string(), z.unknown()).parse(JSON.parse(readFileSync(`${REAL}/labels.json`, 'utf8')));
const template = loadShippedTemplate('presidente-2026-2v');

const cases = [
  { file: '2026-presidente-anza.pdf', barcode: '710103222010102', kit: '010322' },
  { file: '2026-presidente-turbo-a.pdf', barcode: '710677782010102', kit: '067778' },
];

describe.each(cases)('real sheet $file', ({ file, barcode, kit }) => {
  const label = labelSchema.parse(labels[file]);
  let reading: SheetReading;
  it('registers every page against the Presidente 2026 template', async () => {
    reading = await readSheet(new Uint8Array(readFileSync(`${REAL}/${file}`)), {
      templates: [template],
      cropImages: true,
    });
    expect(reading.pageCount).toBe(label.pages);
    for (const page of reading.pages) {
      expect(page.error).toBeNull();
      expect(page.source).toBe('embedded-image');
      expect(page.registration?.quality.fiducialsFound).toBe(4);
      expect(page.registration?.quality.affineResidualPx).toBeLessThan(3);
      expect(page.registration?.quality.score).toBeGreaterThan(0.6);
    }
  });

  it('reads the barcode: corporation 1, the kit, the delegados copy, page n of 2', () => {
    expect(reading.barcode).toBe(barcode);
    const [first, second] = reading.pages;
    expect(first?.barcode?.parsed).toEqual({
      digits: barcode,
      corporationDigit: 1,
      kit,
      copyDigit: 2,
      copy: 'delegados',
      version: '01',
      page: 1,
      pageCount: 2,
    });
    expect(first?.barcode?.check).toEqual({ ok: true, problems: [] });
    // Read twice, independently: from the bars and from the digits printed under them.
    expect(first?.barcode?.source).toBe('bars+printed');
    expect(second?.barcode?.parsed).toMatchObject({ kit, page: 2, pageCount: 2 });
    expect(second?.barcode?.check?.ok).toBe(true);
  });

  it('reads the printed mesa codes and the transmission code of labels.json on every page', () => {
    for (const page of reading.pages) {
      expect(page.header?.departamento.value).toBe(label.header.departamento);
      expect(page.header?.municipio.value).toBe(label.header.municipio);
      expect(page.header?.zona.value).toBe(label.header.zona);
      expect(page.header?.puesto.value).toBe(label.header.puesto);
      expect(page.header?.mesa.value).toBe(label.header.mesa);
      expect(page.transmissionCode?.value).toBe(label.transmission_code);
    }
    expect(reading.header.municipio).toMatchObject({ value: label.header.municipio });
    expect(reading.transmissionCode.confidence).toBeGreaterThan(0.5);
  });

  it('keeps each page QR payload as an opaque identifier, different on every page', () => {
    const payloads = reading.pages.map((page) => page.qrPayload);
    for (const payload of payloads) expect(payload).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(new Set(payloads).size).toBe(payloads.length);
  });

  it('gives every template cell a crop reference with the document hash and a PNG crop', () => {
    expect(reading.fields.map((field) => field.field)).toEqual(template.cells.map((cell) => cell.field));
    for (const field of reading.fields) {
      expect(field.crop.documentHash).toBe(reading.documentHash);
      expect(field.cropPng?.subarray(1, 4)).toEqual(new Uint8Array([0x50, 0x4e, 0x47]));
    }
  });
});

describe('the Code 39 bars alone', () => {
  it.each(cases)('decode $barcode from the bars of $file, without the printed digits', async ({ file, barcode }) => {
    const bytes = new Uint8Array(readFileSync(`${REAL}/${file}`));
    const [page] = await extractPages(bytes, await inspectDocument(bytes), { pages: [1] });
    if (!page) throw new Error('no page');
    const { toImage } = registerPage(page.raster, template, 1);
    expect(readCode39Digits(page.raster, toImage, template.regions.barcode)?.text).toBe(barcode);
  });
});

describe('sheetToSubmission on a real sheet read without a recognizer', () => {
  it('maps header, barcode and transmission code, and sends every unread cell to review with its crop', async () => {
    const bytes = new Uint8Array(readFileSync(`${REAL}/2026-presidente-turbo-a.pdf`));
    const reading = await readSheet(bytes, { templates: [template], readQr: false });
    const { submission } = sheetToSubmission(reading, { electionCode: 'PRE-2026-2V' });
    expect(submission).toMatchObject({
      source: 'ocr',
      corporation: 'PRESIDENTE',
      copy: 'delegados',
      mesa: { departamento: '01', municipio: '280', zona: '03', puesto: '01', mesa: '001' },
      barcode: '710677782010102',
      transmissionCode: 'X 2-85-14-17 X',
      pageCount: 2,
      documentHash: reading.documentHash,
    });
    expect(submission.votes.map((vote) => vote.ballotNumber)).toEqual([1, 2]);
    expect(submission.nivelacion.urna).toMatchObject({
      state: 'illegible',
      value: null,
      confidence: 0,
      crop: { page: 1, documentHash: reading.documentHash },
    });
  });
});

describe('a page without corner squares', () => {
  it('is reported with PAGE_NOT_REGISTERED, its cells unread, and the other pages still read', async () => {
    const real = await PDFDocument.load(readFileSync(`${REAL}/2026-presidente-turbo-a.pdf`));
    // Page 2 replaced by a blank 1-bit scan of the same size: nothing to register against.
    const blank = real.context.flateStream(new Uint8Array(Math.ceil(868 / 8) * 2613).fill(0xff), {
      Type: 'XObject',
      Subtype: 'Image',
      Width: 868,
      Height: 2613,
      BitsPerComponent: 1,
      ColorSpace: 'DeviceGray',
    });
    const page = real.getPage(1);
    page.node.setXObject(PDFName.of('Im1'), real.context.register(blank));
    page.node.set(
      PDFName.of('Contents'),
      real.context.register(real.context.flateStream('q 871 0 0 2613 0 0 cm /Im1 Do Q')),
    );
    const reading = await readSheet(await real.save(), { templates: [template], readQr: false });
    expect(reading.pages[0]?.error).toBeNull();
    expect(reading.pages[1]?.error?.code).toBe('PAGE_NOT_REGISTERED');
    expect(reading.pages[1]?.registration).toBeNull();
    expect(reading.header.mesa.value).toBe('001');
  });
});
