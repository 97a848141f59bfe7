import type { E14Submission } from '@castor/contracts';
import {
  applyHomography,
  findFiducials,
  inspectDocument,
  photoRaster,
  readSheet,
  type SheetReading,
  sheetToSubmission,
} from '@castor/e14-sheets';
import { createRng } from '@castor/seeded-random';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type RenderedSheet, renderSheetPdf, renderSheetPhoto } from '../src/index.js';
import { concejoVotes } from './concejo-votes.js';

const presidente: E14Submission = {
  schemaVersion: 2,
  electionCode: 'PRE-2026-2V',
  corporation: 'PRESIDENTE',
  copy: 'delegados',
  source: 'ocr',
  mesa: { departamento: '05', municipio: '123', zona: '04', puesto: '07', mesa: '012' },
  nivelacion: {
    sufragantes: 192,
    urna: 191,
    incinerados: { state: 'empty', value: 0, confidence: 1, overwritten: false },
  },
  votes: [
    { ballotNumber: 1, votes: 34 },
    { ballotNumber: 2, votes: 154 },
  ],
  listTotals: [],
  blancos: 2,
  nulos: { state: 'empty', value: 0, confidence: 1, overwritten: false },
  noMarcados: 1,
  sumaTotal: 191,
  transmissionCode: 'X 3-14-15-92 X',
};

/** A Concejo sheet: one list sin voto preferente and three con voto preferente, enough rows for several pages. */
function concejo(): E14Submission {
  return {
    ...presidente,
    electionCode: 'TER-2027',
    corporation: 'CONCEJO',
    copy: 'claveros',
    ...concejoVotes(12, (ballotNumber, candidate) => (ballotNumber * 7 + candidate * 3) % 40),
    transmissionCode: 'X 7-61-24-10 X',
  };
}

function inkCount(pixels: Uint8Array): number {
  let count = 0;
  for (const value of pixels) if (value < 128) count++;
  return count;
}

/** Share of the ink of one region that is also ink in the other (same size). */
function inkAgreement(a: Uint8Array, b: Uint8Array): number {
  let union = 0;
  let both = 0;
  for (let i = 0; i < a.length; i++) {
    const inkA = (a[i] as number) < 128;
    const inkB = (b[i] as number) < 128;
    if (inkA || inkB) union++;
    if (inkA && inkB) both++;
  }
  return union === 0 ? 1 : both / union;
}

function expectReadBack(sheet: RenderedSheet, reading: SheetReading): void {
  expect(reading.templateId).toBe(sheet.template.id);
  expect(reading.pageCount).toBe(sheet.template.pageCount);
  for (const page of reading.pages) {
    const truth = sheet.truth.pages[page.pageNumber - 1];
    expect(page.error).toBeNull();
    expect(page.registration?.quality.score).toBeGreaterThan(0.8);
    expect(page.barcode?.digits).toBe(truth?.barcode);
    expect(page.barcode?.check?.ok).toBe(true);
    expect(page.qrPayload).toBe(truth?.qrPayload);
    expect(page.transmissionCode?.value).toBe(sheet.truth.transmissionCode);
    expect(page.header?.departamento.value).toBe(sheet.truth.mesa.departamento);
    expect(page.header?.municipio.value).toBe(sheet.truth.mesa.municipio);
    expect(page.header?.zona.value).toBe(sheet.truth.mesa.zona);
    expect(page.header?.puesto.value).toBe(sheet.truth.mesa.puesto);
    expect(page.header?.mesa.value).toBe(sheet.truth.mesa.mesa);
  }
}

