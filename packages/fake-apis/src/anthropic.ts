import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { type RecordedExchange, readBody, startLoopbackServer } from './http.js';
import { imageTokens, sniffImage } from './images.js';

/**
 * A loopback server speaking the Anthropic Messages API (`POST /v1/messages`) as the official SDK
 * uses it, errors included, so tests run the real `@anthropic-ai/sdk` client against it.
 */

/** Error types and the statuses the real API answers them with. */
export const ANTHROPIC_ERROR_TYPES = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
} as const;
export type AnthropicErrorStatus = keyof typeof ANTHROPIC_ERROR_TYPES;
export type AnthropicErrorType = (typeof ANTHROPIC_ERROR_TYPES)[AnthropicErrorStatus];

/** The API refuses requests over 32 MB and base64 images over 5 MB or 8000 px on a side. */
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_IMAGE_SIDE = 8000;
/** Tokens the API adds for the tool-use system prompt when tools are forced (tool_choice any/tool). */
const FORCED_TOOL_PROMPT_TOKENS = 313;

const cacheControlSchema = z.object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() }).optional();
const textBlockSchema = z.strictObject({
  type: z.literal('text'),
  text: z.string().min(1),
  cache_control: cacheControlSchema,
});
const imageBlockSchema = z.strictObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('base64'),
      media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
      data: z.string().min(1),
    }),
    z.strictObject({ type: z.literal('url'), url: z.url() }),
  ]),
  cache_control: cacheControlSchema,
});
const toolUseBlockSchema = z.strictObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControlSchema,
});
const toolResultBlockSchema = z.strictObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.union([textBlockSchema, imageBlockSchema]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControlSchema,
});
const contentBlockSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  imageBlockSchema,
  toolUseBlockSchema,
  toolResultBlockSchema,
]);
const toolSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, { message: 'String should match pattern ^[a-zA-Z0-9_-]{1,128}$' }),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object') }),
  cache_control: cacheControlSchema,
});

/** The request body, checked like the real API: unknown top-level fields are refused. */
export const messagesRequestSchema = z
  .strictObject({
    model: z.string().min(1),
    max_tokens: z.number().int().min(1),
    messages: z
      .array(
        z.strictObject({
          role: z.enum(['user', 'assistant']),
          content: z.union([z.string(), z.array(contentBlockSchema).min(1)]),
        }),
      )
      .min(1),
    system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
    tools: z.array(toolSchema).optional(),
    tool_choice: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
        z.strictObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
        z.strictObject({
          type: z.literal('tool'),
          name: z.string().min(1),
          disable_parallel_tool_use: z.boolean().optional(),
        }),
        z.strictObject({ type: z.literal('none') }),
      ])
      .optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().min(0).optional(),
    stop_sequences: z.array(z.string()).optional(),
    metadata: z.strictObject({ user_id: z.string().max(256).nullable().optional() }).optional(),
    stream: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    if (body.messages[0]?.role !== 'user') {
      ctx.addIssue({
        code: 'custom',
        path: ['messages', 0, 'role'],
        message: 'first message must use the "user" role',
      });
    }
    const choice = body.tool_choice;
    if (choice && choice.type !== 'auto' && choice.type !== 'none' && !body.tools?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['tool_choice'],
        message: 'tool_choice may only be specified while providing tools',
      });
    }
    if (choice?.type === 'tool' && !body.tools?.some((tool) => tool.name === choice.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tool_choice', 'name'],
        message: `Tool '${choice.name}' not found in tools`,
      });
    }
  });
export type MessagesRequest = z.output<typeof messagesRequestSchema>;

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** An image of the request, decoded: tables of known sheet readings are keyed by its SHA-256. */
export interface ReceivedImage {
  sha256: string;
  mediaType: string;
  width: number;
  height: number;
  bytes: Buffer;
}

