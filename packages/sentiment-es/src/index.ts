export { COLOMBIAN_LEXICON } from './colombian-lexicon.js';
export {
  type Agreement,
  type Distillation,
  type DistillationInput,
  type DistillationReport,
  distillSentiment,
} from './distillation.js';
export {
  extractFeatures,
  FEATURE_SPEC,
  type PostFeatures,
  RULE_FEATURES,
  RULE_PRIOR,
  type RuleFeature,
} from './features.js';
export { type Lexicon, lookUpWord, spanishLexicon } from './lexicon.js';
export { type ClassMetrics, cohenKappa, type Evaluation, evaluate, meanAndDeviation } from './metrics.js';
export {
  CURRENT_MODEL_VERSION,
  createSentimentModel,
  loadSentimentModel,
  MODEL_VERSION_PATTERN,
  MODELS_DIRECTORY,
  type ModelFile,
  modelFileName,
  modelFileSchema,
  OFFLINE_MODEL_NAME,
  readModelFile,
  SENTIMENT_LABELS,
  type SentimentLabel,
  type SentimentModel,
  type SentimentScore,
  saveModelFile,
  scoreFromProbabilities,
  toModelFile,
} from './model.js';
export {
  LLM_SENTIMENT_PROMPT_VERSION,
  LLM_SENTIMENT_SYSTEM_PROMPT,
  LLM_SENTIMENT_TASK,
  type LlmClient,
  type LlmProviderOptions,
  type LlmSentimentAnswer,
  llmSentimentAnswerSchema,
  llmSentimentPrompt,
  llmSentimentProvider,
} from './providers/llm.js';
export { mapModelLabels, OnnxModelError, type OnnxProviderOptions, onnxSentimentProvider } from './providers/onnx.js';
export { offlineSentimentProvider, type ProviderScore, type SentimentProvider } from './providers/provider.js';
export { SENTIMP_SPLIT, sentimpSplit } from './sentimp-split.js';
export { lossAndGradient, type SoftmaxExample, type SoftmaxWeights, trainSoftmax } from './softmax.js';
export { splitHashtag, tokenize } from './text.js';
export {
  type LabelledPost,
  parseCsv,
  parseSentimp,
  sentimpCsvPath,
  stratifiedFolds,
  stratifiedSplit,
  type TrainedModel,
  type TrainingOptions,
  trainSentimentModel,
} from './training.js';
