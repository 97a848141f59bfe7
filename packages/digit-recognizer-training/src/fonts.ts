import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import opentype, { type Font } from 'opentype.js';

/**
 * Handwriting typefaces used to draw synthetic jurado digits. Each face is a @fontsource package's
 * WOFF file (opentype.js 2 parses WOFF 1 itself; WOFF2 would need a Brotli decompressor). Several
 * weights of one family count as separate faces: the pen width varies between jurados too.
 */
export const HANDWRITING_FACES = [
  { id: 'architects-daughter', family: 'architects-daughter', weight: 400 },
  { id: 'caveat-400', family: 'caveat', weight: 400 },
  { id: 'caveat-700', family: 'caveat', weight: 700 },
  { id: 'covered-by-your-grace', family: 'covered-by-your-grace', weight: 400 },
  { id: 'gochi-hand', family: 'gochi-hand', weight: 400 },
  { id: 'handlee', family: 'handlee', weight: 400 },
  { id: 'homemade-apple', family: 'homemade-apple', weight: 400 },
  { id: 'indie-flower', family: 'indie-flower', weight: 400 },
  { id: 'kalam-300', family: 'kalam', weight: 300 },
  { id: 'kalam-700', family: 'kalam', weight: 700 },
  { id: 'nanum-pen-script', family: 'nanum-pen-script', weight: 400 },
  { id: 'patrick-hand', family: 'patrick-hand', weight: 400 },
  { id: 'reenie-beanie', family: 'reenie-beanie', weight: 400 },
  { id: 'schoolbell', family: 'schoolbell', weight: 400 },
  { id: 'shadows-into-light', family: 'shadows-into-light', weight: 400 },
  { id: 'sue-ellen-francisco', family: 'sue-ellen-francisco', weight: 400 },
  { id: 'short-stack', family: 'short-stack', weight: 400 },
  { id: 'neucha', family: 'neucha', weight: 400 },
  { id: 'gloria-hallelujah', family: 'gloria-hallelujah', weight: 400 },
  { id: 'the-girl-next-door', family: 'the-girl-next-door', weight: 400 },
  { id: 'annie-use-your-telescope', family: 'annie-use-your-telescope', weight: 400 },
  { id: 'mansalva', family: 'mansalva', weight: 400 },
  { id: 'caveat-brush', family: 'caveat-brush', weight: 400 },
] as const;

export type HandwritingFaceId = (typeof HANDWRITING_FACES)[number]['id'];

export const HANDWRITING_FACE_IDS: readonly HandwritingFaceId[] = HANDWRITING_FACES.map((face) => face.id);

const require = createRequire(import.meta.url);
const fontCache = new Map<string, Font>();

/** Parses a @fontsource face (latin subset, normal style) once and keeps it. */
export function loadFontsourceFace(family: string, weight: number): Font {
  const key = `${family}-${weight}`;
  const cached = fontCache.get(key);
  if (cached) return cached;
  const file = require.resolve(`@fontsource/${family}/files/${family}-latin-${weight}-normal.woff`);
  const bytes = readFileSync(file);
  const font = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  fontCache.set(key, font);
  return font;
}

export function loadHandwritingFace(id: HandwritingFaceId): Font {
  const face = HANDWRITING_FACES.find((candidate) => candidate.id === id);
  if (!face) throw new Error(`unknown handwriting face ${id}`);
  return loadFontsourceFace(face.family, face.weight);
}
