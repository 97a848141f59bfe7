import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    /** This service's Prometheus registry; modules register their own metrics on it. */
    metrics: Registry;
  }
}

/**
 * One registry per app (not prom-client's global one) so tests can build many apps in a process.
 * `/api/metrics` is for Prometheus on the internal network; nginx does not route it.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, options: { service: string }) => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: options.service });
    collectDefaultMetrics({ register: registry });
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    app.decorate('metrics', registry);
    app.addHook('onResponse', (request, reply, done) => {
      // Unmatched URLs share one label so a scanner cannot explode the series count.
      const route = request.routeOptions.url ?? 'unmatched';
      duration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });
    app.get(
      '/api/metrics',
      { config: { auth: 'public', rateLimit: false }, schema: { hide: true } },
      async (_request, reply) => {
        void reply.type(registry.contentType);
        return registry.metrics();
      },
    );
  },
  { name: 'castor-metrics' },
);
