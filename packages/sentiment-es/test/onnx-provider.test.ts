import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { mapModelLabels, OnnxModelError, onnxSentimentProvider, type SentimentLabel } from '../src/index.js';

const fixture = fileURLToPath(new URL('./fixtures/tiny-onnx-sentiment/', import.meta.url));
const weights = JSON.parse(readFileSync(join(fixture, 'weights.json'), 'utf8')) as {
  embedding: number[][];
  linear: number[][];
  bias: number[];
};
const vocabulary = Object.keys(
  (JSON.parse(readFileSync(join(fixture, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } })
    .model.vocab,
);
const id = (token: string) => {
  const index = vocabulary.indexOf(token);
  if (index < 0) throw new Error(`${token} is not in the fixture's vocabulary`);
  return index;
};

/** The fixture graph's maths by hand: mean embedding → linear → softmax, classes in id2label order (POS, NEG, NEU). */
function expectedProbabilities(tokens: string[]): Record<SentimentLabel, number> {
  const ids = ['[CLS]', ...tokens, '[SEP]'].map(id);
  const hidden = weights.linear.length;
  const mean = Array.from(
    { length: hidden },
    (_, h) => ids.reduce((sum, token) => sum + (weights.embedding[token]?.[h] as number), 0) / ids.length,
  );
  const logits = weights.bias.map(
    (bias, c) => bias + mean.reduce((sum, value, h) => sum + value * (weights.linear[h]?.[c] as number), 0),
  );
  const max = Math.max(...logits);
  const exps = logits.map((logit) => Math.exp(logit - max));
  const total = exps.reduce((sum, value) => sum + value, 0);
  const [positive, negative, neutral] = exps.map((value) => value / total) as [number, number, number];
  return { negative, neutral, positive };
}

const temporary: string[] = [];
afterAll(() => {
  for (const folder of temporary) rmSync(folder, { recursive: true, force: true });
});
function copyOfFixture(): string {
  const folder = mkdtempSync(join(tmpdir(), 'onnx-sentiment-'));
  temporary.push(folder);
  cpSync(fixture, folder, { recursive: true });
  return folder;
}

describe('onnxSentimentProvider', () => {
  it("scores as the graph's maths says, across batches of padded texts, with id2label mapped", async () => {
    const provider = await onnxSentimentProvider({ folder: fixture, batchSize: 2 });
    expect(provider).toMatchObject({ kind: 'onnx', name: 'onnx:castor/tiny-onnx-sentiment' });
    expect(provider.version).toMatch(/^sha256-[0-9a-f]{12}$/);
    const cases: Array<[string, string[]]> = [
      ['La propuesta es MUY buena!', ['la', 'propuesta', 'es', 'muy', 'buena', '!']],
      ['terrible', ['terrible']],
      ['El alcalde, corrupto. Buenas', ['el', 'alcalde', ',', 'corrupto', '.', 'buena', '##s']],
      ['Excelénte debate', ['excelente', 'debate']],
      ['zanahoria robo', ['[UNK]', 'robo']],
    ];
    const scores = await provider.score(cases.map(([text]) => text));
    expect(scores).toHaveLength(cases.length);
    cases.forEach(([, tokens], i) => {
      const expected = expectedProbabilities(tokens);
      const score = scores[i];
      for (const label of ['negative', 'neutral', 'positive'] as const)
        expect(score?.probabilities[label]).toBeCloseTo(expected[label], 5);
      expect(score?.score).toBeCloseTo(expected.positive - expected.negative, 5);
      const best = (['negative', 'neutral', 'positive'] as const).reduce((a, b) => (expected[b] > expected[a] ? b : a));
      expect(score?.label).toBe(best);
      expect(score).toMatchObject({ model: provider.name, version: provider.version });
    });
    // The same text scores the same alone as in a padded batch.
    const [alone] = await provider.score([cases[1]?.[0] as string]);
    expect(alone?.probabilities.positive).toBeCloseTo(scores[1]?.probabilities.positive as number, 6);
  });

  it("truncates a text longer than the tokenizer's limit, keeping [SEP]", async () => {
    const provider = await onnxSentimentProvider({ folder: fixture });
    const words = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'malo' : 'bueno'));
    const [score] = await provider.score([words.join(' ')]);
    const expected = expectedProbabilities(words.slice(0, 14)); // 16 = [CLS] + 14 + [SEP]
    expect(score?.probabilities.negative).toBeCloseTo(expected.negative, 5);
  });

  it('says which folder is wrong and how', async () => {
    await expect(onnxSentimentProvider({ folder: '/nonexistent/sentiment-model' })).rejects.toThrow(
      /\/nonexistent\/sentiment-model: config.json is missing/,
    );
    const noLabels = copyOfFixture();
    writeFileSync(join(noLabels, 'config.json'), '{"model_type":"bert"}');
    await expect(onnxSentimentProvider({ folder: noLabels })).rejects.toThrow(/config.json needs an id2label/);
    const broken = copyOfFixture();
    writeFileSync(join(broken, 'model.onnx'), 'not a protobuf');
    const error = await onnxSentimentProvider({ folder: broken }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OnnxModelError);
    expect((error as Error).message).toContain(broken);
    const noModel = copyOfFixture();
    rmSync(join(noModel, 'model.onnx'));
    await expect(onnxSentimentProvider({ folder: noModel })).rejects.toThrow(/neither model.onnx nor onnx\/model.onnx/);
  });

  it('reads a model kept under onnx/ as transformers.js exports lay it out', async () => {
    const folder = copyOfFixture();
    cpSync(join(folder, 'model.onnx'), join(folder, 'onnx', 'model.onnx'), { recursive: true });
    rmSync(join(folder, 'model.onnx'));
    const provider = await onnxSentimentProvider({ folder, name: 'operator-model' });
    expect(provider.name).toBe('onnx:operator-model');
    const [score] = await provider.score(['terrible']);
    expect(score?.probabilities.negative).toBeCloseTo(expectedProbabilities(['terrible']).negative, 5);
  });
});

describe('mapModelLabels', () => {
  it('reads the usual label names and star ratings', () => {
    expect(mapModelLabels({ 0: 'NEG', 1: 'NEU', 2: 'POS' })).toEqual(['negative', 'neutral', 'positive']);
    expect(mapModelLabels({ 0: 'positive', 1: 'Negative' })).toEqual(['positive', 'negative']);
    expect(mapModelLabels({ 0: '1 star', 1: '2 stars', 2: '3 stars', 3: '4 stars', 4: '5 stars' })).toEqual([
      'negative',
      'negative',
      'neutral',
      'positive',
      'positive',
    ]);
  });

  it('needs the operator to say what LABEL_0.. mean, and says so', () => {
    const id2label = { 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' };
    expect(() => mapModelLabels(id2label)).toThrow(/"LABEL_0", "LABEL_1", "LABEL_2".*labels option/);
    expect(mapModelLabels(id2label, { LABEL_0: 'negative', LABEL_1: 'neutral', LABEL_2: 'positive' })).toEqual([
      'negative',
      'neutral',
      'positive',
    ]);
    expect(() => mapModelLabels({ 0: 'NEG', 2: 'POS' })).toThrow(/no class 1/);
  });
});
