export { baselineLabels } from './baseline.js';
export { COLOMBIAN_LEXICON } from './colombian-lexicon.js';
export {
  extractFeatures,
  FEATURE_SPEC,
  type PostFeatures,
  RULE_FEATURES,
  RULE_PRIOR,
  type RuleFeature,
} from './features.js';
export { type Lexicon, lookUpWord, spanishLexicon } from './lexicon.js';
export { type ClassMetrics, type Evaluation, evaluate, meanAndDeviation } from './metrics.js';
export {
  CURRENT_MODEL_VERSION,
  createSentimentModel,
  loadSentimentModel,
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
  toModelFile,
} from './model.js';
export { SENTIMP_SPLIT, sentimpSplit } from './sentimp-split.js';
export { lossAndGradient, type SoftmaxExample, type SoftmaxWeights, trainSoftmax } from './softmax.js';
export { splitHashtag, tokenize } from './text.js';
export {
  type LabelledPost,
  parseCsv,
  parseSentimp,
  stratifiedFolds,
  stratifiedSplit,
  type TrainedModel,
  type TrainingOptions,
  trainSentimentModel,
} from './training.js';
