import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { type RecordedExchange, readBody, startLoopbackServer } from './http.js';
import {
  checkEmbeddingsRequest,
  type EmbeddingInput,
  type EmbeddingsRequestBody,
  embeddingsRequestSchema,
  encodeEmbedding,
  estimateTextTokens as estimateTokens,
  fakeEmbedding,
} from './openai-embeddings.js';

/**
 * A loopback server speaking OpenAI's Chat Completions API (`POST /v1/chat/completions`) as the
 * official `openai` SDK uses it, structured outputs (`response_format: json_schema`) and errors
 * included. Ollama's OpenAI-compatible endpoint speaks the same wire format, so one fake serves both.
 * The same server answers `POST /v1/embeddings` (see openai-embeddings.ts), so one base URL serves
 * a client's chat and embeddings as api.openai.com does.
 */

/** Error types and codes the real API answers with, by status. */
export const OPENAI_ERRORS = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
  503: { type: 'server_error', code: 'service_unavailable' },
} as const;
export type OpenAiErrorStatus = keyof typeof OPENAI_ERRORS;

const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

const contentPartSchema = z.looseObject({ type: z.string() });
const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(contentPartSchema), z.null()]),
});
const responseFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    json_schema: z.strictObject({
      name: z
        .string()
        .regex(/^[a-zA-Z0-9_-]{1,64}$/, { message: "string does not match pattern '^[a-zA-Z0-9_-]{1,64}$'" }),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

/** The request body; like the real API, an unknown top-level argument is refused. */
export const chatCompletionRequestSchema = z.strictObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  response_format: responseFormatSchema.optional(),
  max_completion_tokens: z.number().int().min(1).nullable().optional(),
  max_tokens: z.number().int().min(1).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  n: z.literal(1).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  store: z.boolean().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).nullable().optional(),
  service_tier: z.string().nullable().optional(),
});
export type ChatCompletionRequestBody = z.output<typeof chatCompletionRequestSchema>;

/** A valid request as the handler sees it. */
export interface FakeChatRequest {
  body: ChatCompletionRequestBody;
  headers: Record<string, string>;
  /** The structured-output schema asked for, if any. */
  jsonSchema: { name: string; schema: Record<string, unknown>; strict: boolean } | null;
  /** What the real API would bill for this input, estimated from text length. */
  estimatedPromptTokens: number;
}

export interface FakeOpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  /** Part of prompt_tokens served from OpenAI's prompt cache. */
  cached_tokens: number;
}

/** What the fake answers. Errors carry the real status and body; the last two break the protocol on purpose. */
export type FakeOpenAiReply =
  | { kind: 'json'; content: unknown; usage?: Partial<FakeOpenAiUsage> }
  | {
      kind: 'text';
      /** Any assistant content, e.g. text that is not the JSON asked for. */
      text: string;
      finishReason?: 'stop' | 'length' | 'content_filter';
      usage?: Partial<FakeOpenAiUsage>;
    }
  | { kind: 'refusal'; refusal: string; usage?: Partial<FakeOpenAiUsage> }
  | {
      kind: 'error';
      status: OpenAiErrorStatus;
      message?: string;
      /** Sent as `retry-after` (seconds) and `retry-after-ms`, as OpenAI does on 429. */
      retryAfterMs?: number;
    }
  | { kind: 'malformed_json' }
  | { kind: 'hang' };

/** A failure the fake can be told to send instead of an answer, on either endpoint. */
export type FakeOpenAiFault = Extract<FakeOpenAiReply, { kind: 'error' | 'malformed_json' | 'hang' }>;

/** What the embeddings endpoint answers: the fake model's vectors (optionally with other usage), or a fault. */
export type FakeEmbeddingsReply = { kind: 'vectors'; promptTokens?: number } | FakeOpenAiFault;

