import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Tokenizer } from '@huggingface/tokenizers';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { z } from 'zod';
import { SENTIMENT_LABELS, type SentimentLabel, scoreFromProbabilities } from '../model.js';
import type { ProviderScore, SentimentProvider } from './provider.js';

export interface OnnxProviderOptions {
  /** The folder the operator supplies: config.json, tokenizer.json, tokenizer_config.json, model.onnx or onnx/model.onnx. */
  folder: string;
  /** Recorded as `onnx:<name>`; default: config.json's `_name_or_path`, else the folder's name. */
  name?: string;
  /** The model's own label names mapped to ours, for names the provider cannot read (LABEL_0, …). */
  labels?: Readonly<Record<string, SentimentLabel>>;
  /** Texts per inference run. */
  batchSize?: number;
}

/** The folder is missing, incomplete or holds something the provider cannot run. */
export class OnnxModelError extends Error {
  override readonly name = 'OnnxModelError';
}

const configSchema = z.object({
  _name_or_path: z.string().optional(),
  id2label: z.record(z.string().regex(/^\d+$/), z.string()),
  max_position_embeddings: z.number().int().positive().optional(),
  pad_token_id: z.number().int().nonnegative().nullish(),
});
const tokenizerConfigSchema = z
  .object({
    model_max_length: z.number().optional(),
    pad_token: z.union([z.string(), z.object({ content: z.string() })]).nullish(),
  })
  .passthrough();

/** Label names seen in published sentiment classifiers, lower-cased. */
const KNOWN_LABEL_NAMES: Readonly<Record<string, SentimentLabel>> = {
  neg: 'negative',
  negative: 'negative',
  negativo: 'negative',
  negativa: 'negative',
  '1 star': 'negative',
  '2 stars': 'negative',
  neu: 'neutral',
  neutral: 'neutral',
  neutro: 'neutral',
  neutra: 'neutral',
  '3 stars': 'neutral',
  pos: 'positive',
  positive: 'positive',
  positivo: 'positive',
  positiva: 'positive',
  '4 stars': 'positive',
  '5 stars': 'positive',
};

/**
 * Our label for each of the model's output classes (index order), from config.json's id2label and
 * the operator's `labels` map; every class must map, or the provider refuses the model.
 */
export function mapModelLabels(
  id2label: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, SentimentLabel>> = {},
): SentimentLabel[] {
  const classes = Object.keys(id2label).length;
  const mapped: SentimentLabel[] = [];
  const unknown: string[] = [];
  for (let index = 0; index < classes; index++) {
    const name = id2label[String(index)];
    if (name === undefined)
      throw new OnnxModelError(`id2label has no class ${index} (its ids must be 0..${classes - 1})`);
    const label = overrides[name] ?? KNOWN_LABEL_NAMES[name.trim().toLowerCase()];
    if (label) mapped.push(label);
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    throw new OnnxModelError(
      `cannot tell what the model's labels ${unknown.map((name) => `"${name}"`).join(', ')} mean: map them with the labels option (e.g. { "${unknown[0]}": "negative" })`,
    );
  }
  return mapped;
}

async function readJson(folder: string, file: string): Promise<unknown> {
  const path = join(folder, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new OnnxModelError(`ONNX sentiment model folder ${folder}: ${file} is missing or unreadable`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new OnnxModelError(`ONNX sentiment model folder ${folder}: ${file} is not JSON`);
  }
}

async function findModelFile(folder: string): Promise<string> {
  for (const candidate of ['model.onnx', join('onnx', 'model.onnx')]) {
    const path = join(folder, candidate);
    try {
      await access(path);
      return path;
    } catch {}
  }
  throw new OnnxModelError(`ONNX sentiment model folder ${folder}: neither model.onnx nor onnx/model.onnx is there`);
}

/** onnxruntime-node and the tokenizer library, loaded only when an ONNX model is asked for. */
async function importRuntime(folder: string) {
  try {
    const [ort, tokenizers] = await Promise.all([import('onnxruntime-node'), import('@huggingface/tokenizers')]);
    return { ort, Tokenizer: tokenizers.Tokenizer };
  } catch (error) {
    throw new OnnxModelError(
      `the ONNX sentiment model in ${folder} needs onnxruntime-node and @huggingface/tokenizers, which did not load: ${(error as Error).message}`,
    );
  }
}

function softmax(logits: ArrayLike<number>, offset: number, size: number): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < size; c++) max = Math.max(max, logits[offset + c] as number);
  const exps = Array.from({ length: size }, (_, c) => Math.exp((logits[offset + c] as number) - max));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

/**
 * A transformer sentiment classifier the operator supplies as an ONNX export in a local folder,
 * run in-process by onnxruntime-node (CPU). Nothing is downloaded: the folder holds everything.
 * The runtime is imported when this is called, so a deployment without an ONNX model never loads it.
 */
