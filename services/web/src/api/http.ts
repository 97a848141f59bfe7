import { authResponseSchema, errorResponseSchema } from '@castor/contracts';
import type { z } from 'zod';
import type { ClientErrorCode } from '../i18n/es-CO';
import { session } from './session';

/** A failed call: the API's error code (or a client code), its HTTP status, and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    /** The API's structured context (an import's refused line, a validation's fields). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function clientError(status: number, code: ClientErrorCode, message: string): ApiError {
  return new ApiError(status, code, message);
}

export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON; a Blob is sent as it is, with its own type (a CSV file to import). */
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Parses the response; a body that does not match is RESPONSE_INVALID, not trusted. */
  schema: z.ZodType<T>;
  /** false for the public calls (sign-in, refresh): no token, no refresh on 401. */
  auth?: boolean;
  signal?: AbortSignal;
  /** The media type asked for: JSON unless said (text/event-stream for a streamed answer). */
  accept?: string;
}

/** What sending needs: the schema only matters once the body is read. */
type SendOptions = Omit<RequestOptions<unknown>, 'schema'>;

async function send(path: string, options: SendOptions, accessToken?: string): Promise<Response> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) query.set(name, String(value));
  }
  const url = query.size > 0 ? `${path}?${query}` : path;
  const { body } = options;
  const contentType = body === undefined ? undefined : body instanceof Blob ? body.type : 'application/json';
  try {
    return await fetch(url, {
      method: options.method ?? 'GET',
      headers: {
        accept: options.accept ?? 'application/json',
        ...(contentType ? { 'content-type': contentType } : {}),
        ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      },
      body: body === undefined || body instanceof Blob ? body : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw clientError(0, 'NETWORK_ERROR', error instanceof Error ? error.message : String(error));
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = errorResponseSchema.safeParse(await response.json().catch(() => undefined));
  if (body.success) {
    const { code, message, requestId, details } = body.data.error;
    return new ApiError(response.status, code, message, requestId, details);
  }
  return clientError(response.status, 'RESPONSE_INVALID', `HTTP ${response.status} without an error body`);
}

async function parse<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw clientError(response.status, 'RESPONSE_INVALID', parsed.error.message);
  return parsed.data;
}

let refreshInFlight: Promise<boolean> | null = null;

/**
 * Trades the refresh token for a new pair. Calls that get a 401 at the same time share one
 * refresh: core-service rotates the token on every use and treats a second use as theft.
 * Resolves false (and ends the session as expired) when the refresh token is refused.
 */
export function refreshSession(): Promise<boolean> {
  refreshInFlight ??= (async () => {
    const refreshToken = session.refreshToken();
    if (!refreshToken) return false;
    const response = await send('/api/auth/refresh', { method: 'POST', body: { refreshToken } });
    if (response.ok) {
      session.start(await parse(response, authResponseSchema));
      return true;
    }
    if (response.status === 401) {
      session.end('expired');
      return false;
    }
    throw await errorOf(response);
  })().finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

/** Sends with the bearer token, refreshing it once on 401; a successful response as it came. */
async function sendSignedIn(path: string, options: SendOptions): Promise<Response> {
  const token = session.current()?.accessToken;
  let response = token ? await send(path, options, token) : undefined;
  if (!response || response.status === 401) {
    if (!(await refreshSession())) {
      throw clientError(401, 'SESSION_ENDED', 'The session ended: the refresh token was refused');
    }
    response = await send(path, options, session.current()?.accessToken);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

/** The one way the app calls the API: bearer token, one silent refresh on 401, typed result. */
export async function request<T>(path: string, options: RequestOptions<T>): Promise<T> {
  if (options.auth === false) {
    const response = await send(path, options);
    if (!response.ok) throw await errorOf(response);
    return parse(response, options.schema);
  }
  return parse(await sendSignedIn(path, options), options.schema);
}

/** A file the API renders (the printable claims packet, a CSV export), fetched with the session, as a Blob. */
export async function requestBlob(
  path: string,
  options: Pick<SendOptions, 'query' | 'signal' | 'method' | 'body'> = {},
): Promise<Blob> {
  return (await sendSignedIn(path, options)).blob();
}

/** A file the API renders with what its headers say about it (a page image's size), fetched with the session. */
export async function requestFile(
  path: string,
  options: Pick<SendOptions, 'query' | 'signal'> = {},
): Promise<{ blob: Blob; headers: Headers }> {
  const response = await sendSignedIn(path, options);
  return { blob: await response.blob(), headers: response.headers };
}

/** A call answered with no body (a 204 after a delete), with the session. */
export async function requestNoContent(path: string, options: Pick<SendOptions, 'method' | 'body'>): Promise<void> {
  await sendSignedIn(path, options);
}

/**
 * A streamed answer (server-sent events) with the session: the successful response as it came,
 * its body still unread. EventSource cannot POST or send the bearer token, so the app reads it.
 */
export function requestEventStream(
  path: string,
  options: Pick<SendOptions, 'method' | 'body' | 'signal'>,
): Promise<Response> {
  return sendSignedIn(path, { ...options, accept: 'text/event-stream' });
}
