import type { PostSummary, SpikeAlert, TrendWindow } from '@castor/contracts';
import { termKind, termsOf, termWords } from '../../domain/terms.js';
import { clusterTopics, postIsAbout, type TopicCluster } from '../../domain/topics.js';
import { scoreWindow, type TrendRule, type TrendScore } from '../../domain/trends.js';
import type { TrendsRepository, WindowPosts } from './trends.repository.js';

const HOUR_MS = 3_600_000;

/** Each window's length and how many windows before it make its baseline (a day of hours, two weeks of days, ...). */
export const WINDOWS: Record<TrendWindow, { lengthMs: number; baselineWindows: number }> = {
  '1h': { lengthMs: HOUR_MS, baselineWindows: 24 },
  '6h': { lengthMs: 6 * HOUR_MS, baselineWindows: 28 },
  '24h': { lengthMs: 24 * HOUR_MS, baselineWindows: 14 },
  '7d': { lengthMs: 7 * 24 * HOUR_MS, baselineWindows: 8 },
};

/** The window's most used terms that topics are clustered from. */
const TOPIC_TERMS = 60;
const POSTS_PER_TREND = 5;
/** A post's terms are extracted once; its text never changes. 500,000 posts is ~60 MB (terms interned). */
const TERM_CACHE_POSTS = 500_000;
/** Distinct terms kept for interning; past it the table starts again (cached posts keep their strings). */
const INTERNED_TERMS = 200_000;
/** Posts whose terms are extracted between two yields of the event loop (~30 ms of work). */
const EXTRACTION_BATCH = 2_000;

export interface TrendsQuery {
  candidate: { id: string; slug: string } | null;
  window: TrendWindow;
  at: Date;
  includeBots: boolean;
  limit: number;
}

export interface DetectedTrend extends TrendScore {
  kind: 'term' | 'hashtag' | 'topic';
  term: string;
  terms: string[];
  volume: number;
  authors: number;
  /** The current window's most engaged posts behind it. */
  postIds: string[];
}

export interface TrendsComputation {
  from: Date;
  to: Date;
  baselineWindows: number;
  trends: DetectedTrend[];
  /** The scope's total volume against its own baseline (a candidate suddenly talked about). */
  volume: TrendScore & { volume: number; authors: number };
  topics: Array<TopicCluster & { posts: number }>;
}

interface Tally {
  history: Int32Array;
  volume: number;
  authors: Set<string>;
  /** Rows of the current window, for the posts behind the trend. */
  rows: number[];
}

/**
 * Trends of a scope (overall or one candidate) in a window ending at a moment: every term, hashtag
 * and topic of the current window scored against its smoothed history, with the posts behind it.
 * Posts' terms are cached in the process (extracted once per post), so a request is one indexed
 * scan of the range and counting in memory.
 */
export class TrendsService {
  private readonly termCache = new Map<string, readonly string[]>();
  /**
   * One string per distinct term: extraction makes a new string for every occurrence (bigrams are
   * concatenations), and the cache would otherwise hold 100,000 posts' terms as ~1.5 million strings.
   */
  private readonly internedTerms = new Map<string, string>();

  constructor(
    private readonly repository: TrendsRepository,
    readonly rule: TrendRule,
  ) {}

