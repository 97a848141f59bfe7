import mammoth from 'mammoth';
import { type ParsedDocument, SectionBuilder } from '../document.js';
import { DocumentError } from '../errors.js';
import { CharacterBudget } from '../limits.js';
import { cleanText } from '../text.js';
import type { ReaderContext } from './context.js';
import { checkZipDirectory } from './zip-preflight.js';

const TITLE_CLASS = 'castor-document-title';

/**
 * Word's Title paragraph is the document's title, not a heading above its sections (its
 * sections use Heading 1…); mammoth's default map drops its style, so it is marked here.
 */
const STYLE_MAP = [`p[style-name='Title'] => p.${TITLE_CLASS}:fresh`];

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}

const TAG_OR_TEXT = /<(\/?)([a-zA-Z0-9]+)([^>]*)>|([^<]+)/g;
const BLOCK_TAGS = new Set(['p', 'li', 'ul', 'ol', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/**
 * The blocks of mammoth's HTML: headings h1–h6, paragraphs, list items and table rows (cells
 * joined by " | "). Mammoth writes a small, well-formed subset of HTML, so a tag scanner is
 * enough; images are dropped (their alt text carries nothing mammoth knows).
 */
function buildFromHtml(html: string, builder: SectionBuilder, budget: CharacterBudget): string | undefined {
  let text = '';
  let title: string | undefined;
  let cells: string[] | undefined;
  let openBlock: { tag: string; isTitle: boolean } | undefined;

  const flush = () => {
    const cleaned = cleanText(decodeEntities(text));
    text = '';
    if (!cleaned) return;
    budget.spend(cleaned);
    const tag = openBlock?.tag ?? 'p';
    if (/^h[1-6]$/.test(tag)) builder.heading(Number(tag[1]), cleaned);
    else if (openBlock?.isTitle) title ??= cleaned;
    else builder.block(cleaned);
  };

  for (const match of html.matchAll(TAG_OR_TEXT)) {
    const [, closing, rawTag, attributes, content] = match;
    if (content !== undefined) {
      text += content;
      continue;
    }
    const tag = (rawTag as string).toLowerCase();
    if (tag === 'br') {
      text += ' ';
    } else if (tag === 'tr') {
      if (closing) {
        const row = cells?.filter(Boolean).join(' | ') ?? '';
        if (row) {
          budget.spend(row);
          builder.block(row);
        }
        cells = undefined;
      } else {
        cells = [];
      }
    } else if (tag === 'td' || tag === 'th') {
      if (closing) cells?.push(cleanText(decodeEntities(text)));
      text = '';
    } else if (cells) {
      // Paragraphs and lists inside a cell belong to the cell.
      if (BLOCK_TAGS.has(tag)) text += ' ';
    } else if (BLOCK_TAGS.has(tag)) {
      flush();
      openBlock = closing ? undefined : { tag, isTitle: (attributes ?? '').includes(TITLE_CLASS) };
    }
  }
  flush();
  return title;
}

/** DOCX through mammoth (Word's heading styles become the heading path); DOCX has no pages. */
export async function readDocx(bytes: Uint8Array, { limits, fallbackTitle }: ReaderContext): Promise<ParsedDocument> {
  checkZipDirectory(bytes, limits.maxBytes * limits.maxInflationRatio);
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      { styleMap: STYLE_MAP, convertImage: mammoth.images.imgElement(async () => ({ src: '' })) },
    );
    html = result.value;
  } catch (error) {
    throw new DocumentError('DOCUMENT_UNREADABLE', 'The DOCX cannot be read.', { cause: (error as Error).message });
  }
  const builder = new SectionBuilder();
  const title = buildFromHtml(html, builder, new CharacterBudget(limits.maxCharacters));
  return { format: 'docx', title: title ?? builder.titleHeading() ?? fallbackTitle, sections: builder.build() };
}
