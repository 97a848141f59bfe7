/**
 * The gateway `pnpm start` puts in front of the services: one address that serves the built app
 * and routes /api/* to the service that owns it, by the same path prefixes as nginx/nginx.conf (which
 * does this in production, with TLS and rate limits on top). Keep the two route tables in step.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyReplyFrom from '@fastify/reply-from';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

export type UpstreamName = 'core' | 'e14' | 'dashboard';

/** Path patterns in nginx.conf's order: the first match decides. `null` answers 404 (internal endpoints). */
const ROUTES: ReadonlyArray<readonly [RegExp, UpstreamName | null]> = [
  [/^\/api\/([^/]+\/)?metrics([/;?]|$)/i, null],
  [/^\/api\/auth\/revocations([/;?]|$)/i, null],
  [/^\/api\/health\/?(\?|$)/, 'core'],
  [/^\/(api\/(auth|users|leads|admin\/keys)|\.well-known\/jwks\.json)/, 'core'],
  [/^\/api\/(e14|elections|forensics|pipeline|queue|review|alerts|results|audit|claims|witnesses)([/?]|$)/, 'e14'],
  [/^\/api\/(media|documents|chat|campaign|team|forecast|advisor|sentiment|bots)([/?]|$)/, 'dashboard'],
];

/** The service a request URL goes to, or null when the gateway answers it 404. */
export function upstreamFor(url: string): UpstreamName | null {
  return ROUTES.find(([pattern]) => pattern.test(url))?.[1] ?? null;
}

/** As nginx.conf sends it: the app passes this policy (the e2e suite fails on a violation). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

export interface GatewayOptions {
  /** The app's build (services/web/dist). */
  distDir: string;
  /** Base URL of each running service; a prefix whose service is not running answers 502. */
  upstreams: Partial<Record<UpstreamName, string>>;
}

const notFound = (code: string, message: string) => ({ error: { code, message } });

export async function createGateway({ distDir, upstreams }: GatewayOptions): Promise<FastifyInstance> {
  const index = resolve(distDir, 'index.html');
  if (!existsSync(index)) throw new Error(`the web app is not built: ${index} is missing (pnpm build)`);
  const app = Fastify({ logger: false });
  // Bodies go to the services as they came (uploads, JSON): the gateway parses nothing.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  await app.register(fastifyReplyFrom, { http: { requestOptions: { timeout: 300_000 } } });

  const proxy = (request: FastifyRequest, reply: FastifyReply) => {
    const name = upstreamFor(request.url);
    if (name === null) return reply.code(404).send(notFound('ROUTE_NOT_FOUND', `No route for ${request.url}`));
    const base = upstreams[name];
    if (!base) return reply.code(502).send(notFound('DEPENDENCY_UNAVAILABLE', `The ${name} service is not running`));
    return reply.from(`${base}${request.url}`, {
      rewriteRequestHeaders: (original, headers) => ({
        ...headers,
        'x-forwarded-for': original.socket.remoteAddress ?? '',
        'x-forwarded-proto': 'http',
      }),
    });
  };
  app.all('/api/*', proxy);
  app.all('/api', proxy);
  app.get('/.well-known/jwks.json', proxy);

  await app.register(fastifyStatic, {
    root: distDir,
    index: false,
    // Vite names assets by content hash: they never change under a name.
    setHeaders: (response, path) => {
      response.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // The app routes in the browser: any other GET is one of its pages, except under /assets/, where a
  // missing file is a 404 as nginx answers it (a stale chunk name fails loudly, not as a page).
  const page = (_request: unknown, reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html');
  app.get('/', page);
  app.setNotFoundHandler((request, reply) =>
    (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/assets/')
      ? page(request, reply)
      : reply.code(404).send(notFound('ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url}`)),
  );
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/api')) {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
    }
  });
  return app;
}