  async compute(query: TrendsQuery): Promise<TrendsComputation> {
    const { lengthMs, baselineWindows } = WINDOWS[query.window];
    const rows = await this.repository.windowPosts({
      candidateId: query.candidate?.id ?? null,
      to: query.at,
      lengthMs,
      windows: baselineWindows + 1,
      includeBots: query.includeBots,
    });
    const terms = await this.termsOf(rows.ids);
    const tallies = this.tallyTerms(rows, terms, baselineWindows);
    const topics = this.topicsOf(rows, terms, tallies);
    const topicTallies = this.tallyTopics(rows, terms, topics, baselineWindows);

    const trends: DetectedTrend[] = [];
    const consider = (kind: DetectedTrend['kind'], term: string, termList: string[], tally: Tally) => {
      const series = { history: [...tally.history].reverse(), volume: tally.volume, authors: tally.authors.size };
      const score = scoreWindow(series, this.rule);
      if (!score.isTrend) return;
      const postIds = [...tally.rows]
        .sort((a, b) => (rows.engagement[b] as number) - (rows.engagement[a] as number))
        .slice(0, POSTS_PER_TREND)
        .map((row) => rows.ids[row] as string);
      trends.push({ kind, term, terms: termList, volume: series.volume, authors: series.authors, postIds, ...score });
    };
    for (const [term, tally] of tallies) consider(termKind(term), term, [term], tally);
    topics.forEach((topic, index) => {
      consider('topic', topic.label, topic.terms, topicTallies[index] as Tally);
    });

    const volume = this.volumeOf(rows, baselineWindows);
    return {
      from: new Date(query.at.getTime() - lengthMs),
      to: query.at,
      baselineWindows,
      trends: withoutCoveredWords(trends)
        .sort((a, b) => b.zScore - a.zScore || b.volume - a.volume)
        .slice(0, query.limit),
      volume,
      topics: topics.map((topic, index) => ({ ...topic, posts: (topicTallies[index] as Tally).volume })),
    };
  }

  postSummaries(ids: readonly string[]): Promise<Map<string, PostSummary>> {
    return this.repository.postSummaries(ids);
  }

  spikes(candidateId: string | null, limit: number): Promise<SpikeAlert[]> {
    return this.repository.spikes(candidateId, limit);
  }

  /**
   * Fills the term cache with the widest window's posts (7 days and its baseline), in the
   * background after start, so the first trends asked for do not pay for extracting them.
   */
  async warm(at = new Date()): Promise<void> {
    await this.compute({ candidate: null, window: '7d', at, includeBots: true, limit: 1 });
  }

