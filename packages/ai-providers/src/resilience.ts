// The provider-independent core, importable without loading any SDK (the Registraduría scraper uses it).
export { type LinkedAbort, linkAbort } from './core/abort.js';
export { isProviderError, PROVIDER_ERROR_CODES, ProviderError, type ProviderErrorCode } from './core/errors.js';
export { type BreakerState, DEFAULT_RESILIENCE, Resilience, type ResilienceOptions } from './core/resilience.js';
export { retryAfterMs } from './core/retry-after.js';
