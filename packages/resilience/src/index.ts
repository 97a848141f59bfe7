export { type LinkedAbort, linkAbort } from './abort.js';
export { isProviderError, PROVIDER_ERROR_CODES, ProviderError, type ProviderErrorCode } from './errors.js';
export { type BreakerState, DEFAULT_RESILIENCE, Resilience, type ResilienceOptions } from './resilience.js';
export { retryAfterMs } from './retry-after.js';
