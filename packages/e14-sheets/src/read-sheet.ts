import { type Corporation, type CropRef, mesaRefSchema } from '@castor/contracts';
import sharp from 'sharp';
import { isSheetError, SheetError, type SheetErrorCode } from './errors.js';
import { type InspectedDocument, type IntakeLimitsInput, inspectDocument, type PagePlan } from './intake/inspect.js';
import { type ExtractedPage, extractPages } from './intake/page-raster.js';
import type { Homography } from './raster/geometry.js';
import type { GrayImage, PageRaster } from './raster/raster.js';
import { warpRegion } from './raster/raster.js';
import { type BarcodeCheck, type BarcodeReading, checkBarcode, readBarcode, readQrPayload } from './reading/barcode.js';
import { PrintedDigitReader } from './reading/printed-digits.js';
import { type Registration, type RegistrationQuality, registerPage } from './registration/register.js';
import type { SheetTemplate, TemplateCell } from './template/schema.js';

/**
 * Reading a whole E-14 file: intake checks, page images, registration against the template,
 * barcode, QR, printed header codes, transmission code, and every value cell through the
 * handwritten-digit recognizer, with the crop reference of each cell for the review desk.
 */

/** What the pipeline needs from a cell recognizer (the shape @castor/digit-recognizer returns). */
export interface CellReading {
  state: 'read' | 'empty' | 'illegible';
  value: number | null;
  confidence: number;
  overwritten: boolean;
  /**
   * The recognizer's most probable values, best first, with their share of its probability mass
   * before calibration ('empty' for a row left blank): what sheet-level decoding weighs.
   */
  alternatives?: ReadonlyArray<{ value: number | 'empty'; probability: number }>;
}
export interface CellReader {
  readCell(image: GrayImage): CellReading;
}

export interface ReadSheetOptions {
  /** Candidate layouts; the one matching the page count and registering best is used. */
  templates: readonly SheetTemplate[];
  /** Reads value cells; without one, fields carry crops only (for an external OCR provider). */
  recognizer?: CellReader;
  limits?: IntakeLimitsInput;
  /** Attach each cell's crop as PNG bytes (for the review desk). */
  cropImages?: boolean;
  /** Decode the QR code on each page (default true). */
  readQr?: boolean;
  /** Try zxing-wasm on the barcode bars first (default false: it fails on 1-bit published scans). */
  zxingBarcode?: boolean;
  /** Shared printed-digit reader (created once per process when absent). */
  printedDigits?: PrintedDigitReader;
}

export interface CodeReading {
  value: string | null;
  confidence: number;
}

export interface HeaderCodes {
  departamento: CodeReading;
  municipio: CodeReading;
  zona: CodeReading;
  puesto: CodeReading;
  mesa: CodeReading;
}

export interface PageTimings {
  extractMs: number;
  registerMs: number;
  barcodeMs: number;
  headerMs: number;
  qrMs: number;
  cellsMs: number;
}

export interface ReadPage {
  pageNumber: number;
  /** The page of the form this image shows: the PDF page, or for a photo the page its barcode names. */
  formPage: number;
  source: PagePlan['source'];
  /** `toImage` maps template coordinates to this page's pixels (for drawing overlays). */
  registration: { quality: RegistrationQuality; model: Registration['model']; toImage: Homography } | null;
  barcode: (BarcodeReading & { check: BarcodeCheck | null }) | null;
  header: HeaderCodes | null;
  transmissionCode: CodeReading | null;
  qrPayload: string | null;
  error: { code: SheetErrorCode; message: string } | null;
  timings: PageTimings;
}

export interface ReadField {
  field: string;
  /** Page of the form the cell is on. */
  page: number;
  label?: string;
  /** Null when the page could not be registered or no recognizer was given. */
  reading: CellReading | null;
  /** The document page (1 for a photo) and the cell's rectangle in template coordinates. */
  crop: CropRef;
  cropPng?: Uint8Array;
}

export interface SheetReading {
  documentHash: string;
  kind: InspectedDocument['kind'];
  pageCount: number;
  templateId: string;
  corporation: Corporation;
  pages: ReadPage[];
  fields: ReadField[];
  /** Codes agreed across pages (page 1 first, then the most confident). */
  header: HeaderCodes;
  transmissionCode: CodeReading;
  barcode: string | null;
  timings: { inspectMs: number; totalMs: number };
}

let sharedPrinted: Promise<PrintedDigitReader> | undefined;
function printedDigitReader(): Promise<PrintedDigitReader> {
  sharedPrinted ??= PrintedDigitReader.create();
  return sharedPrinted;
}

