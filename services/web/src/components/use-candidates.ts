import type { Role } from '@castor/contracts';
import { useQuery } from '@tanstack/react-query';
import { dashboardApi } from '../api/dashboard';

/** The followed candidates (the campaign's own first), as every conversation page offers them. */
export function useCandidates() {
  return useQuery({ queryKey: ['dashboard', 'candidates'], queryFn: dashboardApi.candidates, staleTime: 60_000 });
}

/** The roles dashboard-ia lets import posts, export CSVs and read the X budget. */
export const CAMPAIGN_OPERATORS: readonly Role[] = ['admin', 'analyst'];
