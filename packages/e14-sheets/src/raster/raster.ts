import type { GrayImage } from '@castor/digit-recognizer';
import type { Homography } from './geometry.js';

export type { GrayImage };

/**
 * Page rasters as they come out of intake, kept in their cheapest form: a published scan stays
 * 1-bit packed (about 280 KB a page) and is never expanded whole; photos and rendered pages are
 * one byte per pixel. Everything downstream reads pixels through the functions here.
 */

/** Packed 1-bit rows, most significant bit first, a set bit is ink (the PDF's polarity resolved). */
export interface BitRaster {
  kind: 'bits';
  width: number;
  height: number;
  rowBytes: number;
  data: Uint8Array;
}

/** Grayscale page; values at or below `inkThreshold` are ink. */
export interface GrayRaster extends GrayImage {
  kind: 'gray';
  inkThreshold: number;
}

export type PageRaster = BitRaster | GrayRaster;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function isInk(raster: PageRaster, x: number, y: number): boolean {
  if (x < 0 || y < 0 || x >= raster.width || y >= raster.height) return false;
  if (raster.kind === 'bits') {
    return (((raster.data[y * raster.rowBytes + (x >> 3)] as number) >> (7 - (x & 7))) & 1) === 1;
  }
  return (raster.data[y * raster.width + x] as number) <= raster.inkThreshold;
}

/** Paper-to-ink level of one pixel, 255 = paper; outside the raster reads as paper. */
function levelAt(raster: PageRaster, x: number, y: number): number {
  if (x < 0 || y < 0 || x >= raster.width || y >= raster.height) return 255;
  if (raster.kind === 'bits') {
    return (((raster.data[y * raster.rowBytes + (x >> 3)] as number) >> (7 - (x & 7))) & 1) === 1 ? 0 : 255;
  }
  return raster.data[y * raster.width + x] as number;
}

/** Bilinear sample at a real-valued position (pixel centres at integer + 0.5). */
export function sampleLevel(raster: PageRaster, x: number, y: number): number {
  const fx = x - 0.5;
  const fy = y - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const tx = fx - x0;
  const ty = fy - y0;
  let a: number;
  let b: number;
  let c: number;
  let d: number;
  if (raster.kind === 'bits' && x0 >= 0 && y0 >= 0 && x0 + 1 < raster.width && y0 + 1 < raster.height) {
    // The common case inline: four bits of two packed rows.
    const { data, rowBytes } = raster;
    const top = y0 * rowBytes;
    const bottom = top + rowBytes;
    const x1 = x0 + 1;
    a = ((data[top + (x0 >> 3)] as number) >> (7 - (x0 & 7))) & 1 ? 0 : 255;
    b = ((data[top + (x1 >> 3)] as number) >> (7 - (x1 & 7))) & 1 ? 0 : 255;
    c = ((data[bottom + (x0 >> 3)] as number) >> (7 - (x0 & 7))) & 1 ? 0 : 255;
    d = ((data[bottom + (x1 >> 3)] as number) >> (7 - (x1 & 7))) & 1 ? 0 : 255;
  } else {
    a = levelAt(raster, x0, y0);
    b = levelAt(raster, x0 + 1, y0);
    c = levelAt(raster, x0, y0 + 1);
    d = levelAt(raster, x0 + 1, y0 + 1);
  }
  return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
}

/**
 * Samples a rectangle given in template coordinates through `toImage` into an upright gray image
 * of `scale` pixels per template unit. Only the pixels of the rectangle are touched.
 */
export function warpRegion(raster: PageRaster, toImage: Homography, rect: Rect, scale = 1): GrayImage {
  const width = Math.max(1, Math.round(rect.width * scale));
  const height = Math.max(1, Math.round(rect.height * scale));
  const data = new Uint8Array(width * height);
  const [a, b, c, d, e, f, g, h, i] = toImage;
  const step = 1 / scale;
  // Numerators and denominator of the homography advance linearly along a row: no per-pixel products.
  for (let oy = 0; oy < height; oy++) {
    const ty = rect.y + (oy + 0.5) * step;
    const tx = rect.x + 0.5 * step;
    let u = a * tx + b * ty + c;
    let v = d * tx + e * ty + f;
    let w = g * tx + h * ty + i;
    const du = a * step;
    const dv = d * step;
    const dw = g * step;
    const row = oy * width;
    for (let ox = 0; ox < width; ox++) {
      data[row + ox] = Math.round(sampleLevel(raster, u / w, v / w));
      u += du;
      v += dv;
      w += dw;
    }
  }
  return { width, height, data };
}

/**
 * Ink mask (1 = ink) of an axis-aligned window of the raster, clipped to the raster, sampling
 * every `step`-th pixel of every `step`-th row (mask pixel (i, j) is raster pixel
 * (rect.x + i·step, rect.y + j·step); `rect` is the clipped window in raster pixels).
 */
