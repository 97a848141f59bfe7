// The subset of opentype.js 2.x CASTOR uses: here for the handwriting faces of this package, and
// for the Arimo outlines of @castor/e14-synth-sheets (its renderer and the generator of
// @castor/e14-sheets' printed-glyph table). Every tsconfig that type-checks either package includes
// this folder. opentype.js ships no type declarations, and @types/opentype.js describes the older
// 1.x API. Production code does not use opentype.js.
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

  /** A name-table record by language code ('en', ...). */
  export type LocalizedName = Record<string, string>;

  export interface NameRecords {
    fontFamily?: LocalizedName;
    version?: LocalizedName;
    copyright?: LocalizedName;
    licenseURL?: LocalizedName;
  }

  export interface Font {
    unitsPerEm: number;
    ascender: number;
    descender: number;
    /** The name table by platform (2.x groups it so; a WOFF from @fontsource has 'windows'). */
    names: { windows?: NameRecords; macintosh?: NameRecords; unicode?: NameRecords };
    charToGlyph(char: string): Glyph;
    hasChar(char: string): boolean;
    getPath(text: string, x: number, y: number, fontSize: number): Path;
    getAdvanceWidth(text: string, fontSize: number): number;
  }

  export function parse(buffer: ArrayBuffer): Font;

  const opentype: { parse: typeof parse };
  export default opentype;
}
