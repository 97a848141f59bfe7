import type { Redis } from 'ioredis';

type Callback = (error: Error | null, result: { current: number; ttl: number } | null) => void;

/** Adds `amount` to a window counter, starting the window on its first hit; returns total and ms left. */
const ADD_TO_WINDOW = `
local current = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return { current, ttl }`;

interface LocalWindow {
  /** The shared count as of the last sync. */
  synced: number;
  /** Hits counted here and not yet sent. */
  pending: number;
  expiresAt: number;
  windowMs: number;
}

/**
 * Rate-limit counters in Redis, shared by every replica, for @fastify/rate-limit.
 *
 * Routes with their own limits (sign-in, demo requests: strict and low volume) are exact: one
 * atomic Redis call per request. The service-wide default budget, which every authenticated
 * request pays, is counted here and synced: hits accumulate in memory and go to Redis as one
 * pipelined INCRBY per key every `syncMs`; each reply brings back that key's shared total (keys
 * without new hits are not sent, so idle clients cost nothing). A client can overshoot by what
 * other replicas counted since its last sync; in exchange the hot
 * path makes no Redis round trip, and a Redis outage still leaves each replica enforcing limits.
 */
export function rateLimitStores(redis: Redis, keyPrefix: string, syncMs = 100) {
  const addToWindow = (key: string, amount: number, windowMs: number) =>
    redis.eval(ADD_TO_WINDOW, 1, key, amount, windowMs) as Promise<[number, number]>;

  class ExactStore {
    constructor(private readonly prefix: string) {}
    incr(key: string, callback: Callback, windowMs: number) {
      addToWindow(this.prefix + key, 1, windowMs).then(
        ([current, ttl]) => callback(null, { current, ttl }),
        (error: Error) => callback(error, null),
      );
    }
    child(routeOptions: { routeInfo: { method: string; url: string } }) {
      return new ExactStore(`${this.prefix}${routeOptions.routeInfo.method}${routeOptions.routeInfo.url}:`);
    }
  }

  class SyncedStore {
    private readonly windows = new Map<string, LocalWindow>();
    private readonly timer: NodeJS.Timeout;
    private syncing = false;

    constructor() {
      this.timer = setInterval(() => void this.sync(), syncMs);
      this.timer.unref();
    }

    incr(key: string, callback: Callback, windowMs: number) {
      const now = Date.now();
      let window = this.windows.get(key);
      if (!window || window.expiresAt <= now) {
        window = { synced: 0, pending: 0, expiresAt: now + windowMs, windowMs };
        this.windows.set(key, window);
      }
      window.pending += 1;
      callback(null, { current: window.synced + window.pending, ttl: window.expiresAt - now });
    }

    /** Sends pending hits and learns the shared totals, one pipeline for every key. */
    async sync() {
      if (this.syncing) return;
      this.syncing = true;
      const now = Date.now();
      const batch: Array<[string, LocalWindow, number]> = [];
      for (const [key, window] of this.windows) {
        if (window.pending > 0) batch.push([key, window, window.pending]);
        else if (window.expiresAt <= now) this.windows.delete(key);
      }
      try {
        if (batch.length === 0) return;
        const pipeline = redis.pipeline();
        for (const [key, window, amount] of batch)
          pipeline.eval(ADD_TO_WINDOW, 1, keyPrefix + key, amount, window.windowMs);
        const replies = (await pipeline.exec()) ?? [];
        replies.forEach(([error, reply], index) => {
          const entry = batch[index];
          if (error || !entry) return;
          const [, window, amount] = entry;
          const [total, ttl] = reply as [number, number];
          window.pending -= amount;
          window.synced = total;
          window.expiresAt = Date.now() + ttl;
        });
      } catch {
        // Redis unreachable: keep counting here; the pending hits go out with the next sync.
      } finally {
        this.syncing = false;
      }
    }

    child(routeOptions: { routeInfo: { method: string; url: string } }) {
      return new ExactStore(keyPrefix).child(routeOptions);
    }

    close() {
      clearInterval(this.timer);
    }
  }

  return { SyncedStore, ExactStore };
}
