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

  it('renews a lease only for its owner, and not once it expired', async () => {
    vi.useFakeTimers({ now: 2_000_000 });
    await store.set('renewed', 'owner-1', 10);
    vi.setSystemTime(2_000_000 + 8_000);
    expect(await store.expireIfEquals('renewed', 'owner-2', 10)).toBe(false);
    expect(await store.expireIfEquals('renewed', 'owner-1', 10)).toBe(true);
    vi.setSystemTime(2_000_000 + 15_000);
    expect(await store.get('renewed')).toBe('owner-1');
    vi.setSystemTime(2_000_000 + 19_000);
    expect(await store.expireIfEquals('renewed', 'owner-1', 10)).toBe(false);
  });
});
