import { describe, expect, it } from 'vitest';
import type { CellReading } from '../src/read-sheet.js';
import { decodeSheetArithmetic } from '../src/reading/arithmetic-decoding.js';
import { decodeWithRereads } from '../src/to-submission.js';

type Proposal = [number | 'empty', number];

/** A cell as the recognizer reads it: proposals with raw mass, the first at `confidence`. */
function cell(confidence: number, ...proposals: Proposal[]): CellReading {
  const [value] = proposals[0] as Proposal;
  return {
    state: confidence < 0.35 ? 'illegible' : value === 'empty' ? 'empty' : 'read',
    value: confidence < 0.35 ? null : value === 'empty' ? 0 : value,
    confidence,
    overwritten: false,
    alternatives: proposals.map(([v, probability]) => ({ value: v, probability })),
  };
}

/** A Presidente second-round sheet read with the confidences given, 2 candidates. */
function sheet(overrides: Record<string, CellReading | null> = {}) {
  const cells: Record<string, CellReading | null> = {
    'nivelacion.sufragantes': cell(0.97, [212, 0.95]),
    'nivelacion.urna': cell(0.97, [212, 0.95]),
    'nivelacion.incinerados': cell(0.99, ['empty', 0.99]),
    'votes.1': cell(0.97, [78, 0.95], [18, 0.03]),
    'votes.2': cell(0.97, [124, 0.95]),
    blancos: cell(0.97, [7, 0.95], [1, 0.02]),
    nulos: cell(0.99, ['empty', 0.99]),
    noMarcados: cell(0.97, [3, 0.95], [8, 0.03]),
    sumaTotal: cell(0.97, [212, 0.95]),
    ...overrides,
  };
  return new Map(Object.entries(cells));
}

