import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BotScore, XUser } from '@castor/contracts';
import { z } from 'zod';
import { extractFeatures, MODEL_FEATURES } from './features.js';
import { attributeForest, type FlatTree } from './forest.js';

/** Every score names the model that gave it. */
export const BOT_MODEL_NAME = 'castor-bots';
export const BOT_MODEL_VERSION = 'v1';
export const MODELS_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', 'models');

/** How many features a score lists as its drivers. */
const DRIVER_COUNT = 5;

export function modelFileName(version: string): string {
  return `${BOT_MODEL_NAME}-${version}.json`;
}

const flatTreeSchema = z
  .object({
    feature: z.array(
      z
        .number()
        .int()
        .min(-1)
        .max(MODEL_FEATURES.length - 1),
    ),
    threshold: z.array(z.number()),
    left: z.array(z.number().int().min(0)),
    right: z.array(z.number().int().min(0)),
    value: z.array(z.number()),
  })
  .refine(
    (tree) =>
      tree.feature.length > 0 &&
      [tree.threshold, tree.left, tree.right, tree.value].every((column) => column.length === tree.feature.length),
    { message: 'every node array of a tree must have one entry per node' },
  );

export const botModelFileSchema = z.object({
  name: z.literal(BOT_MODEL_NAME),
  version: z.string().regex(/^v\d+$/),
  createdAt: z.string(),
  features: z.array(z.enum(MODEL_FEATURES)).refine((features) => features.join() === MODEL_FEATURES.join(), {
    message: `the model's features must be ${MODEL_FEATURES.join(', ')}, in that order`,
  }),
  /** A likelihood at or above this is `suspected`. */
  threshold: z.number().min(0).max(1),
  /** The training median of each feature, used in place of a value the user object lacks. */
  medians: z.array(z.number()).length(MODEL_FEATURES.length),
  trees: z.array(flatTreeSchema).min(1),
  training: z.record(z.string(), z.unknown()),
  attribution: z.array(z.string()),
});
export type BotModelFile = z.infer<typeof botModelFileSchema>;

export interface BotModel {
  name: string;
  version: string;
  threshold: number;
  /** Scores users as of `now` (account age is measured at that time). */
  score(users: readonly XUser[], now?: Date): BotScore[];
}

export function createBotModel(file: BotModelFile): BotModel {
  const trees: readonly FlatTree[] = file.trees;
  const row = new Float64Array(MODEL_FEATURES.length);
  return {
    name: file.name,
    version: file.version,
    threshold: file.threshold,
    score(users, now = new Date()) {
      return users.map((user) => {
        const features = extractFeatures(user, now);
        const missing: string[] = [];
        MODEL_FEATURES.forEach((feature, index) => {
          const value = features[feature];
          if (Number.isNaN(value)) missing.push(feature);
          row[index] = Number.isNaN(value) ? (file.medians[index] as number) : value;
        });
        const { contributions, prediction } = attributeForest(trees, row, MODEL_FEATURES.length);
        const drivers = MODEL_FEATURES.map((feature, index) => ({
          feature,
          value: row[index] as number,
          contribution: contributions[index] as number,
        }))
          .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
          .slice(0, DRIVER_COUNT);
        return {
          userId: user.id,
          likelihood: prediction,
          // A score that had to fill in features is shown but never flags: the medians of the
          // spammer-heavy training data would make a bare user object look like a spammer.
          suspected: missing.length === 0 && prediction >= file.threshold,
          drivers,
          missing,
          model: file.name,
          version: file.version,
        };
      });
    },
  };
}

export function readBotModelFile(version = BOT_MODEL_VERSION, directory = MODELS_DIRECTORY): BotModelFile {
  return botModelFileSchema.parse(JSON.parse(readFileSync(join(directory, modelFileName(version)), 'utf8')));
}

/** The committed model (the current version unless told otherwise), ready to score. */
export function loadBotModel(version = BOT_MODEL_VERSION): BotModel {
  return createBotModel(readBotModelFile(version));
}

export function saveBotModelFile(file: BotModelFile, directory = MODELS_DIRECTORY): string {
  const path = join(directory, modelFileName(file.version));
  writeFileSync(path, `${JSON.stringify(botModelFileSchema.parse(file))}\n`);
  return path;
}
