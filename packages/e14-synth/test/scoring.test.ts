import { describe, expect, it } from 'vitest';
import {
  type DetectionAlert,
  FAULT_KINDS,
  type FaultKind,
  generateElection,
  type InjectedFault,
  scoreDetections,
} from '../src/index.js';

const RATES = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0.03])) as Record<FaultKind, number>;

describe('scoreDetections', () => {
  const election = generateElection({ seed: 9, scale: { departamentos: 3, mesas: 1_500 }, faultRates: RATES });
  const faults = [...election.faults()];
  const perfect: DetectionAlert[] = faults.flatMap((fault) =>
    fault.rules.map((rule) => ({
      rule,
      mesaKey: fault.mesaKey,
      corporation: fault.corporation,
      ...(fault.copy ? { copy: fault.copy } : {}),
    })),
  );
  const labelled = (rule: string) => faults.filter((fault) => (fault.rules as string[]).includes(rule)).length;

  it('gives a perfect detector recall and precision 1 on every labelled rule, null elsewhere', () => {
    const scores = scoreDetections(faults, perfect);
    for (const [rule, score] of Object.entries(scores)) {
      const count = labelled(rule);
      expect(score.truePositives, rule).toBe(count);
      expect(score.falseNegatives, rule).toBe(0);
      expect(score.falsePositives, rule).toBe(0);
      expect(score.recall, rule).toBe(count > 0 ? 1 : null);
      expect(score.precision, rule).toBe(count > 0 ? 1 : null);
    }
  });

  it('counts what was missed and what was raised on honest mesas', () => {
    const honestMesa = [...election.sheets()].find((sheet) => sheet.fault === null);
    if (!honestMesa) throw new Error('no honest sheet');
    const urnSum = perfect.filter((alert) => alert.rule === 'urn_sum');
    const kept = urnSum.slice(0, Math.floor(urnSum.length / 2));
    const wrong: DetectionAlert = { rule: 'urn_sum', mesaKey: honestMesa.mesaKey, corporation: honestMesa.corporation };
    const score = scoreDetections(faults, [...kept, wrong, wrong]).urn_sum;
    expect(score.truePositives).toBe(kept.length);
    expect(score.falseNegatives).toBe(labelled('urn_sum') - kept.length);
    expect(score.falsePositives).toBe(1); // duplicates of one alert count once
    expect(score.precision).toBeCloseTo(kept.length / (kept.length + 1));
  });

  it('does not punish one alert per copy, and needs the right copy for a copy-specific fault', () => {
    const reading = faults.find((fault) => fault.kind === 'illegible_field' && fault.copy);
    const slip = faults.find((fault) => fault.kind === 'arithmetic_slip');
    if (!reading?.copy || !slip) throw new Error('missing fault kinds');
    const copies = (['claveros', 'delegados', 'transmision'] as const).map((copy) => ({
      rule: 'urn_sum' as const,
      mesaKey: slip.mesaKey,
      corporation: slip.corporation,
      copy,
    }));
    const slipScore = scoreDetections([slip], copies).urn_sum;
    expect([slipScore.truePositives, slipScore.falsePositives, slipScore.matchedAlerts]).toEqual([1, 0, 3]);

    const otherCopy = reading.copy === 'claveros' ? 'delegados' : 'claveros';
    const miss = scoreDetections(
      [reading],
      [{ rule: 'confidence', mesaKey: reading.mesaKey, corporation: reading.corporation, copy: otherCopy }],
    ).confidence;
    expect([miss.truePositives, miss.falsePositives, miss.falseNegatives]).toEqual([0, 1, 1]);
  });

  it('accepts either mesa of an identical pair, and any copy for copies_differ', () => {
    const pair = faults.find((fault) => fault.kind === 'identical_vectors');
    const altered = faults.find((fault) => fault.kind === 'copies_differ');
    if (!pair?.relatedMesaKeys?.[0] || !altered) throw new Error('missing fault kinds');
    const related: DetectionAlert = {
      rule: 'identical_vectors',
      mesaKey: pair.relatedMesaKeys[0],
      corporation: pair.corporation,
    };
    expect(scoreDetections([pair], [related]).identical_vectors.recall).toBe(1);
    const claveros: DetectionAlert = {
      rule: 'copies_differ',
      mesaKey: altered.mesaKey,
      corporation: altered.corporation,
      copy: 'claveros',
    };
    expect(scoreDetections([altered], [claveros]).copies_differ.recall).toBe(1);
    // A different corporation of the same mesa is another sheet.
    const elsewhere: InjectedFault = {
      ...altered,
      corporation: altered.corporation === 'SENADO' ? 'CAMARA' : 'SENADO',
    };
    expect(scoreDetections([elsewhere], [claveros]).copies_differ.recall).toBe(0);
  });

  it('validates alerts', () => {
    const malformed = { rule: 'urn_sum', mesaKey: '1-1-1-1-1', corporation: 'PRESIDENTE' } as DetectionAlert;
    expect(() => scoreDetections(faults, [malformed])).toThrow();
  });
});
