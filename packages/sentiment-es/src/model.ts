import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { extractFeatures, FEATURE_SPEC, HASH_BITS, type PostFeatures, RULE_FEATURES } from './features.js';
import { spanishLexicon } from './lexicon.js';
import { predictInto, type SoftmaxWeights, type SparseRow } from './softmax.js';

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export const MODEL_FORMAT = 'castor-sentiment-softmax';
/** The offline provider's name: every score it gives says it came from here. */
export const OFFLINE_MODEL_NAME = 'castor-sentiment-es-offline';
export const CURRENT_MODEL_VERSION = 'v1';

export const MODELS_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', 'models');

export function modelFileName(version: string): string {
  return `${OFFLINE_MODEL_NAME}-${version}.json`;
}

export const MODEL_VERSION_PATTERN = /^v\d+(?:\+distilled-\d{8}-[0-9a-f]{8})?$/;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const modelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  name: z.string().min(1),
  /** "v1", or a model distilled from it: "v1+distilled-20261206-1a2b3c4d". */
  version: z.string().regex(MODEL_VERSION_PATTERN),
  createdAt: z.string(),
  featureSpec: z.string(),
  labels: z.tuple([z.literal('negative'), z.literal('neutral'), z.literal('positive')]),
  ruleFeatures: z.array(z.string()),
  bias: z.array(z.number()).length(3),
  /** One row of rule weights per label. */
  rules: z.array(z.array(z.number())).length(3),
  ngrams: z.object({
    /** Hashed n-gram buckets the model kept, ascending, as little-endian int32. */
    buckets: base64,
    /** One row of weights per label over those buckets, as little-endian float32. */
    weights: base64,
  }),
  training: z.record(z.string(), z.unknown()),
  attribution: z.array(z.string()),
});
export type ModelFile = z.infer<typeof modelFileSchema>;

export interface SentimentScore {
  label: SentimentLabel;
  /** P(positive) − P(negative): -1 (negative) .. 1 (positive). */
  score: number;
  probabilities: Record<SentimentLabel, number>;
}

/** The most probable label (a tie goes to the earlier of negative, neutral, positive) and P(positive) − P(negative). */
export function scoreFromProbabilities(probabilities: Record<SentimentLabel, number>): SentimentScore {
  const { negative, neutral, positive } = probabilities;
  const label: SentimentLabel =
    positive > negative && positive > neutral ? 'positive' : neutral > negative ? 'neutral' : 'negative';
  return { label, score: positive - negative, probabilities: { negative, neutral, positive } };
}

export interface SentimentModel {
  modelName: string;
  modelVersion: string;
  score(texts: readonly string[]): SentimentScore[];
}

/** The n-gram buckets a model knows; bucket `buckets[k]` has weight column k. */
export interface Vocabulary {
  buckets: Int32Array;
  /** Column of every bucket of the hash space, -1 for the unknown: a look-up per n-gram. */
  columnOf: Int32Array;
}

export function createVocabulary(buckets: Iterable<number>): Vocabulary {
  const sorted = Int32Array.from(new Set(buckets)).sort();
  const columnOf = new Int32Array(2 ** HASH_BITS).fill(-1);
  sorted.forEach((bucket, column) => {
    if (bucket < 0 || bucket >= columnOf.length) throw new Error(`n-gram bucket ${bucket} is outside the hash space`);
    columnOf[bucket] = column;
  });
  return { buckets: sorted, columnOf };
}

/** A post's n-grams as a unit-length row over the vocabulary (unknown buckets dropped). */
export function sparseRow(features: PostFeatures, vocabulary: Vocabulary): SparseRow {
  const columns: number[] = [];
  const counts: number[] = [];
  let squares = 0;
  for (const [bucket, count] of features.buckets) {
    const column = vocabulary.columnOf[bucket] as number;
    if (column < 0) continue;
    columns.push(column);
    counts.push(count);
    squares += count * count;
  }
  const norm = squares > 0 ? Math.sqrt(squares) : 1;
  return { columns: Int32Array.from(columns), values: Float64Array.from(counts, (count) => count / norm) };
}

function encode(values: Int32Array | Float32Array): string {
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Int32Array) bytes.writeInt32LE(values[i] as number, i * 4);
    else bytes.writeFloatLE(values[i] as number, i * 4);
  }
  return bytes.toString('base64');
}

