import { describe, expect, it } from 'vitest';
import {
  cohenKappa,
  createSentimentModel,
  evaluate,
  type LabelledPost,
  parseCsv,
  parseSentimp,
  SENTIMENT_LABELS,
  type SentimentLabel,
  stratifiedFolds,
  stratifiedSplit,
  toModelFile,
  trainSentimentModel,
} from '../src/index.js';

const labels: SentimentLabel[] = [
  ...Array<SentimentLabel>(50).fill('negative'),
  ...Array<SentimentLabel>(30).fill('positive'),
  ...Array<SentimentLabel>(20).fill('neutral'),
];

describe('stratifiedSplit', () => {
  it('holds out the same share of every label, the same way for the same seed', () => {
    const split = stratifiedSplit(labels, 0.2, 'seed-a');
    const count = (indices: number[], label: SentimentLabel) => indices.filter((i) => labels[i] === label).length;
    expect([count(split.test, 'negative'), count(split.test, 'positive'), count(split.test, 'neutral')]).toEqual([
      10, 6, 4,
    ]);
    expect(new Set([...split.train, ...split.test]).size).toBe(labels.length);
    expect(stratifiedSplit(labels, 0.2, 'seed-a')).toEqual(split);
    expect(stratifiedSplit(labels, 0.2, 'seed-b').test).not.toEqual(split.test);
  });
});

describe('stratifiedFolds', () => {
  it('partitions the posts into folds of balanced labels', () => {
    const folds = stratifiedFolds(labels, 5, 'folds');
    expect(folds.flat().sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    for (const fold of folds) {
      expect(fold.filter((i) => labels[i] === 'negative')).toHaveLength(10);
      expect(fold.filter((i) => labels[i] === 'neutral')).toHaveLength(4);
    }
  });
});

describe('parseCsv and parseSentimp', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const csv = 'tweet_id,full_text,final_label\r\n1,"Hola, ""mundo""\nsegunda línea",1\n2,plano,-1\n3,"cero",0\n';
    expect(parseCsv(csv)[0]).toEqual({ tweet_id: '1', full_text: 'Hola, "mundo"\nsegunda línea', final_label: '1' });
    expect(parseSentimp(csv).map((post) => post.label)).toEqual(['positive', 'negative', 'neutral']);
  });

  it('names the row of a bad label or a short row', () => {
    expect(() => parseSentimp('tweet_id,full_text,final_label\n1,texto,2\n')).toThrow(/row 2/);
    expect(() => parseCsv('a,b\n1\n')).toThrow(/row 2: 1 fields/);
  });
});

describe('trainSentimentModel', () => {
  // A tiny sample, each label with words of its own that no lexicon knows: only n-grams can learn it.
  const posts: LabelledPost[] = [
    ...['zorblat plan', 'zorblat ley', 'zorblat idea', 'zorblat gente'].map((text) => ({
      text,
      label: 'negative' as const,
    })),
    ...['quimbeta plan', 'quimbeta ley', 'quimbeta idea', 'quimbeta gente'].map((text) => ({
      text,
      label: 'positive' as const,
    })),
    ...['fradul plan', 'fradul ley', 'fradul idea', 'fradul gente'].map((text) => ({
      text,
      label: 'neutral' as const,
    })),
  ];
  const options = { ruleL2: 0.03, ngramL2: 0.001, minDocumentFrequency: 2, iterations: 150, learningRate: 0.05 };

  it('learns n-grams from a tiny sample and the model file scores as trained', () => {
    const trained = trainSentimentModel(posts, options);
    expect(trained.losses.at(-1)).toBeLessThan(trained.losses[0] as number);
    const model = createSentimentModel(
      toModelFile(trained.weights, trained.vocabulary, {
        version: 'v9',
        createdAt: 'now',
        training: {},
        attribution: [],
      }),
    );
    expect(model.modelVersion).toBe('v9');
    const predicted = model.score(['zorblat otra', 'quimbeta otra', 'fradul otra']).map((score) => score.label);
    expect(predicted).toEqual(['negative', 'positive', 'neutral']);
  });

  it('weighs a post by its weight, the classes staying balanced', () => {
    const quick = { ...options, iterations: 40 };
    const plain = trainSentimentModel(posts, quick);
    // The same weight on every post changes nothing: only the ratios between posts count.
    const doubled = trainSentimentModel(
      posts.map((post) => ({ ...post, weight: 2 })),
      quick,
    );
    expect(Array.from(doubled.weights.sparse)).toEqual(
      Array.from(plain.weights.sparse).map((w) => expect.closeTo(w, 9)),
    );
    // A heavier "zorblat plan" pulls "plan" towards negative against its lighter positive and neutral uses.
    const heavy = trainSentimentModel(
      posts.map((post) => (post.text === 'zorblat plan' ? { ...post, weight: 10 } : post)),
      quick,
    );
    const modelOf = (trained: typeof plain) =>
      createSentimentModel(
        toModelFile(trained.weights, trained.vocabulary, {
          version: 'v9',
          createdAt: '',
          training: {},
          attribution: [],
        }),
      );
    const [plainPlan] = modelOf(plain).score(['plan']);
    const [heavyPlan] = modelOf(heavy).score(['plan']);
    expect(heavyPlan?.probabilities.negative).toBeGreaterThan((plainPlan?.probabilities.negative as number) + 0.05);
  });
});

describe('evaluate', () => {
  it('computes per-class precision, recall, F1, macro-F1 and the confusion matrix', () => {
    const actual: SentimentLabel[] = ['negative', 'negative', 'neutral', 'positive', 'positive', 'positive'];
    const predicted: SentimentLabel[] = ['negative', 'positive', 'neutral', 'positive', 'positive', 'neutral'];
    const evaluation = evaluate(actual, predicted);
    expect(evaluation.confusion).toEqual([
      [1, 0, 1],
      [0, 1, 0],
      [0, 1, 2],
    ]);
    expect(evaluation.perClass.negative).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
    expect(evaluation.perClass.neutral.precision).toBeCloseTo(0.5);
    expect(evaluation.perClass.positive.f1).toBeCloseTo(2 / 3);
    expect(evaluation.macroF1).toBeCloseTo((2 / 3 + 2 / 3 + 2 / 3) / 3);
    expect(evaluation.accuracy).toBeCloseTo(4 / 6);
    expect(SENTIMENT_LABELS).toEqual(['negative', 'neutral', 'positive']);
  });
});

describe('cohenKappa', () => {
  it('is agreement beyond chance: 1 for the same labels, 0.5 here by hand, 0 or below at chance', () => {
    const first: SentimentLabel[] = ['negative', 'negative', 'positive', 'positive'];
    expect(cohenKappa(first, first)).toBe(1);
    // Observed 3/4; chance 1/2 · 1/4 + 1/2 · 3/4 = 1/2; kappa (3/4 − 1/2) / (1 − 1/2).
    expect(cohenKappa(first, ['negative', 'positive', 'positive', 'positive'])).toBeCloseTo(0.5);
    expect(cohenKappa(first, ['positive', 'positive', 'negative', 'negative'])).toBeCloseTo(-1);
    expect(cohenKappa(first, ['neutral', 'neutral', 'neutral', 'neutral'])).toBe(0);
  });
});
