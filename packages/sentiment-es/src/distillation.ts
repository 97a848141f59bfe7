import { createHash } from 'node:crypto';
import { createRng } from '@castor/seeded-random';
import { z } from 'zod';
import { cohenKappa, evaluate } from './metrics.js';
import { createSentimentModel, type ModelFile, SENTIMENT_LABELS, type SentimentLabel, toModelFile } from './model.js';
import type { SentimentProvider } from './providers/provider.js';
import { type LabelledPost, stratifiedSplit, type TrainingOptions, trainSentimentModel } from './training.js';

export interface DistillationInput {
  /** Stored posts of the campaign's conversation; a sample of them is labelled by the teacher. */
  texts: readonly string[];
  teacher: SentimentProvider;
  /** Posts to sample (distinct texts; fewer when there are fewer). */
  sampleSize: number;
  seed: string;
  /** The model to improve (its file): its training options are reused and its version is bumped. */
  baseModel: ModelFile;
  /** The base model's own training data (for v1: `sentimpSplit(parseSentimp(csv)).train` of SentiMP-21). */
  trainingPosts: readonly LabelledPost[];
  /** Share of the sample held out to measure agreement, never trained on. Default 0.2. */
  heldOutShare?: number;
  /**
   * Weight of each teacher-labelled post in the loss. Default: the teacher's posts together weigh
   * as much as the original training data (and each at least as much as one original post).
   */
  teacherWeight?: number;
  /** Date of the new version; default now. */
  now?: Date;
}

export interface Agreement {
  posts: number;
  /** Share of posts with the teacher's label. */
  agreement: number;
  /** Macro-F1 with the teacher's labels as the truth. */
  macroF1: number;
  cohenKappa: number;
}

export interface DistillationReport {
  teacher: { name: string; version: string; kind: SentimentProvider['kind'] };
  baseVersion: string;
  version: string;
  sample: {
    requested: number;
    sampled: number;
    /** Posts the teacher itself labelled (its fallback scores are not its labels and are left out). */
    teacherLabelled: number;
    teacherFallbacks: number;
    perLabel: Record<SentimentLabel, number>;
    trainedOn: number;
    heldOut: number;
  };
  weighting: { originalPosts: number; originalPostWeight: 1; teacherPostWeight: number };
  /** Old and new offline model against the teacher on the held-out part of the sample. */
  heldOut: { before: Agreement; after: Agreement };
  /** Old offline model against the teacher on the whole labelled sample. */
  wholeSampleBefore: Agreement;
}

export interface Distillation {
  /** The new model file, ready to save or load with createSentimentModel. */
  model: ModelFile;
  report: DistillationReport;
}

const trainingOptionsSchema = z.object({
  ruleL2: z.number(),
  ngramL2: z.number(),
  minDocumentFrequency: z.number(),
  iterations: z.number().int().positive(),
  learningRate: z.number(),
});

function agreementOf(teacher: readonly SentimentLabel[], student: readonly SentimentLabel[]): Agreement {
  const evaluation = evaluate(teacher, student);
  return {
    posts: teacher.length,
    agreement: evaluation.accuracy,
    macroF1: evaluation.macroF1,
    cohenKappa: cohenKappa(teacher, student),
  };
}

function compactDate(date: Date): string {
  return date.toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Improves the offline model for a campaign's own conversation: a teacher (an LLM or ONNX
 * provider) labels a seeded sample of its posts; the base model's training is re-run on its
 * original data plus the teacher-labelled part of the sample; agreement with the teacher is
 * measured before and after on the held-out part. Returns the new model file (version
 * `<base>+distilled-<yyyymmdd>-<hash>`, the hash over what it was trained on) and the report;
 * storing it is the caller's business.
 */
