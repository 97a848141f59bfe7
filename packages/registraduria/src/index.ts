export {
  RegistraduriaClient,
  type RegistraduriaOptions,
  registraduriaOptionsSchema,
  type ScraperStats,
} from './client.js';
export { type OfflineFolderOptions, OfflineFolderSource, offlineFolderOptionsSchema } from './folder-source.js';
export { type IndexEntry, type MesaIndex, parseMesaIndex } from './index-file.js';
export { type PublishedFileRef, parsePublishedPath, publishedFilePath, siteUrl } from './layout.js';
export {
  E14FileSource,
  type FetchOptions,
  type FileOrigin,
  type FileOutcome,
  type FileResult,
  type MesaResult,
} from './source.js';
export {
  KeyValueValidatorStore,
  MemoryValidatorStore,
  type StoredValidators,
  type StringStore,
  storedValidatorsSchema,
  type ValidatorStore,
} from './validators.js';
export { type BodyVerdict, judgeBody } from './verdict.js';