describe('decodeSheetArithmetic', () => {
  it('raises the confidence of doubtful cells when the whole sheet adds up', () => {
    const decoded = decodeSheetArithmetic(sheet({ 'votes.2': cell(0.64, [124, 0.45], [924, 0.01]) }));
    const votes = decoded.get('votes.2');
    expect(votes?.value).toBe(124);
    expect(votes?.verified).toBe(true);
    expect(votes?.confidence).toBeGreaterThan(0.95);
    for (const field of decoded.values()) expect(field.confidence).toBeGreaterThan(0.95);
  });

  it('takes the second reading of a cell when only it makes the sums agree', () => {
    // 298 read for 248: the urna alone breaks suma total = urna − incinerados and the E-11.
    const decoded = decodeSheetArithmetic(
      sheet({
        'nivelacion.sufragantes': cell(0.99, [248, 0.99]),
        'nivelacion.urna': cell(0.8, [298, 0.6], [248, 0.2], [290, 0.09]),
        'votes.1': cell(0.99, [114, 0.99]),
        sumaTotal: cell(0.99, [248, 0.99]),
      }),
    );
    expect(decoded.get('nivelacion.urna')).toMatchObject({ value: 248, verified: true });
    expect(decoded.get('nivelacion.urna')?.confidence).toBeGreaterThan(0.95);
  });

  it('leans on a cell another check confirmed when a sum mends its neighbour', () => {
    // A 2 read 7 in nulos, and a suma total written faintly: the count vouches for the suma
    // total, which then leaves one doubtful cell in the rows' sum.
    const faint = { 'votes.1': cell(0.97, [76, 0.95]), sumaTotal: cell(0.6, [212, 0.4]) };
    const decoded = decodeSheetArithmetic(sheet({ ...faint, nulos: cell(0.92, [7, 0.78], [2, 0.12]) }));
    expect(decoded.get('sumaTotal')).toMatchObject({ value: 212, verified: true });
    expect(decoded.get('nulos')).toMatchObject({ value: 2, verified: true });
    // Without the count to vouch for it, the suma total is a second doubtful cell in that sum.
    const unconfirmedCount = decodeSheetArithmetic(
      sheet({ ...faint, 'nivelacion.urna': cell(0.6, [212, 0.4]), nulos: cell(0.92, [7, 0.78], [2, 0.12]) }),
    );
    expect(unconfirmedCount.get('nulos')).toMatchObject({ value: 7, verified: false });
  });

  it('does not trust the vote rows when they do not add up and no proposal mends them', () => {
    // 867 read for 167, nothing else proposed: the suma total still equals the urna.
    const decoded = decodeSheetArithmetic(
      sheet({ 'votes.1': cell(0.99, [78, 0.99]), 'votes.2': cell(0.97, [824, 0.97]) }),
    );
    for (const path of ['votes.1', 'votes.2', 'blancos', 'nulos', 'noMarcados']) {
      expect(decoded.get(path)?.verified, path).toBe(false);
      expect(decoded.get(path)?.confidence, path).toBeLessThanOrEqual(0.5);
    }
    expect(decoded.get('votes.2')?.value).toBe(824);
    expect(decoded.get('sumaTotal')).toMatchObject({ value: 212, verified: true });
    expect(decoded.get('nivelacion.urna')?.verified).toBe(true);
  });

  it("keeps a jurado's arithmetic mistake as written instead of correcting it", () => {
    // Every cell read with certainty, the rows one vote short of the suma total.
    const decoded = decodeSheetArithmetic(
      sheet({ 'votes.1': cell(0.995, [77, 0.995], [78, 0.002]), noMarcados: cell(0.995, [3, 0.995]) }),
    );
    expect(decoded.get('votes.1')?.value).toBe(77);
    expect(decoded.get('votes.1')?.verified).toBe(false);
    expect(decoded.get('votes.1')?.confidence).toBeLessThanOrEqual(0.5);
  });

  it('leaves the rows unconfirmed when one of them is illegible', () => {
    const decoded = decodeSheetArithmetic(sheet({ 'votes.1': cell(0.1, [18, 0.3], [13, 0.2]) }));
    expect(decoded.get('blancos')?.verified).toBe(false);
    expect(decoded.get('blancos')?.confidence).toBeLessThanOrEqual(0.5);
    // The count is still checked on its own: suma total = urna − incinerados = E-11.
    expect(decoded.get('sumaTotal')?.verified).toBe(true);
  });

  it("confirms an illegible cell's best guess when the sums hold with it", () => {
    const decoded = decodeSheetArithmetic(sheet({ 'votes.1': cell(0.3, [78, 0.3], [18, 0.25]) }));
    expect(decoded.get('votes.1')).toMatchObject({ value: 78, verified: true });
    expect(decoded.get('votes.1')?.confidence).toBeGreaterThan(0.9);
  });

  it('never fills an illegible cell with a value the recognizer did not guess first', () => {
    const decoded = decodeSheetArithmetic(sheet({ 'votes.1': cell(0.3, [18, 0.3], [78, 0.25]) }));
    expect(decoded.get('votes.1')?.verified).toBe(false);
  });

  it('lets no over-written cell vouch for its sums, and leaves it its own confidence', () => {
    const decoded = decodeSheetArithmetic(sheet({ blancos: { ...cell(0.97, [7, 0.95]), overwritten: true } }));
    expect(decoded.get('blancos')?.confidence).toBeGreaterThan(0.9);
    // rows = suma total cannot confirm the rows, but suma total = urna − incinerados still holds.
    expect(decoded.get('votes.1')).toMatchObject({ verified: false });
    expect(decoded.get('votes.1')?.confidence).toBeLessThanOrEqual(0.5);
    expect(decoded.get('sumaTotal')?.verified).toBe(true);
  });

  it('weighs a lone 0 against an empty row by the custom of leaving zero rows blank', () => {
    const decoded = decodeSheetArithmetic(
      sheet({ 'nivelacion.incinerados': cell(0.965, [0, 0.888], ['empty', 0.111]) }),
    );
    const incinerados = decoded.get('nivelacion.incinerados');
    expect(incinerados?.value).toBe(0);
    expect(incinerados?.confidence).toBeLessThan(0.7);
  });

  it('doubts sufragantes far from the ballots counted', () => {
    const decoded = decodeSheetArithmetic(sheet({ 'nivelacion.sufragantes': cell(0.87, [512, 0.82], [312, 0.1]) }));
    expect(decoded.get('nivelacion.sufragantes')?.verified).toBe(false);
    expect(decoded.get('nivelacion.sufragantes')?.confidence).toBeLessThanOrEqual(0.5);
    expect(decoded.get('nivelacion.urna')?.verified).toBe(true);
  });

  it('confirms an E-11 a ballot above the count only when it is read with near certainty', () => {
    const sure = decodeSheetArithmetic(sheet({ 'nivelacion.sufragantes': cell(0.995, [213, 0.995]) }));
    expect(sure.get('nivelacion.sufragantes')).toMatchObject({ value: 213, verified: true });
    // A last digit read 3 at 0.85 beside a count of 212 is as likely a misread 2.
    const doubtful = decodeSheetArithmetic(sheet({ 'nivelacion.sufragantes': cell(0.85, [213, 0.85], [212, 0.03]) }));
    expect(doubtful.get('nivelacion.sufragantes')).toMatchObject({ value: 213, verified: false });
    expect(doubtful.get('nivelacion.sufragantes')?.confidence).toBeLessThanOrEqual(0.5);
  });

  it('does not confirm the E-11 against an urna misread the same way', () => {
    // 311 written in both, a 1 read as 7 in both; the rows and the suma total say 311.
    const decoded = decodeSheetArithmetic(
      sheet({
        'nivelacion.sufragantes': cell(0.9, [317, 0.8], [311, 0.1]),
        'nivelacion.urna': cell(0.9, [317, 0.8], [311, 0.1]),
        'votes.1': cell(0.99, [177, 0.99]),
        sumaTotal: cell(0.99, [311, 0.99]),
      }),
    );
    // The sums point the urna to 311, not surely enough to change it: both go to a person.
    expect(decoded.get('nivelacion.urna')).toMatchObject({ value: 317, verified: false });
    expect(decoded.get('nivelacion.sufragantes')).toMatchObject({ value: 317, verified: false });
    const lone = decodeSheetArithmetic(
      sheet({
        'nivelacion.sufragantes': cell(0.9, [317, 0.9]),
        'nivelacion.urna': cell(0.9, [317, 0.9]),
        'votes.1': cell(0.99, [177, 0.99]),
        sumaTotal: cell(0.99, [311, 0.99]),
      }),
    );
    expect(lone.get('nivelacion.sufragantes')?.verified).toBe(false);
    expect(lone.get('nivelacion.urna')?.verified).toBe(false);
  });

  it('does not let a suma total and an urna misread alike confirm each other', () => {
    // 240 written in the E-11, the urna and the suma total, its 4 read as 9 in all three; the rows say 240.
    const alike = {
      'nivelacion.sufragantes': cell(0.8, [290, 0.52], [240, 0.29]),
      'nivelacion.urna': cell(0.87, [290, 0.7], [240, 0.15]),
      'votes.1': cell(0.99, [106, 0.99]),
      sumaTotal: cell(0.87, [290, 0.69], [240, 0.1]),
    };
    const decoded = decodeSheetArithmetic(sheet(alike));
    for (const path of ['nivelacion.urna', 'sumaTotal', 'nivelacion.sufragantes']) {
      expect(decoded.get(path), path).toMatchObject({ value: 290, verified: false });
    }
    // One of the two read surely on its own vouches for the other.
    const sure = decodeSheetArithmetic(
      sheet({ ...alike, 'votes.1': cell(0.99, [156, 0.99]), sumaTotal: cell(0.97, [290, 0.95]) }),
    );
    expect(sure.get('nivelacion.urna')).toMatchObject({ value: 290, verified: true });
  });

  it('checks the rows against urna − incinerados on a layout without a suma total', () => {
    const cells = sheet({ 'votes.2': cell(0.64, [124, 0.45]) });
    cells.delete('sumaTotal');
    const decoded = decodeSheetArithmetic(cells);
    expect(decoded.has('sumaTotal')).toBe(false);
    expect(decoded.get('votes.2')).toMatchObject({ value: 124, verified: true });
    expect(decoded.get('votes.2')?.confidence).toBeGreaterThan(0.9);
  });

  it('treats a cell on an unregistered page as unknown', () => {
    const decoded = decodeSheetArithmetic(sheet({ sumaTotal: null }));
    expect(decoded.has('sumaTotal')).toBe(false);
    // rows = urna − incinerados still confirms the rows.
    expect(decoded.get('votes.1')?.verified).toBe(true);
  });

  describe('on a list sheet (Senado, Cámara)', () => {
    /** Two lists with preferential vote and their printed totals: 60 + 70 + blancos 5 + nulos 2 + no marcados 1 = 138. */
    const listSheet = (overrides: Record<string, CellReading> = {}) =>
      new Map(
        Object.entries({
          'nivelacion.sufragantes': cell(0.99, [138, 0.99]),
          'nivelacion.urna': cell(0.99, [138, 0.99]),
          'nivelacion.incinerados': cell(0.99, ['empty', 0.99]),
          'votes.1-0': cell(0.97, [10, 0.95]),
          'votes.1-101': cell(0.97, [30, 0.95]),
          'votes.1-102': cell(0.97, [20, 0.95]),
          'listTotals.1': cell(0.97, [60, 0.95]),
          'votes.2-0': cell(0.97, [5, 0.95]),
          'votes.2-101': cell(0.97, [40, 0.95]),
          'votes.2-102': cell(0.97, [25, 0.95]),
          'listTotals.2': cell(0.97, [70, 0.95]),
          blancos: cell(0.99, [5, 0.99]),
          nulos: cell(0.99, [2, 0.99]),
          noMarcados: cell(0.99, [1, 0.99]),
          sumaTotal: cell(0.99, [138, 0.99]),
          ...overrides,
        }),
      );

    it('mends a list row from the second reading its printed total points to', () => {
      const decoded = decodeSheetArithmetic(listSheet({ 'votes.2-101': cell(0.9, [46, 0.8], [40, 0.15]) }));
      expect(decoded.get('votes.2-101')).toMatchObject({ value: 40, verified: true });
      expect(decoded.get('listTotals.2')).toMatchObject({ value: 70, verified: true });
      expect(decoded.get('votes.2-101')?.confidence).toBeGreaterThan(0.95);
    });

    it('does not let one sum vouch for two doubtful cells, which can trade errors', () => {
      // 40 read 42 and 25 read 23, both doubtful: the list and the sheet still add up.
      const decoded = decodeSheetArithmetic(
        listSheet({ 'votes.2-101': cell(0.6, [42, 0.5], [40, 0.01]), 'votes.2-102': cell(0.65, [23, 0.5]) }),
      );
      for (const path of ['votes.2-101', 'votes.2-102']) {
        expect(decoded.get(path)?.verified, path).toBe(false);
        expect(decoded.get(path)?.confidence, path).toBeLessThanOrEqual(0.5);
      }
      // A single doubtful cell is what a sum pins down.
      const single = decodeSheetArithmetic(listSheet({ 'votes.2-101': cell(0.6, [40, 0.5]) }));
      expect(single.get('votes.2-101')).toMatchObject({ value: 40, verified: true });
    });

    it("still confirms one list by its total when another list's rows do not add up", () => {
      const decoded = decodeSheetArithmetic(listSheet({ 'votes.2-101': cell(0.99, [48, 0.99]) }));
      for (const path of ['votes.2-0', 'votes.2-101', 'votes.2-102', 'listTotals.2']) {
        expect(decoded.get(path)?.verified, path).toBe(false);
      }
      for (const path of ['votes.1-0', 'votes.1-101', 'votes.1-102', 'listTotals.1']) {
        expect(decoded.get(path)?.verified, path).toBe(true);
      }
      // The count still checks against the suma total; the rows outside the lists cannot be told.
      expect(decoded.get('sumaTotal')?.verified).toBe(true);
      expect(decoded.get('blancos')?.verified).toBe(false);
    });
  });

  it('decodes nothing on a layout without the nivelación', () => {
    const cells = sheet();
    cells.delete('nivelacion.urna');
    expect(decodeSheetArithmetic(cells).size).toBe(0);
  });
});

