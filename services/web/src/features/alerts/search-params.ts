import type { Alert } from '@castor/contracts';

/** The search parameters that turn the alerts page into one alert's evidence. */
export const EVIDENCE_PARAMS = { alert: 'alerta', territory: 'territorio' } as const;

/** The evidence of an alert, keeping the list's filters so "back" returns to the same list. */
export function evidenceSearch(current: URLSearchParams, alert: Pick<Alert, 'id' | 'territory'>): string {
  const next = new URLSearchParams(current);
  next.set(EVIDENCE_PARAMS.alert, String(alert.id));
  next.set(EVIDENCE_PARAMS.territory, alert.territory);
  return `?${next}`;
}

/** The list, with the filters the evidence was opened from. */
export function listSearch(current: URLSearchParams): string {
  const next = new URLSearchParams(current);
  next.delete(EVIDENCE_PARAMS.alert);
  next.delete(EVIDENCE_PARAMS.territory);
  return next.size > 0 ? `?${next}` : '';
}
