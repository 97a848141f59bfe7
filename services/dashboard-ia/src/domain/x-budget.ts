import type { XPriceTable } from '@castor/contracts';

/**
 * The arithmetic of reading X within a budget: the UTC day and month windows the limits apply to,
 * how many posts the next page may ask for, and what reading costs at X's pay-per-use prices.
 */

/** X's own bounds on `max_results` for a recent search. */
export const X_SEARCH_PAGE_MIN = 10;
export const X_SEARCH_PAGE_MAX = 100;

/** X's pay-per-use list prices (USD per resource returned), as published for the X API v2. */
export const X_DEFAULT_PRICES: XPriceTable = { postRead: 0.005, userRead: 0.01 };

export interface XBudgetLimits {
  /** Posts per UTC day. */
  daily: number;
  /** Posts per UTC calendar month. */
  monthly: number;
}

/** Posts read and held in one window. */
export interface XWindowUsage {
  used: number;
  reserved: number;
  usersRead: number;
}

export interface XBudgetWindows {
  dayStart: Date;
  dayResetsAt: Date;
  monthStart: Date;
  monthResetsAt: Date;
}

export function budgetWindows(now: Date): XBudgetWindows {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const date = now.getUTCDate();
  return {
    dayStart: new Date(Date.UTC(year, month, date)),
    dayResetsAt: new Date(Date.UTC(year, month, date + 1)),
    monthStart: new Date(Date.UTC(year, month, 1)),
    monthResetsAt: new Date(Date.UTC(year, month + 1, 1)),
  };
}

export const remainingPosts = (limit: number, usage: XWindowUsage) => Math.max(0, limit - usage.used - usage.reserved);

/**
 * The `max_results` the next search page may ask for: as many as both windows still allow, up to
 * X's maximum. Zero when that is below X's minimum of 10: asking would risk reading past the budget.
 */
export function pageAllowance(limits: XBudgetLimits, day: XWindowUsage, month: XWindowUsage): number {
  const allowed = Math.min(X_SEARCH_PAGE_MAX, remainingPosts(limits.daily, day), remainingPosts(limits.monthly, month));
  return allowed >= X_SEARCH_PAGE_MIN ? allowed : 0;
}

/** When reading may start again: the end of the day, or of the month when the month is what ran out. */
export function budgetResetsAt(
  limits: XBudgetLimits,
  month: XWindowUsage,
  windows: Pick<XBudgetWindows, 'dayResetsAt' | 'monthResetsAt'>,
): Date {
  return remainingPosts(limits.monthly, month) < X_SEARCH_PAGE_MIN ? windows.monthResetsAt : windows.dayResetsAt;
}

/** USD for what was read, rounded to a thousandth of a cent. */
export function readCostUsd(prices: XPriceTable, posts: number, users: number): number {
  return Math.round((posts * prices.postRead + users * prices.userRead) * 100_000) / 100_000;
}

export interface SearchableQuery {
  kind: 'term' | 'hashtag' | 'account';
  /** Normalised as stored: lower case, without # or @. */
  value: string;
}

/**
 * The X search query for a tracked query: a term as a word or an exact phrase, a hashtag, or an
 * account's own posts and the posts mentioning it; then the configured filters (language, no
 * retweets: a retweet repeats a post already read and would be paid for again).
 */
export function xSearchQuery(query: SearchableQuery, filters: string): string {
  const base =
    query.kind === 'hashtag'
      ? `#${query.value}`
      : query.kind === 'account'
        ? `(from:${query.value} OR @${query.value})`
        : /\s/.test(query.value)
          ? `"${query.value.replaceAll('"', '')}"`
          : query.value;
  return filters.trim() === '' ? base : `${base} ${filters.trim()}`;
}
