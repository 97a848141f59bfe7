/**
 * Text clean-up shared by the readers, the chunker and the service's lexical search.
 */

/** Control and format characters (soft hyphens, zero-width spaces, byte-order marks): invisible, but they split words. */
const INVISIBLE_CHARACTERS = /[\p{Cc}\p{Cf}]/gu;
/** A block's text as it is shown and cited: NFC, no control or zero-width characters, single spaces. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').replace(INVISIBLE_CHARACTERS, '').replace(/ {2,}/g, ' ').trim();
}

/** How one character folds: its folded letters or digits, or ' ' for a separator. */
function foldCharacter(character: string): string {
  const lower = character.toLowerCase();
  const folded = lower === 'ñ' ? lower : lower.normalize('NFD').replace(/\p{M}/gu, '');
  return /^[\p{L}\p{N}]+$/u.test(folded) ? folded : ' ';
}

/**
 * The folds of ASCII, Latin-1 and Latin Extended-A (U+0000–U+017F), computed once: Spanish text
 * is almost all in this range, and a table lookup is several times faster than normalising and
 * matching Unicode classes character by character (chunking folds every paragraph).
 */
const LATIN_FOLDS: readonly string[] = Array.from({ length: 0x180 }, (_, code) =>
  foldCharacter(String.fromCharCode(code)),
);

/**
 * Spanish text folded for matching: lower case, accents and diaeresis removed (educación →
 * educacion, pingüino → pinguino) but ñ kept, since año and ano are different words; every run
 * of punctuation and spaces becomes one space. People type questions without accents, documents
 * have them: fold both sides the same way before comparing.
 */
export function foldSpanish(text: string): string {
  let folded = '';
  let afterSeparator = true;
  for (const character of text.normalize('NFC')) {
    const code = character.charCodeAt(0);
    const fold = code < 0x180 ? (LATIN_FOLDS[code] as string) : foldCharacter(character);
    if (fold !== ' ') {
      folded += fold;
      afterSeparator = false;
    } else if (!afterSeparator) {
      folded += ' ';
      afterSeparator = true;
    }
  }
  return afterSeparator ? folded.slice(0, -1) : folded;
}

/** The words of a text (runs of letters and digits), for counting. */
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
