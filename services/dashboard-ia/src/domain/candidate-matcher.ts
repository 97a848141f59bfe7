import { foldText, hashtagsOf, mentionsOf } from './text.js';

export interface MatchableQuery {
  candidateId: string;
  kind: 'term' | 'hashtag' | 'account';
  /** Normalised as stored: lower case, without # or @. */
  value: string;
}

export interface MatchablePost {
  text: string;
  authorUsername: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Decides which candidates a post is about from their tracked queries: a term as whole words
 * (accents and case ignored), a hashtag among the post's hashtags, an account as the author or a
 * mention. Built once per set of queries; matching is a few regular expressions per post.
 */
export class CandidateMatcher {
  private readonly terms: Array<{ candidateId: string; pattern: RegExp }> = [];
  private readonly hashtags = new Map<string, Set<string>>();
  private readonly accounts = new Map<string, Set<string>>();

  constructor(queries: readonly MatchableQuery[]) {
    for (const query of queries) {
      if (query.kind === 'term') {
        const words = foldText(query.value).split(/\s+/).map(escapeRegExp).join('\\s+');
        this.terms.push({
          candidateId: query.candidateId,
          pattern: new RegExp(`(?<![\\p{L}\\p{N}])${words}(?![\\p{L}\\p{N}])`, 'u'),
        });
      } else {
        const index = query.kind === 'hashtag' ? this.hashtags : this.accounts;
        const key = query.kind === 'hashtag' ? foldText(query.value) : query.value.toLowerCase();
        const set = index.get(key) ?? new Set<string>();
        set.add(query.candidateId);
        index.set(key, set);
      }
    }
  }

  get empty(): boolean {
    return this.terms.length === 0 && this.hashtags.size === 0 && this.accounts.size === 0;
  }

  /** The ids of the candidates the post is about (none when no query matches). */
  match(post: MatchablePost): Set<string> {
    const found = new Set<string>();
    const folded = foldText(post.text);
    for (const term of this.terms)
      if (!found.has(term.candidateId) && term.pattern.test(folded)) found.add(term.candidateId);
    for (const tag of hashtagsOf(post.text)) for (const id of this.hashtags.get(tag) ?? []) found.add(id);
    const accounts = [post.authorUsername.toLowerCase(), ...mentionsOf(post.text)];
    for (const account of accounts) for (const id of this.accounts.get(account) ?? []) found.add(id);
    return found;
  }
}
