import { describe, expect, it } from 'vitest';
import {
  consulateTemplate,
  FIELD_KEY_PATTERN,
  loadShippedTemplate,
  PRESIDENTE_2026_TEMPLATE_IDS,
  parseTemplate,
} from '../src/index.js';
import { PRESIDENTE_2026_REGULAR_IDS } from '../src/template/consulado.js';
import { DEMO_LAYOUTS, genericTemplate } from '../src/template/layout.js';

const SHIPPED = [...PRESIDENTE_2026_TEMPLATE_IDS, 'concejo-generic-demo', 'gobernador-generic-demo'];

describe('shipped templates', () => {
  it.each(SHIPPED)('%s is valid, with E14Submission field keys and cells inside the page', (id) => {
    const template = loadShippedTemplate(id);
    expect(template.id).toBe(id);
    for (const cell of template.cells) {
      expect(cell.field).toMatch(FIELD_KEY_PATTERN);
      expect(cell.rect.x + cell.rect.width).toBeLessThanOrEqual(template.page.width);
      expect(cell.rect.y + cell.rect.height).toBeLessThanOrEqual(template.page.height);
    }
    expect(template.pages.map((page) => page.pageNumber)).toEqual(
      Array.from({ length: template.pageCount }, (_, i) => i + 1),
    );
  });

  it.each(DEMO_LAYOUTS)('$id is exactly what the renderer lays out for its ballot', ({ id, corporation, blocks }) => {
    expect(loadShippedTemplate(id)).toEqual(
      parseTemplate(JSON.parse(JSON.stringify(genericTemplate(id, corporation, blocks)))),
    );
  });

  it.each(PRESIDENTE_2026_REGULAR_IDS)('%s-consulado is %s with the CONSULADO / PAÍS header', (id) => {
    expect(loadShippedTemplate(`${id}-consulado`)).toEqual(
      parseTemplate(JSON.parse(JSON.stringify(consulateTemplate(loadShippedTemplate(id))))),
    );
  });

  it.each(PRESIDENTE_2026_TEMPLATE_IDS)('%s prints a number for each candidate cell, beside its label', (id) => {
    const template = loadShippedTemplate(id);
    const printed = template.pages.flatMap((page) =>
      page.printedNumbers.map((number) => ({ page: page.pageNumber, text: number.text })),
    );
    const candidates = template.cells.filter((cell) => cell.field.startsWith('votes.'));
    expect(printed).toEqual(candidates.map((cell) => ({ page: cell.page, text: cell.field.slice('votes.'.length) })));
    for (const cell of template.cells) expect(cell.labelRect).toBeDefined();
  });

  it('rejects a template with an unknown field key or a cell past the page count', () => {
    const template = loadShippedTemplate('presidente-2026-2v');
    expect(() => parseTemplate({ ...template, cells: [{ ...template.cells[0], field: 'votes.abc' }] })).toThrow();
    expect(() => parseTemplate({ ...template, cells: [{ ...template.cells[0], page: 3 }] })).toThrow(/page 3 of 2/);
  });
});
