import { writeFileSync } from 'node:fs';
import { PRINTED_GLYPHS_FILE, printedGlyphsModule } from '../src/printed-glyphs.js';

/**
 * Writes @castor/e14-sheets' src/reading/printed-glyphs.ts: the Arimo outlines of the printed-digit
 * reader's symbols, from the installed @fontsource/arimo (pnpm glyphs:generate). Run it after
 * changing the reader's symbols or upgrading the font; test/printed-glyphs.test.ts checks it was.
 */
const source = printedGlyphsModule();
writeFileSync(PRINTED_GLYPHS_FILE, source);
console.log(`${PRINTED_GLYPHS_FILE}: ${source.length} characters`);
