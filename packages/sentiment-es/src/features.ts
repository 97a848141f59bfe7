import { DIMINISHERS, INTENSIFIERS, type Lexicon, lookUpWord, NEGATORS } from './lexicon.js';
import { fold, type Token, tokenize } from './text.js';

/**
 * What a post says to the model: rule features computed from the lexicons (polarity after negation
 * scope, intensifiers, emphasis; emoji; irony markers) and hashed word and character n-grams.
 * Change the meaning of any feature and FEATURE_SPEC must change, so an old model file is refused.
 */
export const FEATURE_SPEC = 'rules23+words1-2+chars3-4/hash20/v1';

/** The rule features, in the order of the model's dense weights. */
export const RULE_FEATURES = [
  'positiveLexicon',
  'negativeLexicon',
  'negatedPositive',
  'negatedNegative',
  'positiveEmoji',
  'negativeEmoji',
  'ruleBalance',
  'positiveDensity',
  'negativeDensity',
  'noPolarity',
  'exclamations',
  'questions',
  'shouting',
  'elongations',
  'laughter',
  'laughterWithNegative',
  'ironyMarkers',
  'scareQuotedPositive',
  'positiveWithNegativeEmoji',
  'links',
  'mentions',
  'hashtagWords',
  'length',
] as const;
export type RuleFeature = (typeof RULE_FEATURES)[number];

export const HASH_BITS = 20;
const HASH_MASK = (1 << HASH_BITS) - 1;

/** How many words after a negator it reaches ("no está nada mal": está, nada, mal). */
const NEGATION_SCOPE = 3;
/** How many words after an intensifier it still reaches ("muy, muy bueno", "tan poco serio"). */
const MODIFIER_SCOPE = 2;
const INTENSIFIER_FACTOR = 1.5;
const DIMINISHER_FACTOR = 0.5;
const EMPHASIS_FACTOR = 1.3;
const SUPERLATIVE_FACTOR = 1.5;
/** AFINN's scale is -5..5; features use -1..1 per word. */
const LEXICON_SCALE = 5;

const EMOTICONS: ReadonlyMap<string, number> = new Map([
  [':)', 2],
  [':-)', 2],
  ['=)', 2],
  [':d', 3],
  [':-d', 3],
  [';)', 1],
  [';-)', 1],
  [':p', 1],
  ['<3', 3],
  [':(', -2],
  [':-(', -2],
  [":'(", -2],
  [':/', -1],
  [':-/', -1],
  [':|', -1],
]);

const LAUGHTER_WORD = /^(?:(?:ja|je|ji|js|ha|ka)+j?|lol|lmao|xd+)$/;
const LAUGHTER_EMOJI: ReadonlySet<string> = new Set(['😂', '🤣', '😹']);

/** Irony said in so many words ("sí, claro", "gracias por nada"), on folded text. */
const IRONY_PHRASES = [/\bsi,? claro\b/g, /\bclaro,? como no\b/g, /\bgracias por nada\b/g, /\baja\b/g, /\bay si\b/g];
/** Praise that is ironic when the post also says something negative ("qué bonito ... robando"). */
const PRAISE_PHRASES =
  /\b(?:que (?:bonito|bonita|lindo|linda|belleza|orgullo|maravilla|elegancia)|felicitaciones|felicidades|bravo|aplausos)\b/g;

