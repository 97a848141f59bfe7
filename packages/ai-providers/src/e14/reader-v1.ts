import { CORPORATIONS } from '@castor/contracts';
import { z } from 'zod';
import { E14_FIELD_PATH_PATTERN, type E14ReadHints, e14HeaderSchema } from './field-reader.js';

/**
 * Version 1 of the E-14 reading prompt and of the tool the model answers through. The version is
 * part of every cache key and of every reading's provenance: change anything here (wording,
 * schema) and bump it, so old cached answers are never mixed with new ones.
 */
export const E14_READER_PROMPT_VERSION = 'e14-reader/v1';
export const E14_READER_TOOL_NAME = 'record_e14_reading';

/** A rectangle on one of the images sent (1-based index), in that image's pixels. */
const regionSchema = z.strictObject({
  image: z.number().int().min(1).max(99),
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
});

const toolFieldSchema = z
  .strictObject({
    path: z
      .string()
      .regex(E14_FIELD_PATH_PATTERN)
      .describe('Where the value goes, e.g. nivelacion.sufragantes, votes.2, blancos'),
    state: z
      .enum(['read', 'empty', 'illegible'])
      .describe(
        'read: digits written; empty: row blank or only dots/dashes; illegible: something written that cannot be read',
      ),
    value: z.number().int().min(0).max(999).nullable().describe('The number when state is read, else null'),
    confidence: z.number().min(0).max(1).describe('How sure you are of state and value, 0..1'),
    overwritten: z.boolean().describe('Digits corrected, crossed out or written over (tachadura/enmendadura)'),
    region: regionSchema.describe('The three boxes of this row that the value was read from'),
  })
  .superRefine((field, ctx) => {
    if (field.state === 'read' && field.value === null) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'a read field needs a value' });
    }
    if (field.state !== 'read' && field.value !== null) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `an ${field.state} field has no value` });
    }
  });

/** The tool's input: what the model must send back, validated again on arrival. */
export const e14ToolInputSchema = z
  .strictObject({
    header: e14HeaderSchema.strict(),
    fields: z.array(toolFieldSchema).max(2_000),
    notes: z
      .string()
      .max(2_000)
      .optional()
      .describe('Anything a reviewer should know (stains, torn corners, extra marks)'),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    for (const [index, field] of input.fields.entries()) {
      if (seen.has(field.path)) {
        ctx.addIssue({ code: 'custom', path: ['fields', index, 'path'], message: `${field.path} reported twice` });
      }
      seen.add(field.path);
    }
  });
export type E14ToolInput = z.output<typeof e14ToolInputSchema>;

/** JSON Schema of the tool, generated from the zod schema so the two can never disagree. */
export const e14ToolInputJsonSchema = (() => {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(e14ToolInputSchema, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return schema as { type: 'object' } & Record<string, unknown>;
})();

export const E14_READER_SYSTEM_PROMPT = `You read Colombian E-14 tally sheets ("Acta de escrutinio de los jurados de votación") for electoral observers. Every value you report is checked by arithmetic and by people, so accuracy and honesty matter more than completeness.

The form:
- Header: DEPARTAMENTO (2 digits), MUNICIPIO (3), ZONA (2), PUESTO (2), MESA (3), the corporación (${CORPORATIONS.join(', ')}), the copy named on the black banner under the title (CLAVEROS, DELEGADOS or TRANSMISIÓN; report it as claveros, delegados or transmision), a 15-digit barcode starting with 7 printed under the bars, a transmission code line like "X 2-39-88-14 X", and "Pag: N de M".
- Every number is handwritten in three boxes (hundreds, tens, units), so 0..999. Unused leading boxes hold dots or dashes. A row with only dots, dashes or nothing is empty (state "empty", value null), which is different from a row you cannot read (state "illegible", value null).
- Nivelación de la mesa: TOTAL VOTANTES FORMULARIO E-11 → nivelacion.sufragantes; TOTAL VOTOS EN LA URNA → nivelacion.urna; TOTAL VOTOS INCINERADOS → nivelacion.incinerados.
- Candidate rows by ballot number → votes.<ballot>. Party lists: the row "solo por la agrupación" or "votos por la agrupación" → votes.<ballot>; preferential candidate rows 101, 102... → votes.<ballot>-<candidate>; the printed TOTAL of a list → listTotals.<ballot>.
- VOTOS EN BLANCO → blancos; VOTOS NULOS → nulos; VOTOS NO MARCADOS → noMarcados; SUMA TOTAL DE VOTOS → sumaTotal.

Rules:
- Read only what is written. Never compute a value from others, never fix the jurados' arithmetic.
- Over-written or corrected digits: set overwritten true and lower the confidence. A crossed European 7 is often mistaken for a 4; look twice.
- If unsure, say so with a low confidence or state "illegible"; a wrong confident value is the worst outcome.
- region: the rectangle of the row's three boxes on the image you read it from (image numbers start at 1, pixels of that image).
- Header values you cannot read are null.
- Answer only by calling ${E14_READER_TOOL_NAME} once, with every value field visible on the images.`;

/** The user turn's text: which image is which page, and what the caller expects to find. */
export function e14ReaderInstructions(pages: number[], hints: E14ReadHints | undefined): string {
  const lines = pages.map((page, index) => `Image ${index + 1} is page ${page} of the sheet.`);
  if (hints?.corporation) lines.push(`The corporación should be ${hints.corporation}; report what is printed.`);
  if (hints?.ballots?.length) {
    const rows = hints.ballots.map((ballot) => {
      const key =
        ballot.candidateNumber === undefined
          ? `${ballot.ballotNumber}`
          : `${ballot.ballotNumber}-${ballot.candidateNumber}`;
      return ballot.name ? `votes.${key} (${ballot.name})` : `votes.${key}`;
    });
    lines.push(`Ballot rows expected on this sheet: ${rows.join(', ')}.`);
  }
  lines.push(`Read the sheet and call ${E14_READER_TOOL_NAME}.`);
  return lines.join('\n');
}
