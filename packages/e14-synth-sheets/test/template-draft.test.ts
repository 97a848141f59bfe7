import { draftTemplate, type TemplateRect } from '@castor/e14-sheets';
import { createRng } from '@castor/seeded-random';
import { intersectionOverUnion } from '@castor/test-support';
import { describe, expect, it } from 'vitest';
import { renderSheetPdf } from '../src/index.js';

describe('template:draft', () => {
  it('drafts the rows of a rendered multi-page list sheet', async () => {
    const submission = {
      schemaVersion: 2 as const,
      electionCode: 'TER-2027',
      corporation: 'CONCEJO' as const,
      copy: 'delegados' as const,
      source: 'ocr' as const,
      mesa: { departamento: '05', municipio: '001', zona: '01', puesto: '02', mesa: '003' },
      nivelacion: { sufragantes: 150, urna: 150, incinerados: 0 },
      votes: [
        { ballotNumber: 1, votes: 10 },
        ...Array.from({ length: 26 }, (_, i) => ({
          ballotNumber: 2,
          candidateNumber: i === 0 ? 0 : 100 + i,
          votes: i,
        })),
      ],
      listTotals: [{ ballotNumber: 2, total: 99 }],
      blancos: 1,
      nulos: 2,
      noMarcados: 3,
      sumaTotal: 150,
    };
    const sheet = await renderSheetPdf(submission, {}, { maxRotationDeg: 1 }, createRng('draft'));
    const draft = await draftTemplate(sheet.pdf, { id: 'concejo-draft', corporation: 'CONCEJO' });
    expect(draft.pageCount).toBe(sheet.template.pageCount);
    // The draft's frame is the sample scan's own (shifted, scaled); its corner squares relate the two.
    const { fiducials: ours } = draft;
    const { fiducials: theirs } = sheet.template;
    const sx = (theirs.topRight.x - theirs.topLeft.x) / (ours.topRight.x - ours.topLeft.x);
    const sy = (theirs.bottomLeft.y - theirs.topLeft.y) / (ours.bottomLeft.y - ours.topLeft.y);
    const toTemplate = (rect: TemplateRect): TemplateRect => ({
      x: theirs.topLeft.x + (rect.x - ours.topLeft.x) * sx,
      y: theirs.topLeft.y + (rect.y - ours.topLeft.y) * sy,
      width: rect.width * sx,
      height: rect.height * sy,
    });
    let found = 0;
    for (const cell of sheet.template.cells) {
      if (
        draft.cells.some(
          (drafted) => drafted.page === cell.page && intersectionOverUnion(toTemplate(drafted.rect), cell.rect) > 0.6,
        )
      )
        found++;
    }
    expect(found / sheet.template.cells.length).toBeGreaterThan(0.9);
  });
});
