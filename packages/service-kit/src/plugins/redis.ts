import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { type KeyValueStore, MemoryStore, RedisStore } from '../store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The service's Redis connection (keys auto-prefixed), or null in in-process mode. */
    redis: Redis | null;
    store: KeyValueStore;
  }
}

export interface RedisOptions {
  url?: string | undefined;
  /** Every key carries this prefix, so services can share one DB (Redis Cluster has only DB 0). */
  keyPrefix: string;
}

const READY_TIMEOUT_MS = 3_000;

export function createRedis(url: string, keyPrefix: string): Redis {
  return new Redis(url, {
    keyPrefix,
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
    // Fail fast while disconnected: callers degrade (cache miss, skip rate limit) instead of hanging.
    enableOfflineQueue: false,
    // Commands issued in the same tick (rate-limit counters of concurrent requests) share one write.
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}

async function waitForReady(redis: Redis): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export const redisPlugin = fp(
  async (app: FastifyInstance, options: RedisOptions) => {
    if (!options.url) {
      const store = new MemoryStore();
      app.decorate('redis', null);
      app.decorate('store', store);
      app.addHook('onClose', async () => store.close());
      app.log.info('no REDIS_URL: using the in-process store for cache, counters and leases');
      return;
    }
    const redis = createRedis(options.url, options.keyPrefix);
    let lastError = '';
    redis.on('error', (error: Error) => {
      if (error.message !== lastError) app.log.warn({ err: error }, 'redis connection problem');
      lastError = error.message;
    });
    redis.on('ready', () => {
      lastError = '';
    });
    if (!(await waitForReady(redis))) {
      app.log.warn('redis is not reachable yet; continuing degraded and reconnecting in the background');
    }
    app.decorate('redis', redis);
    app.decorate('store', new RedisStore(redis));
    app.health.register('redis', {
      required: false,
      check: async () => {
        await redis.ping();
        return undefined;
      },
    });
    app.addHook('onClose', async () => {
      // QUIT lets pending replies arrive first; a connection that is down just goes.
      await redis.quit().catch(() => redis.disconnect());
    });
  },
  { name: 'castor-redis', dependencies: ['castor-health'] },
);
