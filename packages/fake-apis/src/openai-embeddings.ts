import { z } from 'zod';

/**
 * The Embeddings half of the fake OpenAI server (`POST /v1/embeddings`): the request schema, the
 * real API's limits and a deterministic stand-in for the model. openai.ts routes and answers; this
 * file has no HTTP in it.
 */

/** The embedding models the real API serves: their full size and whether `dimensions` may shorten it. */
export const FAKE_EMBEDDING_MODELS = {
  'text-embedding-3-small': { dimensions: 1536, shortenable: true },
  'text-embedding-3-large': { dimensions: 3072, shortenable: true },
  'text-embedding-ada-002': { dimensions: 1536, shortenable: false },
} as const satisfies Record<string, { dimensions: number; shortenable: boolean }>;

/** The real API's limits: inputs per request, tokens per input (every model above) and per request. */
export const EMBEDDING_LIMITS = { maxInputs: 2048, maxInputTokens: 8192, maxRequestTokens: 300_000 } as const;

const tokenArray = z.array(z.number().int().min(0));

/** The request body; like the real API, an unknown top-level argument is refused. */
export const embeddingsRequestSchema = z.strictObject({
  model: z.string().min(1),
  // Text, texts, or already-tokenized input (token ids), as the real API accepts.
  input: z.union([z.string(), z.array(z.string()), tokenArray, z.array(tokenArray)]),
  dimensions: z.number().int().min(1).optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
});
export type EmbeddingsRequestBody = z.output<typeof embeddingsRequestSchema>;

/** One input as the fake embeds it: a text, or token ids (embedded as the words "t<id>"). */
export type EmbeddingInput = string | readonly number[];

/** Same estimate as the chat fake: about four characters per token. */
export const estimateTextTokens = (text: string) => Math.ceil(text.length / 4);
const tokensOf = (input: EmbeddingInput) => (typeof input === 'string' ? estimateTextTokens(input) : input.length);

export type EmbeddingsCheck =
  | { ok: true; inputs: EmbeddingInput[]; dimensions: number; promptTokens: number }
  | { ok: false; status: 400 | 404; message: string; param: string | null };

const INVALID_INPUT =
  "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

/** What the real API would refuse in a well-formed body, with its status and message; else the inputs to embed. */
export function checkEmbeddingsRequest(body: EmbeddingsRequestBody): EmbeddingsCheck {
  const model = FAKE_EMBEDDING_MODELS[body.model as keyof typeof FAKE_EMBEDDING_MODELS];
  if (!model) {
    return {
      ok: false,
      status: 404,
      message: `The model \`${body.model}\` does not exist or you do not have access to it.`,
      param: null,
    };
  }
  if (body.dimensions !== undefined && !model.shortenable) {
    return { ok: false, status: 400, message: 'This model does not support specifying dimensions.', param: null };
  }
  if (body.dimensions !== undefined && body.dimensions > model.dimensions) {
    return {
      ok: false,
      status: 400,
      message: `Invalid value for 'dimensions' = ${body.dimensions}. Must be less than or equal to ${model.dimensions}.`,
      param: 'dimensions',
    };
  }
  const { input } = body;
  // A flat number array is one tokenized input; an array of arrays is several.
  const inputs: EmbeddingInput[] =
    typeof input === 'string'
      ? [input]
      : input.length > 0 && typeof input[0] === 'number'
        ? [input as number[]]
        : (input as EmbeddingInput[]);
  if (inputs.length === 0 || inputs.some((item) => item.length === 0)) {
    return { ok: false, status: 400, message: INVALID_INPUT, param: 'input' };
  }
  if (inputs.length > EMBEDDING_LIMITS.maxInputs) {
    return {
      ok: false,
      status: 400,
      message: `'$.input' is too long: ${inputs.length} items, at most ${EMBEDDING_LIMITS.maxInputs} are allowed.`,
      param: 'input',
    };
  }
  let promptTokens = 0;
  for (const item of inputs) {
    const tokens = tokensOf(item);
    if (tokens > EMBEDDING_LIMITS.maxInputTokens) {
      return {
        ok: false,
        status: 400,
        message: `This model's maximum context length is ${EMBEDDING_LIMITS.maxInputTokens} tokens, however you requested ${tokens} tokens (${tokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
        param: null,
      };
    }
    promptTokens += tokens;
  }
  if (promptTokens > EMBEDDING_LIMITS.maxRequestTokens) {
    return {
      ok: false,
      status: 400,
      message: `Requested ${promptTokens} tokens, max ${EMBEDDING_LIMITS.maxRequestTokens} tokens per request`,
      param: null,
    };
  }
  return { ok: true, inputs, dimensions: body.dimensions ?? model.dimensions, promptTokens };
}

/** Spanish function words: shared by almost every sentence, they would make unrelated texts look alike. */
const STOPWORDS = new Set(
  (
    'a al algo ante con contra de del desde e el ella ellos en entre era es esa ese eso esta este esto fue ha han hay' +
    ' la las le les lo los mas me mi muy no nos o para pero por que se sin sobre su sus te tu un una unos unas y ya'
  ).split(' '),
);

/** FNV-1a, 32 bits: a stable hash for feature hashing (the same text gives the same vector in every run). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The fake model: a feature-hashed bag of word stems (lower case, accents folded, stop words out,
 * the first five letters kept — a crude Spanish stemmer: "elecciones" and "electoral" share
 * "elecc"/"elect" trigrams, "votantes" and "votación" share "votan"/"votac" trigrams) and of
 * character trigrams, L2-normalised and rounded to float32 as the real API returns. Texts that
 * share words land close together, unrelated texts nearly orthogonal: enough for retrieval tests,
 * and the same input always gives the same vector.
 */
export function fakeEmbedding(input: EmbeddingInput, dimensions: number): Float32Array {
  const vector = new Float64Array(dimensions);
  const add = (feature: string, weight: number) => {
    const hash = fnv1a(feature);
    // The sign from another bit of the hash keeps collisions from adding up into false similarity.
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + (hash & 0x8000_0000 ? -weight : weight);
  };
  const words =
    typeof input === 'string'
      ? input
          .normalize('NFD')
          .replace(/\p{M}/gu, '')
          .toLowerCase()
          .split(/[^\p{L}\p{N}]+/u)
          .filter((word) => word.length > 0 && !STOPWORDS.has(word))
      : input.map((token) => `t${token}`);
  for (const word of words) {
    add(`w:${word.slice(0, 5)}`, 1);
    const padded = `^${word}$`;
    for (let index = 0; index + 3 <= padded.length; index++) add(`g:${padded.slice(index, index + 3)}`, 0.3);
  }
  // Only punctuation or stop words: the text itself is the feature, so every input has a direction.
  if (words.length === 0) add(`raw:${String(input)}`, 1);
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  return Float32Array.from(vector, (value) => value / norm);
}

/** The `embedding` field as the real API encodes it: float32 numbers, or their little-endian bytes in base64. */
export function encodeEmbedding(vector: Float32Array, format: 'float' | 'base64'): number[] | string {
  if (format === 'float') return Array.from(vector);
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}
