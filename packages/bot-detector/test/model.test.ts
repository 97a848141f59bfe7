import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stratifiedSplit } from '@castor/seeded-random';
import { describe, expect, it } from 'vitest';
import {
  columnMedians,
  DEFAULT_DATA_DIR,
  readSpammerData,
  rocCurve,
  SPLIT_SEED,
  subset,
  TEST_SHARE,
  trainForest,
} from '../scripts/training.js';
import {
  attributeForest,
  BOT_MODEL_NAME,
  BOT_MODEL_VERSION,
  type BotModelFile,
  botModelFileSchema,
  createBotModel,
  extractFeatures,
  loadBotModel,
  MODEL_FEATURES,
  predictForest,
  readBotModelFile,
  saveBotModelFile,
} from '../src/index.js';
import { DEFAULT_IMAGE_URL, realShapedUser, userFromRow } from './x-users.js';

const now = new Date('2026-12-06T00:00:00Z');
const data = readSpammerData(DEFAULT_DATA_DIR);
const split = stratifiedSplit(data.bot, TEST_SHARE, SPLIT_SEED);
const heldOut = subset(data, split.test);

describe('the committed model', () => {
  const model = loadBotModel();

  it('names itself', () => {
    expect(model).toMatchObject({ name: BOT_MODEL_NAME, version: BOT_MODEL_VERSION });
    expect(model.threshold).toBeGreaterThan(0);
    expect(model.threshold).toBeLessThan(1);
  });

  it('ranks the held-out accounts better than any single feature does', () => {
    const users = heldOut.rows.map((row, index) => userFromRow(row, index, now));
    const scores = model.score(users, now);
    const auc = rocCurve(
      scores.map((score) => score.likelihood),
      heldOut.bot,
    ).auc;
    // The bar: the best ROC AUC one feature reaches alone on the same rows, either way round.
    const bar = Math.max(
      ...MODEL_FEATURES.map((_, column) => {
        const single = rocCurve(
          heldOut.rows.map((row) => row[column] as number),
          heldOut.bot,
        ).auc;
        return Math.max(single, 1 - single);
      }),
    );
    expect(auc).toBeGreaterThan(bar);
    for (const score of scores) {
      expect(score.missing).toEqual([]);
      expect(score.suspected).toBe(score.likelihood >= model.threshold);
    }
  });

  it('explains each score with its five largest contributions, which add up to it', () => {
    const file = readBotModelFile();
    const [score] = model.score([realShapedUser()], now);
    expect(score?.drivers).toHaveLength(5);
    const sizes = score?.drivers.map((driver) => Math.abs(driver.contribution)) ?? [];
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
    const row = MODEL_FEATURES.map(
      (feature) => score?.drivers.find((driver) => driver.feature === feature)?.value ?? Number.NaN,
    );
    expect(row.filter((value) => !Number.isNaN(value))).toHaveLength(5);
    const features = extractFeatures(realShapedUser(), now);
    const full = attributeForest(
      file.trees,
      MODEL_FEATURES.map((feature) => features[feature]),
      MODEL_FEATURES.length,
    );
    expect(full.bias + full.contributions.reduce((sum, value) => sum + value, 0)).toBeCloseTo(
      score?.likelihood ?? -1,
      9,
    );
  });

  it('finds a new, faceless, mass-following account more suspect than an established one, for the reasons it shows', () => {
    const established = realShapedUser();
    const faceless = realShapedUser({
      created_at: '2026-11-20T00:00:00.000Z',
      description: '',
      url: '',
      location: undefined,
      profile_image_url: DEFAULT_IMAGE_URL,
      verified: false,
      verified_type: 'none',
      public_metrics: { followers_count: 3, following_count: 1_800, tweet_count: 9_000, listed_count: 0 },
    });
    const [good, bad] = model.score([established, faceless], now);
    expect(bad?.likelihood).toBeGreaterThan(good?.likelihood ?? 1);
    expect(bad?.suspected).toBe(true);
    expect(good?.suspected).toBe(false);
    // What pushed the suspect up is positive, what held the established account down is negative.
    expect(bad?.drivers[0]?.contribution).toBeGreaterThan(0);
    expect(good?.drivers[0]?.contribution).toBeLessThan(0);
  });

  it('fills what a minimal user object lacks with the training medians, says so and does not flag it', () => {
    const [score] = model.score([{ id: '12', username: 'jack', name: 'jack' }], now);
    expect(score?.missing).toEqual(
      expect.arrayContaining(['default_profile_image', 'account_age_days', 'followers', 'tweets_per_day']),
    );
    expect(score?.likelihood).toBeGreaterThanOrEqual(0);
    expect(score?.likelihood).toBeLessThanOrEqual(1);
    expect(score?.suspected).toBe(false);
  });
});

describe('a trained forest', () => {
  // Small, so the test trains it in a second or two; the same code trains the committed model.
  const training = subset(data, split.train.slice(0, 600));
  const { forest, trees } = trainForest(training, {
    trees: 12,
    featureShare: 0.6,
    maxDepth: 5,
    minLeafRows: 3,
    seed: 7,
  });

  it('predicts in flat form exactly what ml-random-forest predicts', () => {
    const library = forest.predict(heldOut.rows);
    heldOut.rows.forEach((row, index) => {
      expect(predictForest(trees, row)).toBeCloseTo(library[index] as number, 12);
    });
  });

  it('survives the round trip through its model file', () => {
    const file: BotModelFile = {
      name: BOT_MODEL_NAME,
      version: 'v999',
      createdAt: new Date().toISOString(),
      features: [...MODEL_FEATURES],
      threshold: 0.5,
      medians: columnMedians(training.rows),
      trees,
      training: { rows: training.rows.length },
      attribution: ['test'],
    };
    const directory = mkdtempSync(join(tmpdir(), 'bot-model-'));
    saveBotModelFile(file, directory);
    const reread = readBotModelFile('v999', directory);
    expect(reread).toEqual(file);
    const users = heldOut.rows.slice(0, 50).map((row, index) => userFromRow(row, index, now));
    expect(createBotModel(reread).score(users, now)).toEqual(createBotModel(file).score(users, now));
  });

  it('refuses a model file whose features are not the model’s, in order', () => {
    const file = {
      name: BOT_MODEL_NAME,
      version: 'v1',
      createdAt: '',
      features: [...MODEL_FEATURES].reverse(),
      threshold: 0.5,
      medians: columnMedians(training.rows),
      trees,
      training: {},
      attribution: [],
    };
    expect(botModelFileSchema.safeParse(file).success).toBe(false);
    expect(botModelFileSchema.safeParse({ ...file, features: [...MODEL_FEATURES] }).success).toBe(true);
  });
});
