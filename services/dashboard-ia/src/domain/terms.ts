import { tokenize } from '@castor/sentiment-es';
import stopwordsIso from 'stopwords-iso/stopwords-iso.json' with { type: 'json' };
import { foldText, hashtagsOf } from './text.js';

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

export const STOPWORDS: ReadonlySet<string> = new Set([
  ...(stopwordsIso.es as string[]).map(foldText),
  ...POLITICAL_STOPWORDS,
]);

const MIN_WORD_LENGTH = 3;
const DIGITS = /^\p{N}+$/u;

/** A content word: long enough, not a number, not a stopword. */
function isContentWord(folded: string): boolean {
  return folded.length >= MIN_WORD_LENGTH && !DIGITS.test(folded) && !STOPWORDS.has(folded);
}

/**
 * The terms a post is counted under for trends, each once: its hashtags as `#tag` (folded), its
 * content words folded ("Reformá" → "reforma", "buenísimooo" → "buenisimo"), and the bigrams of
 * adjacent content words ("paz total", "reforma pensional": the phrase trends, not its halves).
 * Mentions, URLs, numbers, emoji and stopwords are dropped; a stopword or punctuation breaks a
 * bigram. Pure and allocation-light: it runs over every post of a trends window.
 */
export function termsOf(text: string): string[] {
  const terms = new Set<string>();
  for (const hashtag of hashtagsOf(text)) terms.add(`#${hashtag}`);
  let previous: string | undefined;
  for (const token of tokenize(text)) {
    // A hashtag's split words are already counted as the hashtag.
    if (token.kind !== 'word' || token.fromHashtag || !isContentWord(token.folded)) {
      previous = undefined;
      continue;
    }
    terms.add(token.folded);
    if (previous !== undefined && previous !== token.folded) terms.add(`${previous} ${token.folded}`);
    previous = token.folded;
  }
  return [...terms];
}

export type TermKind = 'hashtag' | 'term';

export const termKind = (term: string): TermKind => (term.startsWith('#') ? 'hashtag' : 'term');

/** The words of a term: a bigram's two, a word or hashtag itself. */
export const termWords = (term: string): string[] => term.split(' ');
