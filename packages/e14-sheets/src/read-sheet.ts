import { type Copy, type Corporation, type CropRef, mesaRefSchema } from '@castor/contracts';
import sharp from 'sharp';
import { isSheetError, SheetError, type SheetErrorCode } from './errors.js';
import { type InspectedDocument, type IntakeLimitsInput, inspectDocument, type PagePlan } from './intake/inspect.js';
import { type ExtractedPage, extractPages } from './intake/page-raster.js';
import type { Homography } from './raster/geometry.js';
import type { GrayImage, PageRaster } from './raster/raster.js';
import { warpRegion } from './raster/raster.js';
import {
  type BarcodeCheck,
  type BarcodeReading,
  COPY_BY_DIGIT,
  checkBarcode,
  readBarcode,
  readQrPayload,
} from './reading/barcode.js';
import { checkLayout, headerFits, type LayoutCheck } from './reading/layout-check.js';
import { PrintedDigitReader } from './reading/printed-digits.js';
import { type Registration, type RegistrationQuality, registerPage } from './registration/register.js';
import { accountPages, numberedPages, type PageAccounting } from './template/pages.js';
import type { HeaderKind, SheetTemplate, TemplateCell, TemplateRect } from './template/schema.js';

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
  /**
   * The glyphs found in the cell, left to right: the role each plays in the best reading, each
   * class's probability and the network's view of it, so that the sheet's confirmed glyphs can
   * re-read its doubtful ones (reading/writer-adaptation.ts).
   */
  glyphs?: ReadonlyArray<CellGlyph>;
}
/** One glyph of a cell as the recognizer saw it (classes in @castor/digit-recognizer's GLYPH_CLASSES order). */
export interface CellGlyph {
  role: 'digit' | 'filler' | 'ignored';
  probabilities: Float32Array;
  overwritten: number;
  embedding: Float32Array;
}
export interface CellReader {
  readCell(image: GrayImage): CellReading;
}

export interface ReadSheetOptions {
  /**
   * Candidate layouts; the one page 1 shows is used (barcode page count, header kind, printed
   * candidate numbers, rules), then every page is verified against it.
   */
  templates: readonly SheetTemplate[];
  /**
   * Reads value cells; without one, fields carry crops only (for an external OCR provider). A
   * function gives the chosen layout its own reader (the model for how its jurados write).
   */
  recognizer?: CellReader | ((template: SheetTemplate) => CellReader);
  limits?: IntakeLimitsInput;
  /** Attach each cell's crop, and its row's printed label, as PNG bytes (for the review desk), on verified pages. */
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
  /** Whether the page shows the template's layout for `formPage` (null: it could not be registered). */
  layoutCheck: LayoutCheck | null;
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
  /** The row's printed number and name on the same page, for the review desk. */
  labelCrop?: CropRef;
  labelPng?: Uint8Array;
}

