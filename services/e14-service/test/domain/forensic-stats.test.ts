import { DEFAULT_RULE_PARAMS } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { BENFORD_SECOND_DIGIT, lastDigitTest, robustZ, secondDigitTest } from '../../src/domain/forensic-stats.js';
import { effectiveRules } from '../../src/domain/rule-catalog.js';
import { type MesaTruth, municipioSignals } from '../../src/features/forensics/forensic-signals.js';

describe('forensic statistics', () => {
  it('second-digit Benford probabilities are those of docs/e14.md', () => {
    const table = [0.1197, 0.1139, 0.1088, 0.1043, 0.1003, 0.0967, 0.0934, 0.0904, 0.0876, 0.085];
    BENFORD_SECOND_DIGIT.forEach((probability, digit) => {
      expect(probability).toBeCloseTo(table[digit] ?? 0, 4);
    });
    expect(BENFORD_SECOND_DIGIT.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 10);
  });

  it('χ² is small for Benford-like counts and large for counts that all share a second digit', () => {
    const benfordLike = BENFORD_SECOND_DIGIT.flatMap((probability, digit) =>
      Array.from({ length: Math.round(probability * 1000) }, (_, index) => 10 * (1 + (index % 9)) + digit),
    );
    expect(secondDigitTest(benfordLike).chiSquare).toBeLessThan(1);
    expect(secondDigitTest(Array.from({ length: 100 }, () => 55)).chiSquare).toBeGreaterThan(16.92);
    const uniform = Array.from({ length: 500 }, (_, index) => 10 + index);
    expect(lastDigitTest(uniform).chiSquare).toBe(0);
    expect(lastDigitTest(Array.from({ length: 100 }, () => 50)).chiSquare).toBe(900);
  });

  it('robust z: 0.6745 (x − median) / MAD, and no scale when the MAD is 0', () => {
    expect(robustZ([1, 2, 3, 4, 100])).toEqual(
      [-1.349, -0.6745, 0, 0.6745, 65.4265].map((value) => expect.closeTo(value, 4)),
    );
    expect(robustZ([5, 5, 5, 9])).toEqual([null, null, null, null]);
  });
});

describe('municipio signals', () => {
  const mesa = (index: number, sufragantes: number, votes: number[], habilitados = 300): MesaTruth => ({
    mesaId: index,
    mesaKey: `01-001-01-01-${String(index).padStart(3, '0')}`,
    habilitados,
    sufragantes,
    blancos: 1,
    nulos: 1,
    noMarcados: 0,
    candidateIds: votes.map((_, option) => option + 1),
    votes,
  });
  const rules = effectiveRules({}, {});

  it('a robust z over a tiny spread is not a turnout outlier; a real jump is', () => {
    const calm = [150, 151, 152, 153, 154, 170].map((voters, index) => mesa(index + 1, voters, [voters - 2]));
    expect(
      municipioSignals('01-001', calm, rules, 'PRESIDENTE').signals.filter(
        (signal) => signal.rule === 'turnout_outlier',
      ),
    ).toEqual([]);
    const jump = [...calm.slice(0, 5), mesa(6, 250, [100, 148])];
    const flagged = municipioSignals('01-001', jump, rules, 'PRESIDENTE').signals.filter(
      (signal) => signal.rule === 'turnout_outlier',
    );
    expect(flagged.map((signal) => signal.mesaId)).toEqual([6]);
    const loose = effectiveRules({}, { params: { turnoutMinDeviation: 0 } });
    expect(
      municipioSignals('01-001', calm, loose, 'PRESIDENTE').signals.some((signal) => signal.rule === 'turnout_outlier'),
    ).toBe(true);
    expect(DEFAULT_RULE_PARAMS.turnoutMinDeviation).toBe(0.1);
  });
});
