import {
  type Alert,
  alertListResponseSchema,
  alertSchema,
  type ClaimsPacket,
  type Corporation,
  claimsPacketSchema,
  FORM_PAGE_SIZE_HEADERS,
  type Role,
  type RuleId,
  resultsResponseSchema,
  type Severity,
} from '@castor/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, request, requestBlob, requestFile } from '../../api/http';

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

/** One alert, as a shared link to it asks for (GET /api/alerts/:id). */
export function useAlert(id: string) {
  return useQuery({
    queryKey: ['e14', 'alerts', 'one', id],
    queryFn: () => request(`/api/alerts/${encodeURIComponent(id)}`, { schema: alertSchema }),
  });
}

/** A page of a form version's scan, and the page's size in the coordinates of its cells' CropRefs. */
export interface PageImage {
  blob: Blob;
  width: number;
  height: number;
}

/**
 * Page `page` of the scan form `formId` was read from (GET /api/e14/forms/:formId/pages/:page.png).
 * Never cancelled when the view goes away: drawing a page costs the server a reading of the scan,
 * and the finished image is kept for the next look.
 */
export function usePageImage(formId: number, page: number, enabled: boolean) {
  return useQuery({
    queryKey: ['e14', 'alerts', 'page-image', formId, page],
    queryFn: async (): Promise<PageImage> => {
      const { blob, headers } = await requestFile(`/api/e14/forms/${formId}/pages/${page}.png`);
      const width = Number(headers.get(FORM_PAGE_SIZE_HEADERS.width));
      const height = Number(headers.get(FORM_PAGE_SIZE_HEADERS.height));
      if (!(width > 0 && height > 0))
        throw new ApiError(200, 'RESPONSE_INVALID', 'The page image came without its size');
      return { blob, width, height };
    },
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
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
      queryClient.setQueryData<Alert>(['e14', 'alerts', 'one', String(updated.id)], updated);
      return queryClient.invalidateQueries({ queryKey: ['e14'] });
    },
  });
}
