import { departamentoCodeSchema } from '@castor/contracts';
import { z } from 'zod';
import { BOGOTA_CODE, DEPARTAMENTOS, type DepartamentoProfile } from './geography.js';

/**
 * How big the synthetic country is. `national` is the real order of magnitude (34 departamentos
 * including Bogotá and Consulados, ≈1,150 municipios, ≈13,000 puestos, 120,000 mesas); `demo` is
 * a few departamentos and 4,000 mesas; explicit counts pick the largest departamentos (or the
 * codes given) and default the other counts to national ratios.
 */
export const scaleSchema = z.union([
  z.enum(['national', 'demo']),
  z
    .object({
      departamentos: z
        .union([
          z.number().int().min(1).max(DEPARTAMENTOS.length),
          z
            .array(departamentoCodeSchema)
            .min(1)
            .refine((codes) => codes.every((code) => DEPARTAMENTOS.some((d) => d.code === code)), {
              message: 'every departamento code must be a real one (01 … 88)',
            }),
        ])
        .optional(),
      municipios: z.number().int().min(1).optional(),
      puestos: z.number().int().min(1).optional(),
      mesas: z.number().int().min(1).max(250_000),
    })
    .strict(),
]);
export type Scale = z.input<typeof scaleSchema>;

export interface ResolvedScale {
  name: 'national' | 'demo' | 'custom';
  departamentos: DepartamentoProfile[];
  /** Municipios of each departamento, aligned with `departamentos`. */
  municipios: number[];
  puestos: number;
  mesas: number;
}

const NATIONAL = { mesas: 120_000, puestos: 13_000 };
const DEMO = { departamentos: ['01', '11', '16', '88'], municipios: 36, puestos: 430, mesas: 4_000 };
/** National ratios, used to default the counts a caller leaves out. */
const MESAS_PER_MUNICIPIO = 105;
const MESAS_PER_PUESTO = 9.2;

export function resolveScale(input: Scale): ResolvedScale {
  const scale = scaleSchema.parse(input);
  if (scale === 'national') {
    return {
      name: 'national',
      departamentos: [...DEPARTAMENTOS],
      municipios: DEPARTAMENTOS.map((d) => d.municipios),
      ...NATIONAL,
    };
  }
  const counts = scale === 'demo' ? DEMO : scale;
  const departamentos = pickDepartamentos(counts.departamentos);
  const mesas = counts.mesas;
  const municipioTotal = Math.max(
    departamentos.length,
    Math.min(counts.municipios ?? Math.round(mesas / MESAS_PER_MUNICIPIO), mesas),
  );
  const puestos = Math.max(municipioTotal, Math.min(counts.puestos ?? Math.round(mesas / MESAS_PER_PUESTO), mesas));
  if (mesas < departamentos.length) {
    throw new Error(`${mesas} mesas cannot cover ${departamentos.length} departamentos`);
  }
  return {
    name: scale === 'demo' ? 'demo' : 'custom',
    departamentos,
    municipios: municipiosPerDepartamento(departamentos, municipioTotal),
    puestos,
    mesas,
  };
}

function pickDepartamentos(choice: number | string[] | undefined): DepartamentoProfile[] {
  if (Array.isArray(choice)) {
    const wanted = new Set(choice);
    return DEPARTAMENTOS.filter((d) => wanted.has(d.code));
  }
  const largest = [...DEPARTAMENTOS].sort((a, b) => b.habilitadosMillions - a.habilitadosMillions);
  const chosen = new Set(largest.slice(0, choice ?? DEPARTAMENTOS.length).map((d) => d.code));
  return DEPARTAMENTOS.filter((d) => chosen.has(d.code));
}

/** Shares `total` municipios in proportion to the real counts; Bogotá is always one. */
function municipiosPerDepartamento(departamentos: DepartamentoProfile[], total: number): number[] {
  const weights = departamentos.map((d) => (d.code === BOGOTA_CODE ? 0 : d.municipios));
  const minimums = departamentos.map(() => 1);
  const maximums = departamentos.map((d) => (d.code === BOGOTA_CODE ? 1 : Number.POSITIVE_INFINITY));
  return apportion(total, weights, minimums, maximums);
}

/**
 * Largest-remainder apportionment: splits `total` into integers proportional to `weights`, each
 * between its minimum and maximum. Deterministic: ties go to the earlier item. The sum is exactly
 * `total` whenever the bounds allow it.
 */
export function apportion(
  total: number,
  weights: readonly number[],
  minimums: readonly number[],
  maximums: readonly number[] = weights.map(() => Number.POSITIVE_INFINITY),
): number[] {
  const shares = minimums.map((minimum) => minimum);
  let remaining = total - shares.reduce((sum, share) => sum + share, 0);
  // Repeat because capping an item frees units for the others.
  while (remaining > 0) {
    const open = weights.map((weight, i) => (weight > 0 && (shares[i] ?? 0) < (maximums[i] ?? 0) ? weight : 0));
    const openWeight = open.reduce((sum, weight) => sum + weight, 0);
    if (openWeight === 0) break;
    const quotas = open.map((weight) => (remaining * weight) / openWeight);
    let given = 0;
    quotas.forEach((quota, i) => {
      const room = (maximums[i] ?? 0) - (shares[i] ?? 0);
      const whole = Math.min(Math.floor(quota), room);
      shares[i] = (shares[i] ?? 0) + whole;
      given += whole;
    });
    remaining -= given;
    if (remaining > 0 && given === 0) {
      const order = quotas
        .map((quota, i) => ({ i, fraction: quota - Math.floor(quota) }))
        .filter(({ i }) => (open[i] ?? 0) > 0 && (shares[i] ?? 0) < (maximums[i] ?? 0))
        .sort((a, b) => b.fraction - a.fraction || a.i - b.i);
      for (const { i } of order) {
        if (remaining === 0) break;
        shares[i] = (shares[i] ?? 0) + 1;
        remaining--;
      }
    }
  }
  return shares;
}
