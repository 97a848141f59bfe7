import { readFileSync } from 'node:fs';
import { PRINTED_SYMBOLS } from '@castor/e14-sheets';
import { describe, expect, it } from 'vitest';
import { arimo, svgPath } from '../src/fonts.js';
import { PRINTED_GLYPHS_FILE, printedGlyphsModule } from '../src/printed-glyphs.js';

describe("@castor/e14-sheets' printed-glyph table", () => {
  it('is what the generator makes of the installed Arimo (pnpm --filter @castor/e14-synth-sheets glyphs:generate)', () => {
    expect(readFileSync(PRINTED_GLYPHS_FILE, 'utf8')).toBe(printedGlyphsModule());
  });

  it("holds, per weight and symbol, the outline and advance the reader's prototypes were drawn from", async () => {
    const { PRINTED_GLYPH_SIZE, PRINTED_GLYPHS } = await import(PRINTED_GLYPHS_FILE);
    expect(PRINTED_GLYPH_SIZE).toBe(96);
    for (const weight of [400, 700] as const) {
      const font = arimo(weight);
      expect(Object.keys(PRINTED_GLYPHS[weight]).sort()).toEqual([...PRINTED_SYMBOLS].sort());
      for (const symbol of PRINTED_SYMBOLS) {
        expect(PRINTED_GLYPHS[weight][symbol]).toEqual({
          advanceWidth: font.getAdvanceWidth(symbol, 96),
          path: svgPath(font.getPath(symbol, 12, 96, 96)),
        });
      }
    }
  });
});