/** A valid embeddings request as the fake saw it. */
export interface FakeEmbeddingsRequest {
  body: EmbeddingsRequestBody;
  headers: Record<string, string>;
  /** One entry per input: a text, or token ids. */
  inputs: EmbeddingInput[];
  /** The vector size answered: `dimensions`, else the model's full size. */
  dimensions: number;
  /** What the real API would bill, estimated as for chat (token ids count one each). */
  estimatedPromptTokens: number;
}

export type FakeChatHandler = (request: FakeChatRequest) => FakeOpenAiReply | Promise<FakeOpenAiReply>;

export interface FakeOpenAiOptions {
  /** Accepted API keys (`Authorization: Bearer`); by default any non-empty key. */
  apiKeys?: readonly string[];
  latencyMs?: number;
  handler?: FakeChatHandler;
}

export interface FakeOpenAi {
  /** Base URL without `/v1` (clients use `${url}/v1`, as with api.openai.com and Ollama). */
  url: string;
  requests: RecordedExchange[];
  /** Valid chat completion requests, in arrival order. */
  completions: FakeChatRequest[];
  /** Valid embeddings requests, in arrival order (refused ones are only in `requests`). */
  embeddings: FakeEmbeddingsRequest[];
  /** Queues answers for the next chat completion requests, ahead of the handler. */
  script(reply: FakeOpenAiReply, options?: { times?: number; delayMs?: number }): void;
  /** Queues answers for the next valid embeddings requests; without one the fake model's vectors are sent. */
  scriptEmbeddings(reply: FakeEmbeddingsReply, options?: { times?: number; delayMs?: number }): void;
  setHandler(handler: FakeChatHandler): void;
  close(): Promise<void>;
}

/** Without a scripted answer the fake answers prose, which a structured-output client must refuse. */
const defaultHandler: FakeChatHandler = () => ({
  kind: 'text',
  text: 'fake-openai: no scripted answer for this request',
});

const randomId = (prefix: string) => `${prefix}-${randomBytes(15).toString('base64url').replace(/[-_]/g, 'x')}`;

/**
 * Strict structured outputs accept a subset of JSON Schema: every object closes
 * (`additionalProperties: false`) and requires all its properties. The real API answers 400 otherwise.
 */
export function strictSchemaProblem(schema: unknown, path = '()'): string | null {
  if (Array.isArray(schema)) {
    for (const [index, item] of schema.entries()) {
      const problem = strictSchemaProblem(item, `${path}.${index}`);
      if (problem) return problem;
    }
    return null;
  }
  if (typeof schema !== 'object' || schema === null) return null;
  const node = schema as Record<string, unknown>;
  if (node.type === 'object' || node.properties !== undefined) {
    if (node.additionalProperties !== false) {
      return `In context=${path}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const properties = Object.keys((node.properties as Record<string, unknown> | undefined) ?? {});
    const required = new Set((node.required as string[] | undefined) ?? []);
    const missing = properties.find((name) => !required.has(name));
    if (missing !== undefined) {
      return `In context=${path}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    }
  }
  for (const [key, value] of Object.entries(node)) {
    const problem = strictSchemaProblem(value, `${path}, ${key}`);
    if (problem) return problem;
  }
  return null;
}

function sendJson(response: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': randomId('req'), ...headers });
  response.end(JSON.stringify(payload));
}

function sendError(
  response: ServerResponse,
  status: OpenAiErrorStatus,
  message: string,
  headers: Record<string, string> = {},
  param: string | null = null,
) {
  const { type, code } = OPENAI_ERRORS[status];
  sendJson(response, status, { error: { message, type, param, code } }, headers);
}

const DEFAULT_ERROR_MESSAGES: Record<OpenAiErrorStatus, string> = {
  400: 'Invalid request',
  401: 'Incorrect API key provided.',
  403: 'Country, region, or territory not supported',
  404: 'The model does not exist or you do not have access to it.',
  429: 'Rate limit reached for requests. Please try again later.',
  500: 'The server had an error while processing your request. Sorry about that!',
  503: 'The engine is currently overloaded, please try again later.',
};

