import { loadPdfJs, untrustedPdfSource } from '@castor/untrusted-pdf';
import { type ParsedDocument, SectionBuilder } from '../document.js';
import { DocumentError } from '../errors.js';
import { CharacterBudget, tooLarge } from '../limits.js';
import { cleanText, countWords, foldSpanish } from '../text.js';
import type { ReaderContext } from './context.js';

/** A line of text on a page: the items pdf.js gives, joined along one baseline. */
interface PdfLine {
  page: number;
  /** Baseline height from the page's bottom, in points. */
  y: number;
  /** Font size in points, rounded to half a point so that 10.98 and 11 are one size. */
  size: number;
  text: string;
}

/** A line this much larger than body text is a heading. */
const HEADING_SIZE_RATIO = 1.15;
/** Larger lines longer than this are emphasised prose (a lead paragraph), not headings. */
const HEADING_MAX_WORDS = 25;
/** Baseline distance, in font sizes, beyond which the next line starts a new paragraph. */
const PARAGRAPH_GAP_RATIO = 1.7;
/** A short line at a page's top or bottom on this many pages is a running header or footer. */
const RUNNING_LINE_MIN_PAGES = 3;
const RUNNING_LINE_MAX_WORDS = 15;

interface TextItemLike {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

function textItems(items: readonly object[]): TextItemLike[] {
  return items.filter((item): item is TextItemLike => 'str' in item && 'transform' in item);
}

/** Joins two lines of one paragraph, undoing a hyphen that split a word across them. */
function joinLines(first: string, second: string): string {
  if (/\p{L}-$/u.test(first) && /^\p{Ll}/u.test(second)) return first.slice(0, -1) + second;
  return `${first} ${second}`;
}

/** The page's items grouped into lines along their baselines, in content order. */
function linesOfPage(items: TextItemLike[], page: number, budget: CharacterBudget): PdfLine[] {
  const lines: PdfLine[] = [];
  let current: (PdfLine & { endX: number }) | undefined;
  let endOfLine = false;
  for (const item of items) {
    const [, , c = 0, d = 0, x = 0, y = 0] = item.transform;
    const size = Math.round(Math.hypot(c, d) * 2) / 2 || Math.round(item.height * 2) / 2;
    if (item.str === '') {
      endOfLine ||= item.hasEOL;
      continue;
    }
    budget.spend(item.str);
    const sameLine = current && !endOfLine && Math.abs(current.y - y) <= Math.max(current.size, size) * 0.5;
    if (current && sameLine) {
      const gap = x - current.endX;
      const needsSpace = gap > size * 0.15 && !/\s$/.test(current.text) && !/^\s/.test(item.str);
      current.text += (needsSpace ? ' ' : '') + item.str;
      current.size = Math.max(current.size, size);
      current.endX = x + item.width;
    } else {
      current = { page, y, size, text: item.str, endX: x + item.width };
      lines.push(current);
    }
    endOfLine = item.hasEOL;
  }
  return lines
    .map(({ page: linePage, y, size, text }) => ({ page: linePage, y, size, text: cleanText(text) }))
    .filter((line) => line.text !== '');
}

/** The font size carrying the most characters: body text. */
function bodySize(lines: PdfLine[]): number {
  const characters = new Map<number, number>();
  for (const line of lines) characters.set(line.size, (characters.get(line.size) ?? 0) + line.text.length);
  return [...characters].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
}

/** Heading level (1 = largest) by font size, for sizes clearly above body text. */
function headingLevels(lines: PdfLine[], body: number): Map<number, number> {
  const sizes = new Set<number>();
  for (const line of lines) {
    if (line.size >= body * HEADING_SIZE_RATIO && countWords(line.text) <= HEADING_MAX_WORDS) sizes.add(line.size);
  }
  return new Map([...sizes].sort((a, b) => b - a).map((size, index) => [size, Math.min(index + 1, 6)]));
}

/**
 * Running headers and footers ("Documento de trabajo", "Página 3 de 12"): short body-size lines
 * that open or close at least three pages with the same text once digits are masked. They are
 * page furniture, not content, and would otherwise repeat in every chunk's neighbourhood.
 */
function runningLines(pages: PdfLine[][], levels: Map<number, number>): Set<PdfLine> {
  const pagesByKey = new Map<string, PdfLine[]>();
  for (const lines of pages) {
    // By position, not content order: word processors often draw headers and footers last.
    const byHeight = [...lines].sort((a, b) => b.y - a.y);
    const edges = new Set([byHeight[0], byHeight.at(-1)]);
    for (const line of edges) {
      if (!line || levels.has(line.size) || countWords(line.text) > RUNNING_LINE_MAX_WORDS) continue;
      const key = foldSpanish(line.text).replace(/\d+/g, '#');
      pagesByKey.set(key, [...(pagesByKey.get(key) ?? []), line]);
    }
  }
  const running = new Set<PdfLine>();
  const minPages = Math.min(RUNNING_LINE_MIN_PAGES, pages.length);
  if (pages.length < 2) return running;
  for (const lines of pagesByKey.values()) {
    if (new Set(lines.map((line) => line.page)).size >= minPages) for (const line of lines) running.add(line);
  }
  return running;
}

/**
 * PDF through pdf.js (legacy build, in this thread, opened as every untrusted PDF is: see
 * @castor/untrusted-pdf).
 * Headings come from font size: sizes clearly above body text, largest first, are levels 1, 2…;
 * a PDF with one size has no headings, and each page is then its own section. Lines of one size
 * that follow closely form a paragraph; every block keeps its page.
 */
export async function readPdf(bytes: Uint8Array, { limits, fallbackTitle }: ReaderContext): Promise<ParsedDocument> {
  const header = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (!header.includes('%PDF-')) {
    throw new DocumentError('DOCUMENT_UNREADABLE', 'The file does not start like a PDF.', { reason: 'no %PDF header' });
  }
  const pdfjs = await loadPdfJs();
  // A truncated or damaged upload is refused, not half-read (stopAtErrors): pdf.js would otherwise
  // recover what it can and the store would hold a part of the document as if it were the whole.
  const task = pdfjs.getDocument(untrustedPdfSource(bytes));
  const budget = new CharacterBudget(limits.maxCharacters);
  try {
    const pdf = await task.promise.catch((error: Error) => {
      const encrypted = error.name === 'PasswordException';
      throw new DocumentError(
        'DOCUMENT_UNREADABLE',
        encrypted ? 'The PDF is encrypted.' : 'The PDF cannot be parsed.',
        {
          reason: encrypted ? 'encrypted' : 'corrupt',
          cause: error.message,
        },
      );
    });
    if (pdf.numPages > limits.maxPages) throw tooLarge('pages', limits.maxPages, pdf.numPages);
    const pages: PdfLine[][] = [];
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
      const page = await pdf.getPage(pageNumber);
      const content = await page.getTextContent();
      pages.push(linesOfPage(textItems(content.items), pageNumber, budget));
      page.cleanup();
    }
    const metadata = await pdf.getMetadata().catch(() => undefined);
    const metadataTitle = cleanText(String((metadata?.info as { Title?: unknown } | undefined)?.Title ?? ''));

    const allLines = pages.flat();
    const body = bodySize(allLines);
    const levels = headingLevels(allLines, body);
    const running = runningLines(pages, levels);
    const builder = new SectionBuilder();
    let paragraph: PdfLine | undefined;
    let heading: PdfLine | undefined;
    const flushParagraph = () => {
      if (paragraph) builder.block(paragraph.text, paragraph.page);
      paragraph = undefined;
    };
    const flushHeading = () => {
      if (heading) builder.heading(levels.get(heading.size) as number, heading.text);
      heading = undefined;
    };
    for (const lines of pages) {
      flushParagraph();
      flushHeading();
      if (levels.size === 0) builder.break();
      for (const line of lines) {
        if (running.has(line)) continue;
        const follows = (previous: PdfLine | undefined) =>
          previous !== undefined &&
          previous.size === line.size &&
          previous.y - line.y > 0 &&
          previous.y - line.y <= line.size * PARAGRAPH_GAP_RATIO;
        if (levels.has(line.size)) {
          flushParagraph();
          if (heading && follows(heading)) heading = { ...line, text: joinLines(heading.text, line.text) };
          else {
            flushHeading();
            heading = line;
          }
          continue;
        }
        flushHeading();
        if (paragraph && follows(paragraph)) paragraph = { ...line, text: joinLines(paragraph.text, line.text) };
        else {
          flushParagraph();
          paragraph = line;
        }
      }
    }
    flushParagraph();
    flushHeading();
    return {
      format: 'pdf',
      title: builder.titleHeading() || metadataTitle || fallbackTitle,
      pageCount: pdf.numPages,
      sections: builder.build(),
    };
  } catch (error) {
    if (error instanceof DocumentError) throw error;
    throw new DocumentError('DOCUMENT_UNREADABLE', 'The PDF cannot be read.', { cause: (error as Error).message });
  } finally {
    await task.destroy();
  }
}
