import stopwordsIso from 'stopwords-iso/stopwords-iso.json' with { type: 'json' };
import { foldText } from './text.js';

/**
 * Words that say nothing about what a conversation is about: the stopwords-iso Spanish list
 * (folded), and what every Colombian political post says (verbs of saying, "país", "gobierno",
 * laughter, X's own vocabulary). Candidates' names are not here: per candidate they are steady
 * and so never trend; overall, a candidate suddenly named by many is news.
 */
const POLITICAL_STOPWORDS = [
  'pais',
  'colombia',
  'colombianos',
  'colombianas',
  'gobierno',
  'presidente',
  'presidencia',
  'candidato',
  'candidata',
  'candidatos',
  'campana',
  'politica',
  'politico',
  'politicos',
  'eleccion',
  'elecciones',
  'voto',
  'votar',
  'gente',
  'senor',
  'senora',
  'dijo',
  'dice',
  'decir',
  'hace',
  'hacer',
  'sera',
  'van',
  'vamos',
  'va',
  'asi',
  'pues',
  'entonces',
  'tambien',
  'jaja',
  'jajaja',
  'jajajaja',
  'jeje',
  'rt',
  'via',
  'hilo',
  'tweet',
  'trino',
  'usted',
  'ustedes',
  'uds',
  'ud',
  'q',
  'xq',
  'pq',
  'porq',
  'tb',
  'tmb',
  'hoy',
  'ayer',
  'manana',
  'ahora',
  'ano',
  'anos',
  'dia',
  'dias',
];

/** Words of the stopwords-iso list that carry Colombian political talk ("acuerdo de paz", "paz total", "empleo"). */
const POLITICAL_CONTENT = new Set(['acuerdo', 'empleo', 'general', 'total', 'trabajo', 'trabajar', 'verdad', 'valor']);

export const STOPWORDS: ReadonlySet<string> = new Set([
  ...(stopwordsIso.es as string[]).map(foldText).filter((word) => !POLITICAL_CONTENT.has(word)),
  ...POLITICAL_STOPWORDS,
]);

const MIN_WORD_LENGTH = 3;
const DIGITS = /^\p{N}+$/u;
const ASCII = /^[ -~\s]*$/;
/**
 * On folded text: URLs and mentions (dropped), hashtags, words, and what breaks a phrase (punctuation,
 * line breaks, emoji: anything else between two words but spaces). One pass of one plain regex:
 * sentiment-es's tokenizer tells emoticons, emoji and casing apart, which trends do not need, at
 * ~60 µs a post, too slow for 100,000 posts.
 */
const TOKEN = /https?:\/\/\S+|www\.\S+|@\w+|#([\p{L}\p{N}_]+)|([\p{L}\p{N}]+)|[^\s\p{L}\p{N}]/gu;
/** "buenísimooo" → "buenisimo": a letter repeated three times or more is written once. */
const ELONGATION = /(\p{L})\1{2,}/gu;
/** Any character three times in a row: the cheap test before the squashing replace. */
const TRIPLED = /(.)\1\1/;

/** A content word: long enough, not a number, not a stopword. */
function isContentWord(word: string): boolean {
  return word.length >= MIN_WORD_LENGTH && !DIGITS.test(word) && !STOPWORDS.has(word);
}

/**
 * The terms a post is counted under for trends, each once: its hashtags as `#tag` (folded), its
 * content words folded ("Reformá" → "reforma", "buenísimooo" → "buenisimo"), and the bigrams of
 * adjacent content words ("paz total", "reforma pensional": the phrase trends, not its halves).
 * Mentions, URLs, numbers, emoji and stopwords are dropped; anything but a space between two
 * words breaks a bigram. Pure and light: it runs over every post of a trends window.
 */
export function termsOf(text: string): string[] {
  const lower = ASCII.test(text) ? text.toLowerCase() : foldText(text);
  const folded = TRIPLED.test(lower) ? lower.replace(ELONGATION, '$1') : lower;
  const terms = new Set<string>();
  let previous: string | undefined;
  for (const [, hashtag, word] of folded.matchAll(TOKEN)) {
    if (hashtag !== undefined) terms.add(`#${hashtag}`);
    if (word === undefined || !isContentWord(word)) {
      previous = undefined;
      continue;
    }
    terms.add(word);
    if (previous !== undefined && previous !== word) terms.add(`${previous} ${word}`);
    previous = word;
  }
  return [...terms];
}

export type TermKind = 'hashtag' | 'term';

export const termKind = (term: string): TermKind => (term.startsWith('#') ? 'hashtag' : 'term');

/** The words of a term: a bigram's two, a word or hashtag itself. */
export const termWords = (term: string): string[] => term.split(' ');
