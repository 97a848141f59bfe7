/**
 * Stable codes for everything that can go wrong calling an external provider. Callers branch on
 * these (requeue, send to review, alert), so a code is never renamed or reused; add new ones.
 */
export const PROVIDER_ERROR_CODES = [
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
  'PROVIDER_BAD_RESPONSE',
  'PROVIDER_CIRCUIT_OPEN',
  'PROVIDER_AUTH_FAILED',
  'PROVIDER_REJECTED',
  'PROVIDER_INVALID_INPUT',
  'PROVIDER_CANCELLED',
  'PROVIDER_NOT_CONFIGURED',
] as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

/** Worth another attempt after a pause: the provider said "later" or did not answer. */
const RETRYABLE: ReadonlySet<ProviderErrorCode> = new Set([
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
]);
/** Signs the provider itself is down, which is what the circuit breaker counts. */
const UNAVAILABILITY: ReadonlySet<ProviderErrorCode> = new Set(['PROVIDER_UNAVAILABLE', 'PROVIDER_TIMEOUT']);

export interface ProviderErrorDetails {
  /** HTTP status the provider answered, when there was one. */
  status?: number;
  /** How long the provider asked us to wait (retry-after), in ms. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** Attempts made before giving up (set by the resilience core). */
  attempts = 1;

  constructor(
    readonly code: ProviderErrorCode,
    readonly provider: string,
    message: string,
    details: ProviderErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }

  get signalsUnavailability(): boolean {
    return UNAVAILABILITY.has(this.code);
  }

  toJSON() {
    return {
      code: this.code,
      provider: this.provider,
      message: this.message,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      attempts: this.attempts,
    };
  }
}

export const isProviderError = (error: unknown, code?: ProviderErrorCode): error is ProviderError =>
  error instanceof ProviderError && (code === undefined || error.code === code);
