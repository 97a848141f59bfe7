import { useQuery } from '@tanstack/react-query';
import { e14Api } from '../api/e14';

/** The elections e14-service knows, the newest first: on election night that is the one being counted. */
export function useElections() {
  return useQuery({
    queryKey: ['e14', 'elections'],
    queryFn: e14Api.elections,
    staleTime: 60_000,
    select: (elections) => [...elections].sort((a, b) => b.date.localeCompare(a.date)),
  });
}
