/** Lower case without diacritics: "Petró" and "petro" match the same tracked term. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

const HASHTAG = /#([\p{L}\p{N}_]+)/gu;
const MENTION = /@([A-Za-z0-9_]+)/g;

/** The hashtags of a post, folded, without '#'. */
export function hashtagsOf(text: string): string[] {
  return [...foldText(text).matchAll(HASHTAG)].map((match) => match[1] as string);
}

/** The accounts a post mentions, lower-case, without '@'. */
export function mentionsOf(text: string): string[] {
  return [...text.matchAll(MENTION)].map((match) => (match[1] as string).toLowerCase());
}
