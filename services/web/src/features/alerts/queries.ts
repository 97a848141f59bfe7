import {
  type Alert,
  alertListResponseSchema,
  alertSchema,
  type ClaimsPacket,
  type Corporation,
  claimsPacketSchema,
  type Role,
  type RuleId,
  resultsResponseSchema,
  type Severity,
} from '@castor/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request, requestBlob } from '../../api/http';

export type AlertStatus = Alert['status'];

/** The roles e14-service lets change an alert's status (PATCH /api/alerts/:id); readers also include reviewers. */
const ALERT_DECIDERS: readonly Role[] = ['admin', 'analyst'];
export const canDecide = (role: Role) => ALERT_DECIDERS.includes(role);

export const PAGE_SIZE = 50;

export interface AlertFilters {
  election: string;
  severity?: Severity;
  rule?: RuleId;
  /** A departamento or municipio code: the API returns the alerts at or below it. */
  territory?: string;
  corporation?: Corporation;
  status?: AlertStatus;
  offset: number;
}

export function useAlertList(filters: AlertFilters | undefined) {
  return useQuery({
    queryKey: ['e14', 'alerts', 'list', filters],
    queryFn: () => request('/api/alerts', { query: { ...filters, limit: PAGE_SIZE }, schema: alertListResponseSchema }),
    enabled: Boolean(filters),
    placeholderData: keepPreviousData,
  });
}

/** The departamentos (territory "") or the municipios of one, with their names, for the territory filter. */
export function useTerritoryChildren(election: string | undefined, corporation: Corporation | undefined, code: string) {
  return useQuery({
    queryKey: ['e14', 'alerts', 'territories', election, corporation, code],
    queryFn: () =>
      request('/api/results', {
        query: { election, corporation, territory: code },
        schema: resultsResponseSchema,
      }).then((results) => results.children.map(({ code: child, name }) => ({ value: child, label: name }))),
    enabled: Boolean(election && corporation),
    staleTime: 10 * 60_000,
  });
}

/** The largest page GET /api/alerts serves. */
const MAX_PAGE = 1_000;

/**
 * One alert: the API lists alerts but has no route for a single one, so this lists the alerts of
 * its territory (its mesa, or the territory of a cross-mesa signal), page by page, and picks it by id.
 */
export function useAlert(election: string, territory: string, id: number) {
  return useQuery({
    queryKey: ['e14', 'alerts', 'one', election, territory, id],
    queryFn: async () => {
      for (let offset = 0; ; offset += MAX_PAGE) {
        const page = await request('/api/alerts', {
          query: { election, territory, limit: MAX_PAGE, offset },
          schema: alertListResponseSchema,
        });
        const alert = page.items.find((item) => item.id === id);
        if (alert) return alert;
        if (offset + MAX_PAGE >= page.total) return null;
      }
    },
  });
}

const claimsPath = (mesaKey: string) => `/api/claims/${encodeURIComponent(mesaKey)}`;

/** The claims packet of a mesa: every source version, the official feeds, its alerts and its audit trail. */
export function useClaimsPacket(election: string, corporation: Corporation, mesaKey: string | null) {
  return useQuery({
    queryKey: ['e14', 'alerts', 'claims', election, corporation, mesaKey],
    queryFn: () => request(claimsPath(mesaKey ?? ''), { query: { election, corporation }, schema: claimsPacketSchema }),
    enabled: mesaKey !== null,
  });
}

/** The packet exactly as the API renders it: the JSON original or the printable HTML. */
export function fetchClaimsFile(
  packet: Pick<ClaimsPacket, 'electionCode' | 'corporation' | 'mesa'>,
  format: 'json' | 'html',
): Promise<Blob> {
  return requestBlob(claimsPath(packet.mesa.key), {
    query: { election: packet.electionCode, corporation: packet.corporation, format },
  });
}

/**
 * Acknowledges, resolves or reopens an alert. Not optimistic: the change is audited and may be
 * refused (role, reason), so the screen shows the status the API answered, then refetches the
 * lists and the mesa's packet (its audit trail gained an entry).
 */
export function useSetAlertStatus() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status, reason }: { id: number; status: AlertStatus; reason: string }) =>
      request(`/api/alerts/${id}`, { method: 'PATCH', body: { status, reason }, schema: alertSchema }),
    onSuccess: (updated) => {
      queryClient.setQueriesData<Alert | null>({ queryKey: ['e14', 'alerts', 'one'] }, (alert) =>
        alert?.id === updated.id ? updated : alert,
      );
      return queryClient.invalidateQueries({ queryKey: ['e14'] });
    },
  });
}
