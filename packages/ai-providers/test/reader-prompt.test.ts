import { COPIES } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { E14_READER_SYSTEM_PROMPT, e14ToolInputJsonSchema, e14ToolInputSchema } from '../src/index.js';
import { barcelonaToolInput } from './helpers.js';

const prompt = E14_READER_SYSTEM_PROMPT;

/** The banner text of each copy as printed on the sheets. */
const BANNERS: Record<(typeof COPIES)[number], string> = {
  claveros: 'CLAVEROS',
  delegados: 'DELEGADOS',
  transmision: 'TRANSMISIÓN',
  consul_embajador: 'CÓNSUL/EMBAJADOR',
};

/** The one line of the prompt that matches, so a row range is checked where it is stated. */
function lineOf(pattern: RegExp): string {
  const line = prompt.split('\n').find((candidate) => pattern.test(candidate));
  if (!line) throw new Error(`no line of the prompt matches ${pattern}`);
  return line;
}

describe('the E-14 reading prompt describes the real 2026 sheets', () => {
  it.each(Object.entries(BANNERS))('tells how to report the %s copy from its banner', (copy, banner) => {
    expect(prompt).toContain(`${banner} as ${copy}`);
  });

  it('reads a consulate header: CONSULADO 88 as the departamento, the PAÍS code as the municipio', () => {
    const consulate = lineOf(/CONSULADO/);
    expect(consulate).toContain('PAÍS');
    expect(consulate).toContain('departamento "88"');
    expect(consulate).toMatch(/country code as the municipio/);
    // Its barcode's copy digit is the delegados one, so the banner must decide.
    expect(lineOf(/CÓNSUL\/EMBAJADOR/)).toMatch(/copy digit is 2 on both DELEGADOS and CÓNSUL\/EMBAJADOR/);
  });

  it('states where the first-round Presidente numbers are: two pages of three', () => {
    const split = lineOf(/first round/);
    expect(split).toMatch(/Pag: n de 3/);
    expect(split).toMatch(/page 1 holds E-11, urna, incinerados and candidates 1–7;/);
    expect(split).toMatch(
      /page 2 holds candidates 8–13, VOTOS EN BLANCO, VOTOS NULOS, VOTOS NO MARCADOS and SUMA TOTAL;/,
    );
    expect(split).toMatch(/page 3 holds [^;.]*signatures, no numbers/);
  });

  it('names the filler marks of real sheets and tells a filler-only row from a written 0', () => {
    const fillers = lineOf(/Unused leading boxes/);
    for (const mark of ['dots', 'dashes', '"Ø"', '"⊗"', 'X marks']) expect(fillers).toContain(mark);
    const zero = lineOf(/only filler marks/);
    expect(zero).toMatch(/only filler marks, or nothing, is empty \(state "empty", value null\)/);
    expect(zero).toMatch(/read as 0 \(state "read", value 0\): "000", "ØØ0"/);
  });

  it('warns about European 1s, crossed 7s and oversized digits', () => {
    const hands = lineOf(/European/);
    expect(hands).toMatch(/it is a 1, not a 7/);
    expect(hands).toMatch(/7 is often crossed: it is a 7, not a 4/);
    expect(hands).toMatch(/grow past their box/);
  });

  it('asks for each row as written: a total one row too high or left blank is neither moved nor computed', () => {
    const misplaced = lineOf(/one row too high/);
    expect(misplaced).toMatch(/never move a value/);
    expect(misplaced).toMatch(/never fill a blank row/);
    expect(prompt).toMatch(/Never compute a value from others/);
  });
});

describe('the tool the model answers through', () => {
  it('offers every copy, consul_embajador included, and describes fillers as empty', () => {
    // The parts of the JSON Schema the model reads about copies and states.
    const schema = z
      .object({
        properties: z.object({
          header: z.object({
            properties: z.object({
              copy: z.object({ anyOf: z.array(z.object({ enum: z.array(z.string()).optional() })) }),
            }),
          }),
          fields: z.object({
            items: z.object({ properties: z.object({ state: z.object({ description: z.string() }) }) }),
          }),
        }),
      })
      .parse(e14ToolInputJsonSchema);
    const copies = schema.properties.header.properties.copy.anyOf.flatMap((option) => option.enum ?? []);
    expect(copies.sort()).toEqual([...COPIES].sort());
    expect(schema.properties.fields.items.properties.state.description).toMatch(/Ø, ⊗, X/);
  });

  it('accepts a consulate header (departamento 88, copy consul_embajador) and refuses an unknown copy', () => {
    const input = barcelonaToolInput();
    expect(e14ToolInputSchema.parse(input).header).toMatchObject({ departamento: '88', copy: 'consul_embajador' });
    const unknown = { ...input, header: { ...input.header, copy: 'consul' } };
    expect(e14ToolInputSchema.safeParse(unknown).success).toBe(false);
  });
});
