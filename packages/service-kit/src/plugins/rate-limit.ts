import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RateSpec } from '../config.js';
import { tooManyRequests } from '../errors.js';
import { rateLimitStores } from './rate-limit-store.js';

/**
 * Whose budget a request spends: a signed-in user's own (people behind one office NAT do not share
 * one), otherwise the client address's. The auth hook is an app-level onRequest hook and so runs
 * before this plugin's route-level one: `request.user` is set only once the token was verified, so
 * a forged token never picks a budget.
 */
function budgetKey(request: FastifyRequest): string {
  const subject = (request.user as { sub?: unknown } | undefined)?.sub;
  return typeof subject === 'string' ? `user:${subject}` : request.ip;
}

/**
 * Budgets per signed-in user, or per client address for anonymous requests (@fastify/rate-limit). With Redis, replicas share the counters: the
 * service-wide default is counted locally and synced (no Redis round trip per request), routes
 * with their own `config.rateLimit` are exact (see rate-limit-store.ts). Without Redis, counters
 * are in-process. Health and metrics opt out.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, options: { defaultRate: RateSpec }) => {
    let store: object | undefined;
    if (app.redis) {
      const { SyncedStore } = rateLimitStores(app.redis, 'rl:');
      // @fastify/rate-limit constructs the store itself; hand it a class bound to one instance.
      const instance = new SyncedStore();
      store = function BoundStore() {
        return instance;
      };
      app.addHook('onClose', async () => instance.close());
    }
    await app.register(rateLimit, {
      global: true,
      max: options.defaultRate.max,
      timeWindow: options.defaultRate.windowMs,
      ...(store ? { store: store as never } : {}),
      // A Redis outage must not take the API down with it.
      skipOnError: true,
      keyGenerator: budgetKey,
      addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true },
      errorResponseBuilder: (_request, context) =>
        tooManyRequests(
          `Too many requests: the limit is ${context.max} per ${context.after}. Try again later.`,
          Math.max(1, Math.ceil(context.ttl / 1000)),
        ),
    });
  },
  { name: 'castor-rate-limit', dependencies: ['castor-redis'] },
);