describe('the second pass of writer adaptation (decodeWithRereads)', () => {
  // Votes 2 and nulos are misread (133 and 7 for 139 and 1): the sums still hold, since the errors trade.
  const misread = sheet({
    'nivelacion.sufragantes': cell(0.97, [228, 0.95]),
    'nivelacion.urna': cell(0.97, [228, 0.95]),
    'votes.2': cell(0.62, [133, 0.5], [139, 0.3]),
    nulos: cell(0.6, [7, 0.5], [1, 0.3]),
    sumaTotal: cell(0.97, [228, 0.95]),
  });

  it("does not let two doubtful cells the writer's glyphs make confident confirm each other", () => {
    const decoded = decodeSheetArithmetic(misread);
    expect([decoded.get('votes.2')?.verified, decoded.get('nulos')?.verified]).toEqual([false, false]);
    const rereads = new Map([
      ['votes.2', cell(0.998, [133, 0.99])],
      ['nulos', cell(0.993, [7, 0.99])],
    ]);
    const second = decodeWithRereads(misread, decoded, rereads);
    expect([second.get('votes.2')?.verified, second.get('nulos')?.verified]).toEqual([false, false]);
  });

  it('confirms the one doubtful cell a re-read mends', () => {
    const oneDoubtful = sheet({ 'votes.2': cell(0.6, [724, 0.5], [124, 0.2]) });
    const decoded = decodeSheetArithmetic(oneDoubtful);
    const second = decodeWithRereads(oneDoubtful, decoded, new Map([['votes.2', cell(0.9, [124, 0.9], [724, 0.05])]]));
    expect(second.get('votes.2')).toMatchObject({ value: 124, verified: true });
  });
});
