import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjsModule: Promise<PdfJs> | undefined;

/** pdf.js's Node build, imported on first use (it is large, and many processes never open a PDF). */
export function loadPdfJs(): Promise<PdfJs> {
  pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsModule;
}

/**
 * How every untrusted PDF is opened: nothing fetched (font, character-map and wasm data are read
 * from the installed package), no font faces, no system fonts, no XFA, and a damaged file stops
 * at its first error instead of being half-read as if it were whole. pdf.js 5 has no eval path
 * (the `isEvalSupported` option of earlier versions is gone with the code it guarded), and
 * scripting is never enabled. The bytes are copied: pdf.js takes ownership of what it is given.
 */
export function untrustedPdfSource(bytes: Uint8Array) {
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  return {
    data: bytes.slice(),
    useWorkerFetch: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    disableAutoFetch: true,
    disableStream: true,
    stopAtErrors: true,
    verbosity: 0,
    standardFontDataUrl: `${join(root, 'standard_fonts')}/`,
    cMapUrl: `${join(root, 'cmaps')}/`,
    wasmUrl: `${join(root, 'wasm')}/`,
  };
}
