import { COPIES, CORPORATIONS, divipolDocumentSchema } from '@castor/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEPARTAMENTOS,
  type DetectionAlert,
  digitSwaps,
  FAULT_KINDS,
  type FaultKind,
  formatOfficialCsv,
  generateElection,
  NO_FAULTS,
  type OfficialRow,
  parseOfficialCsv,
  scoreDetections,
} from '../src/index.js';
import { apportion } from '../src/scale.js';
import { copiesDiffer, officialDiffers, perMesaFailures } from './e14-rules.js';

describe('apportionment', () => {
  it('hands out exactly the total within every bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0.01, max: 100, noNaN: true }), fc.nat({ max: 5 })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.nat({ max: 10_000 }),
        (items, extra) => {
          const minimums = items.map(([, minimum]) => minimum);
          const total = minimums.reduce((a, b) => a + b, 0) + extra;
          const shares = apportion(
            total,
            items.map(([weight]) => weight),
            minimums,
          );
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          shares.forEach((share, i) => {
            expect(share).toBeGreaterThanOrEqual(minimums[i] ?? 0);
          });
        },
      ),
    );
  });
});

describe('swapped digits', () => {
  it('keep the digits, never lead with a zero, and change the number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), (value) => {
        for (const swapped of digitSwaps(value)) {
          expect(swapped).not.toBe(value);
          expect([...String(swapped)].sort()).toEqual([...String(value)].sort());
        }
        if (value >= 10 && new Set(String(value)).size > 1 && !/^\d0+$/.test(String(value))) {
          expect(digitSwaps(value).length).toBeGreaterThan(0);
        }
      }),
    );
  });
});

describe('any small election', () => {
  const options = fc.record({
    seed: fc.nat({ max: 1_000_000 }),
    departamentos: fc.subarray(
      DEPARTAMENTOS.map((d) => d.code),
      { minLength: 1, maxLength: 4 },
    ),
    mesas: fc.integer({ min: 40, max: 400 }),
    corporations: fc.subarray([...CORPORATIONS], { minLength: 1, maxLength: 3 }),
    presidentialRound: fc.constantFrom(1 as const, 2 as const),
  });

  it('has exactly the mesas asked for, a valid divipol, and honest sheets that pass every rule', () => {
    fc.assert(
      fc.property(options, ({ seed, departamentos, mesas, corporations, presidentialRound }) => {
        const election = generateElection({
          seed,
          scale: { departamentos, mesas },
          corporations,
          presidentialRound,
          faultRates: NO_FAULTS,
        });
        divipolDocumentSchema.parse(election.divipol);
        expect(election.counts.mesas).toBe(mesas);
        expect(election.counts.departamentos).toBe(departamentos.length);
        for (const sheet of election.sheets()) {
          const copies = COPIES.map((copy) => sheet.submission(copy));
          for (const copy of copies) expect([...perMesaFailures(copy, sheet.habilitados)]).toEqual([]);
          expect(copiesDiffer(copies)).toBe(false);
          expect(officialDiffers(copies, sheet.officialRows('preconteo'), sheet.officialRows('escrutinio'))).toBe(
            false,
          );
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('official CSV', () => {
  const code = (digits: number) => fc.stringMatching(new RegExp(`^\\d{${digits}}$`));
  const row = fc.record({
    departamento: code(2),
    municipio: code(3),
    zona: code(2),
    puesto: code(2),
    mesa: code(3),
    corporacion: fc.constantFrom(...CORPORATIONS),
    opcion: fc.oneof(
      fc.constantFrom('BLANCO', 'NULO', 'NO_MARCADO', 'SUFRAGANTES'),
      fc.integer({ min: 1, max: 999 }).map(String),
      fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 999 })).map(([b, c]) => `${b}-${c}`),
    ),
    votos: fc.nat({ max: 100_000 }),
  });

  it('round-trips any rows', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 50 }), (rows: OfficialRow[]) => {
        expect(parseOfficialCsv(formatOfficialCsv(rows))).toEqual(rows);
      }),
    );
  });
});

describe('detection scores', () => {
  const rates = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0.04])) as Record<FaultKind, number>;
  const faults = [
    ...generateElection({ seed: 13, scale: { departamentos: 2, mesas: 600 }, faultRates: rates }).faults(),
  ];
  const alerts: DetectionAlert[] = faults.flatMap((fault) =>
    fault.rules.map((rule) => ({ rule, mesaKey: fault.mesaKey, corporation: fault.corporation })),
  );

  it('add up, stay within [0, 1], and never lose a detection when alerts are added', () => {
    fc.assert(
      fc.property(fc.subarray(alerts), fc.subarray(alerts), (some, more) => {
        const before = scoreDetections(faults, some);
        const after = scoreDetections(faults, [...some, ...more]);
        for (const [rule, score] of Object.entries(before)) {
          const labelled = faults.filter((fault) => (fault.rules as string[]).includes(rule)).length;
          expect(score.truePositives + score.falseNegatives).toBe(labelled);
          for (const ratio of [score.recall, score.precision])
            if (ratio !== null) expect(ratio >= 0 && ratio <= 1).toBe(true);
          const grown = after[rule as keyof typeof after];
          expect(grown.truePositives).toBeGreaterThanOrEqual(score.truePositives);
        }
      }),
      { numRuns: 50 },
    );
  });
});
