import type { Role } from '@castor/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { dashboardApi } from '../../api/dashboard';

import { CAMPAIGN_OPERATORS } from '../../components/use-candidates';

export function useMediaAnalysis(candidate: string | null, period: { from: string; to: string }, excludeBots: boolean) {
  return useQuery({
    queryKey: ['dashboard', 'media-analysis', candidate, period, excludeBots],
    queryFn: ({ signal }) =>
      dashboardApi.analyze({ candidate: candidate ?? undefined, ...period, granularity: 'day', excludeBots }, signal),
    enabled: candidate !== null,
    // The figures of the other switch position stay on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

export function useXBudget(role: Role) {
  return useQuery({
    queryKey: ['dashboard', 'x-budget'],
    queryFn: dashboardApi.xBudget,
    enabled: CAMPAIGN_OPERATORS.includes(role),
    refetchInterval: 60_000,
  });
}

/** Imports a file of posts; what the analyses show is stale after it. */
export function usePostImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => dashboardApi.importPosts(file, file.name),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['dashboard'] }),
  });
}
