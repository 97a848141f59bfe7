import { z } from 'zod';
import type { DocumentFormat, ParsedDocument } from './document.js';
import { DocumentError } from './errors.js';
import { readDocx } from './formats/docx.js';
import { readMarkdown } from './formats/markdown.js';
import { readPdf } from './formats/pdf.js';
import { readPlainText } from './formats/text.js';
import { documentLimitsSchema, tooLarge } from './limits.js';

const readOptionsSchema = z.object({
  filename: z.string().min(1).max(512),
  /** The upload's Content-Type; parameters (charset) are ignored. Absent or octet-stream: the extension decides. */
  contentType: z.string().max(256).optional(),
  limits: documentLimitsSchema.default(documentLimitsSchema.parse({})),
});
export type ReadDocumentOptions = z.input<typeof readOptionsSchema>;

const FORMAT_BY_CONTENT_TYPE: Record<string, DocumentFormat> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
};

const FORMAT_BY_EXTENSION: Record<string, DocumentFormat> = {
  pdf: 'pdf',
  docx: 'docx',
  md: 'markdown',
  markdown: 'markdown',
  txt: 'text',
  text: 'text',
};

/** Content types that say nothing about the format, so the extension decides. */
const GENERIC_CONTENT_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

function extensionOf(filename: string): string {
  const base = filename.split(/[\\/]/).at(-1) ?? filename;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The file name without folders and extension: the title of last resort. */
export function filenameStem(filename: string): string {
  const base = filename.split(/[\\/]/).at(-1) ?? filename;
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).trim() || base;
}

/**
 * The declared format: the content type when it names one (text/plain with a .md name is
 * Markdown, as browsers send it), the extension when the type is generic. A type or extension
 * this package does not read (image/png, .doc, .xlsx) is refused before any byte is parsed.
 */
export function declaredFormat(filename: string, contentType: string | undefined): DocumentFormat {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const byExtension = FORMAT_BY_EXTENSION[extensionOf(filename)];
  const byType = FORMAT_BY_CONTENT_TYPE[type];
  if (byType === 'text' && byExtension === 'markdown') return 'markdown';
  const format = byType ?? (GENERIC_CONTENT_TYPES.has(type) ? byExtension : undefined);
  if (!format) {
    throw new DocumentError(
      'DOCUMENT_FORMAT_UNSUPPORTED',
      'Only PDF, DOCX, Markdown and plain text documents are read.',
      { filename, contentType: type || undefined },
    );
  }
  return format;
}

/**
 * Reads an uploaded document into titled sections of blocks, in reading order: headings from PDF
 * font sizes, DOCX heading styles and Markdown `#`; pages for PDFs. No network, no files but
 * pdf.js's font data, no state kept between calls: it runs in a worker thread as it is. Throws
 * `DocumentError`.
 */
export async function readDocument(bytes: Uint8Array, options: ReadDocumentOptions): Promise<ParsedDocument> {
  const { filename, contentType, limits } = readOptionsSchema.parse(options);
  const format = declaredFormat(filename, contentType);
  if (bytes.length === 0) throw new DocumentError('DOCUMENT_EMPTY', 'The file is empty.', { filename });
  if (bytes.length > limits.maxBytes) throw tooLarge('bytes', limits.maxBytes, bytes.length);
  const fallbackTitle = filenameStem(filename);
  const document = await readByFormat(format, bytes, { limits, fallbackTitle });
  if (document.sections.length === 0) {
    throw new DocumentError('DOCUMENT_EMPTY', 'The document holds no text.', {
      filename,
      format,
      ...(format === 'pdf' ? { hint: 'a scanned PDF without a text layer reads as empty' } : {}),
    });
  }
  return document;
}

function readByFormat(
  format: DocumentFormat,
  bytes: Uint8Array,
  context: Parameters<typeof readPdf>[1],
): Promise<ParsedDocument> | ParsedDocument {
  switch (format) {
    case 'pdf':
      return readPdf(bytes, context);
    case 'docx':
      return readDocx(bytes, context);
    case 'markdown':
      return readMarkdown(bytes, context);
    case 'text':
      return readPlainText(bytes, context);
  }
}
