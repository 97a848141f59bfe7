import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PRINTED_SYMBOLS } from '@castor/e14-sheets';
import type { Font, NameRecords } from 'opentype.js';
import { type ArimoWeight, arimo, svgPath } from './fonts.js';

/**
 * The printed-glyph table of @castor/e14-sheets (src/reading/printed-glyphs.ts): the Arimo outlines
 * its printed-digit reader renders its prototypes from, baked into source so that production needs
 * neither the font nor opentype.js. `pnpm --filter @castor/e14-synth-sheets glyphs:generate` writes
 * it; a test checks the committed file still equals this output.
 */

const require = createRequire(import.meta.url);

/** Where the table lives: e14-sheets' src/reading, found through its package entry point. */
export const PRINTED_GLYPHS_FILE = join(dirname(require.resolve('@castor/e14-sheets')), 'reading', 'printed-glyphs.ts');

/** Font size (px) and origin of the outlines: what the reader's prototypes were always drawn at. */
const SIZE = 96;
const ORIGIN_X = 12;
const WEIGHTS: readonly ArimoWeight[] = [400, 700];

const quote = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
/** An object key as biome writes it: bare when it is an identifier. */
const key = (text: string) => (/^[A-Za-z_$][\w$]*$/.test(text) ? text : quote(text));

/** A name-table record of a font, in English, from whichever platform's table has it. */
function fontName(font: Font, name: keyof NameRecords): string {
  const record = font.names.windows?.[name] ?? font.names.macintosh?.[name] ?? font.names.unicode?.[name];
  const text = record?.en ?? Object.values(record ?? {})[0];
  if (!text) throw new Error(`Arimo has no ${name} in its name table`);
  return text;
}

/** The source of printed-glyphs.ts as the installed Arimo gives it (formatted as biome leaves it). */
export function printedGlyphsModule(): string {
  const fontsource = JSON.parse(readFileSync(require.resolve('@fontsource/arimo/package.json'), 'utf8')) as {
    version: string;
  };
  const regular = arimo(400);
  // The header names the licence; a font under another one needs the header (and a review) changed.
  const licence = fontName(regular, 'licenseURL');
  if (licence !== 'https://openfontlicense.org') throw new Error(`Arimo's licence changed: ${licence}`);
  const lines = [
    '// GENERATED from the Arimo typeface by packages/e14-synth-sheets/scripts/generate-printed-glyphs.ts',
    '// (`pnpm --filter @castor/e14-synth-sheets glyphs:generate`). DO NOT EDIT BY HAND: the test',
    "// packages/e14-synth-sheets/test/printed-glyphs.test.ts fails when this file differs from the script's output.",
    '//',
    `// Outlines of Arimo ${fontName(regular, 'version')} (@fontsource/arimo ${fontsource.version}), the typeface metrically compatible`,
    '// with Arial, which the Registraduría prints the E-14 in. Licensed under the SIL Open Font License, Version 1.1',
    `// (${licence}). ${fontName(regular, 'copyright')}.`,
    '',
    `/** Font size (px) of the outlines; each is placed with its origin at (${ORIGIN_X}, ${SIZE}), on the baseline. */`,
    `export const PRINTED_GLYPH_SIZE = ${SIZE};`,
    '',
    `export type PrintedGlyphWeight = ${WEIGHTS.join(' | ')};`,
    `export type PrintedGlyphSymbol = ${PRINTED_SYMBOLS.map(quote).join(' | ')};`,
    '',
    'export interface PrintedGlyphOutline {',
    "  /** opentype.js's advance width at PRINTED_GLYPH_SIZE, in px. */",
    '  readonly advanceWidth: number;',
    '  /** SVG path data of the outline (coordinates with two decimals). */',
    '  readonly path: string;',
    '}',
    '',
    'export type PrintedGlyphTable = Readonly<',
    '  Record<PrintedGlyphWeight, Readonly<Record<PrintedGlyphSymbol, PrintedGlyphOutline>>>',
    '>;',
    '',
    'export const PRINTED_GLYPHS: PrintedGlyphTable = {',
  ];
  for (const weight of WEIGHTS) {
    const font = arimo(weight);
    lines.push(`  ${weight}: {`);
    for (const symbol of PRINTED_SYMBOLS) {
      const advanceWidth = font.getAdvanceWidth(symbol, SIZE);
      const path = svgPath(font.getPath(symbol, ORIGIN_X, SIZE, SIZE));
      lines.push(
        `    ${key(symbol)}: {`,
        `      advanceWidth: ${advanceWidth},`,
        `      path: ${quote(path)},`,
        '    },',
      );
    }
    lines.push('  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}
