/**
 * Tokenisation of a post for sentiment: words (folded for lexicon look-up, with what their casing
 * and spelling said), hashtags split into words, emoji and emoticons, and the punctuation that
 * bounds a negation's scope or marks irony.
 */

export type TokenKind = 'word' | 'emoji' | 'emoticon' | 'punctuation' | 'quote' | 'url' | 'mention';

export interface Token {
  kind: TokenKind;
  /** As written (emoji without skin tone or variation selector). */
  raw: string;
  /** Lower case, accents removed, letters repeated three times or more written once. */
  folded: string;
  /** "buenísimooo": a letter repeated three times or more. */
  elongated: boolean;
  /** "CORRUPTOS": written in capitals (three letters or more). */
  shouted: boolean;
  /** The word came from splitting a hashtag (#NoMasCorrupcion). */
  fromHashtag: boolean;
}

const URL = String.raw`https?:\/\/\S+|www\.\S+`;
const MENTION = String.raw`@\w+`;
const HASHTAG = String.raw`#[\p{L}\p{N}_]+`;
/** Western emoticons, with or without a nose: :) :-( :D xD ;) :'( :/ <3. */
const EMOTICON = String.raw`(?:[:;=][\-'^]?[)(\]\[dDpP\/\\|*oO]+|\b[xX][dD]+\b|<3+)`;
const WORD = String.raw`[\p{L}\p{M}\p{N}]+(?:['’][\p{L}]+)?`;
const EMOJI = String.raw`\p{Regional_Indicator}{2}|\p{Extended_Pictographic}(?:\u200d\p{Extended_Pictographic})*`;
const QUOTE = '["“”«»‘’]';
const PUNCTUATION = String.raw`[!¡?¿.,;:…()\-–—]`;

const TOKEN_PATTERN = new RegExp(
  `(${URL})|(${MENTION})|(${HASHTAG})|(${EMOTICON})|(${WORD})|(${EMOJI})|(${QUOTE})|(${PUNCTUATION})`,
  'gu',
);

/** Skin tones and variation selectors change nothing about an emoji's polarity. */
const EMOJI_MODIFIERS = /[\u{1F3FB}-\u{1F3FF}\uFE0E\uFE0F]/gu;
const ELONGATION = /(\p{L})\1{2,}/gu;
const COMBINING_MARKS = /\p{M}/gu;
const ASCII = /^[ -~]*$/;

/** Lower case without accents ("Está" → "esta"), the form every lexicon key is stored in. */
export function fold(text: string): string {
  if (ASCII.test(text)) return text.toLowerCase();
  return text.toLowerCase().normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC');
}

/**
 * The words of a hashtag: camel case and digits split ("#NoMasCorrupcion" → no, mas, corrupcion;
 * "#PetroPresidente2026" → petro, presidente, 2026). A hashtag written in one case stays one word.
 */
export function splitHashtag(hashtag: string): string[] {
  const body = hashtag.replace(/^#/, '').replace(/_/g, ' ');
  return body
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2')
    .split(/\s+/)
    .filter((part) => part.length > 0);
}

function wordToken(raw: string, fromHashtag: boolean): Token {
  const letters = raw.replace(/[^\p{L}]/gu, '');
  const folded = fold(raw);
  const squashed = folded.replace(ELONGATION, '$1');
  return {
    kind: 'word',
    raw,
    folded: squashed,
    elongated: squashed !== folded,
    shouted:
      !fromHashtag && letters.length >= 3 && letters === letters.toUpperCase() && letters !== letters.toLowerCase(),
    fromHashtag,
  };
}

function plainToken(kind: TokenKind, raw: string, folded = raw): Token {
  return { kind, raw, folded, elongated: false, shouted: false, fromHashtag: false };
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    const [whole, url, mention, hashtag, emoticon, word, emoji, quote] = match;
    if (url !== undefined) tokens.push(plainToken('url', url, '<url>'));
    else if (mention !== undefined) tokens.push(plainToken('mention', mention, '<mention>'));
    else if (hashtag !== undefined) for (const part of splitHashtag(hashtag)) tokens.push(wordToken(part, true));
    else if (emoticon !== undefined) tokens.push(plainToken('emoticon', emoticon, emoticon.toLowerCase()));
    else if (word !== undefined) tokens.push(wordToken(word, false));
    else if (emoji !== undefined) {
      const bare = emoji.replace(EMOJI_MODIFIERS, '');
      if (bare.length > 0) tokens.push(plainToken('emoji', bare));
    } else if (quote !== undefined) tokens.push(plainToken('quote', quote));
    else tokens.push(plainToken('punctuation', whole));
  }
  return tokens;
}
