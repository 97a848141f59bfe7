import { type Corporation, type ResultsResponse, resultsResponseSchema } from '@castor/contracts';
import { keepPreviousData, queryOptions, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { request, requestBlob } from '../../api/http';

export type TerritoryChild = ResultsResponse['children'][number];

const resultsKey = (election: string, corporation: Corporation, territory: string) =>
  ['e14', 'results', 'territory', election, corporation, territory] as const;

const fetchResults = (election: string, corporation: Corporation, territory: string) =>
  request('/api/results', { query: { election, corporation, territory }, schema: resultsResponseSchema });

/**
 * A territory's results stay fresh a little while: long enough that the request a press on a
 * territory's row starts (usePrefetchTerritory) is the one its page shows, not asked again.
 */
const RESULTS_FRESH_MS = 15_000;

const territoryResults = (election: string, corporation: Corporation, territory: string) =>
  queryOptions({
    queryKey: resultsKey(election, corporation, territory),
    queryFn: () => fetchResults(election, corporation, territory),
    staleTime: RESULTS_FRESH_MS,
  });

/** Votes, coverage and children of one territory ("" is nacional), from reconciled truth. */
export function useTerritoryResults(election: string, corporation: Corporation, territory: string) {
  return useQuery({ ...territoryResults(election, corporation, territory), placeholderData: keepPreviousData });
}

/**
 * Starts loading a territory's results before it is opened: from the press on its row, the request
 * runs while the click completes and the page renders, instead of after.
 */
export function usePrefetchTerritory(election: string, corporation: Corporation): (territory: string) => void {
  const queryClient = useQueryClient();
  return useCallback(
    (territory: string) => void queryClient.prefetchQuery(territoryResults(election, corporation, territory)),
    [queryClient, election, corporation],
  );
}

/** The codes above a territory, nacional first: "01-031-99" → "", "01", "01-031". */
export function ancestorsOf(territory: string): string[] {
  const parts = territory === '' ? [] : territory.split('-');
  return parts.map((_, depth) => parts.slice(0, depth).join('-'));
}

/**
 * The names of the territories above one, for the breadcrumbs. The results API names only the
 * territory it answers for, so each ancestor is asked for; drilling down, they are already cached.
 */
export function useAncestorNames(election: string, corporation: Corporation, territory: string) {
  return useQueries({
    queries: ancestorsOf(territory).map((code) => ({
      queryKey: resultsKey(election, corporation, code),
      queryFn: () => fetchResults(election, corporation, code),
      staleTime: 5 * 60_000,
      select: (results: ResultsResponse) => results.territory.name,
    })),
  });
}

/** The API's own CSV of a territory's votes and coverage (what the votes panel shows). */
export function fetchResultsCsv(election: string, corporation: Corporation, territory: string): Promise<Blob> {
  return requestBlob('/api/results', { query: { election, corporation, territory, format: 'csv' } });
}
