import { type Corporation, type Role, SEVERITIES } from '@castor/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { e14Api } from '../../api/e14';

/** How often the overview refetches; the numbers on screen stay while it does. */
export const REFRESH_SECONDS = 15;
const refetchInterval = REFRESH_SECONDS * 1_000;

/** The roles e14-service lets read each part of the overview. */
const PIPELINE_READERS: readonly Role[] = ['admin', 'analyst'];
const ALERT_READERS: readonly Role[] = ['admin', 'analyst', 'reviewer'];

export function useResults(election: string | undefined, corporation: Corporation | undefined) {
  return useQuery({
    queryKey: ['e14', 'results', election, corporation],
    queryFn: () => e14Api.results(election ?? '', corporation ?? 'PRESIDENTE'),
    enabled: Boolean(election && corporation),
    refetchInterval,
    placeholderData: keepPreviousData,
  });
}

export function usePipelineStatus(role: Role) {
  return useQuery({
    queryKey: ['e14', 'pipeline-status'],
    queryFn: e14Api.pipelineStatus,
    enabled: PIPELINE_READERS.includes(role),
    refetchInterval,
  });
}

/** The election's documents received, read and validated per bucket, and the backlog after each. */
export function usePipelineActivity(election: string | undefined, role: Role) {
  return useQuery({
    queryKey: ['e14', 'pipeline-activity', election],
    queryFn: () => e14Api.pipelineActivity(election ?? ''),
    enabled: Boolean(election) && PIPELINE_READERS.includes(role),
    refetchInterval,
    placeholderData: keepPreviousData,
  });
}

/** Open alerts per severity (one count each) and the most severe, newest first. */
export function useOpenAlerts(election: string | undefined, role: Role) {
  return useQuery({
    queryKey: ['e14', 'open-alerts', election],
    queryFn: async () => {
      const code = election ?? '';
      const [latest, ...counts] = await Promise.all([
        e14Api.alerts({ election: code, status: 'open', limit: 5 }),
        ...SEVERITIES.map((severity) => e14Api.alerts({ election: code, severity, status: 'open', limit: 1 })),
      ]);
      return {
        latest: latest?.items ?? [],
        bySeverity: SEVERITIES.map((severity, index) => ({ severity, total: counts[index]?.total ?? 0 })),
      };
    },
    enabled: Boolean(election) && ALERT_READERS.includes(role),
    refetchInterval,
    placeholderData: keepPreviousData,
  });
}
