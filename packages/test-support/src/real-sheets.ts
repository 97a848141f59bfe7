import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { E14_REAL_DIR } from './fixtures.js';

/**
 * The labels of the real E-14 sheets (fixtures/e14/real/labels*.json, every value read by eye):
 * one schema for both files, and each value under the E14Submission field path it belongs to.
 */

/** A number, or a 0 written as nothing (`{ value: 0, empty: true }`) or only with filler marks (`{ value: 0, filler }`). */
const realLabelSchema = z.union([
  z.number().int().min(0),
  z.object({ value: z.number().int().min(0), empty: z.boolean().optional(), filler: z.string().optional() }),
]);
export type RealLabel = z.infer<typeof realLabelSchema>;

export const realSheetLabelsSchema = z.object({
  /** The presidential round (first-round labels say 1; labels.json holds second-round sheets). */
  round: z.union([z.literal(1), z.literal(2)]).default(2),
  copy: z.string().optional(),
  header: z.object({
    departamento: z.string(),
    departamento_name: z.string().optional(),
    municipio: z.string(),
    municipio_name: z.string().optional(),
    zona: z.string(),
    puesto: z.string(),
    mesa: z.string(),
    lugar: z.string().optional(),
  }),
  transmission_code: z.string(),
  values: z.object({
    e11: realLabelSchema,
    urna: realLabelSchema,
    incinerados: realLabelSchema,
    candidates: z.record(z.string().regex(/^\d+$/), realLabelSchema),
    blanco: realLabelSchema,
    nulos: realLabelSchema,
    no_marcados: realLabelSchema,
    suma_total: realLabelSchema,
  }),
  /** The labeller's verdict on the sums, where given. */
  arithmetic: z.object({ adds_up: z.boolean() }).optional(),
});
export type RealSheetLabels = z.infer<typeof realSheetLabelsSchema>;

/** Every sheet of a labels file, by file or page-image name (entries starting with `_` are notes). */
export function realSheetLabels(labelFile: string, dir = E14_REAL_DIR): Map<string, RealSheetLabels> {
  const entries = z.record(z.string(), z.unknown()).parse(JSON.parse(readFileSync(join(dir, labelFile), 'utf8')));
  return new Map(
    Object.entries(entries)
      .filter(([name]) => !name.startsWith('_'))
      .map(([name, entry]) => [name, realSheetLabelsSchema.parse(entry)]),
  );
}

/** The labelled number of a value: a row left empty or filled with filler marks holds 0. */
export const labelledNumber = (label: RealLabel): number => (typeof label === 'number' ? label : label.value);

/** A value written as nothing or only with filler marks (dots, slashed zeros): the form's empty row. */
export const labelledBlank = (label: RealLabel): boolean =>
  typeof label !== 'number' && (label.empty === true || label.filler !== undefined);

/** Each labelled value under its E14Submission field path (`nivelacion.urna`, `votes.7`, `sumaTotal`...). */
export function labelsByPath({ values }: RealSheetLabels): Map<string, RealLabel> {
  return new Map<string, RealLabel>([
    ['nivelacion.sufragantes', values.e11],
    ['nivelacion.urna', values.urna],
    ['nivelacion.incinerados', values.incinerados],
    ...Object.entries(values.candidates).map(([ballot, label]): [string, RealLabel] => [`votes.${ballot}`, label]),
    ['blancos', values.blanco],
    ['nulos', values.nulos],
    ['noMarcados', values.no_marcados],
    ['sumaTotal', values.suma_total],
  ]);
}
