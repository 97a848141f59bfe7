import { testRedis } from '@castor/test-support';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { rateLimitStores } from '../src/plugins/rate-limit-store.js';

const { url, keyPrefix } = testRedis();
const redis = new Redis(url, { keyPrefix });
const dead = new Redis('redis://127.0.0.1:1/0', {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
});
dead.on('error', () => undefined);
afterAll(() => {
  redis.disconnect();
  dead.disconnect();
});

const hit = (
  store: {
    incr: (key: string, cb: (e: Error | null, r: { current: number; ttl: number } | null) => void, w: number) => void;
  },
  key: string,
  windowMs = 60_000,
) =>
  new Promise<{ current: number; ttl: number }>((resolve, reject) =>
    store.incr(key, (error, result) => (error || !result ? reject(error) : resolve(result)), windowMs),
  );

describe('synced rate-limit counters', () => {
  it('lets replicas share one budget after a sync, without a Redis call per hit', async () => {
    const { SyncedStore } = rateLimitStores(redis, 'rl:', 60_000);
    const replicaA = new SyncedStore();
    const replicaB = new SyncedStore();
    try {
      for (let index = 0; index < 5; index += 1) await hit(replicaA, '10.0.0.1');
      for (let index = 0; index < 3; index += 1) await hit(replicaB, '10.0.0.1');
      expect(await redis.get('rl:10.0.0.1')).toBeNull(); // nothing sent yet
      await replicaA.sync();
      await replicaB.sync();
      expect(Number(await redis.get('rl:10.0.0.1'))).toBe(8);
      // A learns B's hits with the sync that carries its own next hit (idle keys cost nothing).
      expect((await hit(replicaA, '10.0.0.1')).current).toBe(6);
      await replicaA.sync();
      expect((await hit(replicaA, '10.0.0.1')).current).toBe(10);
      expect((await hit(replicaA, '10.0.0.2')).current).toBe(1);
    } finally {
      replicaA.close();
      replicaB.close();
    }
  });

  it('starts a new window when the old one expires', async () => {
    const { SyncedStore } = rateLimitStores(redis, 'rl:', 60_000);
    const store = new SyncedStore();
    try {
      await hit(store, '10.0.1.1', 200);
      await store.sync();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await hit(store, '10.0.1.1', 200)).current).toBe(1);
      await store.sync();
      expect(Number(await redis.get('rl:10.0.1.1'))).toBe(1);
    } finally {
      store.close();
    }
  });

  it('keeps counting locally while Redis is unreachable', async () => {
    const { SyncedStore } = rateLimitStores(dead, 'rl:', 60_000);
    const store = new SyncedStore();
    try {
      for (let index = 1; index <= 4; index += 1) {
        expect((await hit(store, '10.0.2.1')).current).toBe(index);
        await store.sync();
      }
    } finally {
      store.close();
    }
  });

  it('counts routes with their own limits exactly, per route', async () => {
    const { ExactStore } = rateLimitStores(redis, 'rl:', 60_000);
    const login = new ExactStore('rl:').child({ routeInfo: { method: 'POST', url: '/api/auth/login' } });
    const other = new ExactStore('rl:').child({ routeInfo: { method: 'POST', url: '/api/leads' } });
    expect((await hit(login, '10.0.3.1')).current).toBe(1);
    expect((await hit(login, '10.0.3.1')).current).toBe(2);
    expect((await hit(other, '10.0.3.1')).current).toBe(1);
    expect(Number(await redis.get('rl:POST/api/auth/login:10.0.3.1'))).toBe(2);
  });
});
