import type { ErrorStatus } from '../errors.js';

/**
 * dashboard-ia's error codes, each with its one HTTP status. Stable: clients branch on them, so a
 * code is never renamed or reused and its status never changes; add new codes instead. The shared
 * codes it also answers (VALIDATION_FAILED, FORBIDDEN, ...) live in `../errors.ts`.
 */
export const DASHBOARD_ERROR_STATUS = {
  // a candidate, rival or tracked query the request names does not exist
  CANDIDATE_UNKNOWN: 404,
  CANDIDATE_EXISTS: 409,
  // a post import: a line that is not a post (its line number is in the details)
  IMPORT_LINE_INVALID: 400,
  IMPORT_FORMAT_UNSUPPORTED: 415,
  IMPORT_TOO_LARGE: 413,
  // a media query made only of words too common to search for ("de la", "y")
  ANALYSIS_QUERY_UNSEARCHABLE: 400,
  // a stored analysis the URL names does not exist (or is another user's)
  ANALYSIS_UNKNOWN: 404,
  // the team: a member or task the URL or body names does not exist; a user id already linked
  TEAM_MEMBER_UNKNOWN: 404,
  TEAM_MEMBER_USER_TAKEN: 409,
  TEAM_TASK_UNKNOWN: 404,
  // a member may move their own tasks only (status); the rest is for admins and analysts
  TEAM_TASK_NOT_OWNER: 403,
  // reading X: the daily or monthly read budget is spent (details: resetsAt, retryAfterSeconds)
  X_BUDGET_EXHAUSTED: 429,
  // X refused the bearer token (TWITTER_BEARER_TOKEN)
  X_AUTH_FAILED: 502,
  // X is not configured (no TWITTER_BEARER_TOKEN): posts come from imports only
  X_NOT_CONFIGURED: 503,
  // a sentiment model version the URL names was never distilled here
  SENTIMENT_MODEL_UNKNOWN: 404,
  // campaign documents (the codes of @castor/documents' DocumentError, one status each)
  DOCUMENT_FORMAT_UNSUPPORTED: 415,
  DOCUMENT_UNREADABLE: 422,
  DOCUMENT_EMPTY: 422,
  DOCUMENT_TOO_LARGE: 413,
  // a document upload without its multipart file field "file"
  DOCUMENT_FILE_MISSING: 400,
  // a campaign document or a chunk the URL or filters name does not exist (or is another user's analysis)
  CAMPAIGN_DOCUMENT_UNKNOWN: 404,
  CHUNK_UNKNOWN: 404,
  // a chat conversation the request names does not exist or is another user's
  CONVERSATION_UNKNOWN: 404,
  // an advisor's recommendation the URL names does not exist
  RECOMMENDATION_UNKNOWN: 404,
  // advice asked without a candidate while none is marked as the campaign's own
  ADVISOR_CANDIDATE_MISSING: 400,
  // POST /api/forecast/series: dates and values of different lengths, dates not consecutive days, too many points
  FORECAST_SERIES_INVALID: 400,
  // a polls file: the header or rows that are not polls (every bad line with its number is in the details)
  POLLS_LINE_INVALID: 400,
} as const satisfies Record<string, ErrorStatus>;