export async function distillSentiment(input: DistillationInput): Promise<Distillation> {
  const { teacher, baseModel, trainingPosts } = input;
  const heldOutShare = input.heldOutShare ?? 0.2;
  const baseVersion = baseModel.version.split('+')[0] as string;
  const options: TrainingOptions = trainingOptionsSchema.parse(baseModel.training.options);

  const distinct = [...new Set(input.texts.filter((text) => text.trim() !== ''))];
  const sample = createRng(input.seed).shuffle(distinct).slice(0, input.sampleSize);
  const teacherScores = await teacher.score(sample);
  const labelled: LabelledPost[] = sample.flatMap((text, i) => {
    const score = teacherScores[i];
    return score && !score.fallback ? [{ text, label: score.label }] : [];
  });
  if (labelled.length < 10) {
    throw new Error(`distillation needs at least 10 posts labelled by the teacher, it labelled ${labelled.length}`);
  }
  const split = stratifiedSplit(
    labelled.map((post) => post.label),
    heldOutShare,
    `${input.seed}/held-out`,
  );
  const trainSide = split.train.map((index) => labelled[index] as LabelledPost);
  const heldOut = split.test.map((index) => labelled[index] as LabelledPost);

  const teacherPostWeight = input.teacherWeight ?? Math.max(1, trainingPosts.length / Math.max(trainSide.length, 1));
  const trained = trainSentimentModel(
    [
      ...trainingPosts.map((post) => ({ text: post.text, label: post.label })),
      ...trainSide.map((post) => ({ ...post, weight: teacherPostWeight })),
    ],
    options,
  );

  const hash = createHash('sha256')
    .update(JSON.stringify({ base: baseModel.version, teacher: [teacher.name, teacher.version], trainSide, heldOut }))
    .digest('hex')
    .slice(0, 8);
  const now = input.now ?? new Date();
  const version = `${baseVersion}+distilled-${compactDate(now)}-${hash}`;

  const oldModel = createSentimentModel(baseModel);
  const labelsOf = (model: typeof oldModel, posts: readonly LabelledPost[]) =>
    model.score(posts.map((post) => post.text)).map((score) => score.label);
  const teacherDescription = `${teacher.kind} ${teacher.name} ${teacher.version}`;
  const weighting = { originalPosts: trainingPosts.length, originalPostWeight: 1 as const, teacherPostWeight };
  const model = toModelFile(trained.weights, trained.vocabulary, {
    version,
    createdAt: now.toISOString(),
    training: {
      ...baseModel.training,
      distilledFrom: baseModel.version,
      teacher: teacherDescription,
      teacherLabelledPosts: trainSide.length,
      heldOutPosts: heldOut.length,
      weighting,
      vocabulary: trained.vocabulary.buckets.length,
      finalLoss: trained.losses.at(-1),
    },
    attribution: [
      ...baseModel.attribution,
      `Distilled from ${teacherDescription}: ${trainSide.length} campaign posts labelled by it were added to the training data.`,
    ],
  });
  const newModel = createSentimentModel(model);
  const heldOutTeacher = heldOut.map((post) => post.label);

  return {
    model,
    report: {
      teacher: { name: teacher.name, version: teacher.version, kind: teacher.kind },
      baseVersion: baseModel.version,
      version,
      sample: {
        requested: input.sampleSize,
        sampled: sample.length,
        teacherLabelled: labelled.length,
        teacherFallbacks: sample.length - labelled.length,
        perLabel: Object.fromEntries(
          SENTIMENT_LABELS.map((label) => [label, labelled.filter((post) => post.label === label).length]),
        ) as Record<SentimentLabel, number>,
        trainedOn: trainSide.length,
        heldOut: heldOut.length,
      },
      weighting,
      heldOut: {
        before: agreementOf(heldOutTeacher, labelsOf(oldModel, heldOut)),
        after: agreementOf(heldOutTeacher, labelsOf(newModel, heldOut)),
      },
      wholeSampleBefore: agreementOf(
        labelled.map((post) => post.label),
        labelsOf(oldModel, labelled),
      ),
    },
  };
}