const TRANSMISSION_PATTERN = /^X(\d)-(\d\d)-(\d\d)-(\d\d)X$/;
const HEADER_DIGITS = { departamento: 2, municipio: 3, zona: 2, puesto: 2, mesa: 3 } as const;

function pickTemplate(
  templates: readonly SheetTemplate[],
  raster: PageRaster,
  pageCount: number,
): { template: SheetTemplate } {
  const fitting = templates.filter((template) => template.pageCount === pageCount);
  const candidates = fitting.length > 0 ? fitting : templates;
  // One candidate needs no trial registration: the page loop registers it anyway.
  if (candidates.length === 1) return { template: candidates[0] as SheetTemplate };
  let best: { template: SheetTemplate; registration: Registration } | null = null;
  let lastError: unknown = null;
  for (const template of candidates) {
    try {
      const registration = registerPage(raster, template, 1);
      if (!best || registration.quality.score > best.registration.quality.score) best = { template, registration };
    } catch (error) {
      lastError = error;
    }
  }
  if (!best) {
    if (isSheetError(lastError)) throw lastError;
    throw new SheetError('TEMPLATE_NOT_FOUND', 'No template fits this sheet.');
  }
  return best;
}

function emptyTimings(extractMs: number): PageTimings {
  return { extractMs, registerMs: 0, barcodeMs: 0, headerMs: 0, qrMs: 0, cellsMs: 0 };
}

function consolidate(pages: ReadPage[], pick: (page: ReadPage) => CodeReading | null | undefined): CodeReading {
  const readings = pages.map(pick).filter((reading): reading is CodeReading => !!reading && reading.value !== null);
  if (readings.length === 0) return { value: null, confidence: 0 };
  const first = readings[0] as CodeReading;
  const agreeing = readings.filter((reading) => reading.value === first.value);
  // Pages that agree raise confidence; any disagreement caps it.
  const confidence =
    agreeing.length === readings.length
      ? Math.max(...agreeing.map((r) => r.confidence))
      : Math.min(0.5, first.confidence);
  return { value: first.value, confidence };
}

export async function readSheet(bytes: Uint8Array, options: ReadSheetOptions): Promise<SheetReading> {
  const started = performance.now();
  if (options.templates.length === 0) throw new SheetError('TEMPLATE_NOT_FOUND', 'No template was given.');
  const inspected = await inspectDocument(bytes, options.limits ?? {});
  const inspectMs = performance.now() - started;
  const printed = options.printedDigits ?? (await printedDigitReader());
  const extracted = await extractPages(bytes, inspected, { limits: options.limits ?? {} });
  const firstRaster = (extracted[0] as (typeof extracted)[number]).raster;
  const { template } = pickTemplate(options.templates, firstRaster, inspected.pageCount);

  const pages: ReadPage[] = [];
  const fields: ReadField[] = [];
  for (const page of extracted) {
    const read = await readPage(page, { template, inspected, printed, options });
    pages.push(read.page);
    fields.push(...read.fields);
  }

  return {
    documentHash: inspected.sha256,
    kind: inspected.kind,
    pageCount: inspected.pageCount,
    templateId: template.id,
    corporation: template.corporation,
    pages,
    fields,
    header: {
      departamento: consolidate(pages, (page) => page.header?.departamento),
      municipio: consolidate(pages, (page) => page.header?.municipio),
      zona: consolidate(pages, (page) => page.header?.zona),
      puesto: consolidate(pages, (page) => page.header?.puesto),
      mesa: consolidate(pages, (page) => page.header?.mesa),
    },
    transmissionCode: consolidate(pages, (page) => page.transmissionCode),
    barcode: pages.find((page) => page.barcode?.digits)?.barcode?.digits ?? null,
    timings: { inspectMs, totalMs: performance.now() - started },
  };
}

interface PageContext {
  template: SheetTemplate;
  inspected: InspectedDocument;
  printed: PrintedDigitReader;
  options: ReadSheetOptions;
}