/** A valid `POST /v1/messages` request as the handler sees it. */
export interface FakeMessagesRequest {
  body: MessagesRequest;
  headers: Record<string, string>;
  images: ReceivedImage[];
  /** The tool the request forces (tool_choice `tool`, or `any` with a single tool), if any. */
  forcedTool: string | null;
  /** What the real API would bill for this input, estimated from text length and image sizes. */
  estimatedInputTokens: number;
}

/** What the fake answers. Errors carry the real status and type; the last three break the protocol on purpose. */
export type FakeAnthropicReply =
  | {
      kind: 'tool_use';
      input: unknown;
      name?: string;
      /** Blocks the model writes before the call (adaptive-thinking models often think or comment first). */
      before?: Array<{ type: 'text'; text: string } | { type: 'thinking'; thinking: string }>;
      usage?: Partial<FakeUsage>;
    }
  | {
      kind: 'text';
      text: string;
      stopReason?: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'refusal';
      usage?: Partial<FakeUsage>;
    }
  | { kind: 'error'; status: AnthropicErrorStatus; message?: string; retryAfterSeconds?: number }
  | { kind: 'malformed_json' }
  | { kind: 'hang' };

export type FakeMessagesHandler = (request: FakeMessagesRequest) => FakeAnthropicReply | Promise<FakeAnthropicReply>;

export interface FakeAnthropicOptions {
  /** Accepted API keys (sent as `x-api-key` or `Authorization: Bearer`); by default any non-empty key. */
  apiKeys?: readonly string[];
  /** Delay before every answer (the pipeline benchmark uses 2,000 ms). */
  latencyMs?: number;
  /** Decides the answer for a request that no scripted step claimed. */
  handler?: FakeMessagesHandler;
}

export interface ScriptOptions {
  /** How many consecutive requests this step answers (default 1). */
  times?: number;
  /** Delay for these answers instead of the server's latency. */
  delayMs?: number;
}

export interface FakeAnthropic {
  url: string;
  /** Every request received, valid or not, in arrival order. */
  requests: RecordedExchange[];
  /** Valid Messages requests, as handed to the handler or a scripted step. */
  messages: FakeMessagesRequest[];
  /** Queues answers for the next requests, ahead of the handler (injected failures, hangs, ...). */
  script(reply: FakeAnthropicReply, options?: ScriptOptions): void;
  setHandler(handler: FakeMessagesHandler): void;
  setLatency(ms: number): void;
  readonly inFlight: number;
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/**
 * A handler answering every request whose image matches a known SHA-256 with the reading stored
 * for it, as a forced tool call: the way tests give the fake "the right answer" for a sheet.
 */
export function readingsBySha256(
  readings: ReadonlyMap<string, unknown> | Record<string, unknown>,
): FakeMessagesHandler {
  const table = readings instanceof Map ? readings : new Map(Object.entries(readings));
  return (request) => {
    for (const image of request.images) {
      if (table.has(image.sha256)) return { kind: 'tool_use', input: table.get(image.sha256) };
    }
    return defaultHandler(request);
  };
}

/**
 * Without a scripted answer the fake stays protocol-faithful: a forced tool still yields a tool_use
 * block (with an empty input, which a strict reader must refuse), anything else a plain text turn.
 */
const defaultHandler: FakeMessagesHandler = (request) =>
  request.forcedTool
    ? { kind: 'tool_use', input: {} }
    : { kind: 'text', text: 'fake-anthropic: no scripted answer for this request' };

function randomId(prefix: string): string {
  return `${prefix}_01${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x').slice(0, 22)}`;
}

function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function collectImages(body: MessagesRequest): { images: ReceivedImage[]; problem: string | null } {
  const images: ReceivedImage[] = [];
  for (const [messageIndex, message] of body.messages.entries()) {
    if (typeof message.content === 'string') continue;
    for (const [blockIndex, block] of message.content.entries()) {
      if (block.type !== 'image') continue;
      const where = `messages.${messageIndex}.content.${blockIndex}.image.source`;
      if (block.source.type === 'url') return { images, problem: `${where}: URL images are not fetched by the fake` };
      const bytes = Buffer.from(block.source.data, 'base64');
      if (bytes.length > MAX_IMAGE_BYTES) return { images, problem: `${where}.base64: image exceeds 5 MB maximum` };
      const sniffed = sniffImage(bytes);
      if (!sniffed) return { images, problem: `${where}.base64.data: Could not process image` };
      if (sniffed.mediaType !== block.source.media_type) {
        return {
          images,
          problem: `${where}.base64.data: Image does not match the provided media type ${block.source.media_type}`,
        };
      }
      if (sniffed.width > MAX_IMAGE_SIDE || sniffed.height > MAX_IMAGE_SIDE) {
        return { images, problem: `${where}.base64.data: image dimensions exceed max allowed size: 8000 pixels` };
      }
      images.push({ sha256: createHash('sha256').update(bytes).digest('hex'), bytes, ...sniffed });
    }
  }
  return { images, problem: null };
}

function estimateInputTokens(body: MessagesRequest, images: ReceivedImage[]): number {
  let text = typeof body.system === 'string' ? body.system : (body.system ?? []).map((block) => block.text).join('');
  for (const message of body.messages) {
    if (typeof message.content === 'string') text += message.content;
    else for (const block of message.content) if (block.type !== 'image') text += JSON.stringify(block);
  }
  if (body.tools) text += JSON.stringify(body.tools);
  const forced = body.tool_choice?.type === 'any' || body.tool_choice?.type === 'tool';
  return (
    estimateTextTokens(text) +
    images.reduce((sum, image) => sum + imageTokens(image), 0) +
    (forced ? FORCED_TOOL_PROMPT_TOKENS : 0)
  );
}

function forcedToolOf(body: MessagesRequest): string | null {
  if (body.tool_choice?.type === 'tool') return body.tool_choice.name;
  if (body.tool_choice?.type === 'any' && body.tools?.length === 1) return body.tools[0]?.name ?? null;
  return null;
}

/** The key as `x-api-key` (older SDKs, curl) or `Authorization: Bearer` (SDK 1.x); both are accepted by the API. */
function presentedApiKey(request: IncomingMessage): string | null {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
  return bearer?.[1] ?? null;
}

function sendJson(response: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
  const requestId = randomId('req');
  response.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers });
  response.end(JSON.stringify(status >= 400 ? { ...(payload as object), request_id: requestId } : payload));
}

