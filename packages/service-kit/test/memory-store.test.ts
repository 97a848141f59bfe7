import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../src/store.js';

describe('MemoryStore (the in-process fallback for Redis)', () => {
  const store = new MemoryStore();
  afterEach(() => vi.useRealTimers());

  it('expires keys and counters after their TTL', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    await store.set('a', '1', 10);
    expect((await store.increment('counter', 5)).value).toBe(1);
    expect((await store.increment('counter', 5)).value).toBe(2);
    vi.setSystemTime(1_000_000 + 6_000);
    expect((await store.increment('counter', 5)).value).toBe(1);
    expect(await store.get('a')).toBe('1');
    vi.setSystemTime(1_000_000 + 11_000);
    expect(await store.get('a')).toBeNull();
  });

  it('gives a lease to one owner only, releasable only by that owner', async () => {
    expect(await store.setIfAbsent('lease', 'owner-1', 30)).toBe(true);
    expect(await store.setIfAbsent('lease', 'owner-2', 30)).toBe(false);
    expect(await store.deleteIfEquals('lease', 'owner-2')).toBe(false);
    expect(await store.deleteIfEquals('lease', 'owner-1')).toBe(true);
    expect(await store.setIfAbsent('lease', 'owner-2', 30)).toBe(true);
  });
});
