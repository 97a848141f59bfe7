import type { Redis } from 'ioredis';

/**
 * Small key-value surface the services need from Redis (cache, counters, leases). The in-process
 * implementation is the fallback when no REDIS_URL is set: correct for one process, not shared.
 */
export interface KeyValueStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Sets only if the key does not exist; true when this call created it (locks, leases). */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Increments a counter, starting its TTL when the counter is created. */
  increment(key: string, ttlSeconds: number): Promise<{ value: number; ttlSeconds: number }>;
  /** Remaining TTL in seconds, or 0 when the key does not exist. */
  ttl(key: string): Promise<number>;
  delete(key: string): Promise<void>;
  /** Deletes only if the key still holds `value` (release a lease you own). */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  /** Restarts the TTL only if the key still holds `value` (renew a lease you own); true when it did. */
  expireIfEquals(key: string, value: string, ttlSeconds: number): Promise<boolean>;
}

const INCREMENT_SCRIPT = `
local value = redis.call('INCR', KEYS[1])
if value == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return { value, redis.call('TTL', KEYS[1]) }`;

const DELETE_IF_EQUALS_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const EXPIRE_IF_EQUALS_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0`;

export class RedisStore implements KeyValueStore {
  readonly kind = 'redis' as const;
  constructor(private readonly redis: Redis) {}

  get(key: string) {
    return this.redis.get(key);
  }
  async set(key: string, value: string, ttlSeconds: number) {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }
  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    return (await this.redis.set(key, value, 'EX', ttlSeconds, 'NX')) === 'OK';
  }
  async increment(key: string, ttlSeconds: number) {
    const [value, ttl] = (await this.redis.eval(INCREMENT_SCRIPT, 1, key, ttlSeconds)) as [number, number];
    return { value, ttlSeconds: Math.max(ttl, 0) };
  }
  async ttl(key: string) {
    return Math.max(await this.redis.ttl(key), 0);
  }
  async delete(key: string) {
    await this.redis.del(key);
  }
  async deleteIfEquals(key: string, value: string) {
    return (await this.redis.eval(DELETE_IF_EQUALS_SCRIPT, 1, key, value)) === 1;
  }
  async expireIfEquals(key: string, value: string, ttlSeconds: number) {
    return (await this.redis.eval(EXPIRE_IF_EQUALS_SCRIPT, 1, key, value, ttlSeconds)) === 1;
  }
}

export class MemoryStore implements KeyValueStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(sweepIntervalMs = 30_000) {
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
  }

  private live(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
  private sweep() {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  async get(key: string) {
    return this.live(key)?.value ?? null;
  }
  async set(key: string, value: string, ttlSeconds: number) {
    this.entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
  }
  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    if (this.live(key)) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }
  async increment(key: string, ttlSeconds: number) {
    const entry = this.live(key);
    if (!entry) {
      await this.set(key, '1', ttlSeconds);
      return { value: 1, ttlSeconds };
    }
    entry.value = String(Number(entry.value) + 1);
    return { value: Number(entry.value), ttlSeconds: Math.ceil((entry.expiresAt - Date.now()) / 1000) };
  }
  async ttl(key: string) {
    const entry = this.live(key);
    return entry ? Math.ceil((entry.expiresAt - Date.now()) / 1000) : 0;
  }
  async delete(key: string) {
    this.entries.delete(key);
  }
  async deleteIfEquals(key: string, value: string) {
    if (this.live(key)?.value !== value) return false;
    this.entries.delete(key);
    return true;
  }
  async expireIfEquals(key: string, value: string, ttlSeconds: number) {
    const entry = this.live(key);
    if (entry?.value !== value) return false;
    entry.expiresAt = Date.now() + ttlSeconds * 1000;
    return true;
  }
  close() {
    clearInterval(this.sweeper);
  }
}

/**
 * A shared store that keeps working when it is unreachable: each call that fails on `primary`
 * is served by an in-process MemoryStore instead, and `onError` is told. For state whose loss
 * is worse than being per-process for a while (login failure counters: losing them means
 * unlimited password guesses). Not for state that must be shared to be correct (leases).
 * When the primary is back its values apply again; what was kept locally expires on its own.
 */
export class FallbackStore implements KeyValueStore {
  private readonly local = new MemoryStore();

  constructor(
    private readonly primary: KeyValueStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  get kind() {
    return this.primary.kind;
  }

  private async either<T>(call: (store: KeyValueStore) => Promise<T>): Promise<T> {
    try {
      return await call(this.primary);
    } catch (error) {
      this.onError(error);
      return call(this.local);
    }
  }

  get(key: string) {
    return this.either((store) => store.get(key));
  }
  set(key: string, value: string, ttlSeconds: number) {
    return this.either((store) => store.set(key, value, ttlSeconds));
  }
  setIfAbsent(key: string, value: string, ttlSeconds: number) {
    return this.either((store) => store.setIfAbsent(key, value, ttlSeconds));
  }
  increment(key: string, ttlSeconds: number) {
    return this.either((store) => store.increment(key, ttlSeconds));
  }
  ttl(key: string) {
    return this.either((store) => store.ttl(key));
  }
  /** Deletes in both, so a value kept locally during an outage does not outlive a reset. */
  async delete(key: string) {
    await this.local.delete(key);
    await this.either((store) => store.delete(key));
  }
  deleteIfEquals(key: string, value: string) {
    return this.either((store) => store.deleteIfEquals(key, value));
  }
  expireIfEquals(key: string, value: string, ttlSeconds: number) {
    return this.either((store) => store.expireIfEquals(key, value, ttlSeconds));
  }
  close() {
    this.local.close();
  }
}