/** Sends a scripted failure: an error with the real status and body, a cut-off body, or no answer at all. */
async function sendFault(fault: FakeOpenAiFault, response: ServerResponse): Promise<void> {
  switch (fault.kind) {
    case 'hang':
      await new Promise<void>((resolve) => response.on('close', resolve));
      return;
    case 'malformed_json':
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"message":');
      return;
    case 'error': {
      const headers: Record<string, string> = {};
      if (fault.retryAfterMs !== undefined) {
        headers['retry-after'] = String(Math.ceil(fault.retryAfterMs / 1000));
        headers['retry-after-ms'] = String(fault.retryAfterMs);
      }
      if (fault.status === 429) headers['x-ratelimit-remaining-requests'] = '0';
      sendError(response, fault.status, fault.message ?? DEFAULT_ERROR_MESSAGES[fault.status], headers);
    }
  }
}

/** A scripted answer and how many more requests it answers. */
interface Step<Reply> {
  reply: Reply;
  remaining: number;
  delayMs: number | undefined;
}

function newStep<Reply>(reply: Reply, times: number, delayMs: number | undefined): Step<Reply> {
  if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
  return { reply, remaining: times, delayMs };
}

/** The step answering this request, if any; it leaves the queue once used up. */
function takeStep<Reply>(steps: Array<Step<Reply>>): Step<Reply> | undefined {
  const step = steps[0];
  if (step) {
    step.remaining -= 1;
    if (step.remaining === 0) steps.shift();
  }
  return step;
}

