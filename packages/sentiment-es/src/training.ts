import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFeatures, RULE_FEATURES, RULE_PRIOR } from './features.js';
import { spanishLexicon } from './lexicon.js';
import { createVocabulary, SENTIMENT_LABELS, type SentimentLabel, sparseRow, type Vocabulary } from './model.js';
import { type SoftmaxExample, type SoftmaxWeights, trainSoftmax } from './softmax.js';

export interface LabelledPost {
  text: string;
  label: SentimentLabel;
  /** Weight of this post in the loss before class balancing (1 when absent). */
  weight?: number;
}

export interface TrainingOptions {
  /** L2 pull of the rule weights towards RULE_PRIOR. */
  ruleL2: number;
  /** L2 pull of the n-gram weights towards zero. */
  ngramL2: number;
  /** An n-gram bucket enters the vocabulary when this many training posts have it. */
  minDocumentFrequency: number;
  iterations: number;
  learningRate: number;
}

export interface TrainedModel {
  weights: SoftmaxWeights;
  vocabulary: Vocabulary;
  losses: number[];
}

/** RULE_PRIOR as a weight matrix (label rows × rule features). */
export function rulePriorMatrix(): Float64Array {
  const prior = new Float64Array(SENTIMENT_LABELS.length * RULE_FEATURES.length);
  RULE_FEATURES.forEach((feature, d) => {
    const row = RULE_PRIOR[feature];
    row?.forEach((value, c) => {
      prior[c * RULE_FEATURES.length + d] = value;
    });
  });
  return prior;
}

/**
 * Trains on posts; classes weigh the same in the loss whatever their share of the posts (a post's
 * own weight counts towards its class's share, so weighted posts keep the classes balanced).
 */
export function trainSentimentModel(posts: readonly LabelledPost[], options: TrainingOptions): TrainedModel {
  const lexicon = spanishLexicon();
  const features = posts.map((post) => extractFeatures(post.text, lexicon));
  const documentFrequency = new Map<number, number>();
  for (const post of features)
    for (const bucket of post.buckets.keys()) documentFrequency.set(bucket, (documentFrequency.get(bucket) ?? 0) + 1);
  const vocabulary = createVocabulary(
    [...documentFrequency].filter(([, count]) => count >= options.minDocumentFrequency).map(([bucket]) => bucket),
  );
  const weightOf = (post: LabelledPost) => post.weight ?? 1;
  const perClass = SENTIMENT_LABELS.map((label) =>
    posts.reduce((sum, post) => sum + (post.label === label ? weightOf(post) : 0), 0),
  );
  const totalWeight = perClass.reduce((sum, weight) => sum + weight, 0);
  const examples: SoftmaxExample[] = posts.map((post, i) => {
    const label = SENTIMENT_LABELS.indexOf(post.label);
    const postFeatures = features[i] as (typeof features)[number];
    return {
      dense: postFeatures.rules,
      sparse: sparseRow(postFeatures, vocabulary),
      label,
      weight: (weightOf(post) * totalWeight) / (SENTIMENT_LABELS.length * (perClass[label] as number)),
    };
  });
  const { weights, losses } = trainSoftmax(examples, {
    classes: SENTIMENT_LABELS.length,
    denseSize: RULE_FEATURES.length,
    sparseSize: vocabulary.buckets.length,
    denseL2: options.ruleL2,
    sparseL2: options.ngramL2,
    densePrior: rulePriorMatrix(),
    iterations: options.iterations,
    learningRate: options.learningRate,
  });
  return { weights, vocabulary, losses };
}

/** Stratified, seeded splits and folds (the same rows for the same labels and seed, in every package). */
export { stratifiedFolds, stratifiedSplit } from '@castor/seeded-random';

/**
 * Rows of a CSV file (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks), the
 * first row being the header.
 */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (quoted) throw new Error('CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  const [header, ...body] = rows.filter((cells) => cells.some((cell) => cell !== ''));
  if (!header) return [];
  return body.map((cells, line) => {
    if (cells.length !== header.length)
      throw new Error(`CSV row ${line + 2}: ${cells.length} fields, expected ${header.length}`);
    return Object.fromEntries(header.map((name, i) => [name, cells[i] as string]));
  });
}

const SENTIMP_LABELS: Record<string, SentimentLabel> = { '-1': 'negative', '0': 'neutral', '1': 'positive' };

/** SentiMP-21's sp_simple.csv (tweet_id, full_text, final_label in -1/0/1). */
export function parseSentimp(csv: string): LabelledPost[] {
  return parseCsv(csv).map((row, i) => {
    const label = SENTIMP_LABELS[row.final_label ?? ''];
    if (!label || !row.full_text)
      throw new Error(`SentiMP-21 row ${i + 2}: no text or an unknown label "${row.final_label}"`);
    return { text: row.full_text, label };
  });
}

/** SentiMP-21's sp_simple.csv: SENTIMP21_CSV, else the copy this package keeps (data/sentimp21, CC BY-SA 4.0). */
export function sentimpCsvPath(): string {
  return (
    process.env.SENTIMP21_CSV ??
    join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'sentimp21', 'sp_simple.csv')
  );
}