function decode(text: string, kind: 'int32' | 'float32', what: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new Error(`${what}: ${bytes.length} bytes is not a whole number of values`);
  const values: number[] = [];
  for (let at = 0; at < bytes.length; at += 4)
    values.push(kind === 'int32' ? bytes.readInt32LE(at) : bytes.readFloatLE(at));
  return values;
}

/** A trained model in the committed file format. */
export function toModelFile(
  weights: SoftmaxWeights,
  vocabulary: Vocabulary,
  details: Pick<ModelFile, 'version' | 'createdAt' | 'training' | 'attribution'>,
): ModelFile {
  if (weights.sparseSize !== vocabulary.buckets.length) {
    throw new Error(`${weights.sparseSize} n-gram weight columns for ${vocabulary.buckets.length} buckets`);
  }
  const rows = (values: Float64Array, width: number) =>
    SENTIMENT_LABELS.map((_, c) => Array.from(values.subarray(c * width, (c + 1) * width)));
  return {
    format: MODEL_FORMAT,
    name: OFFLINE_MODEL_NAME,
    featureSpec: FEATURE_SPEC,
    labels: [...SENTIMENT_LABELS],
    ruleFeatures: [...RULE_FEATURES],
    bias: Array.from(weights.bias),
    rules: rows(weights.dense, weights.denseSize),
    ngrams: { buckets: encode(vocabulary.buckets), weights: encode(Float32Array.from(weights.sparse)) },
    ...details,
  };
}

/** Checks a model file against this code's features and builds the scorer. */
export function createSentimentModel(file: ModelFile): SentimentModel {
  if (file.featureSpec !== FEATURE_SPEC) {
    throw new Error(
      `model ${file.name} ${file.version} was trained on features ${file.featureSpec}, this code computes ${FEATURE_SPEC}`,
    );
  }
  if (
    file.ruleFeatures.join() !== RULE_FEATURES.join() ||
    file.rules.some((row) => row.length !== RULE_FEATURES.length)
  ) {
    throw new Error(`model ${file.name} ${file.version}: its rule features differ from this code's`);
  }
  const buckets = decode(file.ngrams.buckets, 'int32', 'ngrams.buckets');
  const sparse = decode(file.ngrams.weights, 'float32', 'ngrams.weights');
  if (sparse.length !== SENTIMENT_LABELS.length * buckets.length) {
    throw new Error(
      `ngrams.weights: expected ${SENTIMENT_LABELS.length * buckets.length} values, found ${sparse.length}`,
    );
  }
  const weights: SoftmaxWeights = {
    classes: SENTIMENT_LABELS.length,
    denseSize: RULE_FEATURES.length,
    sparseSize: buckets.length,
    bias: Float64Array.from(file.bias),
    dense: Float64Array.from(file.rules.flat()),
    sparse: Float64Array.from(sparse),
  };
  const vocabulary = createVocabulary(buckets);
  if (vocabulary.buckets.length !== buckets.length || vocabulary.buckets.some((bucket, k) => bucket !== buckets[k])) {
    throw new Error('ngrams.buckets: not strictly ascending');
  }
  const lexicon = spanishLexicon();
  const probabilities = new Float64Array(SENTIMENT_LABELS.length);
  return {
    modelName: file.name,
    modelVersion: file.version,
    score(texts) {
      return texts.map((text) => {
        const features = extractFeatures(text, lexicon);
        predictInto(weights, features.rules, sparseRow(features, vocabulary), probabilities);
        const [negative, neutral, positive] = probabilities as unknown as [number, number, number];
        return scoreFromProbabilities({ negative, neutral, positive });
      });
    },
  };
}

export async function readModelFile(version = CURRENT_MODEL_VERSION): Promise<ModelFile> {
  const text = await readFile(join(MODELS_DIRECTORY, modelFileName(version)), 'utf8');
  return modelFileSchema.parse(JSON.parse(text));
}

/** The committed offline model (the current version unless told otherwise), ready to score. */
export async function loadSentimentModel(version = CURRENT_MODEL_VERSION): Promise<SentimentModel> {
  return createSentimentModel(await readModelFile(version));
}

export async function saveModelFile(file: ModelFile): Promise<string> {
  const path = join(MODELS_DIRECTORY, modelFileName(file.version));
  await writeFile(path, `${JSON.stringify(file, null, 1)}\n`);
  return path;
}
