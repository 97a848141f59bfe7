import { z } from 'zod';

/**
 * Territorial codes as the Registraduría prints them (not DANE codes): departamento 2 digits,
 * municipio 3, zona 2, puesto 2, mesa 3. Kept as zero-padded strings, never numbers.
 */
export const departamentoCodeSchema = z.string().regex(/^\d{2}$/, { message: 'departamento is 2 digits, e.g. 01' });
export const municipioCodeSchema = z.string().regex(/^\d{3}$/, { message: 'municipio is 3 digits, e.g. 031' });
export const zonaCodeSchema = z.string().regex(/^\d{2}$/, { message: 'zona is 2 digits, e.g. 99' });
export const puestoCodeSchema = z.string().regex(/^\d{2}$/, { message: 'puesto is 2 digits, e.g. 01' });
export const mesaCodeSchema = z.string().regex(/^\d{3}$/, { message: 'mesa is 3 digits, e.g. 001' });

export const mesaRefSchema = z.object({
  departamento: departamentoCodeSchema,
  municipio: municipioCodeSchema,
  zona: zonaCodeSchema,
  puesto: puestoCodeSchema,
  mesa: mesaCodeSchema,
});
export type MesaRef = z.infer<typeof mesaRefSchema>;

/** "01-031-99-01-001": departamento-municipio-zona-puesto-mesa, the key used across CASTOR. */
export const mesaKeySchema = z.string().regex(/^\d{2}-\d{3}-\d{2}-\d{2}-\d{3}$/);
export type MesaKey = z.infer<typeof mesaKeySchema>;

export function mesaKey(ref: MesaRef): MesaKey {
  return `${ref.departamento}-${ref.municipio}-${ref.zona}-${ref.puesto}-${ref.mesa}`;
}

export function parseMesaKey(key: MesaKey): MesaRef {
  const [departamento = '', municipio = '', zona = '', puesto = '', mesa = ''] = key.split('-');
  return { departamento, municipio, zona, puesto, mesa };
}

export const TERRITORY_LEVELS = ['nacional', 'departamento', 'municipio', 'zona', 'puesto', 'mesa'] as const;
export const territoryLevelSchema = z.enum(TERRITORY_LEVELS);
export type TerritoryLevel = z.infer<typeof territoryLevelSchema>;

/**
 * A territory at any level by the codes down to it: "" (nacional), "01", "01-031",
 * "01-031-99", "01-031-99-01", "01-031-99-01-001".
 */
export const territoryCodeSchema = z
  .string()
  .regex(/^(|\d{2}|\d{2}-\d{3}|\d{2}-\d{3}-\d{2}|\d{2}-\d{3}-\d{2}-\d{2}|\d{2}-\d{3}-\d{2}-\d{2}-\d{3})$/, {
    message: 'territory is "", "DD", "DD-MMM", "DD-MMM-ZZ", "DD-MMM-ZZ-PP" or "DD-MMM-ZZ-PP-MMM"',
  });

export function territoryLevelOf(code: string): TerritoryLevel {
  const levels: TerritoryLevel[] = ['nacional', 'departamento', 'municipio', 'zona', 'puesto', 'mesa'];
  return levels[code === '' ? 0 : code.split('-').length] ?? 'mesa';
}
