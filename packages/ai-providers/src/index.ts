export {
  type AnthropicReaderConfig,
  type AnthropicReaderSetup,
  anthropicReaderConfigFromEnv,
  anthropicReaderEnvSchema,
} from './config.js';
export {
  ANTHROPIC_PRICES,
  type ModelPrice,
  modelPriceSchema,
  PricingTable,
  pricingTableSchema,
  type TokenUsage,
} from './core/pricing.js';
export { ResponseCache } from './core/response-cache.js';
export { UsageLedger, type UsageRecord, type UsageTotals } from './core/usage-ledger.js';
export { ClaudeE14Reader, type ClaudeE14ReaderOptions, classifyAnthropicError } from './e14/claude-reader.js';
export {
  E14_FIELD_PATH_PATTERN,
  E14_IMAGE_MEDIA_TYPES,
  type E14FieldPath,
  type E14FieldReader,
  type E14Header,
  type E14PageImage,
  type E14ReaderInfo,
  type E14ReadHints,
  type E14Reading,
  type E14ReadRequest,
  e14FieldPathSchema,
  e14HeaderSchema,
  e14ReadingSchema,
} from './e14/field-reader.js';
export {
  E14_READER_PROMPT_VERSION,
  E14_READER_SYSTEM_PROMPT,
  E14_READER_TOOL_NAME,
  type E14ToolInput,
  e14ToolInputJsonSchema,
  e14ToolInputSchema,
} from './e14/reader-v2.js';
export {
  type EmbeddingConfig,
  type EmbeddingResilienceConfig,
  embeddingConfigFromEnv,
  embeddingEnvSchema,
  OPENAI_EMBEDDING_MODELS,
  OPENAI_EMBEDDING_REQUEST_LIMITS,
} from './embeddings/config.js';
export {
  type Embedder,
  type EmbedderDependencies,
  embedderFromConfig,
  OpenAiEmbedder,
} from './embeddings/embedder.js';
export { createLlmClient, FallbackLlmClient, type LlmClientDependencies } from './llm/client.js';
export { type LlmConfig, type LlmProviderConfig, llmConfigFromEnv, llmEnvSchema } from './llm/config.js';
export { LOCAL_MODEL_PRICE, OPENAI_PRICES } from './llm/prices.js';
export { classifyOpenAiError } from './llm/providers.js';
export type {
  LlmClient,
  LlmLogger,
  LlmProviderName,
  StructuredCompletion,
  StructuredCompletionRequest,
} from './llm/types.js';
