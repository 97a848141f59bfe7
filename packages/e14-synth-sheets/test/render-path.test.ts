import { applyHomography, extractPages, inspectDocument, loadShippedTemplate, registerPage } from '@castor/e14-sheets';
import { createRng } from '@castor/seeded-random';
import { PDFDocument, PDFName } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderSheetPdf } from '../src/index.js';

describe('scans stored as 8-bit gray or JPEG inside the PDF', () => {
  it('are taken as they are (no rendering) and registered', async () => {
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
