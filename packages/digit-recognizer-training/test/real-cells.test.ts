import { describe, expect, it } from 'vitest';
import { loadRealCells } from '../src/index.js';

describe('real-cell fixtures', () => {
  it('hold every value cell of the four real sheets, cropped as recorded, with readings that add up', async () => {
    const cells = await loadRealCells();
    const bySheet = new Map<string, typeof cells>();
    for (const entry of cells) bySheet.set(entry.cell.sheet, [...(bySheet.get(entry.cell.sheet) ?? []), entry]);
    expect(Object.fromEntries([...bySheet].map(([sheet, sheetCells]) => [sheet, sheetCells.length]))).toEqual({
      '2026-presidente-anza.pdf': 9,
      '2026-presidente-turbo-a.pdf': 9,
      '2026-presidente-1v-consulado-barcelona-001.pdf': 20,
      '2026-presidente-1v-cucuta-009': 20,
    });
    for (const { cell, image } of cells) expect([image.width, image.height]).toEqual([cell.box.width, cell.box.height]);
    for (const [sheet, sheetCells] of bySheet) {
      const value = (field: string) => sheetCells.find(({ cell }) => cell.field === field)?.cell.expected.value ?? NaN;
      const parts = sheetCells
        .filter(({ cell }) => /^(candidates\.|blanco|nulos|no_marcados)/.test(cell.field))
        .reduce((sum, { cell }) => sum + cell.expected.value, 0);
      expect(parts, sheet).toBe(value('suma_total'));
      expect(value('urna') - value('incinerados'), sheet).toBe(value('suma_total'));
    }
  });

  it('expect a row of dots only as empty and a row of slashed zeros as the number 0', async () => {
    const cells = await loadRealCells();
    const expected = (file: string) => cells.find(({ cell }) => cell.file === file)?.cell.expected;
    expect(expected('cucuta-incinerados.png')).toEqual({ state: 'empty', value: 0 });
    expect(expected('barcelona-incinerados.png')).toEqual({ state: 'read', value: 0 });
    expect(expected('barcelona-candidates-2.png')).toEqual({ state: 'read', value: 0 });
    expect(expected('barcelona-candidates-11.png')).toEqual({ state: 'read', value: 7 });
  });
});