function sendError(
  response: ServerResponse,
  status: AnthropicErrorStatus,
  message: string,
  headers: Record<string, string> = {},
) {
  sendJson(response, status, { type: 'error', error: { type: ANTHROPIC_ERROR_TYPES[status], message } }, headers);
}

const DEFAULT_ERROR_MESSAGES: Record<AnthropicErrorStatus, string> = {
  400: 'invalid request',
  401: 'invalid x-api-key',
  402: 'Your credit balance is too low to access the Anthropic API.',
  403: 'Your API key does not have permission to use the specified resource.',
  404: 'Not found',
  413: 'Request exceeds the maximum allowed number of bytes.',
  429: 'Number of request tokens has exceeded your per-minute rate limit',
  500: 'Internal server error',
  504: 'Request timed out',
  529: 'Overloaded',
};

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map(
      (issue) =>
        `${issue.path.join('.') || 'body'}: ${issue.code === 'invalid_type' && issue.input === undefined ? 'Field required' : issue.message}`,
    )
    .join('; ');
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: RecordedExchange[] = [];
  const messages: FakeMessagesRequest[] = [];
  const steps: Array<{ reply: FakeAnthropicReply; remaining: number; delayMs: number | undefined }> = [];
  let handler = options.handler ?? defaultHandler;
  let latencyMs = options.latencyMs ?? 0;
  const apiKeys = options.apiKeys ? new Set(options.apiKeys) : null;

  const answer = async (reply: FakeAnthropicReply, request: FakeMessagesRequest, response: ServerResponse) => {
    switch (reply.kind) {
      case 'hang':
        // Never answers; the connection ends when the client gives up or the server closes.
        await new Promise<void>((resolve) => response.on('close', resolve));
        return;
      case 'malformed_json':
        response.writeHead(200, { 'content-type': 'application/json', 'request-id': randomId('req') });
        response.end('{"id":"msg_broken","type":"message","content":[{"type":"tool_use"');
        return;
      case 'error': {
        const headers: Record<string, string> = {};
        if (reply.retryAfterSeconds !== undefined) headers['retry-after'] = String(reply.retryAfterSeconds);
        if (reply.status === 429) headers['anthropic-ratelimit-requests-remaining'] = '0';
        sendError(response, reply.status, reply.message ?? DEFAULT_ERROR_MESSAGES[reply.status], headers);
        return;
      }
      case 'tool_use':
      case 'text': {
        const content =
          reply.kind === 'tool_use'
            ? [
                ...(reply.before ?? []).map((block) =>
                  block.type === 'thinking' ? { ...block, signature: randomBytes(24).toString('base64') } : block,
                ),
                {
                  type: 'tool_use',
                  id: randomId('toolu'),
                  name: reply.name ?? request.forcedTool ?? request.body.tools?.[0]?.name ?? 'tool',
                  input: reply.input,
                },
              ]
            : [{ type: 'text', text: reply.text }];
        const usage: FakeUsage = {
          input_tokens: request.estimatedInputTokens,
          output_tokens: estimateTextTokens(JSON.stringify(content)),
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          ...reply.usage,
        };
        sendJson(response, 200, {
          id: randomId('msg'),
          type: 'message',
          role: 'assistant',
          model: request.body.model,
          content,
          stop_reason: reply.kind === 'tool_use' ? 'tool_use' : (reply.stopReason ?? 'end_turn'),
          stop_sequence: null,
          usage: { ...usage, service_tier: 'standard' },
        });
        return;
      }
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/v1/messages') {
      sendError(response, 404, `Not found: ${request.method} ${path}`);
      return;
    }
    if (request.method !== 'POST') {
      sendError(response, 404, `Not found: ${request.method} ${path}`);
      return;
    }
    const apiKey = presentedApiKey(request);
    if (apiKey === null || (apiKeys && !apiKeys.has(apiKey))) {
      sendError(response, 401, apiKey ? 'invalid x-api-key' : 'x-api-key header is required');
      return;
    }
    if (!request.headers['anthropic-version']) {
      sendError(response, 400, 'anthropic-version: header is required');
      return;
    }
    const raw = await readBody(request, MAX_REQUEST_BYTES);
    if (raw === null) {
      sendError(response, 413, DEFAULT_ERROR_MESSAGES[413]);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      sendError(response, 400, 'There was an issue with your request body: invalid JSON');
      return;
    }
    const parsed = messagesRequestSchema.safeParse(json);
    if (!parsed.success) {
      sendError(response, 400, formatIssues(parsed.error));
      return;
    }
    if (parsed.data.stream) {
      sendError(response, 400, 'stream: the fake Anthropic server does not implement streaming');
      return;
    }
    const { images, problem } = collectImages(parsed.data);
    if (problem) {
      sendError(response, 400, problem);
      return;
    }
    const received: FakeMessagesRequest = {
      body: parsed.data,
      headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])),
      images,
      forcedTool: forcedToolOf(parsed.data),
      estimatedInputTokens: estimateInputTokens(parsed.data, images),
    };
    messages.push(received);

    const step = steps[0];
    if (step) {
      step.remaining -= 1;
      if (step.remaining === 0) steps.shift();
    }
    await server.wait(step?.delayMs ?? latencyMs);
    await answer(step ? step.reply : await handler(received), received, response);
  };

  const server = await startLoopbackServer((request, response) => handle(request, response), requests);

  return {
    url: server.url,
    requests,
    messages,
    script(reply, { times = 1, delayMs } = {}) {
      if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
      steps.push({ reply, remaining: times, delayMs });
    },
    setHandler(next) {
      handler = next;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    get inFlight() {
      return server.inFlight;
    },
    get maxInFlight() {
      return server.maxInFlight;
    },
    close: () => server.close(),
  };
}