  /**
   * Each post's terms, from the cache or extracted now (texts read in batches, the event loop
   * yielded between them, so a cold cache never holds other requests for long).
   */
  private async termsOf(ids: readonly string[]): Promise<Array<readonly string[]>> {
    const missing = ids.filter((id) => !this.termCache.has(id));
    for (let start = 0; start < missing.length; start += EXTRACTION_BATCH) {
      const batch = missing.slice(start, start + EXTRACTION_BATCH);
      for (const [id, text] of await this.repository.texts(batch)) this.remember(id, termsOf(text));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return ids.map((id) => this.termCache.get(id) ?? []);
  }

  private remember(id: string, terms: readonly string[]): void {
    if (this.termCache.size >= TERM_CACHE_POSTS) {
      // Oldest entries first (a Map iterates in insertion order): the posts least likely asked again.
      const drop = this.termCache.keys();
      for (let index = 0; index < TERM_CACHE_POSTS / 10; index++) this.termCache.delete(drop.next().value as string);
    }
    if (this.internedTerms.size >= INTERNED_TERMS) this.internedTerms.clear();
    this.termCache.set(
      id,
      terms.map((term) => {
        const interned = this.internedTerms.get(term);
        if (interned !== undefined) return interned;
        this.internedTerms.set(term, term);
        return term;
      }),
    );
  }

  /**
   * Counts per term: the current window first (volume, distinct authors, rows), then the history of
   * the terms that could trend (those with enough authors), so the long history costs one look-up per term.
   */
  private tallyTerms(rows: WindowPosts, terms: ReadonlyArray<readonly string[]>, baselineWindows: number) {
    const tallies = new Map<string, Tally>();
    for (let row = 0; row < rows.ids.length; row++) {
      if (rows.windows[row] !== 0) continue;
      for (const term of terms[row] as readonly string[]) {
        let tally = tallies.get(term);
        if (!tally) {
          tally = { history: new Int32Array(baselineWindows), volume: 0, authors: new Set(), rows: [] };
          tallies.set(term, tally);
        }
        tally.volume++;
        tally.authors.add(rows.authors[row] as string);
        tally.rows.push(row);
      }
    }
    for (const [term, tally] of tallies) if (tally.authors.size < this.rule.minAuthors) tallies.delete(term);
    for (let row = 0; row < rows.ids.length; row++) {
      const window = rows.windows[row] as number;
      if (window < 1 || window > baselineWindows) continue;
      for (const term of terms[row] as readonly string[]) {
        const tally = tallies.get(term);
        if (tally) tally.history[window - 1] = (tally.history[window - 1] as number) + 1;
      }
    }
    return tallies;
  }

  private topicsOf(rows: WindowPosts, terms: ReadonlyArray<readonly string[]>, tallies: Map<string, Tally>) {
    const eligible = [...tallies.entries()]
      .sort(([, a], [, b]) => b.volume - a.volume)
      .slice(0, TOPIC_TERMS)
      .map(([term]) => term);
    const current = (function* () {
      for (let row = 0; row < rows.ids.length; row++)
        if (rows.windows[row] === 0) yield terms[row] as readonly string[];
    })();
    return clusterTopics(current, eligible);
  }

  private tallyTopics(
    rows: WindowPosts,
    terms: ReadonlyArray<readonly string[]>,
    topics: readonly TopicCluster[],
    baselineWindows: number,
  ): Tally[] {
    const tallies = topics.map(() => ({
      history: new Int32Array(baselineWindows),
      volume: 0,
      authors: new Set<string>(),
      rows: [] as number[],
    }));
    if (topics.length === 0) return tallies;
    const topicsByTerm = new Map<string, number[]>();
    topics.forEach((topic, index) => {
      for (const term of topic.terms) topicsByTerm.set(term, [...(topicsByTerm.get(term) ?? []), index]);
    });
    for (let row = 0; row < rows.ids.length; row++) {
      const postTerms = terms[row] as readonly string[];
      const touched = new Set<number>();
      for (const term of postTerms) for (const index of topicsByTerm.get(term) ?? []) touched.add(index);
      if (touched.size === 0) continue;
      const termSet = new Set(postTerms);
      const window = rows.windows[row] as number;
      for (const index of touched) {
        if (!postIsAbout(termSet, (topics[index] as TopicCluster).terms)) continue;
        const tally = tallies[index] as Tally;
        if (window === 0) {
          tally.volume++;
          tally.authors.add(rows.authors[row] as string);
          tally.rows.push(row);
        } else tally.history[window - 1] = (tally.history[window - 1] as number) + 1;
      }
    }
    return tallies;
  }

  private volumeOf(rows: WindowPosts, baselineWindows: number) {
    const history = new Array<number>(baselineWindows).fill(0);
    const authors = new Set<string>();
    let volume = 0;
    for (let row = 0; row < rows.ids.length; row++) {
      const window = rows.windows[row] as number;
      if (window === 0) {
        volume++;
        authors.add(rows.authors[row] as string);
      } else history[window - 1] = (history[window - 1] as number) + 1;
    }
    const series = { history: history.reverse(), volume, authors: authors.size };
    return { ...scoreWindow(series, this.rule), volume, authors: authors.size };
  }
}

/**
 * A word that trends only as part of a trending bigram ("paz" inside "paz total", nearly the same
 * posts) is left out: the phrase says it better.
 */
function withoutCoveredWords(trends: DetectedTrend[]): DetectedTrend[] {
  const bigrams = trends.filter((trend) => trend.kind === 'term' && trend.term.includes(' '));
  return trends.filter(
    (trend) =>
      trend.kind !== 'term' ||
      trend.term.includes(' ') ||
      !bigrams.some((bigram) => termWords(bigram.term).includes(trend.term) && bigram.volume >= 0.8 * trend.volume),
  );
}
