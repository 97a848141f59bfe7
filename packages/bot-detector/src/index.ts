export { extractFeatures, type FeatureVector, MODEL_FEATURES, type ModelFeature } from './features.js';
export { attributeForest, type FlatTree, type PathAttribution, predictForest } from './forest.js';
export {
  BOT_MODEL_NAME,
  BOT_MODEL_VERSION,
  type BotModel,
  type BotModelFile,
  botModelFileSchema,
  createBotModel,
  loadBotModel,
  MODELS_DIRECTORY,
  modelFileName,
  readBotModelFile,
  saveBotModelFile,
} from './model.js';
