import { createHash } from 'node:crypto';
import {
  EncryptedPDFError,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFRawStream,
  PDFRef,
  PDFStream,
} from 'pdf-lib';
import sharp, { type Metadata } from 'sharp';
import { z } from 'zod';
import { SheetError } from '../errors.js';
import { declaresEncryption, decodeNameEscapes, type ScannedStream, scanStreams } from './pdf-streams.js';

/** What a document may be before any heavy work is done on it. */
export const intakeLimitsSchema = z.object({
  maxFileMb: z.number().positive().max(1_024).default(10).describe('E14_MAX_FILE_SIZE_MB'),
  maxPages: z.number().int().min(1).max(999).default(20).describe('E14_OCR_MAX_PAGES'),
  maxImagePixels: z
    .number()
    .int()
    .min(1)
    .default(120_000_000)
    .describe(
      'Largest image accepted (width × height; phones take up to 108 MP), judged on the declared size before decoding',
    ),
  maxDecodedMb: z
    .number()
    .positive()
    .max(4_096)
    .default(256)
    .describe(
      'Most inflated bytes intake holds for one PDF; page images beyond it are inflated one at a time when their page is extracted, each capped at its declared size',
    ),
});
export type IntakeLimits = z.output<typeof intakeLimitsSchema>;
export type IntakeLimitsInput = z.input<typeof intakeLimitsSchema>;

/**
 * Most bytes one stream of a PDF that is not an image of declared size may inflate to (images are
 * capped by their declared size instead): the largest image's samples, within the document's budget.
 */
export function streamByteCap(limits: IntakeLimits): number {
  return Math.min(limits.maxDecodedMb * 1_048_576, limits.maxImagePixels * 4 + 65_536);
}

export type DocumentKind = 'pdf' | 'jpeg' | 'png';

/** How a page's raster will be obtained. */
export type PagePlan =
  | {
      source: 'embedded-image';
      objectNumber: number;
      width: number;
      height: number;
      bitsPerComponent: number;
      colorSpace: 'DeviceGray' | 'DeviceRGB' | 'ImageMask';
      filter: 'FlateDecode' | 'none' | 'DCTDecode';
      /** The image's /Decode inverts it ([1 0]). */
      inverted: boolean;
    }
  | { source: 'pdf-image-other'; width: number; height: number; reason: string }
  | { source: 'render'; width: number; height: number; reason: string }
  | { source: 'photo'; width: number; height: number };

export interface InspectedPage {
  pageNumber: number;
  plan: PagePlan;
}

export interface InspectedDocument {
  kind: DocumentKind;
  sha256: string;
  byteLength: number;
  pageCount: number;
  pages: InspectedPage[];
}

/** Parsed state kept for page extraction, keyed by the inspection it belongs to. */
export interface InspectedPdfState {
  streams: Map<number, ScannedStream>;
  document: PDFDocument;
}
const pdfStates = new WeakMap<InspectedDocument, InspectedPdfState>();
export function pdfStateOf(inspected: InspectedDocument): InspectedPdfState | undefined {
  return pdfStates.get(inspected);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  return signature.every((byte, i) => bytes[at + i] === byte);
}

/** The Registraduría answers a missing file with HTTP 200 and an HTML page; so do many proxies. */
function looksLikeHtml(head: string): boolean {
  const text = head
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  return (
    text.startsWith('<!doctype html') ||
    text.startsWith('<html') ||
    text.startsWith('<head') ||
    (text.startsWith('<') && /<(html|head|body|script|title)\b/.test(text))
  );
}

function sniffKind(bytes: Uint8Array): DocumentKind {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return 'pdf';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (looksLikeHtml(head)) {
    throw new SheetError(
      'HTML_INSTEAD_OF_PDF',
      'The file is an HTML web page, not a PDF: the Registraduría answers a missing E-14 with a page like this (HTTP 200). Download it again later or check the mesa path.',
      { firstBytes: head.slice(0, 60) },
    );
  }
  throw new SheetError(
    'FILE_TYPE_UNSUPPORTED',
    'The file is not a PDF, JPEG or PNG (judged by its first bytes, not its name).',
    { firstBytesHex: Buffer.from(bytes.subarray(0, 8)).toString('hex') },
  );
}

/**
 * Judges a file before anything heavy touches it: type by magic bytes, size, page count,
 * encryption, active content, structural damage, decompression bombs and absurd image sizes.
 * Throws a `SheetError` with a stable code; returns what each page is and how to get its image.
 */
