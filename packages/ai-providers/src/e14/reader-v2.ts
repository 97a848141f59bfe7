import { CORPORATIONS } from '@castor/contracts';
import { z } from 'zod';
import { E14_FIELD_PATH_PATTERN, type E14ReadHints, e14HeaderSchema } from './field-reader.js';

/**
 * Version 2 of the E-14 reading prompt and of the tool the model answers through (version 1 knew
 * only the one-page mesa form; version 2 adds consulate sheets, the three-page first-round
 * Presidente form and the filler marks of real 2026 sheets). The version is part of every cache
 * key and of every reading's provenance: change anything here (wording, schema) and bump it, so
 * old cached answers are never mixed with new ones.
 */
export const E14_READER_PROMPT_VERSION = 'e14-reader/v2';
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
        'read: digits written (a written 0 included); empty: row blank or only filler marks (dots, dashes, Ø, ⊗, X); illegible: something written that cannot be read',
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

The header (printed on every page):
- DEPARTAMENTO (2 digits), MUNICIPIO (3), ZONA (2), PUESTO (2), MESA (3), the corporación (${CORPORATIONS.join(', ')}), a 15-digit barcode starting with 7 printed under the bars, a transmission code line like "X 2-39-88-14 X", and "Pag: n de m" (page n of m; report those of the first image).
- Consulate sheets print CONSULADO: 88 - CONSULADOS and PAÍS: nnn - <country> instead of DEPARTAMENTO and MUNICIPIO: report departamento "88" and the country code as the municipio (PAÍS: 355 - ESPAÑA → municipio "355").
- The copy is named on the black banner under the title. Report CLAVEROS as claveros, DELEGADOS as delegados, TRANSMISIÓN as transmision, and, on consulate sheets, CÓNSUL/EMBAJADOR as consul_embajador. Take it from the banner: the barcode's copy digit is 2 on both DELEGADOS and CÓNSUL/EMBAJADOR sheets.

The rows:
- Nivelación de la mesa: TOTAL VOTANTES FORMULARIO E-11 → nivelacion.sufragantes; TOTAL VOTOS EN LA URNA → nivelacion.urna; TOTAL VOTOS INCINERADOS → nivelacion.incinerados.
- Candidate rows by ballot number → votes.<ballot>. Party lists: the row "solo por la agrupación" or "votos por la agrupación" → votes.<ballot>; preferential candidate rows 101, 102... → votes.<ballot>-<candidate>; the printed TOTAL of a list → listTotals.<ballot>.
- VOTOS EN BLANCO → blancos; VOTOS NULOS → nulos; VOTOS NO MARCADOS → noMarcados; SUMA TOTAL DE VOTOS → sumaTotal.
- The rows of one sheet can span pages. Presidente, first round (13 candidates, "Pag: n de 3"): page 1 holds E-11, urna, incinerados and candidates 1–7; page 2 holds candidates 8–13, VOTOS EN BLANCO, VOTOS NULOS, VOTOS NO MARCADOS and SUMA TOTAL; page 3 holds the constancias and the jurors' signatures, no numbers. Presidente, second round: every number on page 1 of 2. Report each row from the image it is on.

The boxes:
- Every number is handwritten in three boxes (hundreds, tens, units), so 0..999.
- Unused leading boxes hold filler marks: solid or hollow dots, dashes, slashed zeros "Ø", crossed-out zeros "⊗", large X marks, or nothing. Fillers are not digits: "Ø61" is 61, "··3" is 3.
- A row holding only filler marks, or nothing, is empty (state "empty", value null). A row with a plain 0 written in its units box is read as 0 (state "read", value 0): "000", "ØØ0", "--0". Both differ from a row you cannot read (state "illegible", value null).
- A 1 is often written European style, with a long lead-in stroke or a foot: it is a 1, not a 7. A 7 is often crossed: it is a 7, not a 4. Digits often grow past their box; each still belongs to the box it is written in.
- Jurados sometimes write a value one row too high (a total on the row above its own) or leave a row, even a total, blank: report what is in each row's boxes, never move a value to the row it seems meant for, never fill a blank row.

Rules:
- Read only what is written. Never compute a value from others, never fix the jurados' arithmetic.
- Over-written or corrected digits: set overwritten true and lower the confidence.
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
