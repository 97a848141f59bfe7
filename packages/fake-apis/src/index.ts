export {
  ANTHROPIC_ERROR_TYPES,
  type AnthropicErrorStatus,
  type AnthropicErrorType,
  type FakeAnthropic,
  type FakeAnthropicOptions,
  type FakeAnthropicReply,
  type FakeMessagesHandler,
  type FakeMessagesRequest,
  type FakeUsage,
  type MessagesRequest,
  messagesRequestSchema,
  type ReceivedImage,
  readingsBySha256,
  type ScriptOptions,
  startFakeAnthropic,
} from './anthropic.js';
export * from './chroma.js';
export type { RecordedExchange } from './http.js';
export { imageTokens, type SniffedImage, sniffImage } from './images.js';
export * from './openai.js';
export * from './openai-embeddings.js';
export { grayscalePng } from './png.js';
export {
  DEFAULT_INDEX_PATH,
  type FakeMesaCodes,
  type FakeRegistraduria,
  type FakeRegistraduriaOptions,
  type IndexNode,
  PUBLISHED_PATH_PATTERN,
  type PublishedFile,
  publishedPath,
  type RegistraduriaInjection,
  type RegistraduriaScriptOptions,
  startFakeRegistraduria,
  syntheticTransmissionCode,
} from './registraduria.js';
export * from './x.js';
