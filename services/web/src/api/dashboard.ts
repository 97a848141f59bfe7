import {
  type AdvisorRequest,
  advisorResponseSchema,
  type CampaignAnalyzeRequest,
  type CreateCampaignCandidate,
  campaignAnalysisSchema,
  campaignCandidateListSchema,
  campaignCandidateSchema,
  type createTeamMemberSchema,
  type createTeamTaskSchema,
  forecastDashboardResponseSchema,
  type MediaAnalyzeRequest,
  mediaAnalysisSchema,
  mediaHistoryResponseSchema,
  postImportResponseSchema,
  type RivalsCompareRequest,
  recommendationListSchema,
  rivalsComparisonSchema,
  spikesResponseSchema,
  type TASK_STATUSES,
  type TREND_WINDOWS,
  teamMemberListSchema,
  teamMemberSchema,
  teamTaskListSchema,
  teamTaskSchema,
  trendingResponseSchema,
  type updateTeamTaskSchema,
  xBudgetResponseSchema,
} from '@castor/contracts';
import type { z } from 'zod';
import { request, requestBlob } from './http';

export type { XBudgetResponse as XBudget, XReadWindow } from '@castor/contracts';

export type TrendWindow = (typeof TREND_WINDOWS)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** What the posts export and the trending list are narrowed by, as their query parameters. */
export interface PostsExportQuery {
  candidate?: string;
  from?: string;
  to?: string;
  excludeBots?: boolean;
}
export interface TrendingQuery {
  candidate?: string;
  window?: TrendWindow;
  includeBots?: boolean;
  limit?: number;
}

const flag = (value: boolean | undefined) => (value === undefined ? undefined : String(value));

/** The media type dashboard-ia reads an export by: a CSV, or JSON lines (.jsonl / .ndjson). */
export function importTypeOf(fileName: string): 'text/csv' | 'application/x-ndjson' {
  return /\.(jsonl|ndjson)$/i.test(fileName) ? 'application/x-ndjson' : 'text/csv';
}

/** dashboard-ia: followed candidates, post imports, conversation analyses, rivals, trends, the team, the X budget. */
export const dashboardApi = {
  candidates: () =>
    request('/api/campaign/candidates', { schema: campaignCandidateListSchema }).then((l) => l.candidates),

  createCandidate: (body: CreateCampaignCandidate) =>
    request('/api/campaign/candidates', { method: 'POST', body, schema: campaignCandidateSchema }),

  /** Imports a CSV or JSONL export of posts; a refused file's first bad line is in the error's details. */
  importPosts: (file: Blob, fileName: string) =>
    request('/api/media/import', {
      method: 'POST',
      body: new Blob([file], { type: importTypeOf(fileName) }),
      schema: postImportResponseSchema,
    }),

  analyze: (body: MediaAnalyzeRequest, signal?: AbortSignal) =>
    request('/api/media/analyze', { method: 'POST', body, schema: mediaAnalysisSchema, signal }),

  history: (query: { kind?: 'media' | 'campaign' | 'rivals'; limit?: number; before?: string } = {}) =>
    request('/api/media/history', { query, schema: mediaHistoryResponseSchema }),

  /** The stored posts as CSV (admins and analysts). */
  postsCsv: (query: PostsExportQuery) =>
    requestBlob('/api/media/posts.csv', { query: { ...query, excludeBots: flag(query.excludeBots) } }),

  analyzeCampaign: (body: CampaignAnalyzeRequest) =>
    request('/api/campaign/analyze', { method: 'POST', body, schema: campaignAnalysisSchema }),

  compareRivals: (body: RivalsCompareRequest, signal?: AbortSignal) =>
    request('/api/campaign/rivals/compare', { method: 'POST', body, schema: rivalsComparisonSchema, signal }),

  /** The comparison as CSV (admins and analysts): every followed candidate over the period. */
  rivalsCsv: (query: PostsExportQuery) =>
    requestBlob('/api/campaign/rivals/compare.csv', {
      query: { from: query.from, to: query.to, excludeBots: flag(query.excludeBots) },
    }),

  trending: (query: TrendingQuery, signal?: AbortSignal) =>
    request('/api/campaign/trending', {
      query: { ...query, includeBots: flag(query.includeBots) },
      schema: trendingResponseSchema,
      signal,
    }),

  trendingCsv: (query: TrendingQuery) =>
    requestBlob('/api/campaign/trending.csv', { query: { ...query, includeBots: flag(query.includeBots) } }),

  spikes: (query: { candidate?: string; limit?: number } = {}) =>
    request('/api/campaign/spikes', { query, schema: spikesResponseSchema }),

  members: () => request('/api/team/members', { schema: teamMemberListSchema }).then((l) => l.members),

  createMember: (body: z.input<typeof createTeamMemberSchema>) =>
    request('/api/team/members', { method: 'POST', body, schema: teamMemberSchema }),

  tasks: (query: { status?: TaskStatus; mine?: boolean } = {}) =>
    request('/api/team/tasks', {
      query: { ...query, mine: flag(query.mine) },
      schema: teamTaskListSchema,
    }).then((l) => l.tasks),

  createTask: (body: z.input<typeof createTeamTaskSchema>) =>
    request('/api/team/tasks', { method: 'POST', body, schema: teamTaskSchema }),

  /** Changes a task; a member who is not its owner may not move it (403 TEAM_TASK_NOT_OWNER). */
  updateTask: (id: string, body: z.input<typeof updateTeamTaskSchema>) =>
    request(`/api/team/tasks/${encodeURIComponent(id)}`, { method: 'PATCH', body, schema: teamTaskSchema }),

  tasksCsv: () => requestBlob('/api/team/tasks.csv'),

  xBudget: () => request('/api/media/x/budget', { schema: xBudgetResponseSchema }),

  /** ICCE with and without bots, momentum, forecast and backtest per candidate, and the polls beside them. */
  forecastDashboard: (query: { candidate?: string; horizon?: number } = {}, signal?: AbortSignal) =>
    request('/api/forecast/dashboard', { query, schema: forecastDashboardResponseSchema, signal }),

  /** Recommendations from the evidence (an LLM call when one is configured; rules offline). */
  recommend: (body: AdvisorRequest) =>
    request('/api/advisor/recommendations', { method: 'POST', body, schema: advisorResponseSchema }),

  recommendations: () =>
    request('/api/advisor/recommendations', { schema: recommendationListSchema }).then((l) => l.recommendations),

  /** The recommendation's team task: made once, the same one when asked again. */
  recommendationTask: (id: string) =>
    request(`/api/advisor/recommendations/${encodeURIComponent(id)}/task`, { method: 'POST', schema: teamTaskSchema }),
};