function bearerKey(request: IncomingMessage): string | null {
  return /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? null;
}

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const requests: RecordedExchange[] = [];
  const completions: FakeChatRequest[] = [];
  const steps: Array<Step<FakeOpenAiReply>> = [];
  const embeddingSteps: Array<Step<FakeEmbeddingsReply>> = [];
  const embeddings: FakeEmbeddingsRequest[] = [];
  let handler = options.handler ?? defaultHandler;
  const apiKeys = options.apiKeys ? new Set(options.apiKeys) : null;

  const answer = async (reply: FakeOpenAiReply, request: FakeChatRequest, response: ServerResponse) => {
    switch (reply.kind) {
      case 'hang':
      case 'malformed_json':
      case 'error':
        await sendFault(reply, response);
        return;
      default: {
        const content =
          reply.kind === 'json' ? JSON.stringify(reply.content) : reply.kind === 'text' ? reply.text : null;
        const usage: FakeOpenAiUsage = {
          prompt_tokens: request.estimatedPromptTokens,
          completion_tokens: estimateTokens(content ?? (reply.kind === 'refusal' ? reply.refusal : '')),
          cached_tokens: 0,
          ...reply.usage,
        };
        sendJson(response, 200, {
          id: randomId('chatcmpl'),
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: request.body.model,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content,
                refusal: reply.kind === 'refusal' ? reply.refusal : null,
                annotations: [],
              },
              logprobs: null,
              finish_reason: reply.kind === 'text' ? (reply.finishReason ?? 'stop') : 'stop',
            },
          ],
          usage: {
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
            total_tokens: usage.prompt_tokens + usage.completion_tokens,
            prompt_tokens_details: { cached_tokens: usage.cached_tokens, audio_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
          },
          service_tier: 'default',
          system_fingerprint: 'fp_fake',
        });
      }
    }
  };

  /** Authenticates and parses a request body with `schema`; answers the refusal itself and gives null then. */
  const accept = async <T>(
    request: IncomingMessage,
    response: ServerResponse,
    schema: z.ZodType<T>,
  ): Promise<T | null> => {
    const apiKey = bearerKey(request);
    if (apiKey === null || (apiKeys && !apiKeys.has(apiKey))) {
      sendError(response, 401, apiKey ? DEFAULT_ERROR_MESSAGES[401] : "You didn't provide an API key.");
      return null;
    }
    const raw = await readBody(request, MAX_REQUEST_BYTES);
    if (raw === null) {
      sendError(response, 400, 'Request too large');
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      sendError(response, 400, 'We could not parse the JSON body of your request.');
      return null;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue?.path.join('.') ?? null;
      const message =
        issue?.code === 'unrecognized_keys'
          ? `Unrecognized request argument supplied: ${issue.keys.join(', ')}`
          : `Invalid value for '${param}': ${issue?.message}`;
      sendError(response, 400, message, {}, param);
      return null;
    }
    return parsed.data;
  };

  const handleEmbeddings = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await accept(request, response, embeddingsRequestSchema);
    if (body === null) return;
    const check = checkEmbeddingsRequest(body);
    if (!check.ok) {
      sendError(response, check.status, check.message, {}, check.param);
      return;
    }
    const received: FakeEmbeddingsRequest = {
      body,
      headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])),
      inputs: check.inputs,
      dimensions: check.dimensions,
      estimatedPromptTokens: check.promptTokens,
    };
    embeddings.push(received);
    const step = takeStep(embeddingSteps);
    await server.wait(step?.delayMs ?? options.latencyMs ?? 0);
    const reply = step?.reply ?? { kind: 'vectors' };
    if (reply.kind !== 'vectors') {
      await sendFault(reply, response);
      return;
    }
    // The real API answers float numbers unless base64 is asked for (the SDK asks for it by default).
    const format = body.encoding_format ?? 'float';
    const promptTokens = reply.promptTokens ?? check.promptTokens;
    sendJson(response, 200, {
      object: 'list',
      data: check.inputs.map((input, index) => ({
        object: 'embedding',
        index,
        embedding: encodeEmbedding(fakeEmbedding(input, check.dimensions), format),
      })),
      model: body.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/v1/embeddings' && request.method === 'POST') {
      await handleEmbeddings(request, response);
      return;
    }
    if (path !== '/v1/chat/completions' || request.method !== 'POST') {
      sendError(response, 404, `Invalid URL (${request.method} ${path})`);
      return;
    }
    const body = await accept(request, response, chatCompletionRequestSchema);
    if (body === null) return;
    if (body.stream) {
      sendError(response, 400, 'stream: the fake OpenAI server does not implement streaming', {}, 'stream');
      return;
    }
    const format = body.response_format;
    let jsonSchema: FakeChatRequest['jsonSchema'] = null;
    if (format?.type === 'json_schema') {
      const { name, schema = {}, strict } = format.json_schema;
      if (strict) {
        const problem = strictSchemaProblem(schema);
        if (problem) {
          sendError(response, 400, `Invalid schema for response_format '${name}': ${problem}`, {}, 'response_format');
          return;
        }
      }
      jsonSchema = { name, schema, strict: strict === true };
    }
    const text = body.messages
      .map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content)))
      .join('\n');
    const received: FakeChatRequest = {
      body,
      headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])),
      jsonSchema,
      estimatedPromptTokens: estimateTokens(text + (jsonSchema ? JSON.stringify(jsonSchema.schema) : '')),
    };
    completions.push(received);
    const step = takeStep(steps);
    await server.wait(step?.delayMs ?? options.latencyMs ?? 0);
    await answer(step ? step.reply : await handler(received), received, response);
  };

  const server = await startLoopbackServer((request, response) => handle(request, response), requests);
  return {
    url: server.url,
    requests,
    completions,
    embeddings,
    script(reply, { times = 1, delayMs } = {}) {
      steps.push(newStep(reply, times, delayMs));
    },
    scriptEmbeddings(reply, { times = 1, delayMs } = {}) {
      embeddingSteps.push(newStep(reply, times, delayMs));
    },
    setHandler(next) {
      handler = next;
    },
    close: () => server.close(),
  };
}
