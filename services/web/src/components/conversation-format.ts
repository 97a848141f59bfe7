const count = new Intl.NumberFormat('es-CO');
const percent = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 1 });
const signed = new Intl.NumberFormat('es-CO', {
  signDisplay: 'exceptZero',
  maximumFractionDigits: 2,
  minimumFractionDigits: 2,
});
const points = new Intl.NumberFormat('es-CO', { maximumFractionDigits: 1 });
const day = new Intl.DateTimeFormat('es-CO', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dateTime = new Intl.DateTimeFormat('es-CO', { dateStyle: 'medium', timeStyle: 'short' });

/** A count as es-CO writes it (1.234). */
export const formatCount = (value: number) => count.format(value);
/** A share (0..1) as a percentage; a dash when there is none (no posts). */
export const formatShare = (value: number | null) => (value === null ? '—' : percent.format(value));
/** The net sentiment (−1..1) with its sign (+0,12); a dash when there is none. */
export const formatNet = (value: number | null) => (value === null ? '—' : signed.format(value));
/** A UTC day bucket as "3 dic." (the buckets are UTC days: shown as such, not shifted to local time). */
export const formatDay = (iso: string) => day.format(new Date(iso));
export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));

export type ChangeKind = 'relative' | 'points';

/** How a change reads: up, down or the same, and its size in words (never colour alone). */
export interface ChangeInWords {
  direction: 'up' | 'down' | 'same' | 'none';
  amount: string;
}

/**
 * A period-over-period change: relative for counts (0.25 → "25 %"), absolute for shares and the
 * net, as percentage points (+0.05 → "5 puntos"); null when the previous period had nothing.
 */
export function changeInWords(change: number | null, kind: ChangeKind): ChangeInWords {
  if (change === null) return { direction: 'none', amount: '' };
  const size = kind === 'relative' ? percent.format(Math.abs(change)) : points.format(Math.abs(change) * 100);
  // Under a tenth of a percent or of a point reads as no change.
  if (Math.round(Math.abs(change) * 1000) === 0) return { direction: 'same', amount: '' };
  return { direction: change > 0 ? 'up' : 'down', amount: size };
}
