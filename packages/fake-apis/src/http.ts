import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One request as a fake server saw it, for assertions on what the client really sent. */
export interface RecordedExchange {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Milliseconds since the server started, when the request arrived and when the answer was finished. */
  receivedAtMs: number;
  answeredAtMs: number | null;
  status: number | null;
}

export interface LoopbackServer {
  url: string;
  /** Requests being answered right now, and the most seen at once since the last reset. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  resetInFlightPeak(): void;
  /** Waits (abortably) the way a slow upstream would; rejects when the server is closing. */
  wait(ms: number): Promise<void>;
  /** A signal aborted when the server closes: hung answers end with it. */
  readonly closing: AbortSignal;
  close(): Promise<void>;
}

export type Handler = (request: IncomingMessage, response: ServerResponse, exchange: RecordedExchange) => Promise<void>;

function headerRecord(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * An HTTP server on 127.0.0.1 with an ephemeral port that records every exchange and can close
 * while answers are still pending (hangs), which is what the fakes need and node:http does not
 * do by itself.
 */
export async function startLoopbackServer(handler: Handler, log: RecordedExchange[]): Promise<LoopbackServer> {
  const started = performance.now();
  const closingController = new AbortController();
  // Every pending answer (latency, hangs) listens for the close: hundreds at once is expected here.
  setMaxListeners(0, closingController.signal);
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;

  const server: Server = createServer((request, response) => {
    const exchange: RecordedExchange = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: headerRecord(request),
      receivedAtMs: performance.now() - started,
      answeredAtMs: null,
      status: null,
    };
    log.push(exchange);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let counted = true;
    const settle = () => {
      if (!counted) return;
      counted = false;
      inFlight -= 1;
    };
    response.on('finish', () => {
      exchange.answeredAtMs = performance.now() - started;
      exchange.status = response.statusCode;
      settle();
    });
    response.on('close', settle);
    handler(request, response, exchange).catch((error: unknown) => {
      if (closingController.signal.aborted || response.destroyed) return;
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`fake server failure: ${error instanceof Error ? error.message : String(error)}`);
      } else {
        response.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    resetInFlightPeak() {
      maxInFlight = inFlight;
    },
    closing: closingController.signal,
    wait: (ms) => (ms > 0 ? sleep(ms, undefined, { signal: closingController.signal }) : Promise.resolve()),
    async close() {
      closingController.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** Reads a request body up to `limit` bytes; null when it is larger. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
