import { type ParsedDocument, SectionBuilder } from '../document.js';
import { CharacterBudget } from '../limits.js';
import { cleanText } from '../text.js';
import type { ReaderContext } from './context.js';
import { decodeText } from './decode-text.js';

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const TABLE_DELIMITER_ROW = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/** Markdown's inline syntax removed, keeping what a reader sees: link and image text, code, words. */
export function stripInlineMarkdown(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .replace(/<\/?[a-zA-Z][^>]*>/g, ' ')
    .replace(/`+([^`]+)`+/g, '$1')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\p{L}\p{N}*_])([*_])(?=\S)([^*_]*?\S)\2(?=$|[^\p{L}\p{N}*_])/gu, '$1$3')
    .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, '$1');
}

function tableRow(line: string): string {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => stripInlineMarkdown(cell).trim())
    .filter(Boolean)
    .join(' | ');
}

/**
 * Markdown: ATX (`#`) and setext (underlined) headings make the heading path; blank lines,
 * list items, table rows and fenced code make blocks; a YAML front matter is skipped. Inline
 * syntax is removed so that chunks hold the words a reader sees.
 */
export function readMarkdown(bytes: Uint8Array, { limits, fallbackTitle }: ReaderContext): ParsedDocument {
  const text = decodeText(bytes);
  new CharacterBudget(limits.maxCharacters).spend(text);
  const lines = text.split('\n');
  const builder = new SectionBuilder();
  let paragraph: string[] = [];
  let fence: { marker: string; lines: string[] } | undefined;

  const flush = () => {
    builder.block(cleanText(stripInlineMarkdown(paragraph.join('\n'))));
    paragraph = [];
  };

  let start = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((line, index) => index > 0 && /^(---|\.\.\.)\s*$/.test(line));
    if (end > 0) start = end + 1;
  }

  for (let index = start; index < lines.length; index++) {
    const raw = lines[index] as string;
    if (fence) {
      if (raw.trim().startsWith(fence.marker)) {
        builder.block(cleanText(fence.lines.join('\n')));
        fence = undefined;
      } else {
        fence.lines.push(raw);
      }
      continue;
    }
    const line = raw.replace(/^ {0,3}>[ \t]?/, '');
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      flush();
      fence = { marker: fenceMatch[1] as string, lines: [] };
      continue;
    }
    const heading = ATX_HEADING.exec(line);
    if (heading) {
      flush();
      builder.heading((heading[1] as string).length, cleanText(stripInlineMarkdown(heading[2] ?? '')));
      continue;
    }
    const underline = SETEXT_UNDERLINE.exec(line);
    if (underline && paragraph.length > 0 && !paragraph.some((p) => LIST_ITEM.test(p))) {
      const headingText = cleanText(stripInlineMarkdown(paragraph.join(' ')));
      paragraph = [];
      builder.heading((underline[1] as string).startsWith('=') ? 1 : 2, headingText);
      continue;
    }
    if (line.trim() === '' || THEMATIC_BREAK.test(line)) {
      flush();
      continue;
    }
    if (line.trimStart().startsWith('|')) {
      flush();
      if (!TABLE_DELIMITER_ROW.test(line)) builder.block(cleanText(tableRow(line)));
      continue;
    }
    if (LIST_ITEM.test(line)) {
      flush();
      paragraph.push(line.replace(LIST_ITEM, ''));
      continue;
    }
    paragraph.push(line);
  }
  if (fence) builder.block(cleanText(fence.lines.join('\n')));
  flush();
  return { format: 'markdown', title: builder.titleHeading() ?? fallbackTitle, sections: builder.build() };
}
