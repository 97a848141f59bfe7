import { SheetError } from '../errors.js';
import { REFERENCE_PAGE } from '../template/layout.js';

/**
 * The smallest form the reader can read: half the scale of the Registraduría's 72-ppi scans (the
 * frame every template is drawn in, 868 × 2613 units, value cells about 214 × 80). Measured on
 * synthetic sheets (8 sheets, 72 value cells, as PNG, 8-bit gray PDF and blurred JPEG) and on the
 * two real scans downscaled: down to 0.5 the local recognizer reads as many cells right at ≥ 0.9
 * confidence as at full scale (57–60 of 72, against 58); at 0.4 the blurred JPEGs fall to 51 and
 * the Anzá sheet's suma total is read 91 at 0.96 (written 191); at 0.33 a header code is misread
 * and 8-bit pages no longer read at all.
 */
export const MIN_FORM_SCALE = 0.5;

/** Least pixels of the whole form (page frame) at the minimum scale. */
export const MIN_FORM_PIXELS = {
  width: Math.ceil(REFERENCE_PAGE.width * MIN_FORM_SCALE),
  height: Math.ceil(REFERENCE_PAGE.height * MIN_FORM_SCALE),
};

function advice(): string {
  return `The form must be at least ${MIN_FORM_PIXELS.width.toLocaleString('en')} × ${MIN_FORM_PIXELS.height.toLocaleString('en')} pixels (half a 72-ppi scan of it) for handwritten digits to be read: scan at 150 dpi or more, or photograph the sheet closer so that it fills the picture.`;
}

/** An image that cannot hold the form at the minimum scale, refused before it is decoded. */
export function checkImageResolution(width: number, height: number, pageNumber: number): void {
  if (width >= MIN_FORM_PIXELS.width && height >= MIN_FORM_PIXELS.height) return;
  throw new SheetError(
    'IMAGE_RESOLUTION_TOO_LOW',
    `Page ${pageNumber} is an image of ${width} × ${height} pixels, too small to read. ${advice()}`,
    { pageNumber, width, height, minWidth: MIN_FORM_PIXELS.width, minHeight: MIN_FORM_PIXELS.height },
  );
}

/** A form found in the image, but drawn smaller than the minimum scale (a photo taken from afar). */
export function formTooSmall(pageNumber: number, scale: number): SheetError {
  const width = Math.round(REFERENCE_PAGE.width * scale);
  const height = Math.round(REFERENCE_PAGE.height * scale);
  return new SheetError(
    'IMAGE_RESOLUTION_TOO_LOW',
    `Page ${pageNumber}: the form covers only about ${width} × ${height} pixels of the image, too small to read. ${advice()}`,
    { pageNumber, scale, minScale: MIN_FORM_SCALE },
  );
}