export async function inspectDocument(
  bytes: Uint8Array,
  limitsInput: IntakeLimitsInput = {},
): Promise<InspectedDocument> {
  const limits = intakeLimitsSchema.parse(limitsInput);
  if (bytes.length === 0) throw new SheetError('FILE_EMPTY', 'The file is empty.');
  const maxBytes = limits.maxFileMb * 1_048_576;
  if (bytes.length > maxBytes) {
    throw new SheetError(
      'FILE_TOO_LARGE',
      `The file is ${(bytes.length / 1_048_576).toFixed(1)} MB; the limit is ${limits.maxFileMb} MB.`,
      { byteLength: bytes.length, limitBytes: maxBytes },
    );
  }
  const kind = sniffKind(bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (kind === 'pdf') return inspectPdf(bytes, sha256, limits);
  return inspectPhoto(bytes, kind, sha256, limits);
}

function checkPixels(width: number, height: number, limits: IntakeLimits, pageNumber: number): void {
  if (!(width >= 1 && height >= 1 && Number.isFinite(width * height))) {
    throw new SheetError('IMAGE_BROKEN', `Page ${pageNumber} declares an image without a valid size.`, {
      width,
      height,
    });
  }
  if (width * height > limits.maxImagePixels || width > 30_000 || height > 30_000) {
    throw new SheetError(
      'IMAGE_TOO_LARGE',
      `Page ${pageNumber} declares an image of ${width} × ${height} pixels, beyond the ${limits.maxImagePixels.toLocaleString('en')} pixels allowed.`,
      { width, height, limitPixels: limits.maxImagePixels },
    );
  }
}

async function inspectPhoto(
  bytes: Uint8Array,
  kind: DocumentKind,
  sha256: string,
  limits: IntakeLimits,
): Promise<InspectedDocument> {
  let metadata: Metadata;
  try {
    // Reads only the header: the declared size is judged before a single pixel is decoded.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new SheetError('IMAGE_BROKEN', `The ${kind.toUpperCase()} image cannot be read: it is damaged.`, {
      cause: (error as Error).message,
    });
  }
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  checkPixels(width, height, limits, 1);
  return {
    kind,
    sha256,
    byteLength: bytes.length,
    pageCount: 1,
    pages: [{ pageNumber: 1, plan: { source: 'photo', width, height } }],
  };
}

async function inspectPdf(bytes: Uint8Array, sha256: string, limits: IntakeLimits): Promise<InspectedDocument> {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  if (!latin1.slice(-1024).includes('%%EOF')) {
    throw new SheetError('PDF_BROKEN', 'The PDF is incomplete: it does not end with %%EOF (a cut-short download?).');
  }
  // Every PDF holds its catalog in a numbered object; bytes without one are no PDF, however long
  // its parser would take to give up on them (~4 s per MB of random bytes).
  if (!/\d+\s+\d+\s+obj\b/.test(latin1)) {
    throw new SheetError(
      'PDF_BROKEN',
      'The file starts like a PDF but holds no PDF object: it is damaged or not a PDF.',
    );
  }
  if (declaresEncryption(latin1)) {
    throw new SheetError('PDF_ENCRYPTED', 'The PDF is encrypted; published E-14 sheets never are, so it is refused.');
  }
  const streams = scanStreams(bytes, latin1, {
    maxDocumentBytes: limits.maxDecodedMb * 1_048_576,
    maxStreamBytes: streamByteCap(limits),
  });
  let document: PDFDocument;
  try {
    document = await PDFDocument.load(bytes, {
      updateMetadata: false,
      throwOnInvalidObject: true,
      ignoreEncryption: false,
    });
  } catch (error) {
    if (error instanceof EncryptedPDFError) {
      throw new SheetError('PDF_ENCRYPTED', 'The PDF is encrypted; published E-14 sheets never are, so it is refused.');
    }
    throw new SheetError('PDF_BROKEN', 'The PDF is damaged and cannot be parsed.', { cause: (error as Error).message });
  }
  findActiveContent(document);
  let pdfPages: ReturnType<PDFDocument['getPages']>;
  try {
    pdfPages = document.getPages();
  } catch (error) {
    throw new SheetError('PDF_BROKEN', 'The PDF page tree is damaged.', { cause: (error as Error).message });
  }
  if (pdfPages.length === 0) throw new SheetError('PDF_BROKEN', 'The PDF has no pages.');
  if (pdfPages.length > limits.maxPages) {
    throw new SheetError('TOO_MANY_PAGES', `The PDF has ${pdfPages.length} pages; the limit is ${limits.maxPages}.`, {
      pageCount: pdfPages.length,
      limit: limits.maxPages,
    });
  }
  const pages = pdfPages.map((page, index): InspectedPage => {
    const plan = planPage(document, page.node, streams, index + 1);
    checkPixels(plan.width, plan.height, limits, index + 1);
    return { pageNumber: index + 1, plan };
  });
  const inspected: InspectedDocument = {
    kind: 'pdf',
    sha256,
    byteLength: bytes.length,
    pageCount: pages.length,
    pages,
  };
  pdfStates.set(inspected, { streams, document });
  return inspected;
}

