import type { PipelineStatus } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { agoInWords, modelLine } from '../src/features/election-night/model-line';

type ModelInUse = NonNullable<PipelineStatus['model']>;

// ICU versions differ on the space before % (none, a space or a no-break space): compared without it.
const tight = (text: string) => text.replace(/\s*%/g, '%');

const now = new Date('2026-06-01T22:30:00Z');
const minutesBefore = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

const bundled: ModelInUse = {
  version: 4,
  source: 'bundled',
  promotedAt: '2026-06-01T08:00:00.000Z',
  evaluation: null,
  learnedFromCells: 0,
};

const trained: ModelInUse = {
  version: 5,
  source: 'trained',
  promotedAt: minutesBefore(12).toISOString(),
  learnedFromCells: 1240,
  evaluation: {
    decision: 'promoted',
    reasons: [],
    previousVersion: 4,
    threshold: 0.9,
    heldBack: {
      cells: 310,
      previous: { reviewed: 118, wrongUnreviewed: 0, reviewShare: 0.38, wrongUnreviewedShare: 0 },
      candidate: { reviewed: 74, wrongUnreviewed: 0, reviewShare: 0.24, wrongUnreviewedShare: 0 },
    },
    synthetic: {
      cells: 2000,
      previous: { reviewed: 900, wrongUnreviewed: 3, reviewShare: 0.45, wrongUnreviewedShare: 0.0015 },
      candidate: { reviewed: 610, wrongUnreviewed: 1, reviewShare: 0.305, wrongUnreviewedShare: 0.0005 },
    },
  },
};

describe('modelLine', () => {
  it('says nothing before the service has loaded a model', () => {
    expect(modelLine(null, now)).toBeNull();
  });

  it('names the bundled model, with nothing to compare', () => {
    expect(modelLine(bundled, now)).toEqual({ summary: 'Modelo del lector: v4 (incluido con el sistema)' });
  });

  it('names a trained model, the reviewed cells it learned from and when it became active', () => {
    expect(modelLine(trained, now)?.summary).toBe(
      'Modelo del lector: v5 (entrenado con 1.240 celdas revisadas), promovido hace 12 min',
    );
  });

  it('compares it with the version it replaced, on the held-back cells and the synthetic set, as the gate measured', () => {
    const comparison = modelLine(trained, now)?.comparison;
    expect(comparison?.previousVersion).toBe(4);
    expect(comparison?.sets.map(tight)).toEqual([
      'Revisión 38% → 24% · errores sin revisar 0 → 0 (celdas reservadas: 310)',
      'Revisión 45% → 30,5% · errores sin revisar 3 → 1 (conjunto sintético: 2.000)',
    ]);
  });

  it('leaves out what the registry does not know: when it became active, an evaluation', () => {
    const line = modelLine({ ...trained, promotedAt: null, evaluation: null, learnedFromCells: 1 }, now);
    expect(line).toEqual({ summary: 'Modelo del lector: v5 (entrenado con 1 celda revisada)' });
  });
});

describe('agoInWords', () => {
  it('rounds down to minutes, hours, then days', () => {
    expect(agoInWords(minutesBefore(0.5), now)).toBe('hace menos de 1 min');
    expect(agoInWords(minutesBefore(59), now)).toBe('hace 59 min');
    expect(agoInWords(minutesBefore(60), now)).toBe('hace 1 h');
    expect(agoInWords(minutesBefore(60 * 24 - 1), now)).toBe('hace 23 h');
    expect(agoInWords(minutesBefore(60 * 24), now)).toBe('hace 1 día');
    expect(agoInWords(minutesBefore(60 * 24 * 3), now)).toBe('hace 3 días');
  });

  it('reads a promotion time slightly ahead of this clock as just now', () => {
    expect(agoInWords(minutesBefore(-0.2), now)).toBe('hace menos de 1 min');
  });
});
