import type { Alert } from '@castor/contracts';
import type { To } from 'react-router';

/** The alerts page; one alert's evidence is at /alertas/:id, a link a lawyer can share. */
export const ALERTS_PATH = '/alertas';

/** The evidence of an alert, keeping the list's filters so "back" returns to the same list. */
export function evidenceLink(current: URLSearchParams, alert: Pick<Alert, 'id'>): To {
  return { pathname: `${ALERTS_PATH}/${alert.id}`, search: current.size > 0 ? `?${current}` : '' };
}

/** The list, with the filters the evidence was opened from. */
export function listLink(current: URLSearchParams): To {
  return { pathname: ALERTS_PATH, search: current.size > 0 ? `?${current}` : '' };
}
