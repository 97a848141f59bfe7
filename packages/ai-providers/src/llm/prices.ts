import type { ModelPrice } from '../core/pricing.js';

const price = (input: number, output: number, cachedInput: number): ModelPrice => ({
  inputPerMTok: input,
  outputPerMTok: output,
  // OpenAI caches prompts automatically and bills no cache writes; cached input is the read rate.
  cacheWritePerMTok: 0,
  cacheReadPerMTok: cachedInput,
});

/**
 * OpenAI's list prices for text and embedding models (USD per million tokens, standard tier) as published in
 * November 2026. Prices change: override them with `OPENAI_PRICING_JSON` rather than editing code.
 */
export const OPENAI_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o': price(2.5, 10, 1.25),
  'gpt-4o-mini': price(0.15, 0.6, 0.075),
  'gpt-4.1': price(2, 8, 0.5),
  'gpt-4.1-mini': price(0.4, 1.6, 0.1),
  'gpt-4.1-nano': price(0.1, 0.4, 0.025),
  'gpt-5': price(1.25, 10, 0.125),
  'gpt-5-mini': price(0.25, 2, 0.025),
  'gpt-5-nano': price(0.05, 0.4, 0.005),
  // Embeddings bill input tokens only.
  'text-embedding-3-small': price(0.02, 0, 0),
  'text-embedding-3-large': price(0.13, 0, 0),
  'text-embedding-ada-002': price(0.1, 0, 0),
};

/** A model on the local Ollama endpoint costs nothing per token. */
export const LOCAL_MODEL_PRICE: ModelPrice = price(0, 0, 0);
