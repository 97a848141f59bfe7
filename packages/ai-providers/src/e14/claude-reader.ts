import { createHash } from 'node:crypto';
import Anthropic, { AnthropicError, APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import type { Field } from '@castor/contracts';
import {
  DEFAULT_RESILIENCE,
  ProviderError,
  Resilience,
  type ResilienceOptions,
  retryAfterMs,
} from '@castor/resilience';
import { z } from 'zod';
import type { TokenUsage } from '../core/pricing.js';
import type { ResponseCache } from '../core/response-cache.js';
import type { UsageLedger } from '../core/usage-ledger.js';
import {
  E14_IMAGE_MEDIA_TYPES,
  type E14FieldReader,
  type E14ReaderInfo,
  type E14Reading,
  type E14ReadRequest,
  e14ReadingSchema,
} from './field-reader.js';
import {
  E14_READER_PROMPT_VERSION,
  E14_READER_SYSTEM_PROMPT,
  E14_READER_TOOL_NAME,
  type E14ToolInput,
  e14ReaderInstructions,
  e14ToolInputJsonSchema,
  e14ToolInputSchema,
} from './reader-v2.js';

const PROVIDER = 'anthropic';
/** The API's limit for one base64 image. */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_IMAGES = 20;

export interface ClaudeE14ReaderOptions {
  apiKey: string;
  /** Default https://api.anthropic.com; tests point it at @castor/fake-apis. */
  baseURL: string;
  model: string;
  maxTokens?: number;
  /**
   * `auto` (default) offers the tool and instructs the model to call it, which every current
   * model accepts; `forced` sets tool_choice to the tool, which older models (4.x) need for a
   * guaranteed tool call but newer ones refuse (Sonnet 5.5 answers forced tool use with a 400).
   */
  toolChoice?: 'auto' | 'forced';
  /** Resilience settings for this provider; or a shared instance, so several readers share one breaker. */
  resilience?: Partial<Omit<ResilienceOptions, 'provider' | 'classify'>> | Resilience;
  cache?: ResponseCache;
  ledger?: UsageLedger;
}

/** Maps what the SDK throws to typed provider errors; the SDK's own retries are off, ours apply. */
export function classifyAnthropicError(error: unknown): ProviderError {
  const provider = PROVIDER;
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError('PROVIDER_TIMEOUT', provider, 'Anthropic did not answer in time', { cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new ProviderError('PROVIDER_UNAVAILABLE', provider, `Anthropic unreachable: ${error.message}`, {
      cause: error,
    });
  }
  if (error instanceof APIError && error.status !== undefined) {
    const details = { status: error.status, retryAfterMs: retryAfterMs(error.headers), cause: error };
    const what = `Anthropic answered ${error.status} ${error.type ?? ''}`.trim();
    if (error.status === 429) return new ProviderError('PROVIDER_RATE_LIMITED', provider, what, details);
    if (error.status === 401 || error.status === 403)
      return new ProviderError('PROVIDER_AUTH_FAILED', provider, what, details);
    if (error.status === 408 || error.status === 409 || error.status >= 500) {
      return new ProviderError('PROVIDER_UNAVAILABLE', provider, what, details);
    }
    return new ProviderError('PROVIDER_REJECTED', provider, `${what}: ${error.apiMessage ?? ''}`, details);
  }
  if (error instanceof SyntaxError || error instanceof AnthropicError) {
    return new ProviderError(
      'PROVIDER_BAD_RESPONSE',
      provider,
      `Anthropic sent an unreadable answer: ${error.message}`,
      {
        cause: error,
      },
    );
  }
  return new ProviderError('PROVIDER_UNAVAILABLE', provider, `Anthropic call failed: ${String(error)}`, {
    cause: error,
  });
}

/** The parts of a Messages response the reader relies on, checked rather than trusted. */
const messageSchema = z.object({
  type: z.literal('message'),
  model: z.string(),
  stop_reason: z.string().nullable(),
  content: z.array(z.looseObject({ type: z.string() })),
  usage: z.object({
    input_tokens: z.number().int().min(0),
    output_tokens: z.number().int().min(0),
    cache_creation_input_tokens: z.number().int().min(0).nullish(),
    cache_read_input_tokens: z.number().int().min(0).nullish(),
  }),
});
const toolUseSchema = z.object({ type: z.literal('tool_use'), name: z.string(), input: z.unknown() });

const hasMagic = (bytes: Uint8Array, magic: number[]) => magic.every((byte, index) => bytes[index] === byte);
const MAGIC: Record<(typeof E14_IMAGE_MEDIA_TYPES)[number], number[]> = {
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff],
};

/**
 * Reads E-14 page images with Claude Vision: one Messages call per request with the images and a
 * versioned prompt, the answer taken from a tool call whose JSON schema is generated from the same
 * zod schema that validates it. A malformed answer is PROVIDER_BAD_RESPONSE (and its tokens are
 * still accounted); results are cached by the images' SHA-256, prompt version, model and hints.
 */
export class ClaudeE14Reader implements E14FieldReader {
  readonly info: E14ReaderInfo;
  readonly resilience: Resilience;
  /** Private so the client (which holds the API key) never shows up in logs or inspection. */
  readonly #client: Anthropic;
  readonly #options: Required<Pick<ClaudeE14ReaderOptions, 'model' | 'maxTokens' | 'toolChoice'>> &
    Pick<ClaudeE14ReaderOptions, 'cache' | 'ledger'>;
  readonly #inFlight = new Map<string, { reading: Promise<E14Reading>; signal: AbortSignal | undefined }>();

  constructor(options: ClaudeE14ReaderOptions) {
    if (!options.apiKey) throw new ProviderError('PROVIDER_NOT_CONFIGURED', PROVIDER, 'ANTHROPIC_API_KEY is not set');
    this.resilience =
      options.resilience instanceof Resilience
        ? options.resilience
        : new Resilience({
            ...DEFAULT_RESILIENCE,
            ...options.resilience,
            provider: PROVIDER,
            classify: classifyAnthropicError,
          });
    this.#client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: 0,
      logLevel: 'off',
    });
    this.#options = {
      model: options.model,
      // Room for adaptive thinking (on by default in 5.x models) before the tool call.
      maxTokens: options.maxTokens ?? 16_384,
      toolChoice: options.toolChoice ?? 'auto',
      cache: options.cache,
      ledger: options.ledger,
    };
    this.info = {
      id: `${PROVIDER}:${options.model}`,
      kind: 'vision-llm',
      offline: false,
      model: options.model,
      prompt: E14_READER_PROMPT_VERSION,
    };
  }

  async read(request: E14ReadRequest, options: { signal?: AbortSignal } = {}): Promise<E14Reading> {
    this.checkImages(request);
    const imageSha256 = request.images.map((image) => createHash('sha256').update(image.bytes).digest('hex'));
    // One image (the usual case) is keyed by its own SHA-256; several by the hash of their hashes.
    const imagesDigest =
      imageSha256.length === 1
        ? (imageSha256[0] ?? '')
        : createHash('sha256').update(imageSha256.join(',')).digest('hex');
    const cacheKey = [
      'e14',
      E14_READER_PROMPT_VERSION,
      this.#options.model,
      this.#options.toolChoice,
      imagesDigest,
      createHash('sha256')
        .update(JSON.stringify({ hints: request.hints ?? null, pages: request.images.map((image) => image.page) }))
        .digest('hex')
        .slice(0, 16),
    ].join(':');

    // Two jobs for the same images at once share one call instead of paying twice, when they can
    // be cancelled together (same signal or none); otherwise one's cancellation would fail the other.
    const pending = this.#inFlight.get(cacheKey);
    if (pending && pending.signal === options.signal) return pending.reading;
    const reading = this.readThroughCache(cacheKey, imageSha256, request, options.signal);
    if (!pending) {
      this.#inFlight.set(cacheKey, { reading, signal: options.signal });
      reading.finally(() => this.#inFlight.delete(cacheKey)).catch(() => undefined);
    }
    return reading;
  }

  private checkImages(request: E14ReadRequest) {
    const invalid = (message: string) => new ProviderError('PROVIDER_INVALID_INPUT', PROVIDER, message);
    if (request.images.length === 0) throw invalid('no page image to read');
    if (request.images.length > MAX_IMAGES) throw invalid(`at most ${MAX_IMAGES} images per reading`);
    for (const [index, image] of request.images.entries()) {
      if (!E14_IMAGE_MEDIA_TYPES.includes(image.mediaType))
        throw invalid(`image ${index + 1}: ${image.mediaType} is not PNG or JPEG`);
      if (!hasMagic(image.bytes, MAGIC[image.mediaType])) {
        throw invalid(`image ${index + 1}: its bytes are not ${image.mediaType}`);
      }
      if (image.bytes.length > MAX_IMAGE_BYTES) throw invalid(`image ${index + 1} is over the 5 MB the API accepts`);
    }
  }

  private async readThroughCache(
    cacheKey: string,
    imageSha256: string[],
    request: E14ReadRequest,
    signal: AbortSignal | undefined,
  ): Promise<E14Reading> {
    const started = performance.now();
    const cached = await this.#options.cache?.get(cacheKey, e14ReadingSchema);
    if (cached) {
      const durationMs = performance.now() - started;
      this.#options.ledger?.record({
        provider: PROVIDER,
        model: this.#options.model,
        operation: 'e14.read',
        subject: imageSha256.join(','),
        usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 },
        cached: true,
        attempts: 0,
        durationMs,
        outcome: 'ok',
      });
      return {
        ...cached,
        usage: { inputTokens: 0, outputTokens: 0, costUsd: 0, cached: true, attempts: 0, durationMs },
      };
    }
    const reading = await this.callModel(imageSha256, request, signal, started);
    await this.#options.cache?.set(cacheKey, reading);
    return reading;
  }

  private async callModel(
    imageSha256: string[],
    request: E14ReadRequest,
    signal: AbortSignal | undefined,
    started: number,
  ): Promise<E14Reading> {
    const body: Anthropic.MessageCreateParamsNonStreaming = {
      model: this.#options.model,
      max_tokens: this.#options.maxTokens,
      system: E14_READER_SYSTEM_PROMPT,
      tools: [
        {
          name: E14_READER_TOOL_NAME,
          description: 'Record everything read from the E-14 sheet: header codes and every value field.',
          input_schema: e14ToolInputJsonSchema,
        },
      ],
      tool_choice:
        this.#options.toolChoice === 'forced' ? { type: 'tool', name: E14_READER_TOOL_NAME } : { type: 'auto' },
      messages: [
        {
          role: 'user',
          content: [
            ...request.images.map((image) => ({
              type: 'image' as const,
              source: {
                type: 'base64' as const,
                media_type: image.mediaType,
                data: Buffer.from(image.bytes).toString('base64'),
              },
            })),
            {
              type: 'text' as const,
              text: e14ReaderInstructions(
                request.images.map((image) => image.page),
                request.hints,
              ),
            },
          ],
        },
      ],
    };
    const { value: raw, attempts } = await this.resilience.execute(
      (attemptSignal) => this.#client.messages.create(body, { signal: attemptSignal }),
      signal,
    );
    const durationMs = performance.now() - started;

    const message = messageSchema.safeParse(raw);
    if (!message.success) {
      throw this.badResponse('the answer is not a Messages response', attempts, message.error);
    }
    const usage: TokenUsage = {
      inputTokens: message.data.usage.input_tokens,
      outputTokens: message.data.usage.output_tokens,
      cacheWriteTokens: message.data.usage.cache_creation_input_tokens ?? 0,
      cacheReadTokens: message.data.usage.cache_read_input_tokens ?? 0,
    };
    const account = (outcome: 'ok' | 'bad_response') =>
      this.#options.ledger?.record({
        provider: PROVIDER,
        model: message.data.model,
        operation: 'e14.read',
        subject: imageSha256.join(','),
        usage,
        cached: false,
        attempts,
        durationMs,
        outcome,
      });

    let input: E14ToolInput;
    try {
      input = this.toolInput(message.data, request.images.length);
    } catch (error) {
      account('bad_response');
      throw this.badResponse((error as Error).message, attempts, error);
    }
    const record = account('ok');
    return {
      reader: this.info,
      imageSha256,
      header: input.header,
      fields: this.toFields(input, request),
      ...(input.notes ? { notes: input.notes } : {}),
      usage: {
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        costUsd: record ? record.costUsd : null,
        cached: false,
        attempts,
        durationMs,
      },
    };
  }

  private badResponse(reason: string, attempts: number, cause: unknown): ProviderError {
    const error = new ProviderError(
      'PROVIDER_BAD_RESPONSE',
      PROVIDER,
      `unusable E-14 reading from Anthropic: ${reason}`,
      {
        cause,
      },
    );
    error.attempts = attempts;
    return error;
  }

  private toolInput(message: z.output<typeof messageSchema>, imageCount: number): E14ToolInput {
    if (message.stop_reason === 'max_tokens') throw new Error('the answer was cut at max_tokens');
    if (message.stop_reason === 'refusal') throw new Error('the model refused to answer');
    const calls = message.content
      .map((block) => toolUseSchema.safeParse(block))
      .filter((parsed) => parsed.success && parsed.data.name === E14_READER_TOOL_NAME);
    const [call] = calls;
    if (!call?.success) throw new Error(`no ${E14_READER_TOOL_NAME} tool call in the answer`);
    if (calls.length > 1) throw new Error(`${E14_READER_TOOL_NAME} was called ${calls.length} times`);
    const parsed = e14ToolInputSchema.safeParse(call.data.input);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new Error(`the tool input does not match ${E14_READER_PROMPT_VERSION}: ${issues.join('; ')}`);
    }
    const stray = parsed.data.fields.find((field) => field.region.image > imageCount);
    if (stray) throw new Error(`${stray.path} points at image ${stray.region.image}, but ${imageCount} were sent`);
    return parsed.data;
  }

  private toFields(input: E14ToolInput, request: E14ReadRequest): Record<string, Field> {
    const fields: Record<string, Field> = {};
    for (const field of input.fields) {
      // toolInput() checked that every region points at an image that was sent.
      const page = request.images[field.region.image - 1]?.page ?? field.region.image;
      fields[field.path] = {
        state: field.state,
        value: field.value,
        confidence: field.confidence,
        overwritten: field.overwritten,
        readBy: this.info.id,
        crop: {
          page,
          x: field.region.x,
          y: field.region.y,
          width: field.region.width,
          height: field.region.height,
          ...(request.documentHash ? { documentHash: request.documentHash } : {}),
        },
      };
    }
    return fields;
  }
}
