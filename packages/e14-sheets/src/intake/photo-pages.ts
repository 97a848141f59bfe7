import { PDFDocument, PDFName } from 'pdf-lib';
import sharp from 'sharp';
import { SheetError } from '../errors.js';
import { PHOTO_LONG_SIDE } from './page-raster.js';

const JPEG_START_OF_SCAN = 0xffda;
const JPEG_EXIF_SEGMENT = 0xffe1;
const EXIF_ORIENTATION_TAG = 0x0112;

/** The orientation an EXIF block's first directory declares (TIFF layout from `tiff` to `end`), or 1. */
function exifOrientation(view: DataView, tiff: number, end: number): number {
  if (tiff + 8 > end) return 1;
  const order = view.getUint16(tiff);
  const little = order === 0x4949;
  if ((!little && order !== 0x4d4d) || view.getUint16(tiff + 2, little) !== 42) return 1;
  const directory = tiff + view.getUint32(tiff + 4, little);
  if (directory + 2 > end) return 1;
  const entries = view.getUint16(directory, little);
  for (let index = 0; index < entries; index++) {
    const entry = directory + 2 + index * 12;
    if (entry + 12 > end) return 1;
    if (view.getUint16(entry, little) !== EXIF_ORIENTATION_TAG) continue;
    const value = view.getUint16(entry + 8, little);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

/**
 * The EXIF orientation (1–8) a JPEG declares, 1 when it declares none: a walk over the segments
 * before the image data, each skipped by its length.
 */
export function jpegOrientation(jpeg: Uint8Array): number {
  const view = new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  let at = 2;
  while (at + 4 <= view.byteLength) {
    const marker = view.getUint16(at);
    if (marker >> 8 !== 0xff || marker === JPEG_START_OF_SCAN) return 1;
    const end = at + 2 + view.getUint16(at + 2);
    const body = at + 4;
    // "Exif\0\0", then the TIFF layout; any other APP1 (XMP) is skipped.
    if (
      marker === JPEG_EXIF_SEGMENT &&
      end <= view.byteLength &&
      body + 6 <= end &&
      view.getUint32(body) === 0x45786966 &&
      view.getUint16(body + 4) === 0
    ) {
      return exifOrientation(view, body + 6, end);
    }
    at = end;
  }
  return 1;
}

/**
 * A photo as it was seen: one a camera stored turned or mirrored (its EXIF orientation, what a
 * phone records instead of turning the pixels, and what the reader of a single photo applies) is
 * decoded, turned upright, reduced to a photo's reading size and encoded again; any other is kept
 * as it came.
 */
async function upright(photo: Uint8Array, limitPixels: number): Promise<Uint8Array> {
  if (jpegOrientation(photo) === 1) return photo;
  try {
    const turned = await sharp(photo, { limitInputPixels: limitPixels, failOn: 'error' })
      .rotate()
      .resize({ width: PHOTO_LONG_SIDE, height: PHOTO_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 92 })
      .toBuffer();
    return new Uint8Array(turned);
  } catch (error) {
    throw new SheetError('IMAGE_BROKEN', 'A photo cannot be decoded: it is damaged.', {
      cause: (error as Error).message,
    });
  }
}

/**
 * The photos of a sheet's pages (JPEG, in the order sent) as one PDF, a page a photo, the way the
 * reader takes a scanned sheet: each photo upright fills its page, stored as JPEG (pdf-lib reads
 * only its header for the size and colours), drawn by one fixed content stream. Built
 * deterministically, so the same photos in the same order are the same bytes: no dates nor
 * producer (`updateMetadata: false`) and a fixed image name (pdf-lib's drawImage names each image
 * at random). Check each photo with `inspectDocument` first, and run this where a file may be
 * decoded (a turned photo is): not on a server's event loop.
 */
export async function photosAsPdf(photos: readonly Uint8Array[], limitPixels: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  for (const photo of photos) {
    const seen = await upright(photo, limitPixels);
    // pdf-lib reads the header through a DataView of the whole underlying buffer, from its start.
    const own = seen.byteOffset === 0 && seen.byteLength === seen.buffer.byteLength ? seen : seen.slice();
    let image: Awaited<ReturnType<PDFDocument['embedJpg']>>;
    try {
      image = await pdf.embedJpg(own);
    } catch (error) {
      throw new SheetError('IMAGE_BROKEN', 'A photo is not a JPEG pdf-lib can place in a PDF.', {
        cause: (error as Error).message,
      });
    }
    const page = pdf.addPage([image.width, image.height]);
    page.node.setXObject(PDFName.of('Photo'), image.ref);
    const content = pdf.context.stream(`q ${image.width} 0 0 ${image.height} 0 0 cm /Photo Do Q`);
    page.node.set(PDFName.of('Contents'), pdf.context.register(content));
  }
  return pdf.save({ useObjectStreams: false });
}
