import { termWords } from './terms.js';

export interface TopicCluster {
  /** The two or three terms most posts of the topic use, readable: "reforma pensional · cotizacion". */
  label: string;
  /** The topic's terms, most used first. */
  terms: string[];
}

export interface TopicOptions {
  /** Jaccard similarity (posts with both / posts with either) two terms need to be linked. */
  minJaccard: number;
  /** Posts two terms must share to be linked: a coincidence of two posts is not a topic. */
  minShared: number;
  /** The most terms one topic lists. */
  maxTerms: number;
}

export const DEFAULT_TOPIC_OPTIONS: TopicOptions = { minJaccard: 0.25, minShared: 3, maxTerms: 8 };

const LABEL_TERMS = 3;

/** A bigram and its own words always co-occur: that link says nothing about a topic. */
function overlaps(a: string, b: string): boolean {
  const words = new Set(termWords(a));
  return termWords(b).some((word) => words.has(word));
}

/**
 * Topic clusters of a window: the co-occurrence graph of the eligible terms (the window's most used
 * ones), linked where their Jaccard similarity over the posts reaches `minJaccard`, and its
 * connected components of two terms or more. Chosen over k-means on TF-IDF: posts are a sentence
 * long (sparse vectors that k-means splits arbitrarily), the number of topics is not known
 * beforehand, and the graph is deterministic and linear in the posts for a bounded set of terms.
 */
export function clusterTopics(
  postTerms: Iterable<readonly string[]>,
  eligible: readonly string[],
  options: TopicOptions = DEFAULT_TOPIC_OPTIONS,
): TopicCluster[] {
  const indexOf = new Map(eligible.map((term, index) => [term, index]));
  const size = eligible.length;
  const postsWith = new Uint32Array(size);
  const shared = new Uint32Array(size * size);
  const present: number[] = [];
  for (const terms of postTerms) {
    present.length = 0;
    for (const term of terms) {
      const index = indexOf.get(term);
      if (index !== undefined) present.push(index);
    }
    for (let i = 0; i < present.length; i++) {
      const a = present[i] as number;
      postsWith[a] = (postsWith[a] as number) + 1;
      for (let j = i + 1; j < present.length; j++) {
        const b = present[j] as number;
        const key = a < b ? a * size + b : b * size + a;
        shared[key] = (shared[key] as number) + 1;
      }
    }
  }

  const parent = eligible.map((_, index) => index);
  const root = (index: number): number => {
    let node = index;
    while (parent[node] !== node) node = parent[node] = parent[parent[node] as number] as number;
    return node;
  };
  for (let a = 0; a < size; a++) {
    for (let b = a + 1; b < size; b++) {
      const both = shared[a * size + b] as number;
      if (both < options.minShared) continue;
      const jaccard = both / ((postsWith[a] as number) + (postsWith[b] as number) - both);
      if (jaccard >= options.minJaccard && !overlaps(eligible[a] as string, eligible[b] as string)) {
        parent[root(a)] = root(b);
      }
    }
  }

  const components = new Map<number, number[]>();
  for (let index = 0; index < size; index++) {
    if ((postsWith[index] as number) === 0) continue;
    const members = components.get(root(index)) ?? [];
    members.push(index);
    components.set(root(index), members);
  }
  const topics: TopicCluster[] = [];
  for (const members of components.values()) {
    if (members.length < 2) continue;
    members.sort((a, b) => (postsWith[b] as number) - (postsWith[a] as number) || a - b);
    const terms = members.slice(0, options.maxTerms).map((index) => eligible[index] as string);
    topics.push({ label: labelOf(terms), terms });
  }
  return topics;
}

/** The most used terms whose words the label does not already hold ("paz total", not also "paz"). */
function labelOf(terms: readonly string[]): string {
  const chosen: string[] = [];
  for (const term of terms) {
    if (chosen.length === LABEL_TERMS) break;
    if (!chosen.some((label) => overlaps(label, term))) chosen.push(term);
  }
  return chosen.join(' · ');
}

/** Whether a post (its terms) is about a topic: it uses two of the topic's terms (a one-term topic: that one). */
export function postIsAbout(postTerms: ReadonlySet<string>, topicTerms: readonly string[]): boolean {
  const needed = Math.min(2, topicTerms.length);
  let found = 0;
  for (const term of topicTerms) {
    if (postTerms.has(term) && ++found >= needed) return true;
  }
  return false;
}