export interface PostFeatures {
  rules: Float64Array;
  /** Hashed n-gram buckets with their counts, before any vocabulary filtering. */
  buckets: Map<number, number>;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-16 units, continuing from `hash`: fast, stable across platforms. */
function fnv1a(text: string, hash = FNV_OFFSET, start = 0, end = text.length): number {
  let state = hash;
  for (let i = start; i < end; i++) {
    state ^= text.charCodeAt(i);
    state = Math.imul(state, FNV_PRIME);
  }
  return state;
}

function addBucket(buckets: Map<number, number>, bucket: number): void {
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
}

function bucketOf(key: string): number {
  return (fnv1a(key) >>> 0) & HASH_MASK;
}

const CHARACTER_GRAM_PREFIX = fnv1a('c:');

/** Character 3- and 4-grams of a word with its boundaries (" bue", "bueno", ...), hashed in place. */
function addCharacterGrams(buckets: Map<number, number>, word: string): void {
  const padded = ` ${word} `;
  for (let size = 3; size <= 4; size++) {
    for (let start = 0; start + size <= padded.length; start++) {
      addBucket(buckets, (fnv1a(padded, CHARACTER_GRAM_PREFIX, start, start + size) >>> 0) & HASH_MASK);
    }
  }
}

function countMatches(text: string, patterns: readonly RegExp[]): number {
  let count = 0;
  for (const pattern of patterns) count += text.match(pattern)?.length ?? 0;
  return count;
}

/** A phrase of two or three words starting at `index`, longest first. */
function lookUpPhrase(
  lexicon: Lexicon,
  words: readonly Token[],
  index: number,
): { value: number; length: number } | undefined {
  if (!lexicon.phraseStarts.has((words[index] as Token).folded)) return undefined;
  for (let length = lexicon.longestPhrase; length >= 2; length--) {
    if (index + length > words.length) continue;
    const phrase = words
      .slice(index, index + length)
      .map((word) => word.folded)
      .join(' ');
    const value = lexicon.words.get(phrase);
    if (value !== undefined) return { value, length };
  }
  return undefined;
}

function isNegator(words: readonly Token[], index: number): boolean {
  const word = words[index]?.folded ?? '';
  const next = words[index + 1]?.folded;
  if (word === 'poco') return words[index - 1]?.folded !== 'un';
  if (!NEGATORS.has(word)) return false;
  // "no más corrupción" rejects corruption, "sin embargo" and "no solo" negate nothing.
  if (word === 'no' && (next === 'mas' || next === 'solo' || next === 'solamente')) return false;
  if (word === 'sin' && next === 'embargo') return false;
  return true;
}

export function extractFeatures(text: string, lexicon: Lexicon): PostFeatures {
  const tokens = tokenize(text);
  const buckets = new Map<number, number>();
  let positive = 0;
  let negative = 0;
  let negatedPositive = 0;
  let negatedNegative = 0;
  let positiveEmoji = 0;
  let negativeEmoji = 0;
  let exclamations = 0;
  let questions = 0;
  let shouted = 0;
  let elongations = 0;
  let laughter = 0;
  let links = 0;
  let mentions = 0;
  let hashtagWords = 0;
  let wordCount = 0;
  let quotedWords = -1; // -1: outside quotes
  let quotedPositive = 0;
  let scareQuotedPositive = 0;

  // The words between two breaks (punctuation, emoji, links) form a clause: negation and
  // intensifiers reach only inside it.
  let clause: Token[] = [];
  const closeClause = (): void => {
    let negationLeft = 0;
    let modifier = 1;
    let modifierLeft = 0;
    let previous = '<s>';
    for (let i = 0; i < clause.length; i++) {
      const word = clause[i] as Token;
      wordCount++;
      if (word.fromHashtag) hashtagWords++;
      if (word.shouted) shouted++;
      if (word.elongated) elongations++;
      addBucket(buckets, bucketOf(`w:${negationLeft > 0 ? '¬' : ''}${word.folded}`));
      addBucket(buckets, bucketOf(`b:${previous} ${word.folded}`));
      addCharacterGrams(buckets, word.folded);
      previous = word.folded;
      if (LAUGHTER_WORD.test(word.folded)) {
        laughter++;
        continue;
      }
      // A phrase is read first: "no sirve" is a phrase, not a negated "sirve".
      const phrase = lookUpPhrase(lexicon, clause, i);
      if (!phrase && isNegator(clause, i)) {
        negationLeft = NEGATION_SCOPE + 1;
      } else if (!phrase && (INTENSIFIERS.has(word.folded) || DIMINISHERS.has(word.folded))) {
        modifier = INTENSIFIERS.has(word.folded) ? INTENSIFIER_FACTOR : DIMINISHER_FACTOR;
        modifierLeft = MODIFIER_SCOPE + 1;
      } else {
        const single = phrase ? undefined : lookUpWord(lexicon, word.folded);
        const raw = phrase?.value ?? single?.value;
        if (raw !== undefined && raw !== 0) {
          let value = (raw / LEXICON_SCALE) * (modifierLeft > 0 ? modifier : 1);
          if (word.shouted || word.elongated) value *= EMPHASIS_FACTOR;
          if (single?.superlative) value *= SUPERLATIVE_FACTOR;
          if (negationLeft > 0) {
            if (value > 0) negatedPositive += value;
            else negatedNegative -= value;
          } else if (value > 0) positive += value;
          else negative -= value;
          if (quotedWords >= 0 && value > 0 && negationLeft === 0) quotedPositive += value;
          modifierLeft = 0;
          if (phrase) {
            for (let skip = 1; skip < phrase.length; skip++) {
              const next = clause[i + skip] as Token;
              wordCount++;
              addBucket(buckets, bucketOf(`w:${next.folded}`));
              addCharacterGrams(buckets, next.folded);
            }
            i += phrase.length - 1;
            previous = (clause[i] as Token).folded;
          }
        }
      }
      if (negationLeft > 0) negationLeft--;
      if (modifierLeft > 0) modifierLeft--;
      if (quotedWords >= 0) quotedWords++;
    }
    clause = [];
  };

  for (const token of tokens) {
    switch (token.kind) {
      case 'word':
        clause.push(token);
        continue;
      case 'emoji':
      case 'emoticon': {
        closeClause();
        addBucket(buckets, bucketOf(`e:${token.folded}`));
        if (LAUGHTER_EMOJI.has(token.folded)) laughter++;
        const value = (lexicon.emoji.get(token.folded) ?? EMOTICONS.get(token.folded) ?? 0) / LEXICON_SCALE;
        if (value > 0) positiveEmoji += value;
        else negativeEmoji -= value;
        continue;
      }
      case 'quote':
        closeClause();
        if (quotedWords < 0) {
          quotedWords = 0;
          quotedPositive = 0;
        } else {
          // Quotes around one to three words with praise in them: "scare quotes" ("el 'gran' demócrata").
          if (quotedWords <= 3) scareQuotedPositive += quotedPositive;
          quotedWords = -1;
        }
        continue;
      case 'url':
        closeClause();
        links++;
        continue;
      case 'mention':
        // A mention sits inside a sentence: it does not end a negation's scope.
        mentions++;
        continue;
      case 'punctuation':
        closeClause();
        if (token.raw === '!' || token.raw === '¡') exclamations++;
        if (token.raw === '?' || token.raw === '¿') questions++;
        continue;
    }
  }
  closeClause();

  const foldedText = fold(text);
  const polar = positive + negative + negatedPositive + negatedNegative + positiveEmoji + negativeEmoji;
  const allNegative = negative + negativeEmoji + negatedPositive;
  const ironyPhrases = countMatches(foldedText, IRONY_PHRASES);
  const ironicPraise = allNegative > 0 ? countMatches(foldedText, [PRAISE_PHRASES]) : 0;

  const values: Record<RuleFeature, number> = {
    positiveLexicon: Math.log1p(positive),
    negativeLexicon: Math.log1p(negative),
    negatedPositive: Math.log1p(negatedPositive),
    negatedNegative: Math.log1p(negatedNegative),
    positiveEmoji: Math.log1p(positiveEmoji),
    negativeEmoji: Math.log1p(negativeEmoji),
    ruleBalance: Math.tanh(positive + positiveEmoji + 0.5 * negatedNegative - allNegative),
    positiveDensity: (positive + positiveEmoji) / Math.sqrt(Math.max(wordCount, 1)),
    negativeDensity: allNegative / Math.sqrt(Math.max(wordCount, 1)),
    noPolarity: polar === 0 ? 1 : 0,
    exclamations: Math.log1p(exclamations),
    questions: Math.log1p(questions),
    shouting: wordCount > 0 ? shouted / wordCount : 0,
    elongations: Math.log1p(elongations),
    laughter: Math.log1p(laughter),
    // Laughter beside a negative word, negated or not ("jajaja dice que no es corrupto"): mockery.
    laughterWithNegative: laughter > 0 && allNegative + negatedNegative > 0 ? 1 : 0,
    ironyMarkers: Math.log1p(ironyPhrases + ironicPraise),
    scareQuotedPositive: Math.log1p(scareQuotedPositive),
    positiveWithNegativeEmoji: positive > 0 && negativeEmoji > 0 ? 1 : 0,
    links: links > 0 ? 1 : 0,
    mentions: Math.log1p(mentions),
    hashtagWords: Math.log1p(hashtagWords),
    length: Math.log1p(wordCount) / 4,
  };
  return { rules: Float64Array.from(RULE_FEATURES, (name) => values[name]), buckets };
}

/**
 * The starting point and anchor of the rule weights (negative, neutral, positive per feature):
 * what the rules mean before any data. Training pulls the weights towards these, so a rule the
 * training tweets never exercise (irony, emoji, Colombian words) keeps the meaning written here
 * instead of dropping to zero; the data calibrates how much each one counts.
 */
export const RULE_PRIOR: Readonly<Partial<Record<RuleFeature, readonly [number, number, number]>>> = {
  positiveLexicon: [-0.5, -0.5, 1],
  negativeLexicon: [1, -0.5, -0.5],
  negatedPositive: [0.8, 0, -0.8],
  negatedNegative: [-0.3, 0.2, 0.3],
  positiveEmoji: [-0.5, -0.5, 1],
  negativeEmoji: [1, -0.5, -0.5],
  ruleBalance: [-1.5, 0, 1.5],
  positiveDensity: [-0.5, -0.5, 1],
  negativeDensity: [1, -0.5, -0.5],
  noPolarity: [0, 1, 0],
  laughterWithNegative: [1, 0, -1],
  ironyMarkers: [1.5, -0.5, -1],
  scareQuotedPositive: [1, 0, -1],
  positiveWithNegativeEmoji: [1, 0, -1],
};