describe('synthetic sheets: render → read', () => {
  it('renders the Presidente 2026 form as published: one 1-bit image per page of about 868 × 2613', async () => {
    const sheet = await renderSheetPdf(
      presidente,
      { lugar: 'I.E ANZA', municipioName: 'ANZA' },
      {},
      createRng('shape'),
    );
    const inspected = await inspectDocument(sheet.pdf);
    expect(inspected.pageCount).toBe(2);
    for (const page of inspected.pages) {
      expect(page.plan).toMatchObject({ source: 'embedded-image', bitsPerComponent: 1, colorSpace: 'DeviceGray' });
      expect(Math.abs(page.plan.width - 868)).toBeLessThan(868 * 0.05);
      expect(Math.abs(page.plan.height - 2613)).toBeLessThan(2613 * 0.05);
    }
    expect(sheet.pdf.length).toBeLessThan(150_000);
    expect(sheet.truth.fields.map((field) => [field.field, field.value])).toEqual([
      ['nivelacion.sufragantes', 192],
      ['nivelacion.urna', 191],
      ['nivelacion.incinerados', 0],
      ['votes.1', 34],
      ['votes.2', 154],
      ['blancos', 2],
      ['nulos', 0],
      ['noMarcados', 1],
      ['sumaTotal', 191],
    ]);
  });

  it.each([
    { name: 'straight', seed: 'straight', options: { maxRotationDeg: 0, maxShiftPx: 0, scaleJitter: 0 } },
    { name: 'rotated and shifted', seed: 'rotated', options: { maxRotationDeg: 3, maxShiftPx: 20 } },
    { name: 'noisy', seed: 'noisy', options: { speckle: 0.003, dropout: 0.01, inkSpread: 0.4 } },
  ])(
    'reads back a $name Presidente sheet: barcode, QR, header, transmission code, cell crops',
    async ({ seed, options }) => {
      const sheet = await renderSheetPdf(presidente, {}, options, createRng(seed));
      const reading = await readSheet(sheet.pdf, { templates: [sheet.template] });
      expectReadBack(sheet, reading);
    },
  );

  it('reads back a multi-page Concejo sheet with listas con voto preferente', async () => {
    const submission = concejo();
    const sheet = await renderSheetPdf(submission, {}, {}, createRng('concejo'));
    expect(sheet.template.pageCount).toBeGreaterThanOrEqual(3);
    const fieldsOnPages = new Set(sheet.template.cells.map((cell) => cell.page));
    expect(fieldsOnPages.size).toBeGreaterThanOrEqual(2);
    expect(sheet.template.cells.map((cell) => cell.field)).toEqual(
      expect.arrayContaining(['votes.1', 'votes.2-0', 'votes.2-101', 'listTotals.2', 'votes.4-109', 'sumaTotal']),
    );
    const reading = await readSheet(sheet.pdf, { templates: [sheet.template] });
    expectReadBack(sheet, reading);
    expect(reading.corporation).toBe('CONCEJO');
    expect(reading.pages[0]?.barcode?.parsed).toMatchObject({
      corporationDigit: 4,
      copy: 'claveros',
      pageCount: sheet.template.pageCount,
    });
  });

  it('places every crop where the value was written, through rotation and scale', async () => {
    const sheet = await renderSheetPdf(presidente, {}, { maxRotationDeg: 3, maxShiftPx: 25 }, createRng('crops'));
    const reading = await readSheet(sheet.pdf, { templates: [sheet.template], cropImages: true });
    for (const field of reading.fields) {
      const truth = sheet.truth.pages[field.page - 1];
      const reference = sheet.referencePages[field.page - 1];
      if (!truth || !reference || !field.cropPng) throw new Error('missing page or crop');
      // The crop decoded back to pixels, against the same rectangle of the upright drawn page.
      const { data } = await sharp(field.cropPng).greyscale().raw().toBuffer({ resolveWithObject: true });
      const { x, y, width, height } = field.crop;
      const drawn = new Uint8Array(width * height);
      for (let row = 0; row < height; row++) {
        drawn.set(
          reference.data.subarray((y + row) * reference.width + x, (y + row) * reference.width + x + width),
          row * width,
        );
      }
      const crop = new Uint8Array(data);
      // A row left blank carries only scan specks; a written one shows the same strokes.
      if (inkCount(drawn) < 30) expect(inkCount(crop)).toBeLessThan(60);
      else expect(inkAgreement(crop, drawn)).toBeGreaterThan(0.8);
      // The registration agrees with the transform the renderer used, within 2.5 px at the cell.
      const registration = reading.pages[field.page - 1]?.registration;
      if (!registration) throw new Error('page not registered');
      const center = { x: x + width / 2, y: y + height / 2 };
      const expected = applyHomography(truth.toImage, center.x, center.y);
      const found = applyHomography(registration.toImage, center.x, center.y);
      expect(Math.hypot(found.x - expected.x, found.y - expected.y)).toBeLessThan(2.5);
    }
  });

  it('reads a JPEG photo of the sheet through adaptive binarisation and a perspective registration', async () => {
    const rng = createRng('photo');
    const sheet = await renderSheetPdf(presidente, {}, {}, rng);
    const photo = await renderSheetPhoto(sheet, rng);
    expect(photo.subarray(0, 3)).toEqual(new Uint8Array([0xff, 0xd8, 0xff]));
    const reading = await readSheet(photo, { templates: [sheet.template] });
    expect(reading.kind).toBe('jpeg');
    const [page] = reading.pages;
    expect(page?.source).toBe('photo');
    expect(page?.registration?.model).toBe('perspective');
    expect(page?.registration?.quality.ruleHits).toBeGreaterThan(0.85);
    expect(page?.barcode?.digits).toBe(sheet.truth.pages[0]?.barcode);
    expect(page?.header?.mesa.value).toBe(presidente.mesa.mesa);
    expect(page?.transmissionCode?.value).toBe(presidente.transmissionCode);
    expect(page?.barcode?.check?.ok).toBe(true);
    const { submission } = sheetToSubmission(reading, { electionCode: 'PRE-2026-2V', source: 'witness' });
    expect(submission).toMatchObject({ source: 'witness', mesa: presidente.mesa, copy: 'delegados', pageCount: 2 });
    expect(submission.votes.map((vote) => vote.ballotNumber)).toEqual([1, 2]);
  });

  it('registers a photo despite a dark square object on the table, nearer the corner than the sheet', async () => {
    const rng = createRng('photo-clutter');
    const sheet = await renderSheetPdf(presidente, {}, {}, rng);
    const photo = await renderSheetPhoto(sheet, rng);
    const { data, info } = await sharp(photo).greyscale().raw().toBuffer({ resolveWithObject: true });
    // A 40-pixel black square 15 pixels from the frame's top-left corner (a phone, a stamp pad...).
    for (let y = 15; y < 55; y++) data.fill(10, y * info.width + 15, y * info.width + 55);
    const cluttered = await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } })
      .jpeg()
      .toBuffer();
    // The trap is real: the most corner-like dark square at the top left is the object.
    const raster = await photoRaster(new Uint8Array(cluttered), 100_000_000);
    const scale = raster.width / info.width;
    const [topLeft] = findFiducials(raster, { expectedSide: (24 * raster.width) / 868 });
    expect(topLeft?.center.x).toBeCloseTo(35 * scale, -1);
    const reading = await readSheet(new Uint8Array(cluttered), { templates: [sheet.template] });
    const [page] = reading.pages;
    expect(page?.registration?.quality.score).toBeGreaterThan(0.85);
    expect(page?.header?.mesa.value).toBe(presidente.mesa.mesa);
  });

  it.each(['111', '114', '011'])(
    'reads mesa %s from a photo, where the feet of neighbouring 1s bleed together',
    async (mesa) => {
      const rng = createRng(`photo-mesa-${mesa}`);
      const submission = { ...presidente, mesa: { ...presidente.mesa, mesa, municipio: '110' } };
      const sheet = await renderSheetPdf(submission, {}, {}, rng);
      const reading = await readSheet(await renderSheetPhoto(sheet, rng), {
        templates: [sheet.template],
        readQr: false,
      });
      expect(reading.header.mesa.value).toBe(mesa);
      expect(reading.header.municipio.value).toBe('110');
    },
  );

  it('reads a photo of page 2 against the layout of page 2, as its barcode says', async () => {
    const rng = createRng('photo-2');
    const sheet = await renderSheetPdf(presidente, {}, {}, rng);
    const reading = await readSheet(await renderSheetPhoto(sheet, rng, 2), { templates: [sheet.template] });
    const [page] = reading.pages;
    expect(page?.formPage).toBe(2);
    expect(page?.barcode?.digits).toBe(sheet.truth.pages[1]?.barcode);
    expect(page?.barcode?.check).toEqual({ ok: true, problems: [] });
    expect(page?.registration?.quality.ruleHits).toBeGreaterThan(0.85);
    expect(reading.fields).toEqual([]);
  });
});
