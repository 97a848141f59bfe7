import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { DrawnPage, GrayImage, Shape } from '@castor/e14-sheets';
import type { Rng } from '@castor/seeded-random';
import sharp from 'sharp';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';
import { arimo, svgPath } from './fonts.js';

/** Printed parts of a page: shapes → SVG (text as Arimo outlines) → gray raster through sharp. */

let writerReady: Promise<unknown> | undefined;
function prepareWriter(): Promise<unknown> {
  if (!writerReady) {
    const require = createRequire(import.meta.url);
    const wasm = readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm'));
    writerReady = prepareZXingModule({
      overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer },
      fireImmediately: true,
    });
  }
  return writerReady;
}

/** A symbol from zxing's writer as an SVG fragment filling the given box. */
async function symbolSvg(
  text: string,
  format: 'Code39' | 'QRCode',
  x: number,
  y: number,
  width: number,
  height: number,
): Promise<string> {
  await prepareWriter();
  const result = await writeBarcode(text, { format, withQuietZones: false, withHRT: false, scale: 1 });
  if (result.error) throw new Error(`zxing could not write ${format}: ${result.error}`);
  const paths = [...result.svg.matchAll(/<path d="([^"]+)"/g)].map((match) => match[1]).join('');
  return `<svg x="${x}" y="${y}" width="${width}" height="${height}" viewBox="0 0 ${result.symbol.width} ${result.symbol.height}" preserveAspectRatio="none"><path d="${paths}" fill="#000"/></svg>`;
}

function textSvg(shape: Extract<Shape, { kind: 'text' }>): string {
  const font = arimo(shape.bold ? 700 : 400);
  const stretch = shape.stretch ?? 1;
  const advance = font.getAdvanceWidth(shape.text, shape.size) * stretch;
  const start =
    shape.anchor === 'middle' ? shape.x - advance / 2 : shape.anchor === 'end' ? shape.x - advance : shape.x;
  const path = svgPath(font.getPath(shape.text, 0, 0, shape.size));
  return `<path transform="translate(${start.toFixed(2)} ${shape.y}) scale(${stretch} 1)" d="${path}" fill="${shape.white ? '#fff' : '#000'}"/>`;
}

function signatureSvg(shape: Extract<Shape, { kind: 'signature' }>, rng: Rng): string {
  let d = `M${shape.x} ${shape.y + shape.height * rng.uniform(0.3, 0.7)}`;
  const strokes = 5 + Math.floor(rng.next() * 5);
  for (let i = 1; i <= strokes; i++) {
    const x = shape.x + (shape.width * i) / strokes;
    d += ` Q${(x - shape.width / strokes / 2).toFixed(1)} ${(shape.y + rng.next() * shape.height).toFixed(1)} ${x.toFixed(1)} ${(shape.y + shape.height * rng.uniform(0.2, 0.8)).toFixed(1)}`;
  }
  return `<path d="${d}" fill="none" stroke="#000" stroke-width="2.5"/>`;
}

export interface PageSymbols {
  barcode: string;
  qr: string;
}

export async function pageSvg(
  page: DrawnPage,
  size: { width: number; height: number },
  symbols: PageSymbols,
  rng: Rng,
): Promise<string> {
  const parts: string[] = [];
  for (const shape of page.shapes) {
    switch (shape.kind) {
      case 'text':
        parts.push(textSvg(shape));
        break;
      case 'box': {
        const radius = shape.radius ? ` rx="${shape.radius}"` : '';
        parts.push(
          shape.fill
            ? `<rect x="${shape.x}" y="${shape.y}" width="${shape.width}" height="${shape.height}"${radius} fill="#000"/>`
            : `<rect x="${shape.x}" y="${shape.y}" width="${shape.width}" height="${shape.height}"${radius} fill="none" stroke="#000" stroke-width="${shape.stroke ?? 2}"/>`,
        );
        break;
      }
      case 'line':
        parts.push(
          `<line x1="${shape.x1}" y1="${shape.y1}" x2="${shape.x2}" y2="${shape.y2}" stroke="#000" stroke-width="${shape.width ?? 2}"/>`,
        );
        break;
      case 'blob':
        parts.push(`<ellipse cx="${shape.cx}" cy="${shape.cy}" rx="${shape.rx}" ry="${shape.ry}" fill="#000"/>`);
        break;
      case 'signature':
        parts.push(signatureSvg(shape, rng));
        break;
      case 'barcode':
        parts.push(await symbolSvg(symbols.barcode, 'Code39', shape.x, shape.y, shape.width, shape.height));
        break;
      case 'qr':
        parts.push(await symbolSvg(symbols.qr, 'QRCode', shape.x, shape.y, shape.size, shape.size));
        break;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}"><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>`;
}

export async function rasterizeSvg(svg: string): Promise<GrayImage> {
  const { data, info } = await sharp(Buffer.from(svg))
    .flatten({ background: '#ffffff' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