export async function onnxSentimentProvider(options: OnnxProviderOptions): Promise<SentimentProvider> {
  const folder = resolve(options.folder);
  const parsedConfig = configSchema.safeParse(await readJson(folder, 'config.json'));
  if (!parsedConfig.success) {
    throw new OnnxModelError(
      `ONNX sentiment model folder ${folder}: config.json needs an id2label map ({"0": "NEG", …}): ${parsedConfig.error.issues[0]?.message}`,
    );
  }
  const config = parsedConfig.data;
  const labels = mapModelLabels(config.id2label, options.labels);
  const tokenizerJson = await readJson(folder, 'tokenizer.json');
  const tokenizerConfig = tokenizerConfigSchema.parse(
    await readJson(folder, 'tokenizer_config.json').catch(() => ({})),
  );
  const modelPath = await findModelFile(folder);
  const modelBytes = await readFile(modelPath);
  const { ort, Tokenizer: TokenizerClass } = await importRuntime(folder);

  let tokenizer: Tokenizer;
  let session: InferenceSession;
  try {
    tokenizer = new TokenizerClass(tokenizerJson as object, tokenizerConfig);
  } catch (error) {
    throw new OnnxModelError(`ONNX sentiment model folder ${folder}: tokenizer.json: ${(error as Error).message}`);
  }
  try {
    session = await ort.InferenceSession.create(modelBytes);
  } catch (error) {
    throw new OnnxModelError(
      `ONNX sentiment model folder ${folder}: ${basename(modelPath)}: ${(error as Error).message}`,
    );
  }
  const supported = new Set(['input_ids', 'attention_mask', 'token_type_ids']);
  const unsupported = session.inputNames.filter((input) => !supported.has(input));
  if (!session.inputNames.includes('input_ids') || unsupported.length > 0) {
    throw new OnnxModelError(
      `ONNX sentiment model folder ${folder}: the graph's inputs are ${session.inputNames.join(', ')}; expected input_ids with optional attention_mask and token_type_ids`,
    );
  }
  const outputName = session.outputNames.includes('logits') ? 'logits' : (session.outputNames[0] as string);

  const configuredLength = tokenizerConfig.model_max_length;
  const maxLength = Math.min(
    configuredLength !== undefined && configuredLength < 1e6 ? configuredLength : 512,
    config.max_position_embeddings ?? 512,
  );
  const padName =
    typeof tokenizerConfig.pad_token === 'object' ? tokenizerConfig.pad_token?.content : tokenizerConfig.pad_token;
  const padId = (padName ? tokenizer.token_to_id(padName) : undefined) ?? config.pad_token_id ?? 0;
  const name = `onnx:${options.name ?? config._name_or_path ?? basename(folder)}`;
  // The model file's own hash: two folders with the same weights give the same version.
  const version = `sha256-${createHash('sha256').update(modelBytes).digest('hex').slice(0, 12)}`;
  const batchSize = options.batchSize ?? 32;

  const encode = (text: string): number[] => {
    const { ids } = tokenizer.encode(text);
    // Too long: keep the start and the closing special token ([SEP], </s>).
    return ids.length <= maxLength ? ids : [...ids.slice(0, maxLength - 1), ids.at(-1) as number];
  };

  const scoreBatch = async (texts: readonly string[]): Promise<ProviderScore[]> => {
    const encoded = texts.map(encode);
    const width = Math.max(1, ...encoded.map((ids) => ids.length));
    const inputIds = new BigInt64Array(texts.length * width).fill(BigInt(padId));
    const attentionMask = new BigInt64Array(texts.length * width);
    encoded.forEach((ids, row) => {
      ids.forEach((id, column) => {
        inputIds[row * width + column] = BigInt(id);
        attentionMask[row * width + column] = 1n;
      });
    });
    const dims = [texts.length, width];
    const feeds: Record<string, Tensor> = { input_ids: new ort.Tensor('int64', inputIds, dims) };
    if (session.inputNames.includes('attention_mask'))
      feeds.attention_mask = new ort.Tensor('int64', attentionMask, dims);
    if (session.inputNames.includes('token_type_ids'))
      feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(texts.length * width), dims);
    const output = (await session.run(feeds))[outputName] as Tensor;
    if (output.dims.length !== 2 || output.dims[0] !== texts.length || output.dims[1] !== labels.length) {
      throw new OnnxModelError(
        `ONNX sentiment model folder ${folder}: output ${outputName} has shape [${output.dims.join(', ')}], expected [${texts.length}, ${labels.length}] (one logit per id2label class)`,
      );
    }
    const logits = output.data as Float32Array;
    return texts.map((_, row) => {
      const probabilities = Object.fromEntries(SENTIMENT_LABELS.map((label) => [label, 0])) as Record<
        SentimentLabel,
        number
      >;
      softmax(logits, row * labels.length, labels.length).forEach((probability, c) => {
        probabilities[labels[c] as SentimentLabel] += probability;
      });
      return { ...scoreFromProbabilities(probabilities), model: name, version };
    });
  };

  return {
    name,
    version,
    kind: 'onnx',
    async score(texts) {
      const scores: ProviderScore[] = [];
      for (let start = 0; start < texts.length; start += batchSize)
        scores.push(...(await scoreBatch(texts.slice(start, start + batchSize))));
      return scores;
    },
  };
}
