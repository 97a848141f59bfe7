// The subset of opentype.js 2.x CASTOR uses: here for the Arimo outlines of the printed-digit
// reader, and for the handwriting faces of @castor/digit-recognizer-training, whose tsconfig (and
// that of every package type-checking either) includes this folder. opentype.js ships no type
// declarations, and @types/opentype.js describes the older 1.x API.
declare module 'opentype.js' {
  export interface BoundingBox {
    x1: number;
    y1: number;
    x2: number;
    y2: number;
  }

  export type PathCommand =
    | { type: 'M' | 'L'; x: number; y: number }
    | { type: 'Q'; x1: number; y1: number; x: number; y: number }
    | { type: 'C'; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
    | { type: 'Z' };

  export interface Path {
    commands: PathCommand[];
    getBoundingBox(): BoundingBox;
  }

  export interface Glyph {
    name: string | null;
    unicode: number | undefined;
    getPath(x: number, y: number, fontSize: number): Path;
  }

  export interface Font {
    unitsPerEm: number;
    ascender: number;
    descender: number;
    names: { fontFamily?: Record<string, string> };
    charToGlyph(char: string): Glyph;
    hasChar(char: string): boolean;
    getPath(text: string, x: number, y: number, fontSize: number): Path;
    getAdvanceWidth(text: string, fontSize: number): number;
  }

  export function parse(buffer: ArrayBuffer): Font;

  const opentype: { parse: typeof parse };
  export default opentype;
}