/** Keys whose presence means the file can act (run code, launch, submit, carry files). */
const ACTIVE_KEYS = new Set([
  'JS',
  'JavaScript',
  'AA',
  'EmbeddedFiles',
  'EmbeddedFile',
  'EF',
  'RichMedia',
  'RichMediaContent',
  'XFA',
]);
/** Action types that reach outside the document or run something. */
const ACTIVE_ACTIONS = new Set([
  'JavaScript',
  'Launch',
  'SubmitForm',
  'ImportData',
  'GoToR',
  'GoToE',
  'RichMediaExecute',
  'Rendition',
  'Movie',
  'Sound',
]);

function refuseActive(what: string): never {
  throw new SheetError(
    'PDF_ACTIVE_CONTENT',
    `The PDF carries active content (${what}); a scanned E-14 never does, so it is refused unopened.`,
    { found: what },
  );
}

function inspectObject(object: PDFObject | undefined, depth: number): void {
  if (!object || depth > 32) return;
  if (object instanceof PDFArray) {
    for (let i = 0; i < object.size(); i++) inspectObject(object.get(i), depth + 1);
    return;
  }
  const dict = object instanceof PDFStream ? object.dict : object instanceof PDFDict ? object : undefined;
  if (!dict) return;
  for (const [key, value] of dict.entries()) {
    const name = decodeNameEscapes(key.decodeText());
    if (ACTIVE_KEYS.has(name)) refuseActive(`/${name}`);
    if (name === 'S' && value instanceof PDFName && ACTIVE_ACTIONS.has(value.decodeText())) {
      refuseActive(`/S /${value.decodeText()}`);
    }
    if (name === 'Type' && value instanceof PDFName && value.decodeText() === 'EmbeddedFile')
      refuseActive('/EmbeddedFile');
    // An /OpenAction that is a plain destination only opens a page; an action dictionary does something.
    if (name === 'OpenAction' && (value instanceof PDFDict || value instanceof PDFRef)) {
      const target = value instanceof PDFRef ? dict.context.lookup(value) : value;
      if (target instanceof PDFDict) {
        const type = target.get(PDFName.of('S'));
        if (!(type instanceof PDFName && type.decodeText() === 'GoTo')) refuseActive('/OpenAction');
      }
    }
    inspectObject(value, depth + 1);
  }
}

function findActiveContent(document: PDFDocument): void {
  for (const [, object] of document.context.enumerateIndirectObjects()) inspectObject(object, 0);
  inspectObject(document.context.trailerInfo.Root, 0);
}

function numberOf(dict: PDFDict, key: string): number | undefined {
  const value = dict.lookup(PDFName.of(key));
  return value instanceof PDFNumber ? value.asNumber() : undefined;
}

function contentBytes(document: PDFDocument, node: PDFDict, streams: Map<number, ScannedStream>): string | null {
  const contents = node.get(PDFName.of('Contents'));
  const refs: PDFRef[] = [];
  if (contents instanceof PDFRef) {
    const target = document.context.lookup(contents);
    if (target instanceof PDFArray) {
      for (let i = 0; i < target.size(); i++) {
        const item = target.get(i);
        if (item instanceof PDFRef) refs.push(item);
      }
    } else refs.push(contents);
  } else if (contents instanceof PDFArray) {
    for (let i = 0; i < contents.size(); i++) {
      const item = contents.get(i);
      if (item instanceof PDFRef) refs.push(item);
    }
  }
  let text = '';
  for (const ref of refs) {
    const scanned = streams.get(ref.objectNumber);
    const stream = document.context.lookup(ref);
    if (scanned?.inflated) text += `${Buffer.from(scanned.inflated).toString('latin1')}\n`;
    else if (stream instanceof PDFRawStream && scanned && scanned.filters.length === 0) {
      text += `${Buffer.from(stream.contents).toString('latin1')}\n`;
    } else return null;
  }
  return text;
}

/** Operators a page that only places one image may use (no text, no painted paths). */
const IMAGE_PAGE_OPERATORS = new Set(['q', 'Q', 'cm', 'Do', 'W', 'W*', 'n', 're', 'gs', 'i', 'ri']);

