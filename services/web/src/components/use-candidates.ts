import { useQuery } from '@tanstack/react-query';
import { dashboardApi } from '../api/dashboard';

/** The followed candidates (the campaign's own first), as every conversation page offers them. */
export function useCandidates() {
  return useQuery({ queryKey: ['dashboard', 'candidates'], queryFn: dashboardApi.candidates, staleTime: 60_000 });
}
