import { divipolDocumentSchema } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FAULT_RATES, DEPARTAMENTOS, FAULT_KINDS, type FaultKind, generateElection } from '../src/index.js';

/** The real order of magnitude (docs/e14.md "Scale"): one pass over 120,000 mesas. */
describe('national scale', () => {
  const election = generateElection({
    seed: 2026,
    scale: 'national',
    corporations: ['PRESIDENTE'],
    presidentialRound: 2,
  });

  it('has the shape of the country', () => {
    const { counts } = election;
    expect(counts.departamentos).toBe(34);
    expect(counts.municipios).toBeGreaterThanOrEqual(1_050);
    expect(counts.municipios).toBeLessThanOrEqual(1_250);
    expect(counts.puestos).toBeGreaterThanOrEqual(12_500);
    expect(counts.puestos).toBeLessThanOrEqual(13_500);
    expect(counts.mesas).toBe(120_000);
    expect(counts.habilitados).toBeGreaterThanOrEqual(37_000_000);
    expect(counts.habilitados).toBeLessThanOrEqual(43_000_000);
    const divipol = divipolDocumentSchema.parse(election.divipol);
    expect(divipol.departamentos.map((d) => d.code)).toEqual(DEPARTAMENTOS.map((d) => d.code));
    const bogota = divipol.departamentos.find((d) => d.code === '16');
    expect(bogota?.municipios).toHaveLength(1);
  });

  it('fills mesas up to about 400 habilitados, a few larger', () => {
    const sizes = Float64Array.from(
      election.divipol.departamentos.flatMap((d) =>
        d.municipios.flatMap((m) =>
          m.zonas.flatMap((z) => z.puestos.flatMap((p) => p.mesas.map((mesa) => mesa.habilitados))),
        ),
      ),
    ).sort();
    const quantile = (q: number) => sizes[Math.floor(q * (sizes.length - 1))] ?? Number.NaN;
    expect(quantile(0.5)).toBeGreaterThanOrEqual(320);
    expect(quantile(0.5)).toBeLessThanOrEqual(400);
    expect(quantile(0.95)).toBeLessThanOrEqual(400);
    const larger = sizes.filter((size) => size > 400).length / sizes.length;
    expect(larger).toBeGreaterThan(0.0005);
    expect(larger).toBeLessThan(0.01);
  });

  it('votes like a country: turnout, regional leanings, residual votes, natural signals and fault rates', () => {
    const departamentos = new Map<string, { sufragantes: number; habilitados: number; left: number; valid: number }>();
    const faults = new Map<FaultKind, number>();
    let counted = 0;
    let residual = 0;
    let highTurnout = 0;
    let urnaAboveSufragantes = 0;
    for (const sheet of election.sheets()) {
      const { truth } = sheet;
      const code = truth.mesaKey.slice(0, 2);
      const total = departamentos.get(code) ?? { sufragantes: 0, habilitados: 0, left: 0, valid: 0 };
      total.sufragantes += truth.sufragantes;
      total.habilitados += truth.habilitados;
      total.left += truth.votes['1'] ?? 0;
      total.valid += (truth.votes['1'] ?? 0) + (truth.votes['2'] ?? 0);
      departamentos.set(code, total);
      counted += truth.urna - truth.incinerados;
      residual += truth.blancos + truth.nulos + truth.noMarcados;
      if (truth.natural.includes('high_turnout')) highTurnout++;
      if (truth.urna > truth.sufragantes) urnaAboveSufragantes++;
      if (sheet.fault) faults.set(sheet.fault.kind, (faults.get(sheet.fault.kind) ?? 0) + 1);
    }
    const turnout = (d: { sufragantes: number; habilitados: number } | undefined) =>
      d ? d.sufragantes / d.habilitados : Number.NaN;
    const all = [...departamentos.values()].reduce(
      (sum, d) => ({ sufragantes: sum.sufragantes + d.sufragantes, habilitados: sum.habilitados + d.habilitados }),
      { sufragantes: 0, habilitados: 0 },
    );
    // Regions lean as they do in the profiles (the left candidate strong in the Pacific and south).
    const shares = DEPARTAMENTOS.map((d) => {
      const total = departamentos.get(d.code);
      return [d.leftShare, total ? total.left / total.valid : Number.NaN] as const;
    });
    expect(pearson(shares)).toBeGreaterThan(0.8);
    expect(turnout(all)).toBeGreaterThan(0.5);
    expect(turnout(all)).toBeLessThan(0.62);
    // Colombians abroad vote far less than at home.
    expect(turnout(departamentos.get('88'))).toBeLessThan(0.35);
    expect(turnout(departamentos.get('16'))).toBeGreaterThan(turnout(departamentos.get('88')) + 0.2);
    expect(residual / counted).toBeGreaterThan(0.02);
    expect(residual / counted).toBeLessThan(0.06);
    expect(highTurnout).toBeGreaterThan(100);
    // Nivelación: one extra ballot burned in about 1.5 % of mesas.
    expect(urnaAboveSufragantes / election.counts.sheets).toBeGreaterThan(0.008);
    expect(urnaAboveSufragantes / election.counts.sheets).toBeLessThan(0.02);

    for (const kind of FAULT_KINDS) {
      const expected = DEFAULT_FAULT_RATES[kind] * election.counts.sheets;
      const seen = faults.get(kind) ?? 0;
      if (kind === 'list_total_mismatch') {
        expect(seen, kind).toBe(0); // no list con voto preferente on a presidential ballot
        continue;
      }
      // Some draws cannot apply (a one-mesa puesto has nobody to copy): allow fewer, never more.
      expect(seen, kind).toBeGreaterThanOrEqual(0.5 * expected);
      expect(seen, kind).toBeLessThanOrEqual(expected + 5 * Math.sqrt(expected));
    }
  });
});

function pearson(pairs: readonly (readonly [number, number])[]): number {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const xs = pairs.map(([x]) => x);
  const ys = pairs.map(([, y]) => y);
  const [mx, my] = [mean(xs), mean(ys)];
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  pairs.forEach(([x, y]) => {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}
