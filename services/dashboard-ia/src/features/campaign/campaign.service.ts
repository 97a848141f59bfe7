import { randomUUID } from 'node:crypto';
import type {
  CampaignAnalysis,
  ConversationMeasures,
  Granularity,
  MediaAnalysis,
  RivalsComparison,
} from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import { campaignHighlights } from '../../domain/analysis-summary.js';
import {
  conversationMeasures,
  fillSeries,
  isoPeriod,
  measuresChange,
  previousPeriod,
  rankBy,
  resolvePeriod,
  type TimePeriod,
} from '../../domain/conversation-figures.js';
import { CampaignRepository, type FollowedCandidate } from './campaign.repository.js';

/** What a campaign analysis embeds: the media analysis of one candidate, computed and not stored (app.ts wires it). */
export type CandidateConversation = (request: {
  candidate: string;
  from: string;
  to: string;
  granularity: Granularity;
  excludeBots: boolean;
  top: number;
}) => Promise<MediaAnalysis>;

/** Stores an answer in the caller's history (app.ts wires the analyses store). */
export type RecordAnalysis = (entry: {
  id: string;
  kind: 'campaign' | 'rivals';
  requestedBy: string;
  request: unknown;
  result: unknown;
}) => Promise<void>;

interface PeriodRequest {
  from?: string | undefined;
  to?: string | undefined;
  excludeBots: boolean;
}

const TOP = 10;

/** The campaign's candidate in full among the rivals, and the rivals side by side against the previous period. */
export class CampaignService {
  constructor(
    private readonly repository: CampaignRepository,
    private readonly deps: { conversation: CandidateConversation; record: RecordAnalysis; now?: () => Date },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async analyze(
    request: PeriodRequest & { candidate?: string | undefined; granularity: Granularity },
    requestedBy: string,
  ): Promise<CampaignAnalysis> {
    const candidates = await this.repository.candidates();
    const candidate =
      request.candidate === undefined ? candidates.find((c) => c.own) : bySlug(candidates, request.candidate);
    if (!candidate) {
      throw httpError(
        'CANDIDATE_UNKNOWN',
        'No own candidate is followed: mark the campaign’s candidate as own or name one in `candidate`',
      );
    }
    const period = resolvePeriod(request, this.now());
    const analysis = await this.deps.conversation({
      candidate: candidate.slug,
      ...isoPeriod(period),
      granularity: request.granularity,
      excludeBots: request.excludeBots,
      top: TOP,
    });
    const measured = await this.measure(candidates, period, request.excludeBots, request.granularity, []);
    const own = measured.find((entry) => entry.candidate.id === candidate.id) as (typeof measured)[number];
    const rank = {
      shareOfVoice: rankBy(measured, (entry) => entry.measures.shareOfVoice, own),
      net: rankBy(measured, (entry) => entry.measures.net, own),
      of: measured.length,
    };
    const result: CampaignAnalysis = {
      analysis,
      bots: analysis.bots,
      rank,
      rivals: measured
        .filter((entry) => entry !== own)
        .map((entry) => ({ candidate: publicRef(entry.candidate), measures: entry.measures })),
      highlights: campaignHighlights({
        name: candidate.name,
        current: own.measures,
        previous: own.previous,
        change: own.change,
        rank,
      }),
    };
    await this.deps.record({ id: analysis.id, kind: 'campaign', requestedBy, request, result });
    return result;
  }

  /** The comparison, stored in the caller's history when `requestedBy` is given (the CSV export is not). */
  async compare(
    request: PeriodRequest & { candidates?: readonly string[] | undefined; granularity: Granularity },
    requestedBy: string | undefined,
  ): Promise<RivalsComparison> {
    const all = await this.repository.candidates();
    const chosen = request.candidates === undefined ? all : request.candidates.map((slug) => bySlug(all, slug));
    const period = resolvePeriod(request, this.now());
    const measured = await this.measure(
      all,
      period,
      request.excludeBots,
      request.granularity,
      chosen.map((candidate) => candidate.id),
    );
    const chosenIds = new Set(chosen.map((candidate) => candidate.id));
    const result: RivalsComparison = {
      id: randomUUID(),
      period: isoPeriod(period),
      previousPeriod: isoPeriod(previousPeriod(period)),
      granularity: request.granularity,
      excludeBots: request.excludeBots,
      candidates: measured
        .filter((entry) => chosenIds.has(entry.candidate.id))
        .map((entry) => ({
          candidate: publicRef(entry.candidate),
          measures: entry.measures,
          previous: entry.previous,
          change: entry.change,
        })),
      series: measured.series,
      generatedAt: this.now().toISOString(),
    };
    if (requestedBy !== undefined)
      await this.deps.record({ id: result.id, kind: 'rivals', requestedBy, request, result });
    return result;
  }

  /** Every followed candidate's measures for the period and the one before, and the chosen ones' series. */
  private async measure(
    candidates: readonly FollowedCandidate[],
    period: TimePeriod,
    excludeBots: boolean,
    granularity: Granularity,
    seriesOf: readonly string[],
  ) {
    const previous = previousPeriod(period);
    const conversation = await this.repository.conversation({ period, previous, excludeBots, granularity, seriesOf });
    const entries = candidates.map((candidate) => {
      const counts = conversation.byCandidate.get(candidate.id) ?? CampaignRepository.EMPTY;
      const measures = conversationMeasures(counts.current, conversation.allCandidatesPosts.current);
      const before: ConversationMeasures = conversationMeasures(
        counts.previous,
        conversation.allCandidatesPosts.previous,
      );
      return { candidate, measures, previous: before, change: measuresChange(measures, before) };
    });
    const slugs = new Map(candidates.map((candidate) => [candidate.id, candidate.slug]));
    const byBucket = new Map<string, Record<string, number>>();
    for (const point of conversation.series) {
      const bucket = new Date(point.bucket).toISOString();
      const posts = byBucket.get(bucket) ?? {};
      posts[slugs.get(point.candidateId) ?? point.candidateId] = point.posts;
      byBucket.set(bucket, posts);
    }
    const chosenSlugs = seriesOf.map((id) => slugs.get(id) ?? id);
    const zero = () => Object.fromEntries(chosenSlugs.map((slug) => [slug, 0]));
    const series = fillSeries(
      [...byBucket].map(([bucket, posts]) => ({ bucket, posts: { ...zero(), ...posts } })),
      period,
      granularity,
      (bucket) => ({ bucket, posts: zero() }),
    );
    return Object.assign(entries, { series });
  }
}

function bySlug(candidates: readonly FollowedCandidate[], slug: string): FollowedCandidate {
  const candidate = candidates.find((entry) => entry.slug === slug);
  if (!candidate) throw httpError('CANDIDATE_UNKNOWN', `No candidate is followed as "${slug}"`);
  return candidate;
}

const publicRef = (candidate: FollowedCandidate) => ({
  slug: candidate.slug,
  name: candidate.name,
  own: candidate.own,
  color: candidate.color,
});