export interface SheetReading {
  documentHash: string;
  kind: InspectedDocument['kind'];
  pageCount: number;
  templateId: string;
  corporation: Corporation;
  /**
   * Every numbered page given shows the template's layout (printed numbers and rules where the
   * template says). When false, the pages that do not were not read and `layoutProblems` says why.
   */
  templateVerified: boolean;
  layoutProblems: string[];
  /** Which numbered pages the document holds: a sheet with `missing` or `duplicated` pages is not complete. */
  pageAccounting: PageAccounting;
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

/**
 * The copy a barcode's digit names. At a consulate the copy that goes to the delegados at home
 * is the consul's or ambassador's (digit 2, printed CÓNSUL/EMBAJADOR).
 */
function copyOf(copyDigit: number, header: HeaderKind): Copy | null {
  if (header === 'consulado' && copyDigit === 2) return 'consul_embajador';
  return COPY_BY_DIGIT[String(copyDigit)] ?? null;
}

const TRANSMISSION_PATTERN = /^X(\d)-(\d\d)-(\d\d)-(\d\d)X$/;
const HEADER_DIGITS = { departamento: 2, municipio: 3, zona: 2, puesto: 2, mesa: 3 } as const;

/** How well a template explains page 1 of a document: what decides among the templates given. */
interface TemplateTrial {
  template: SheetTemplate;
  score: number;
}

/**
 * The template whose layout the document shows, judged on its first page that registers. Every
 * Presidente layout shares the corner squares and the header, so each is judged on what the page
 * prints: the barcode's page count (the first round's form has 3 pages, the second round's 2), the
 * header's kind (a consulate's CONSULADO 88), the printed candidate numbers at their places, and
 * the share of rules in ink. When no page registers, the first template is kept: each page then
 * reports why it could not be read, as with a single template.
 */
async function chooseTemplate(
  templates: readonly SheetTemplate[],
  pages: readonly ExtractedPage[],
  printed: PrintedDigitReader,
  barcodeOf: (registration: Registration, template: SheetTemplate, raster: PageRaster) => Promise<BarcodeReading>,
): Promise<SheetTemplate> {
  const fallback = templates[0] as SheetTemplate;
  if (templates.length === 1) return fallback;
  for (const page of pages) {
    let best: TemplateTrial | null = null;
    let barcode: BarcodeReading | null = null;
    for (const template of templates) {
      let registration: Registration;
      try {
        registration = registerPage(page.raster, template, 1);
      } catch (error) {
        if (!isSheetError(error)) throw error;
        continue;
      }
      // The regions of the barcode are the same on every layout: it is read once.
      barcode ??= await barcodeOf(registration, template, page.raster);
      const parsed = barcode.conflict ? null : barcode.parsed;
      let formPage = 1;
      if (parsed && parsed.page !== 1 && parsed.page <= template.pageCount) {
        formPage = parsed.page;
        registration = registerPage(page.raster, template, formPage);
      }
      const check = checkLayout(page.raster, registration, template, formPage, printed, page.source === 'photo');
      const numbers = check.numbersExpected > 0 ? check.numbersFound / check.numbersExpected : 0;
      const score =
        (parsed ? (parsed.pageCount === template.pageCount ? 2 : -2) : 0) +
        (headerFits(page.raster, registration, template, printed) ? 1 : 0) +
        2 * numbers +
        check.ruleHits;
      if (!best || score > best.score) best = { template, score };
    }
    if (best) return best.template;
  }
  return fallback;
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
  const barcodeOf = (registration: Registration, template: SheetTemplate, raster: PageRaster) =>
    readBarcode(raster, registration.toImage, template.regions, printed, { zxing: options.zxingBarcode ?? false });
  const template = await chooseTemplate(options.templates, extracted, printed, barcodeOf);

  const pages: ReadPage[] = [];
  const fields: ReadField[] = [];
  const context: PageContext = { template, inspected, printed, options, barcodeOf, pagesRead: new Set() };
  for (const page of extracted) {
    const read = await readPage(page, context);
    pages.push(read.page);
    fields.push(...read.fields);
  }
  const layoutProblems = pages.flatMap((page) => page.layoutCheck?.problems ?? []);
  const numbered = new Set(numberedPages(template));
  const checkedPages = pages.filter((page) => numbered.has(page.formPage));

  return {
    documentHash: inspected.sha256,
    kind: inspected.kind,
    pageCount: inspected.pageCount,
    templateId: template.id,
    corporation: template.corporation,
    templateVerified: checkedPages.length > 0 && checkedPages.every((page) => page.layoutCheck?.verified === true),
    layoutProblems,
    pageAccounting: accountPages(
      template,
      pages.map((page) => (page.registration ? page.formPage : null)),
    ),
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
  barcodeOf: (registration: Registration, template: SheetTemplate, raster: PageRaster) => Promise<BarcodeReading>;
  /** Form pages whose cells were read already: a page given twice is read once. */
  pagesRead: Set<number>;
}

/**
 * Which page of the form a document page shows, registered on that page's layout and verified:
 * the barcode's page number when it reads, else the document's page (a photo: page 1), and when
 * that page's printed numbers are not there, any other numbered page whose numbers are.
 */
async function identifyPage(
  page: ExtractedPage,
  context: PageContext,
): Promise<{ formPage: number; registration: Registration; barcode: BarcodeReading; check: LayoutCheck }> {
  const { template, printed } = context;
  const isPhoto = page.source === 'photo';
  let formPage = isPhoto ? 1 : Math.min(page.pageNumber, template.pageCount);
  let registration = registerPage(page.raster, template, formPage);
  const barcode = await context.barcodeOf(registration, template, page.raster);
  const parsed = barcode.conflict ? null : barcode.parsed;
  const printedPage = parsed && parsed.pageCount === template.pageCount ? parsed.page : null;
  if (printedPage !== null && printedPage !== formPage && printedPage <= template.pageCount) {
    formPage = printedPage;
    registration = registerPage(page.raster, template, formPage);
  }
  let check = checkLayout(page.raster, registration, template, formPage, printed, isPhoto);
  if (!check.verified && printedPage === null) {
    for (const other of numberedPages(template).filter((number) => number !== formPage)) {
      const trial = registerPage(page.raster, template, other);
      const otherCheck = checkLayout(page.raster, trial, template, other, printed, isPhoto);
      if (otherCheck.verified && otherCheck.numbersExpected > 0) {
        formPage = other;
        registration = trial;
        check = otherCheck;
        break;
      }
    }
  }
  return { formPage, registration, barcode, check };
}

/** One page through registration, barcode, header, QR and cells; a page that fails says why. */
async function readPage(page: ExtractedPage, context: PageContext): Promise<{ page: ReadPage; fields: ReadField[] }> {
  const { template, inspected, printed, options } = context;
  const timings = emptyTimings(page.extractMs);
  const read: ReadPage = {
    pageNumber: page.pageNumber,
    formPage: page.source === 'photo' ? 1 : page.pageNumber,
    source: page.source,
    registration: null,
    layoutCheck: null,
    barcode: null,
    header: null,
    transmissionCode: null,
    qrPayload: null,
    error: null,
    timings,
  };
  const fields: ReadField[] = [];
  const { raster } = page;
  let mark = performance.now();
  let identified: Awaited<ReturnType<typeof identifyPage>>;
  try {
    identified = await identifyPage(page, context);
  } catch (error) {
    if (!isSheetError(error)) throw error;
    read.error = { code: error.code, message: error.message };
    return { page: read, fields };
  }
  const { formPage, registration, barcode, check } = identified;
  timings.registerMs = performance.now() - mark;
  read.formPage = formPage;
  read.layoutCheck = check;
  read.registration = { quality: registration.quality, model: registration.model, toImage: registration.toImage };
  const { toImage } = registration;
  read.barcode = {
    ...barcode,
    parsed: barcode.parsed ? { ...barcode.parsed, copy: copyOf(barcode.parsed.copyDigit, template.header) } : null,
    check: barcode.parsed
      ? checkBarcode(barcode.parsed, {
          pageNumber: formPage,
          pageCount: template.pageCount,
          corporation: template.corporation,
        })
      : null,
  };

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

  // A page that is not the template's layout is never read (its boxes hold other rows), and a
  // page given twice is read once: what is missing stays missing, never filled in.
  if (!check.verified || context.pagesRead.has(formPage)) return { page: read, fields };
  context.pagesRead.add(formPage);
  mark = performance.now();
  const reader = typeof options.recognizer === 'function' ? options.recognizer(template) : options.recognizer;
  for (const cell of template.cells.filter((c) => c.page === formPage)) {
    const image = warpRegion(raster, toImage, cell.rect, 1);
    const field = unreadField(cell, inspected.sha256, page.pageNumber);
    if (reader) {
      const { state, value, confidence, overwritten, alternatives, glyphs } = reader.readCell(image);
      field.reading = {
        state,
        value,
        confidence,
        overwritten,
        ...(alternatives ? { alternatives } : {}),
        // What writer adaptation compares (reading/writer-adaptation.ts); the rest of a glyph stays behind.
        ...(glyphs
          ? {
              glyphs: glyphs.map(({ role, probabilities, overwritten, embedding }) => ({
                role,
                probabilities,
                overwritten,
                embedding,
              })),
            }
          : {}),
      };
    }
    if (options.cropImages) {
      field.cropPng = await grayPng(image);
      if (cell.labelRect) field.labelPng = await grayPng(warpRegion(raster, toImage, cell.labelRect, 1));
    }
    fields.push(field);
  }
  timings.cellsMs = performance.now() - mark;
  return { page: read, fields };
}

async function grayPng(image: GrayImage): Promise<Uint8Array> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

function unreadField(cell: TemplateCell, documentHash: string, documentPage: number): ReadField {
  return {
    field: cell.field,
    page: cell.page,
    ...(cell.label ? { label: cell.label } : {}),
    reading: null,
    crop: cropRef(cell.rect, documentHash, documentPage),
    ...(cell.labelRect ? { labelCrop: cropRef(cell.labelRect, documentHash, documentPage) } : {}),
  };
}

function cropRef(rect: TemplateRect, documentHash: string, documentPage: number): CropRef {
  return {
    page: documentPage,
    x: Math.max(0, Math.round(rect.x)),
    y: Math.max(0, Math.round(rect.y)),
    width: Math.max(1, Math.round(rect.width)),
    height: Math.max(1, Math.round(rect.height)),
    documentHash,
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
