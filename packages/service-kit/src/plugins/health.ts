import { type HealthResponse, healthResponseSchema } from '@castor/contracts';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface HealthCheck {
  /** Required dependencies make the service "down" (503) when they fail; optional ones "degraded". */
  required: boolean;
  check: () => Promise<string | undefined>;
}

declare module 'fastify' {
  interface FastifyInstance {
    health: { register(name: string, check: HealthCheck): void };
  }
}

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: HealthCheck): Promise<HealthResponse['checks'][string]> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      check.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return {
      status: 'up',
      latencyMs: Math.round(performance.now() - started),
      ...(detail ? { detail } : {}),
    };
  } catch (error) {
    return { status: 'down', detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export const healthPlugin = fp(
  async (app: FastifyInstance, options: { service: string; version: string }) => {
    const checks = new Map<string, HealthCheck>();
    app.decorate('health', { register: (name: string, check: HealthCheck) => void checks.set(name, check) });

    app.get(
      '/api/health',
      {
        config: { auth: 'public', rateLimit: false },
        schema: {
          tags: ['health'],
          summary: 'Liveness and readiness of the service and each dependency',
          response: { 200: healthResponseSchema, 503: healthResponseSchema },
        },
      },
      async (_request, reply) => {
        const entries = [...checks.entries()];
        const results = await Promise.all(entries.map(([, check]) => runCheck(check)));
        const failing = entries.filter((_, index) => results[index]?.status === 'down').map(([, check]) => check);
        const status: HealthResponse['status'] = failing.some((check) => check.required)
          ? 'down'
          : failing.length > 0
            ? 'degraded'
            : 'ok';
        const response: HealthResponse = {
          status,
          service: options.service,
          version: options.version,
          uptimeSeconds: Math.round(process.uptime()),
          checks: Object.fromEntries(entries.map(([name], index) => [name, results[index] ?? { status: 'down' }])),
        };
        return reply.code(status === 'down' ? 503 : 200).send(response);
      },
    );
  },
  { name: 'castor-health' },
);
