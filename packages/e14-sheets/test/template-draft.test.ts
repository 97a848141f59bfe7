import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { intersectionOverUnion } from '@castor/test-support';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import { describe, expect, it } from 'vitest';
import { loadShippedTemplate, parseTemplate } from '../src/index.js';
import { draftTemplate } from '../src/template/draft.js';

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
      const best = Math.max(...draft.cells.map((drafted) => intersectionOverUnion(drafted.rect, cell.rect)));
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
});
