import type { E14Submission } from '@castor/contracts';
import {
  applyHomography,
  loadLocalRecognizer,
  type ReadPage,
  readSheet,
  type SheetTemplate,
  sheetToSubmission,
} from '@castor/e14-sheets';
import { createRng } from '@castor/seeded-random';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type RenderedPhoto, renderSheetPdf, renderSheetPhotoWithTruth } from '../src/index.js';
import { submissionFields } from '../src/render-sheet.js';

const presidente: E14Submission = {
  schemaVersion: 2,
  electionCode: 'PRE-2026-2V',
  corporation: 'PRESIDENTE',
  copy: 'delegados',
  source: 'ocr',
  mesa: { departamento: '11', municipio: '001', zona: '02', puesto: '05', mesa: '017' },
  nivelacion: {
    sufragantes: 243,
    urna: 241,
    incinerados: { state: 'empty', value: 0, confidence: 1, overwritten: false },
  },
  votes: [
    { ballotNumber: 1, votes: 106 },
    { ballotNumber: 2, votes: 128 },
  ],
  listTotals: [],
  blancos: 4,
  nulos: 2,
  noMarcados: 1,
  sumaTotal: 241,
  transmissionCode: 'X 5-27-18-63 X',
};

/** A perspective registration that samples every cell where the renderer put it, within 2 px. */
function expectRegisteredLikeTheRenderer(page: ReadPage | undefined, template: SheetTemplate, photo: RenderedPhoto) {
  if (!page?.registration) throw new Error(`not registered: ${page?.error?.message}`);
  expect(page.registration.model).toBe('perspective');
  // A photo's perspective shows as squares far from any affine image of the template.
  expect(page.registration.quality.affineResidualPx).toBeGreaterThan(20);
  expect(page.registration.quality.score).toBeGreaterThan(0.85);
  // The photo is read reduced to 2,800 px on its long side.
  const scale = Math.min(1, 2_800 / Math.max(photo.width, photo.height));
  for (const cell of template.cells.filter((c) => c.page === 1)) {
    const center = { x: cell.rect.x + cell.rect.width / 2, y: cell.rect.y + cell.rect.height / 2 };
    const expected = applyHomography(photo.toImage, center.x, center.y);
    const found = applyHomography(page.registration.toImage, center.x, center.y);
    expect(Math.hypot(found.x - expected.x * scale, found.y - expected.y * scale)).toBeLessThan(2);
  }
}

describe('a phone photo taken at an angle', () => {
  it('is registered by perspective and its values read right or sent to review, never wrong', async () => {
    const rng = createRng('photo-perspective');
    const sheet = await renderSheetPdf(presidente, {}, {}, rng);
    // A phone's 3:4 frame, the far edge 24 % narrower than the near one (each of its corners 12 %
    // of the width inwards), the far side 6 % shorter, a shadow across it and a wood-grain table.
    const photo = await renderSheetPhotoWithTruth(sheet, rng, 1, {
      frame: 'phone',
      keystone: 0.12,
      sideKeystone: 0.06,
      cornerJitter: 0.01,
      gradient: 0.35,
      background: 'wood',
    });
    const reading = await readSheet(photo.jpeg, {
      templates: [sheet.template],
      recognizer: await loadLocalRecognizer(),
      readQr: false,
    });
    const [page] = reading.pages;
    expectRegisteredLikeTheRenderer(page, sheet.template, photo);
    expect(page?.header?.mesa.value).toBe(presidente.mesa.mesa);
    expect(page?.barcode?.digits).toBe(sheet.truth.pages[0]?.barcode);

    const { submission } = sheetToSubmission(reading, { electionCode: 'PRE-2026-2V', source: 'witness' });
    const read = submissionFields(submission);
    const wrong: string[] = [];
    let confident = 0;
    for (const truth of sheet.truth.fields) {
      const field = read.get(truth.field);
      if (!field) throw new Error(`${truth.field} missing from the submission`);
      if (field.confidence < 0.9) continue;
      confident++;
      if (field.value !== truth.value) wrong.push(`${truth.field}: read ${field.value}, written ${truth.value}`);
    }
    expect(wrong).toEqual([]);
    // Review is for the doubtful few, not the sheet.
    expect(confident).toBeGreaterThanOrEqual(sheet.truth.fields.length - 2);
  }, 30_000);

  it('is registered when the far corners move a fifth of the width inwards, squares drawn half as wide as high', async () => {
    const rng = createRng('photo-steep');
    const sheet = await renderSheetPdf(presidente, {}, {}, rng);
    const photo = await renderSheetPhotoWithTruth(sheet, rng, 1, {
      keystone: 0.2,
      sideKeystone: 0.1,
      cornerJitter: 0.01,
      gradient: 0.35,
      background: 'wood',
    });
    const reading = await readSheet(photo.jpeg, { templates: [sheet.template], readQr: false });
    expectRegisteredLikeTheRenderer(reading.pages[0], sheet.template, photo);
  }, 20_000);

  it('is refused as IMAGE_RESOLUTION_TOO_LOW when the form is drawn below half the 72-ppi scale', async () => {
    const rng = createRng('photo-small');
    const sheet = await renderSheetPdf(presidente, {}, {}, rng);
    const photo = await renderSheetPhotoWithTruth(sheet, rng, 1, { keystone: 0.05 });
    // A 448 × 1,320 capture: the form about 0.44 of its 72-ppi size.
    const small = await sharp(photo.jpeg)
      .resize({ height: Math.round(photo.height * 0.4) })
      .jpeg({ quality: 85 })
      .toBuffer();
    const reading = await readSheet(new Uint8Array(small), { templates: [sheet.template], readQr: false });
    expect(reading.pages[0]?.error?.code).toBe('IMAGE_RESOLUTION_TOO_LOW');
    expect(reading.pages[0]?.error?.message).toMatch(/at least 434 × 1,307 pixels/);
  }, 20_000);
});