export function inkWindow(raster: PageRaster, rect: Rect, step = 1): { mask: Uint8Array; rect: Rect } {
  const x0 = Math.max(0, Math.floor(rect.x));
  const y0 = Math.max(0, Math.floor(rect.y));
  const x1 = Math.min(raster.width, Math.ceil(rect.x + rect.width));
  const y1 = Math.min(raster.height, Math.ceil(rect.y + rect.height));
  const width = Math.max(0, x1 - x0);
  const height = Math.max(0, y1 - y0);
  const maskWidth = Math.ceil(width / step);
  const maskHeight = Math.ceil(height / step);
  const mask = new Uint8Array(maskWidth * maskHeight);
  if (raster.kind === 'bits') {
    for (let y = 0; y < maskHeight; y++) {
      const row = (y0 + y * step) * raster.rowBytes;
      const out = y * maskWidth;
      for (let x = 0; x < maskWidth; x++) {
        const px = x0 + x * step;
        mask[out + x] = ((raster.data[row + (px >> 3)] as number) >> (7 - (px & 7))) & 1;
      }
    }
  } else {
    for (let y = 0; y < maskHeight; y++) {
      for (let x = 0; x < maskWidth; x++) mask[y * maskWidth + x] = isInk(raster, x0 + x * step, y0 + y * step) ? 1 : 0;
    }
  }
  return { mask, rect: { x: x0, y: y0, width, height } };
}

/** Connected ink region (8-connectivity) with its bounding box and centroid in window coordinates. */
export interface Component {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  area: number;
  centroidX: number;
  centroidY: number;
}

export function connectedComponents(mask: Uint8Array, width: number, height: number, minArea = 1): Component[] {
  const labels = new Int32Array(mask.length);
  const stack = new Int32Array(mask.length);
  const components: Component[] = [];
  let next = 0;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] !== 1 || labels[start] !== 0) continue;
    next++;
    let top = 0;
    stack[top++] = start;
    labels[start] = next;
    let minX = width;
    let minY = height;
    let maxX = 0;
    let maxY = 0;
    let area = 0;
    let sumX = 0;
    let sumY = 0;
    while (top > 0) {
      const index = stack[--top] as number;
      const x = index % width;
      const y = (index - x) / width;
      area++;
      sumX += x;
      sumY += y;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const neighbour = ny * width + nx;
          if (mask[neighbour] === 1 && labels[neighbour] === 0) {
            labels[neighbour] = next;
            stack[top++] = neighbour;
          }
        }
      }
    }
    if (area >= minArea) {
      components.push({ minX, minY, maxX, maxY, area, centroidX: sumX / area + 0.5, centroidY: sumY / area + 0.5 });
    }
  }
  return components;
}

/**
 * Adaptive (Bradley–Roth) binarisation for photos: a pixel is ink when it is darker than the mean
 * of its neighbourhood by `darkerBy`. Uneven light across a phone photo defeats any global threshold.
 */
export function adaptiveBinarize(image: GrayImage, windowSize: number, darkerBy = 0.15): GrayImage {
  const { width, height, data } = image;
  // Sums modulo 2^32: half the memory of doubles (~30 MB less on a phone photo), and a window's
  // sum, recovered with `>>> 0`, is exact because it stays far below 2^32 even when the table wraps.
  const integral = new Uint32Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    for (let x = 0; x < width; x++) {
      rowSum += data[y * width + x] as number;
      integral[(y + 1) * (width + 1) + x + 1] = (integral[y * (width + 1) + x + 1] as number) + rowSum;
    }
  }
  const half = Math.max(1, Math.floor(windowSize / 2));
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - half);
    const y1 = Math.min(height, y + half + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - half);
      const x1 = Math.min(width, x + half + 1);
      const sum =
        ((integral[y1 * (width + 1) + x1] as number) -
          (integral[y0 * (width + 1) + x1] as number) -
          (integral[y1 * (width + 1) + x0] as number) +
          (integral[y0 * (width + 1) + x0] as number)) >>>
        0;
      const mean = sum / ((x1 - x0) * (y1 - y0));
      out[y * width + x] = (data[y * width + x] as number) < mean * (1 - darkerBy) ? 0 : 255;
    }
  }
  return { width, height, data: out };
}

/** Expands gray to RGBA (what zxing-wasm's ImageData input takes). */
export function grayToRgba(image: GrayImage): Uint8ClampedArray {
  const out = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0; i < image.data.length; i++) {
    const v = image.data[i] as number;
    const o = i * 4;
    out[o] = v;
    out[o + 1] = v;
    out[o + 2] = v;
    out[o + 3] = 255;
  }
  return out;
}

/** 3 × 3 majority filter on ink (below 128): removes isolated specks and pinholes, keeps shapes. */
export function despeckle(image: GrayImage): GrayImage {
  const { width, height, data } = image;
  const out = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let ink = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < width && (data[yy * width + xx] as number) < 128) ink++;
        }
      }
      if (ink >= 5) out[y * width + x] = 0;
    }
  }
  return { width, height, data: out };
}
