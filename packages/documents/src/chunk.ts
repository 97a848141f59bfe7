import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DocumentFormat, ParsedDocument } from './document.js';
import { countWords, estimateTokens, foldSpanish } from './text.js';

const chunkOptionsSchema = z
  .object({
    /** The stored document's id; part of every chunk id. */
    documentId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'letters, digits, ".", "_" or "-", at most 128'),
    /** Estimated tokens a chunk aims at (see `estimateTokens`); a chunk exceeds it only when one sentence does. */
    targetTokens: z.number().int().min(20).max(4_000).default(300),
    /** Tokens of whole sentences repeated from the previous chunk of the same section. */
    overlapTokens: z.number().int().min(0).default(40),
    /** Paragraphs shorter than this are never dropped as duplicates ("Propuestas:" may repeat). */
    minDuplicateWords: z.number().int().min(1).default(8),
  })
  .refine((options) => options.overlapTokens < options.targetTokens / 2, {
    message: 'overlapTokens must be under half of targetTokens',
  });
export type ChunkOptions = z.input<typeof chunkOptionsSchema>;

export interface DocumentChunk {
  /** `<documentId>:<ordinal>:<first 12 hex of contentHash>`: the same document read twice gives the same ids. */
  id: string;
  documentId: string;
  /** 0-based position among the document's kept chunks. */
  ordinal: number;
  headingPath: string[];
  /** The heading path without a leading heading equal to the document's title, joined by " › "; may be empty. */
  sectionLabel: string;
  /** First and last page the chunk's text comes from, for PDFs (equal for a one-page chunk). */
  pageStart?: number;
  pageEnd?: number;
  /** The passage as written (paragraphs joined by blank lines): what a citation shows. */
  text: string;
  /** Title, headings and text: what a lexical or vector index should see, so "seguridad en Cali" finds the Cali section. */
  indexText: string;
  /** `text` folded (lower case, no accents, no punctuation): compared to find duplicates. */
  normalizedText: string;
  /** SHA-256 (hex) of `normalizedText`: equal for chunks the store should treat as one, across documents too. */
  contentHash: string;
  tokenEstimate: number;
}

export interface ChunkedDocument {
  documentId: string;
  title: string;
  format: DocumentFormat;
  pageCount?: number;
  chunks: DocumentChunk[];
  /** What de-duplication removed: repeated paragraphs, and chunks whose folded text equals an earlier one's. */
  duplicatesRemoved: { blocks: number; chunks: number };
}

/** One piece the packer places: a paragraph, or a sentence (or word window) of a long paragraph. */
interface Unit {
  text: string;
  tokens: number;
  page: number | undefined;
  /** The unit starts a paragraph (joined by a blank line) rather than continuing one (a space). */
  startsParagraph: boolean;
}

