import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthOptions, authPlugin } from './auth/auth-plugin.js';
import type { RateSpec } from './config.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { genRequestId, loggerOptions } from './logger.js';
import { healthPlugin } from './plugins/health.js';
import { metricsPlugin } from './plugins/metrics.js';
import { openapiPlugin } from './plugins/openapi.js';
import { type PostgresOptions, postgresPlugin } from './plugins/postgres.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { redisPlugin } from './plugins/redis.js';
import { rejectIllFormedText } from './well-formed-text.js';

export type ServiceApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/**
 * A feature's routes as a Fastify plugin: registered with its URL prefix and its dependencies as
 * options (`app.register(reviewRoutes, { prefix: '/api/review', review })`), typed for zod schemas.
 */
export type ServicePlugin<Options extends Record<string, unknown>> = FastifyPluginAsync<
  Options,
  Server,
  ZodTypeProvider
>;

export interface ServiceOptions {
  name: string;
  version: string;
  description: string;
  logLevel: string;
  trustProxy: string;
  bodyLimitBytes: number;
  postgres: PostgresOptions;
  redis: { url?: string | undefined; keyPrefix: string };
  defaultRate: RateSpec;
  /** Called once PostgreSQL and Redis are registered, so key resolution may use them. */
  auth: (app: FastifyInstance) => AuthOptions | Promise<AuthOptions>;
  /** Tests pass a pino-compatible logger or `false`; services use the configured level. */
  logger?: FastifyBaseLogger | false;
}

/** The environment every service shares (baseServiceEnv) plus its Redis key prefix. */
export interface ServiceEnv {
  LOG_LEVEL: string;
  TRUST_PROXY: string;
  BODY_LIMIT_BYTES: number;
  DATABASE_URL: string;
  DATABASE_MIGRATION_URL?: string | undefined;
  DATABASE_POOL_MAX: number;
  DATABASE_STATEMENT_TIMEOUT_MS: number;
  REDIS_URL?: string | undefined;
  REDIS_KEY_PREFIX: string;
  RATE_LIMIT_DEFAULT: RateSpec;
}

/** The options createServiceApp takes from a service's validated environment, the same for every service. */
export function serviceOptionsFromEnv(
  config: ServiceEnv,
  service: {
    name: string;
    version: string;
    description: string;
    migrationsFolder: string;
    /** Tables the service only reads and appends to: its runtime role gets no UPDATE or DELETE on them. */
    appendOnlyTables?: readonly string[];
  },
): Omit<ServiceOptions, 'auth' | 'logger'> {
  return {
    name: service.name,
    version: service.version,
    description: service.description,
    logLevel: config.LOG_LEVEL,
    trustProxy: config.TRUST_PROXY,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    postgres: {
      connectionString: config.DATABASE_URL,
      poolMax: config.DATABASE_POOL_MAX,
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
      applicationName: service.name,
      migrationsFolder: service.migrationsFolder,
      migrationConnectionString: config.DATABASE_MIGRATION_URL,
      appendOnlyTables: service.appendOnlyTables ?? [],
    },
    redis: { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX },
    defaultRate: config.RATE_LIMIT_DEFAULT,
  };
}

function parseTrustProxy(value: string): boolean | string | string[] {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value.includes(',') ? value.split(',').map((entry) => entry.trim()) : value;
}

/**
 * Builds the Fastify instance every CASTOR service starts from: request ids, redacted logging,
 * zod validation and serialisation, one error model, metrics, health, OpenAPI, PostgreSQL with
 * migrations, Redis (or the in-process store), rate limits and the auth hook. The service then
 * registers its routes on it.
 */
export async function createServiceApp(options: ServiceOptions): Promise<ServiceApp> {
  const serverOptions: FastifyServerOptions = {
    genReqId: genRequestId,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    trustProxy: parseTrustProxy(options.trustProxy),
    bodyLimit: options.bodyLimitBytes,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    // A URL that does not decode (such as a lone surrogate sent as UTF-8 bytes) fails before routing:
    // answered in the one error shape too.
    frameworkErrors: errorHandler,
  };
  if (options.logger === undefined) serverOptions.logger = loggerOptions(options.name, options.logLevel);
  else if (options.logger === false) serverOptions.logger = false;
  else serverOptions.loggerInstance = options.logger;
  const app = Fastify(serverOptions).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Before any route's schema: text PostgreSQL cannot store is a client error on every route.
  app.addHook('preValidation', rejectIllFormedText);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // Responses finishing while we shut down close their connection: otherwise a keep-alive socket
  // turning idle after its last response holds the shutdown for keepAliveTimeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Callback-style hooks on the hot path: an async hook costs a promise per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });

  await app.register(healthPlugin, { service: options.name, version: options.version });
  await app.register(metricsPlugin, { service: options.name });
  await app.register(openapiPlugin, {
    title: `CASTOR ${options.name}`,
    description: options.description,
    version: options.version,
  });
  await app.register(postgresPlugin, options.postgres);
  await app.register(redisPlugin, options.redis);
  await app.register(rateLimitPlugin, { defaultRate: options.defaultRate });
  await app.register(authPlugin, await options.auth(app));
  return app;
}
