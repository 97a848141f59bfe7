import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@castor/digit-recognizer';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import { describe, expect, it } from 'vitest';
import { loadShippedTemplate, parseTemplate, renderSheetPdf, type TemplateRect } from '../src/index.js';
import { draftTemplate } from '../src/template/draft.js';

function overlap(a: TemplateRect, b: TemplateRect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (width <= 0 || height <= 0) return 0;
  const shared = width * height;
  return shared / (a.width * a.height + b.width * b.height - shared);
}

describe('template:draft', () => {
  it('finds the corner squares and the seven boxed value cells of a real Presidente sheet', async () => {
    const shipped = loadShippedTemplate('presidente-2026-2v');
    const draft = await draftTemplate(new Uint8Array(readFileSync(join(E14_REAL_DIR, '2026-presidente-turbo-a.pdf'))), {
      id: 'presidente-draft',
      corporation: 'PRESIDENTE',
    });
    expect(draft.pageCount).toBe(2);
    expect(Math.abs(draft.fiducials.topLeft.x - shipped.fiducials.topLeft.x)).toBeLessThan(4);
    expect(Math.abs(draft.fiducials.bottomRight.y - shipped.fiducials.bottomRight.y)).toBeLessThan(4);
    // The candidate values have no printed box; the nivelación and closing rows do.
    const boxed = shipped.cells.filter((cell) => !cell.field.startsWith('votes.'));
    expect(draft.cells).toHaveLength(boxed.length);
    for (const cell of boxed) {
      const best = Math.max(...draft.cells.map((drafted) => overlap(drafted.rect, cell.rect)));
      expect(best).toBeGreaterThan(0.8);
    }
    expect(draft.pages[0]?.rules.length).toBeGreaterThan(10);
  });

  it('is refused as a template until every cell is named, and accepted once it is', async () => {
    const draft = await draftTemplate(new Uint8Array(readFileSync(join(E14_REAL_DIR, '2026-presidente-anza.pdf'))), {
      id: 'anza-draft',
      corporation: 'PRESIDENTE',
    });
    expect(() => parseTemplate(draft)).toThrow(/field key/);
    const names = [
      'nivelacion.sufragantes',
      'nivelacion.urna',
      'nivelacion.incinerados',
      'blancos',
      'nulos',
      'noMarcados',
      'sumaTotal',
    ];
    const named = { ...draft, cells: draft.cells.map((cell, i) => ({ ...cell, field: names[i] as string })) };
    expect(parseTemplate(named).cells.map((cell) => cell.field)).toEqual(names);
  });

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
        draft.cells.some((drafted) => drafted.page === cell.page && overlap(toTemplate(drafted.rect), cell.rect) > 0.6)
      )
        found++;
    }
    expect(found / sheet.template.cells.length).toBeGreaterThan(0.9);
  });
});
