// Writes test/fixtures/tiny-onnx-sentiment/: a tiny "transformer-shaped" sentiment model in the
// folder layout an operator supplies (model.onnx, tokenizer.json, tokenizer_config.json,
// config.json with id2label), for the ONNX provider's tests. The graph is an embedding bag
// (mean of token embeddings under the attention mask) and a linear layer giving logits, with the
// same inputs and output as a Hugging Face sequence classifier exported to ONNX. Its weights are
// written out too (weights.json) so the tests can compute the graph's maths themselves.
//
//   pnpm --filter @castor/sentiment-es exec tsx scripts/make-tiny-onnx-model.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@castor/seeded-random';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const folder = fileURLToPath(new URL('../test/fixtures/tiny-onnx-sentiment/', import.meta.url));

/** WordPiece vocabulary: special tokens, a few polar and plain Spanish words, suffix pieces. */
const VOCABULARY = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  'el',
  'la',
  'es',
  'no',
  'muy',
  'bueno',
  'buena',
  'malo',
  'mala',
  'excelente',
  'terrible',
  'propuesta',
  'alcalde',
  'debate',
  'corrupto',
  'gracias',
  'robo',
  '##s',
  '##mente',
  '!',
  ',',
  '.',
];
const HIDDEN = 4;
/** Deliberately not in negative/neutral/positive order, so the provider must read id2label. */
const ID2LABEL = { 0: 'POS', 1: 'NEG', 2: 'NEU' } as const;
const CLASSES = Object.keys(ID2LABEL).length;

const rng = createRng('sentiment-es/tiny-onnx-model/v1');
const round = (value: number) => Math.round(value * 1000) / 1000;
const embedding = VOCABULARY.map(() => Array.from({ length: HIDDEN }, () => round(rng.uniform(-1, 1))));
const linear = Array.from({ length: HIDDEN }, () => Array.from({ length: CLASSES }, () => round(rng.uniform(-2, 2))));
const bias = Array.from({ length: CLASSES }, () => round(rng.uniform(-0.5, 0.5)));

const { DataType } = onnx.TensorProto;
const floatTensor = (name: string, dims: number[], values: number[]) =>
  onnx.TensorProto.create({ name, dims, dataType: DataType.FLOAT, floatData: values });
const int64Tensor = (name: string, values: number[]) =>
  onnx.TensorProto.create({ name, dims: [values.length], dataType: DataType.INT64, int64Data: values });
const dimension = (value: string | number) => (typeof value === 'string' ? { dimParam: value } : { dimValue: value });
const valueInfo = (name: string, elemType: number, shape: Array<string | number>) =>
  onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType, shape: { dim: shape.map(dimension) } } },
  });
const node = (opType: string, input: string[], output: string[], attribute: onnxProto.onnx.IAttributeProto[] = []) =>
  onnx.NodeProto.create({ opType, input, output, name: output[0], attribute });

const graph = onnx.GraphProto.create({
  name: 'tiny-sentiment-embedding-bag',
  initializer: [
    floatTensor('embedding', [VOCABULARY.length, HIDDEN], embedding.flat()),
    floatTensor('linear', [HIDDEN, CLASSES], linear.flat()),
    floatTensor('bias', [CLASSES], bias),
    int64Tensor('axis_1', [1]),
    int64Tensor('axis_2', [2]),
  ],
  input: [
    valueInfo('input_ids', DataType.INT64, ['batch', 'sequence']),
    valueInfo('attention_mask', DataType.INT64, ['batch', 'sequence']),
  ],
  output: [valueInfo('logits', DataType.FLOAT, ['batch', CLASSES])],
  node: [
    node('Gather', ['embedding', 'input_ids'], ['token_vectors'], [{ name: 'axis', type: 2, i: 0 }]),
    node('Cast', ['attention_mask'], ['mask'], [{ name: 'to', type: 2, i: DataType.FLOAT }]),
    node('Unsqueeze', ['mask', 'axis_2'], ['mask_column']),
    node('Mul', ['token_vectors', 'mask_column'], ['masked_vectors']),
    node('ReduceSum', ['masked_vectors', 'axis_1'], ['vector_sum'], [{ name: 'keepdims', type: 2, i: 0 }]),
    node('ReduceSum', ['mask', 'axis_1'], ['token_count'], [{ name: 'keepdims', type: 2, i: 1 }]),
    node('Div', ['vector_sum', 'token_count'], ['mean_vector']),
    node('MatMul', ['mean_vector', 'linear'], ['projected']),
    node('Add', ['projected', 'bias'], ['logits']),
  ],
});
const model = onnx.ModelProto.create({
  irVersion: 8,
  producerName: 'castor sentiment-es make-tiny-onnx-model',
  opsetImport: [{ domain: '', version: 13 }],
  graph,
});

const tokenizer = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map((content) => ({
    id: VOCABULARY.indexOf(content),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  })),
  normalizer: {
    type: 'BertNormalizer',
    clean_text: true,
    handle_chinese_chars: true,
    strip_accents: true,
    lowercase: true,
  },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: {
    type: 'BertProcessing',
    sep: ['[SEP]', VOCABULARY.indexOf('[SEP]')],
    cls: ['[CLS]', VOCABULARY.indexOf('[CLS]')],
  },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: {
    type: 'WordPiece',
    unk_token: '[UNK]',
    continuing_subword_prefix: '##',
    max_input_chars_per_word: 100,
    vocab: Object.fromEntries(VOCABULARY.map((token, id) => [token, id])),
  },
};
const tokenizerConfig = {
  tokenizer_class: 'BertTokenizer',
  do_lower_case: true,
  model_max_length: 16,
  pad_token: '[PAD]',
  unk_token: '[UNK]',
  cls_token: '[CLS]',
  sep_token: '[SEP]',
};
const config = {
  _name_or_path: 'castor/tiny-onnx-sentiment',
  model_type: 'bert',
  architectures: ['BertForSequenceClassification'],
  id2label: ID2LABEL,
  label2id: Object.fromEntries(Object.entries(ID2LABEL).map(([id, label]) => [label, Number(id)])),
  max_position_embeddings: 16,
};

mkdirSync(folder, { recursive: true });
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
writeFileSync(join(folder, 'model.onnx'), onnx.ModelProto.encode(model).finish());
writeFileSync(join(folder, 'tokenizer.json'), json(tokenizer));
writeFileSync(join(folder, 'tokenizer_config.json'), json(tokenizerConfig));
writeFileSync(join(folder, 'config.json'), json(config));
writeFileSync(join(folder, 'weights.json'), json({ embedding, linear, bias }));
console.log(`wrote ${folder}`);
