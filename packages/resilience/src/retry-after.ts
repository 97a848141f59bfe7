/**
 * How long a server asked us to wait, in ms: `retry-after-ms` (Anthropic sends it), else
 * `retry-after` as delta-seconds or an HTTP-date (RFC 9110 10.2.3). Undefined when absent or
 * unusable (negative, unparseable).
 */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && /^\d+(\.\d+)?$/.test(milliseconds.trim())) return Number(milliseconds);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