const SENTENCE_END = /(?<=[.!?…:;]["»”)]?)\s+(?=["«“(¿¡]?[\p{Lu}\p{N}])/u;

/** A paragraph cut into sentences, and sentences over the target cut into word windows. */
function unitsOf(text: string, page: number | undefined, targetTokens: number): Unit[] {
  const tokens = estimateTokens(text);
  if (tokens <= targetTokens) return [{ text, tokens, page, startsParagraph: true }];
  const units: Unit[] = [];
  for (const sentence of text.split(SENTENCE_END)) {
    const sentenceTokens = estimateTokens(sentence);
    if (sentenceTokens <= targetTokens) {
      units.push({ text: sentence, tokens: sentenceTokens, page, startsParagraph: false });
      continue;
    }
    const words = sentence.split(' ');
    const wordsPerWindow = Math.max(1, Math.floor(targetTokens / 1.4));
    for (let start = 0; start < words.length; start += wordsPerWindow) {
      const window = words.slice(start, start + wordsPerWindow).join(' ');
      units.push({ text: window, tokens: estimateTokens(window), page, startsParagraph: false });
    }
  }
  if (units[0]) units[0].startsParagraph = true;
  return units;
}

/** Greedy packing up to the target, repeating the previous chunk's last whole units as overlap. */
function pack(units: Unit[], targetTokens: number, overlapTokens: number): Unit[][] {
  const chunks: Unit[][] = [];
  let current: Unit[] = [];
  let currentTokens = 0;
  let fresh = 0;
  for (const unit of units) {
    if (fresh > 0 && currentTokens + unit.tokens > targetTokens) {
      chunks.push(current);
      const overlap: Unit[] = [];
      let overlapSize = 0;
      for (let index = current.length - 1; index >= 0; index--) {
        const candidate = current[index] as Unit;
        if (overlapSize + candidate.tokens > overlapTokens) break;
        overlap.unshift(candidate);
        overlapSize += candidate.tokens;
      }
      current = overlapSize + unit.tokens <= targetTokens ? overlap : [];
      currentTokens = overlapSize + unit.tokens <= targetTokens ? overlapSize : 0;
      fresh = 0;
    }
    current.push(unit);
    currentTokens += unit.tokens;
    fresh++;
  }
  if (fresh > 0) chunks.push(current);
  return chunks;
}

function joinUnits(units: Unit[]): string {
  let text = '';
  for (const unit of units) text += text === '' ? unit.text : `${unit.startsParagraph ? '\n\n' : ' '}${unit.text}`;
  return text;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Cuts a read document into chunks for retrieval. A chunk never crosses a section (a heading
 * change, or a page in a PDF without headings), so every chunk has one heading path to cite;
 * paragraphs are packed whole up to `targetTokens`, long ones are cut at sentences.
 *
 * De-duplication, in two steps: a paragraph of at least `minDuplicateWords` words whose folded
 * text (lower case, no accents, no punctuation) equals an earlier paragraph's is dropped (a
 * paragraph pasted twice); then a chunk whose folded text equals an earlier chunk's is dropped.
 * Running headers and footers of PDFs were already removed by the reader. Paragraphs that differ
 * by a word are kept: templated sections ("…en Cali", "…en Medellín") say different things.
 */
export function chunkDocument(document: ParsedDocument, options: ChunkOptions): ChunkedDocument {
  const { documentId, targetTokens, overlapTokens, minDuplicateWords } = chunkOptionsSchema.parse(options);
  const seenBlocks = new Set<string>();
  const seenChunks = new Set<string>();
  const duplicatesRemoved = { blocks: 0, chunks: 0 };
  const chunks: DocumentChunk[] = [];
  const titleKey = foldSpanish(document.title);

  for (const section of document.sections) {
    const units: Unit[] = [];
    for (const block of section.blocks) {
      if (countWords(block.text) >= minDuplicateWords) {
        const key = foldSpanish(block.text);
        if (seenBlocks.has(key)) {
          duplicatesRemoved.blocks++;
          continue;
        }
        seenBlocks.add(key);
      }
      units.push(...unitsOf(block.text, block.page, targetTokens));
    }
    const labelPath =
      section.headingPath[0] !== undefined && foldSpanish(section.headingPath[0]) === titleKey
        ? section.headingPath.slice(1)
        : section.headingPath;
    const context = [document.title, ...labelPath].join(' › ');
    for (const packed of pack(units, targetTokens, overlapTokens)) {
      const text = joinUnits(packed);
      const normalizedText = foldSpanish(text);
      const contentHash = sha256(normalizedText);
      if (seenChunks.has(contentHash)) {
        duplicatesRemoved.chunks++;
        continue;
      }
      seenChunks.add(contentHash);
      const pages = packed.map((unit) => unit.page).filter((page): page is number => page !== undefined);
      const ordinal = chunks.length;
      chunks.push({
        id: `${documentId}:${ordinal}:${contentHash.slice(0, 12)}`,
        documentId,
        ordinal,
        headingPath: section.headingPath,
        sectionLabel: labelPath.join(' › '),
        ...(pages.length > 0 ? { pageStart: Math.min(...pages), pageEnd: Math.max(...pages) } : {}),
        text,
        indexText: `${context}\n${text}`,
        normalizedText,
        contentHash,
        tokenEstimate: estimateTokens(text),
      });
    }
  }
  return {
    documentId,
    title: document.title,
    format: document.format,
    ...(document.pageCount !== undefined ? { pageCount: document.pageCount } : {}),
    chunks,
    duplicatesRemoved,
  };
}
