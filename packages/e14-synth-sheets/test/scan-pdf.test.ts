import { inspectDocument } from '@castor/e14-sheets';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { imagesToPdf } from '../src/index.js';

describe('imagesToPdf', () => {
  it('assembles the 300-dpi renders of the Cúcuta sheet into one PDF, 1 bit a pixel and page size as printed', async () => {
    const pdf = await imagesToPdf(
      ['page1', 'page2'].map((page) => `${E14_REAL_DIR}/2026-presidente-1v-cucuta-009-${page}.png`),
      300,
    );
    const inspected = await inspectDocument(pdf);
    expect(inspected.pageCount).toBe(2);
    for (const page of inspected.pages) {
      // Bilevel renders stay bilevel: 1 bit a pixel, well inside the service's decoding budget.
      expect(page.plan).toMatchObject({ source: 'embedded-image', bitsPerComponent: 1, width: 3600 });
    }
    const document = await PDFDocument.load(pdf);
    // 3600 pixels at 300 dpi: 12 inches, 864 points, as the published 72-dpi scans measure.
    expect(document.getPage(0).getWidth()).toBeCloseTo(864);
  });
});
