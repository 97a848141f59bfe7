import { type ParsedDocument, SectionBuilder } from '../document.js';
import { CharacterBudget } from '../limits.js';
import { cleanText } from '../text.js';
import type { ReaderContext } from './context.js';
import { decodeText } from './decode-text.js';

/**
 * Plain text: paragraphs are separated by blank lines, and the lines of one paragraph are joined.
 * Form feeds (as pdftotext writes between pages) split pages, which are then numbered; a text
 * has no headings, so its title is the file name.
 */
export function readPlainText(bytes: Uint8Array, { limits, fallbackTitle }: ReaderContext): ParsedDocument {
  const text = decodeText(bytes);
  const budget = new CharacterBudget(limits.maxCharacters);
  budget.spend(text);
  const pages = text.split('\f');
  const paged = pages.length > 1;
  const builder = new SectionBuilder();
  pages.forEach((pageText, index) => {
    if (paged) builder.break();
    for (const paragraph of pageText.split(/\n[ \t]*\n/)) {
      builder.block(cleanText(paragraph), paged ? index + 1 : undefined);
    }
  });
  return {
    format: 'text',
    title: fallbackTitle,
    ...(paged ? { pageCount: pages.length } : {}),
    sections: builder.build(),
  };
}