function planPage(
  document: PDFDocument,
  node: PDFDict,
  streams: Map<number, ScannedStream>,
  pageNumber: number,
): PagePlan {
  const mediaBox = node.lookup(PDFName.of('MediaBox'));
  const box =
    mediaBox instanceof PDFArray
      ? mediaBox.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : 0))
      : [0, 0, 612, 792];
  const pageWidth = Math.abs((box[2] ?? 612) - (box[0] ?? 0));
  const pageHeight = Math.abs((box[3] ?? 792) - (box[1] ?? 0));
  // Rendered at 150 DPI (E14_OCR_DPI) when the page is not a single image.
  const renderSize = { width: Math.ceil((pageWidth * 150) / 72), height: Math.ceil((pageHeight * 150) / 72) };
  const render = (reason: string): PagePlan => ({ source: 'render', ...renderSize, reason });

  const rotate = node.lookup(PDFName.of('Rotate'));
  if (rotate instanceof PDFNumber && rotate.asNumber() % 360 !== 0) return render('page is rotated');
  const content = contentBytes(document, node, streams);
  if (content === null) return render('content stream uses filters decoded only by the renderer');
  const tokens = content.replace(/%[^\r\n]*/g, ' ').match(/\/[^\s/[\]()<>{}]+|-?\d*\.?\d+|[A-Za-z'"*]+/g) ?? [];
  const operators = tokens.filter((token) => !token.startsWith('/') && !/^-?\d*\.?\d+$/.test(token));
  const drawn = tokens.filter((token, i) => token.startsWith('/') && tokens[i + 1] === 'Do');
  if (operators.some((operator) => !IMAGE_PAGE_OPERATORS.has(operator)) || drawn.length !== 1) {
    return render('page has vector or text content');
  }
  // The transforms before the Do, composed (each cm premultiplies the current matrix); only the
  // linear part matters: the image must be upright and unmirrored to be taken as it is.
  let [a, b, c, d] = [1, 0, 0, 1];
  for (const match of content.matchAll(
    /(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+-?[\d.]+\s+-?[\d.]+\s+cm/g,
  )) {
    const [ma, mb, mc, md] = match.slice(1, 5).map(Number) as [number, number, number, number];
    [a, b, c, d] = [ma * a + mb * c, ma * b + mb * d, mc * a + md * c, mc * b + md * d];
  }
  if (!(a > 0 && Math.abs(b) < 1e-9 && Math.abs(c) < 1e-9 && d > 0))
    return render('image is rotated or mirrored on the page');
  const resources = node.lookup(PDFName.of('Resources'));
  const xobjects = resources instanceof PDFDict ? resources.lookup(PDFName.of('XObject')) : undefined;
  const name = (drawn[0] as string).slice(1);
  const ref = xobjects instanceof PDFDict ? xobjects.get(PDFName.of(decodeNameEscapes(name))) : undefined;
  const image = ref instanceof PDFRef ? document.context.lookup(ref) : undefined;
  if (!(ref instanceof PDFRef) || !(image instanceof PDFRawStream)) return render('drawn object is not an image');
  const dict = image.dict;
  const subtype = dict.lookup(PDFName.of('Subtype'));
  if (!(subtype instanceof PDFName && subtype.decodeText() === 'Image')) return render('drawn object is a form');
  const width = numberOf(dict, 'Width') ?? 0;
  const height = numberOf(dict, 'Height') ?? 0;
  checkPixels(width, height, { maxImagePixels: Number.POSITIVE_INFINITY } as IntakeLimits, pageNumber);
  const isMask = dict.lookup(PDFName.of('ImageMask'))?.toString() === 'true';
  const bitsPerComponent = isMask ? 1 : (numberOf(dict, 'BitsPerComponent') ?? 0);
  const colorSpaceObject = dict.lookup(PDFName.of('ColorSpace'));
  const colorSpace = isMask
    ? 'ImageMask'
    : colorSpaceObject instanceof PDFName
      ? colorSpaceObject.decodeText()
      : 'other';
  const scanned = streams.get(ref.objectNumber);
  const filters = scanned?.filters ?? [];
  const decode = dict.lookup(PDFName.of('Decode'));
  const decodeValues =
    decode instanceof PDFArray ? decode.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : 0)) : [];
  const inverted = decodeValues[0] === 1 && decodeValues[1] === 0;
  const filter = filters.length === 0 ? 'none' : filters.length === 1 ? filters[0] : 'chain';
  const supportedColor =
    (colorSpace === 'DeviceGray' && (bitsPerComponent === 1 || bitsPerComponent === 8)) ||
    (colorSpace === 'ImageMask' && bitsPerComponent === 1) ||
    (colorSpace === 'DeviceRGB' && bitsPerComponent === 8);
  if (
    supportedColor &&
    (filter === 'none' || filter === 'FlateDecode' || (filter === 'DCTDecode' && colorSpace !== 'ImageMask')) &&
    !scanned?.hasDecodeParms
  ) {
    return {
      source: 'embedded-image',
      objectNumber: ref.objectNumber,
      width,
      height,
      bitsPerComponent,
      colorSpace: colorSpace as 'DeviceGray' | 'DeviceRGB' | 'ImageMask',
      filter: filter as 'FlateDecode' | 'none' | 'DCTDecode',
      inverted,
    };
  }
  return {
    source: 'pdf-image-other',
    width,
    height,
    reason: `image is ${colorSpace} ${bitsPerComponent}-bit, filter ${filters.join('+') || 'none'}`,
  };
}
