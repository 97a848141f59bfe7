import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import opentype, { type Font, type Path } from 'opentype.js';

/**
 * Arimo (metrically compatible with Arial, the face the Registraduría prints the E-14 in), read
 * from the installed @fontsource package. WOFF 1, which opentype.js parses without a Brotli decoder.
 * Dev only: the renderer draws sheet text with it, and scripts/generate-printed-glyphs.ts bakes the
 * few outlines @castor/e14-sheets' printed-digit reader needs into that package, so production
 * installs carry neither the font nor opentype.js.
 */
export type ArimoWeight = 400 | 700;

const fonts = new Map<ArimoWeight, Font>();

export function arimo(weight: ArimoWeight): Font {
  let font = fonts.get(weight);
  if (!font) {
    const require = createRequire(import.meta.url);
    const file = require.resolve(`@fontsource/arimo/files/arimo-latin-${weight}-normal.woff`);
    const bytes = readFileSync(file);
    font = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    fonts.set(weight, font);
  }
  return font;
}

/** SVG path data of an opentype path, with fixed two-decimal coordinates. */
export function svgPath(path: Path): string {
  const f = (value: number) => value.toFixed(2);
  let data = '';
  for (const c of path.commands) {
    if (c.type === 'Z') data += 'Z';
    else if (c.type === 'Q') data += `Q${f(c.x1)} ${f(c.y1)} ${f(c.x)} ${f(c.y)}`;
    else if (c.type === 'C') data += `C${f(c.x1)} ${f(c.y1)} ${f(c.x2)} ${f(c.y2)} ${f(c.x)} ${f(c.y)}`;
    else data += `${c.type}${f(c.x)} ${f(c.y)}`;
  }
  return data;
}
