import { randomUUID } from 'node:crypto';
import type { CandidateRef, Granularity, MediaAnalysis, SeriesPoint } from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import { analysisHeadline, type SummaryWriter } from '../../domain/analysis-summary.js';
import {
  fillSeries,
  isoPeriod,
  netSentiment,
  resolvePeriod,
  shareOf,
  type TimePeriod,
} from '../../domain/conversation-figures.js';
import type { AnalysesRepository, AnalysisKind, StoredAnalysisResult } from './analyses.repository.js';
import type { MediaRepository, Selection } from './media.repository.js';

/** A media analysis asked for, as the contract parsed it (defaults applied). */
export interface ConversationRequest {
  candidate?: string | undefined;
  query?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  granularity: Granularity;
  excludeBots: boolean;
  top: number;
}

/**
 * Media analyses: the figures of a candidate's or a query's conversation over a period, their
 * written summary, and the caller's history of them.
 */
export class MediaService {
  constructor(
    private readonly repository: MediaRepository,
    private readonly analyses: AnalysesRepository,
    private readonly summaries: SummaryWriter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Analyses and stores the answer in the caller's history. */
  async analyze(request: ConversationRequest, requestedBy: string): Promise<MediaAnalysis> {
    const analysis = await this.conversation(request);
    await this.analyses.record({ id: analysis.id, kind: 'media', requestedBy, request, result: analysis });
    return analysis;
  }

  /** The analysis of a candidate or a query, not stored (a campaign analysis embeds it and stores itself). */
  async conversation(request: ConversationRequest): Promise<MediaAnalysis> {
    const period = resolvePeriod(request, this.now());
    const { selection, candidate } = await this.selectionOf(request);
    const figures = await this.repository.conversation(selection, {
      period,
      granularity: request.granularity,
      excludeBots: request.excludeBots,
      top: request.top,
    });
    const { totals } = figures;
    const net = netSentiment(totals);
    const botShare = shareOf(totals.bots, totals.all);
    const shareOfVoice = figures.allCandidatesPosts === null ? null : shareOf(totals.posts, figures.allCandidatesPosts);
    const topics = figures.topics.map((topic) => ({ label: `#${topic.tag}`, terms: [topic.tag], posts: topic.posts }));
    const summary = await this.summaries.write({
      subject: candidate?.name ?? request.query ?? '',
      kind: candidate ? 'candidate' : 'query',
      period,
      excludeBots: request.excludeBots,
      posts: totals.posts,
      authors: totals.authors,
      engagement: totals.engagement,
      positive: totals.positive,
      neutral: totals.neutral,
      negative: totals.negative,
      unscored: totals.unscored,
      net,
      botShare,
      suspectedBotPosts: totals.bots,
      shareOfVoice,
      topics: figures.topics.map((topic) => topic.tag),
      topAuthor: figures.topAuthors[0]?.username ?? null,
    });
    return {
      id: randomUUID(),
      candidate: candidate
        ? { slug: candidate.slug, name: candidate.name, own: candidate.own, color: candidate.color }
        : null,
      query: candidate ? null : (request.query ?? null),
      period: isoPeriod(period),
      granularity: request.granularity,
      bots: { excludeBots: request.excludeBots, suspectedBotPosts: totals.bots },
      totals: { posts: totals.posts, authors: totals.authors, engagement: totals.engagement, botShare },
      shareOfVoice,
      sentiment: {
        positive: totals.positive,
        neutral: totals.neutral,
        negative: totals.negative,
        unscored: totals.unscored,
        net,
      },
      series: seriesOf(figures.series, period, request.granularity),
      topPosts: figures.topPosts,
      topAuthors: figures.topAuthors,
      topics,
      summary,
      generatedAt: this.now().toISOString(),
    };
  }

  /** The selection a request names: a followed candidate (404 when unknown), else the query (400 when only stop words). */
  async selectionOf(request: {
    candidate?: string | undefined;
    query?: string | undefined;
  }): Promise<{ selection: Selection; candidate: (CandidateRef & { id: string }) | undefined }> {
    if (request.candidate !== undefined) {
      const candidate = await this.repository.candidateBySlug(request.candidate);
      if (!candidate) throw httpError('CANDIDATE_UNKNOWN', `No candidate is followed as "${request.candidate}"`);
      return { selection: { kind: 'candidate', candidateId: candidate.id }, candidate };
    }
    const query = request.query ?? '';
    if (!(await this.repository.searchable(query))) {
      throw httpError(
        'ANALYSIS_QUERY_UNSEARCHABLE',
        `The query "${query}" has only words too common to search for; add a name, a #hashtag or an @account`,
      );
    }
    return { selection: { kind: 'query', query }, candidate: undefined };
  }

  async history(
    requestedBy: string,
    options: { kind: AnalysisKind | undefined; before: string | undefined; limit: number },
  ) {
    const rows = await this.analyses.history(requestedBy, { ...options, limit: options.limit + 1 });
    const page = rows.slice(0, options.limit);
    return {
      analyses: page.map((row) => ({
        id: row.id,
        kind: row.kind,
        createdAt: row.createdAt,
        request: row.request,
        headline: analysisHeadline(row),
      })),
      nextBefore: rows.length > options.limit ? (page.at(-1)?.createdAt ?? null) : null,
    };
  }

  async stored(requestedBy: string, id: string): Promise<StoredAnalysisResult> {
    const result = await this.analyses.result(requestedBy, id);
    if (result === undefined) throw httpError('ANALYSIS_UNKNOWN', `You have no analysis ${id}`);
    return result;
  }

  exportPosts(selection: Selection, period: TimePeriod, excludeBots: boolean) {
    return this.repository.exportPosts(selection, period, excludeBots);
  }

  period(input: { from?: string | undefined; to?: string | undefined }): TimePeriod {
    return resolvePeriod(input, this.now());
  }
}

/** The counted intervals with their net sentiment, and every quiet interval of the period as zero. */
function seriesOf(
  points: ReadonlyArray<Omit<SeriesPoint, 'net'>>,
  period: TimePeriod,
  granularity: Granularity,
): SeriesPoint[] {
  const withNet = points.map((point) => ({
    ...point,
    bucket: new Date(point.bucket).toISOString(),
    net: netSentiment(point),
  }));
  return fillSeries(withNet, period, granularity, (bucket) => ({
    bucket,
    posts: 0,
    positive: 0,
    neutral: 0,
    negative: 0,
    net: null,
    botPosts: 0,
  }));
}
