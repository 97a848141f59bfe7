import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { extractPages, inspectDocument, loadShippedTemplate, readSheet } from '../src/index.js';

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
