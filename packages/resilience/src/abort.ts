/**
 * A signal that aborts when any parent aborts or after `timeoutMs`, and lets go of its parents
 * when disposed. Used instead of AbortSignal.any(), which on Node 20 keeps every composite alive
 * as long as a long-lived parent (a worker's or a crawl's signal) lives: one leak per call.
 */
export interface LinkedAbort {
  readonly signal: AbortSignal;
  /** True when the timeout, not a parent, aborted the signal. */
  readonly timedOut: boolean;
  /** Aborts this signal (not the parents). */
  abort(reason?: unknown): void;
  dispose(): void;
}

export function linkAbort(
  parents: ReadonlyArray<AbortSignal | undefined>,
  timeoutMs: number | null = null,
): LinkedAbort {
  const controller = new AbortController();
  const cleanups: Array<() => void> = [];
  let timedOut = false;
  for (const parent of parents) {
    if (!parent) continue;
    if (parent.aborted) {
      controller.abort(parent.reason);
      break;
    }
    const onAbort = () => controller.abort(parent.reason);
    parent.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => parent.removeEventListener('abort', onAbort));
  }
  if (timeoutMs !== null && !controller.signal.aborted) {
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs);
    cleanups.push(() => clearTimeout(timer));
  }
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    abort: (reason) => controller.abort(reason),
    dispose() {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}
