import { DIGITS, type Digit, maskStrokeWidth } from '@castor/digit-recognizer';
import type { Path } from 'opentype.js';
import sharp from 'sharp';
import type { Coverage } from './coverage.js';
import { HANDWRITING_FACES, type HandwritingFaceId, loadHandwritingFace } from './fonts.js';

/**
 * A glyph rasterised once at high resolution, as ink coverage (0 = paper, 1 = ink). Every
 * synthetic glyph is a random warp of a master, so sharp's SVG rasteriser runs once per face
 * instead of once per sample.
 */
export interface GlyphMaster extends Coverage {
  /** Typical stroke width of the face at master scale, in master pixels. */
  strokeWidth: number;
}

/** Ink height of a digit in a master, in pixels. Renders are scaled down from here. */
export const MASTER_INK_HEIGHT = 96;
const MASTER_MARGIN = 8;

export type FaceMasters = Record<Digit, GlyphMaster>;

/**
 * SVG path data from an opentype.js path. Written here rather than with `Path.toPathData`, whose
 * decimal rounding turns coordinates with a tiny fractional part (1e-7) into "NaN" in 2.0.0.
 */
export function svgPathData(path: Path): string {
  const f = (value: number) => value.toFixed(2);
  let data = '';
  for (const command of path.commands) {
    if (command.type === 'Z') data += 'Z';
    else if (command.type === 'Q') data += `Q${f(command.x1)} ${f(command.y1)} ${f(command.x)} ${f(command.y)}`;
    else if (command.type === 'C')
      data += `C${f(command.x1)} ${f(command.y1)} ${f(command.x2)} ${f(command.y2)} ${f(command.x)} ${f(command.y)}`;
    else data += `${command.type}${f(command.x)} ${f(command.y)}`;
  }
  return data;
}

/** Rasterises the ten digits of one face in a single SVG, then cuts them apart. */
async function rasteriseFace(id: HandwritingFaceId): Promise<FaceMasters> {
  const font = loadHandwritingFace(id);
  const probeSize = 1000;
  const probes = DIGITS.map((digit) => font.charToGlyph(digit).getPath(0, 0, probeSize).getBoundingBox());
  const inkHeights = probes.map((box) => box.y2 - box.y1).sort((a, b) => a - b);
  // Scale so that the median digit is MASTER_INK_HEIGHT tall; taller digits (descenders) stay taller.
  const scale = MASTER_INK_HEIGHT / (inkHeights[Math.floor(inkHeights.length / 2)] as number);
  const fontSize = probeSize * scale;
  const cells = probes.map((box) => ({
    width: Math.ceil((box.x2 - box.x1) * scale) + 2 * MASTER_MARGIN,
    height: Math.ceil((box.y2 - box.y1) * scale) + 2 * MASTER_MARGIN,
    originX: -box.x1 * scale + MASTER_MARGIN,
    originY: -box.y1 * scale + MASTER_MARGIN,
  }));
  const sheetWidth = cells.reduce((sum, cell) => sum + cell.width, 0);
  const sheetHeight = Math.max(...cells.map((cell) => cell.height));
  let offset = 0;
  const paths = DIGITS.map((digit, index) => {
    const cell = cells[index] as (typeof cells)[number];
    const data = svgPathData(font.charToGlyph(digit).getPath(offset + cell.originX, cell.originY, fontSize));
    offset += cell.width;
    return `<path d="${data}"/>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${sheetWidth}" height="${sheetHeight}"><rect width="100%" height="100%" fill="#fff"/><g fill="#000">${paths.join('')}</g></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer({ resolveWithObject: true });
  const masters = {} as FaceMasters;
  offset = 0;
  DIGITS.forEach((digit, index) => {
    const cell = cells[index] as (typeof cells)[number];
    const coverage = new Float32Array(cell.width * cell.height);
    for (let y = 0; y < cell.height; y++) {
      for (let x = 0; x < cell.width; x++) {
        coverage[y * cell.width + x] = 1 - (data[(y * info.width + offset + x) * info.channels] as number) / 255;
      }
    }
    offset += cell.width;
    masters[digit] = {
      width: cell.width,
      height: cell.height,
      data: coverage,
      strokeWidth: maskStrokeWidth(
        Uint8Array.from(coverage, (ink) => (ink >= 0.5 ? 1 : 0)),
        cell.width,
        cell.height,
      ),
    };
  });
  return masters;
}

let mastersPromise: Promise<Map<HandwritingFaceId, FaceMasters>> | undefined;

/** All faces' digit masters, rasterised on first use and shared afterwards. */
export function loadGlyphMasters(): Promise<Map<HandwritingFaceId, FaceMasters>> {
  mastersPromise ??= Promise.all(
    HANDWRITING_FACES.map(async (face) => [face.id, await rasteriseFace(face.id)] as const),
  ).then((entries) => new Map(entries));
  return mastersPromise;
}
