import { PDFDocument, PDFName, rgb, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { extractPages, inspectDocument, loadShippedTemplate, readSheet, registerPage } from '../src/index.js';
import { applyHomography } from '../src/raster/geometry.js';

/**
 * A page that is not one image (vector drawing and text) goes through pdf.js and a canvas. This
 * sheet is drawn with pdf-lib: corner squares, the header box and codes in Helvetica at the
 * template's positions (PDF y grows upwards, hence the flips).
 */
async function vectorSheet(): Promise<Uint8Array> {
  const template = loadShippedTemplate('presidente-2026-2v');
  const doc = await PDFDocument.create();
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const { width, height } = template.page;
  for (let pageNumber = 1; pageNumber <= 2; pageNumber++) {
    const page = doc.addPage([width, height]);
    const { side, topLeft, topRight, bottomRight, bottomLeft } = template.fiducials;
    for (const corner of [topLeft, topRight, bottomRight, bottomLeft]) {
      page.drawRectangle({
        x: corner.x - side / 2,
        y: height - corner.y - side / 2,
        width: side,
        height: side,
        color: rgb(0, 0, 0),
      });
    }
    for (const rule of template.pages[pageNumber - 1]?.rules ?? []) {
      page.drawLine({
        start: { x: rule.x1, y: height - rule.y1 },
        end: { x: rule.x2, y: height - rule.y2 },
        thickness: 2,
      });
    }
    page.drawText('DEPARTAMENTO:', { x: 65, y: height - 408, size: 25, font: regular });
    const codes = { departamento: '25', municipio: '151', zona: '90', puesto: '03', mesa: '017' } as const;
    for (const [key, value] of Object.entries(codes) as [keyof typeof codes, string][]) {
      const region = template.regions[key];
      page.drawText(value, { x: region.x + 6, y: height - (region.y + region.height - 6), size: 25, font: bold });
    }
  }
  return doc.save();
}

describe('pages that are not a single image', () => {
  it('are rendered by pdf.js on a canvas at 150 DPI, without fetching anything, and registered', async () => {
    const bytes = await vectorSheet();
    const inspected = await inspectDocument(bytes);
    expect(inspected.pages.map((page) => page.plan.source)).toEqual(['render', 'render']);
    const [first] = await extractPages(bytes, inspected, { pages: [1] });
    expect(first?.raster.kind).toBe('gray');
    expect(first?.raster.width).toBe(Math.ceil((868 * 150) / 72));

    const reading = await readSheet(bytes, { templates: [loadShippedTemplate('presidente-2026-2v')], readQr: false });
    for (const page of reading.pages) {
      expect(page.source).toBe('render');
      expect(page.registration?.quality.fiducialsFound).toBe(4);
      expect(page.registration?.quality.ruleHits).toBeGreaterThan(0.9);
    }
    expect(reading.header.municipio.value).toBe('151');
    expect(reading.header.mesa.value).toBe('017');
  });
});

describe('scans stored as 8-bit gray or JPEG inside the PDF', () => {
  it('are taken as they are (no rendering) and registered', async () => {
    const { renderSheetPdf } = await import('../src/index.js');
    const { createRng } = await import('@castor/digit-recognizer');
    const sharp = (await import('sharp')).default;
    const presidente = loadShippedTemplate('presidente-2026-2v');
    const sheet = await renderSheetPdf(
      {
        schemaVersion: 2,
        electionCode: 'PRE-2026-2V',
        corporation: 'PRESIDENTE',
        copy: 'delegados',
        source: 'ocr',
        mesa: { departamento: '13', municipio: '021', zona: '02', puesto: '05', mesa: '009' },
        nivelacion: { sufragantes: 10, urna: 10, incinerados: 0 },
        votes: [
          { ballotNumber: 1, votes: 4 },
          { ballotNumber: 2, votes: 5 },
        ],
        listTotals: [],
        blancos: 1,
        nulos: 0,
        noMarcados: 0,
        sumaTotal: 10,
      },
      {},
      {},
      createRng('gray-jpeg'),
    );
    const page = sheet.referencePages[0];
    if (!page) throw new Error('no page');
    const doc = await PDFDocument.create();
    // Page 1: 8-bit DeviceGray, Flate. Page 2: the same page as a JPEG (DCTDecode).
    const gray = doc.context.flateStream(page.data, {
      Type: 'XObject',
      Subtype: 'Image',
      Width: page.width,
      Height: page.height,
      BitsPerComponent: 8,
      ColorSpace: 'DeviceGray',
    });
    const first = doc.addPage([page.width, page.height]);
    first.node.setXObject(PDFName.of('Im0'), doc.context.register(gray));
    first.node.set(
      PDFName.of('Contents'),
      doc.context.register(doc.context.flateStream(`q ${page.width} 0 0 ${page.height} 0 0 cm /Im0 Do Q`)),
    );
    const jpeg = await sharp(page.data, { raw: { width: page.width, height: page.height, channels: 1 } })
      .jpeg({ quality: 85 })
      .toBuffer();
    const embedded = await doc.embedJpg(jpeg);
    doc.addPage([page.width, page.height]).drawImage(embedded, { x: 0, y: 0, width: page.width, height: page.height });
    const bytes = await doc.save();

    const inspected = await inspectDocument(bytes);
    expect(inspected.pages.map((p) => p.plan)).toMatchObject([
      { source: 'embedded-image', bitsPerComponent: 8, filter: 'FlateDecode' },
      { source: 'embedded-image', filter: 'DCTDecode' },
    ]);
    const pages = await extractPages(bytes, inspected);
    expect(pages.map((p) => [p.raster.kind, p.raster.width, p.raster.height])).toEqual([
      ['gray', page.width, page.height],
      ['gray', page.width, page.height],
    ]);
    // Both pages show page 1 of the form: read each against page 1's layout.
    for (const extracted of pages) {
      const { quality, toImage } = registerPage(extracted.raster, presidente, 1);
      expect(quality.score).toBeGreaterThan(0.9);
      expect(applyHomography(toImage, 0, 0).x).toBeCloseTo(0, 0);
    }
  });
});