/** One page through registration, barcode, header, QR and cells; a page that fails says why. */
async function readPage(page: ExtractedPage, context: PageContext): Promise<{ page: ReadPage; fields: ReadField[] }> {
  const { template, inspected, printed, options } = context;
  const timings = emptyTimings(page.extractMs);
  const read: ReadPage = {
    pageNumber: page.pageNumber,
    formPage: page.pageNumber,
    source: page.source,
    registration: null,
    barcode: null,
    header: null,
    transmissionCode: null,
    qrPayload: null,
    error: null,
    timings,
  };
  const fields: ReadField[] = [];
  const { raster } = page;
  // A photo is one page of a multi-page form: the barcode says which, and that page's layout applies.
  const isPhoto = page.source === 'photo';
  let registration: Registration;
  let mark = performance.now();
  try {
    registration = registerPage(raster, template, read.formPage);
  } catch (error) {
    if (!isSheetError(error)) throw error;
    read.error = { code: error.code, message: error.message };
    for (const cell of template.cells.filter((c) => c.page === read.formPage)) {
      fields.push(unreadField(cell, inspected.sha256, page.pageNumber));
    }
    return { page: read, fields };
  }
  timings.registerMs = performance.now() - mark;

  mark = performance.now();
  const barcode = await readBarcode(raster, registration.toImage, template.regions, printed, {
    zxing: options.zxingBarcode ?? false,
  });
  const photographedPage = barcode.parsed?.page;
  if (isPhoto && photographedPage && photographedPage !== read.formPage && photographedPage <= template.pageCount) {
    try {
      registration = registerPage(raster, template, photographedPage);
      read.formPage = photographedPage;
    } catch (error) {
      if (!isSheetError(error)) throw error;
    }
  }
  read.registration = { quality: registration.quality, model: registration.model, toImage: registration.toImage };
  const { toImage } = registration;
  read.barcode = {
    ...barcode,
    check: barcode.parsed
      ? checkBarcode(barcode.parsed, {
          pageNumber: read.formPage,
          pageCount: isPhoto ? template.pageCount : inspected.pageCount,
          corporation: template.corporation,
        })
      : null,
  };
  timings.barcodeMs = performance.now() - mark;

  mark = performance.now();
  const header = {} as HeaderCodes;
  for (const key of Object.keys(HEADER_DIGITS) as (keyof HeaderCodes)[]) {
    const reading = printed.read(raster, toImage, template.regions[key]);
    const valid = reading.text.length === HEADER_DIGITS[key] && /^\d+$/.test(reading.text);
    header[key] = { value: valid ? reading.text : null, confidence: valid ? reading.confidence : 0 };
  }
  read.header = header;
  const transmission = printed.read(raster, toImage, template.regions.transmissionCode, { withSeparators: true });
  const match = TRANSMISSION_PATTERN.exec(transmission.text);
  read.transmissionCode = match
    ? { value: `X ${match[1]}-${match[2]}-${match[3]}-${match[4]} X`, confidence: transmission.confidence }
    : { value: null, confidence: 0 };
  timings.headerMs = performance.now() - mark;

  if (options.readQr ?? true) {
    mark = performance.now();
    read.qrPayload = await readQrPayload(raster, toImage, template.regions.qr);
    timings.qrMs = performance.now() - mark;
  }

  mark = performance.now();
  for (const cell of template.cells.filter((c) => c.page === read.formPage)) {
    const image = warpRegion(raster, toImage, cell.rect, 1);
    const field = unreadField(cell, inspected.sha256, page.pageNumber);
    if (options.recognizer) {
      const { state, value, confidence, overwritten, alternatives } = options.recognizer.readCell(image);
      field.reading = { state, value, confidence, overwritten, ...(alternatives ? { alternatives } : {}) };
    }
    if (options.cropImages) {
      const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
        .png()
        .toBuffer();
      field.cropPng = new Uint8Array(png);
    }
    fields.push(field);
  }
  timings.cellsMs = performance.now() - mark;
  return { page: read, fields };
}

function unreadField(cell: TemplateCell, documentHash: string, documentPage: number): ReadField {
  return {
    field: cell.field,
    page: cell.page,
    ...(cell.label ? { label: cell.label } : {}),
    reading: null,
    crop: {
      page: documentPage,
      x: Math.max(0, Math.round(cell.rect.x)),
      y: Math.max(0, Math.round(cell.rect.y)),
      width: Math.max(1, Math.round(cell.rect.width)),
      height: Math.max(1, Math.round(cell.rect.height)),
      documentHash,
    },
  };
}

/** The mesa codes read from the header, when all five were read. */
export function mesaFromHeader(header: HeaderCodes) {
  return mesaRefSchema.safeParse({
    departamento: header.departamento.value,
    municipio: header.municipio.value,
    zona: header.zona.value,
    puesto: header.puesto.value,
    mesa: header.mesa.value,
  });
}
