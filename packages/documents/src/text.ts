/**
 * Text clean-up shared by the readers, the chunker and the service's lexical search.
 */

/** Control and format characters (soft hyphens, zero-width spaces, byte-order marks): invisible, but they split words. */
const INVISIBLE_CHARACTERS = /[\p{Cc}\p{Cf}]/gu;
const COMBINING_MARKS = /\p{M}/gu;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** A block's text as it is shown and cited: NFC, no control or zero-width characters, single spaces. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').replace(INVISIBLE_CHARACTERS, '').replace(/ {2,}/g, ' ').trim();
}

/**
 * Spanish text folded for matching: lower case, accents and diaeresis removed (educación →
 * educacion, pingüino → pinguino) but ñ kept, since año and ano are different words; every run
 * of punctuation and spaces becomes one space. People type questions without accents, documents
 * have them: fold both sides the same way before comparing.
 */
export function foldSpanish(text: string): string {
  return text
    .normalize('NFD')
    .toLowerCase()
    .replace(/n\u0303/g, 'ñ')
    .replace(COMBINING_MARKS, '')
    .replace(NON_WORD, ' ')
    .trim();
}

/** The words of a text (letters and digits), for counting. */
export function countWords(text: string): number {
  let count = 0;
  for (const _ of text.matchAll(/[\p{L}\p{N}]+/gu)) count++;
  return count;
}

/**
 * Tokens a language model would see, estimated without a tokenizer: Spanish prose runs at about
 * 1.4 BPE tokens per word with OpenAI's and Llama's vocabularies (longer words and accents split
 * more often than English), punctuation included. Good enough to size chunks; not a billing count.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(countWords(text) * 1.4);
}
