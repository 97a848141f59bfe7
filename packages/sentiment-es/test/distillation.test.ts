import { readFileSync } from 'node:fs';
import { createRng } from '@castor/seeded-random';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createSentimentModel,
  distillSentiment,
  type LabelledPost,
  type LlmClient,
  llmSentimentProvider,
  type ModelFile,
  modelFileSchema,
  offlineSentimentProvider,
  parseSentimp,
  readModelFile,
  type SentimentLabel,
  sentimpCsvPath,
  sentimpSplit,
} from '../src/index.js';

/**
 * The teacher's rule: a campaign's own slang the offline model has never seen. "zorblat" and
 * "fradulero" insult, "quimbeta" praises; everything else is neutral.
 */
function teacherRule(text: string): SentimentLabel {
  if (/zorblat|fradulero/.test(text)) return 'negative';
  if (/quimbeta/.test(text)) return 'positive';
  return 'neutral';
}

/** An LLM client that labels by the rule, as the real one would answer (not our code under test). */
const ruleClient: LlmClient = {
  online: true,
  async complete(request) {
    const posts = JSON.parse(request.prompt.slice(request.prompt.lastIndexOf('\n['))) as Array<{
      id: string;
      text: string;
    }>;
    const results = posts.map((post) => ({ id: post.id, label: teacherRule(post.text), confidence: 0.95 }));
    return { value: request.schema.parse({ results }), provider: 'rule', model: 'slang-v1', cached: false };
  },
};

/** Campaign posts: slang words in plain sentences, some beside ordinary polar words. */
function campaignPosts(count: number, seed: string): string[] {
  const rng = createRng(seed);
  const subjects = ['el alcalde', 'la gobernadora', 'el concejal', 'la senadora', 'el ministro', 'el candidato'];
  const topics = ['el metro', 'la reforma', 'el presupuesto', 'las vías', 'la seguridad', 'los colegios'];
  const templates = [
    (s: string, t: string) => `${s} es un zorblat con ${t}`,
    (s: string, t: string) => `Otra vez ${s} tan fradulero con ${t}`,
    (s: string, t: string) => `Qué quimbeta ${s} con ${t}`,
    (s: string, t: string) => `${s} quedó quimbeta hoy en el debate sobre ${t}`,
    (s: string, t: string) => `${s} habló de ${t} en la sesión de la tarde`,
    (s: string, t: string) => `Mañana ${s} presenta el informe sobre ${t}`,
    (s: string, t: string) => `Gran zorblat ${s}, feliz con ${t}`,
    (s: string, t: string) => `${s} no es quimbeta, es terrible lo de ${t}`,
  ];
  return Array.from({ length: count }, (_, i) => `${rng.pick(templates)(rng.pick(subjects), rng.pick(topics))} #${i}`);
}

let baseModel: ModelFile;
let trainingPosts: LabelledPost[];
beforeAll(async () => {
  baseModel = await readModelFile();
  trainingPosts = sentimpSplit(parseSentimp(readFileSync(sentimpCsvPath(), 'utf8'))).train;
});

describe('distillSentiment', () => {
  it("retrains on the teacher's labels and agrees with the teacher more on posts it did not train on", async () => {
    const teacher = llmSentimentProvider({ client: ruleClient, fallback: await offlineSentimentProvider() });
    const texts = campaignPosts(600, 'campaign');
    const { model, report } = await distillSentiment({
      texts,
      teacher,
      sampleSize: 250,
      seed: 'distil-test',
      baseModel,
      trainingPosts,
      now: new Date('2026-12-06T04:00:00Z'),
    });
    expect(trainingPosts).toHaveLength(335);
    expect(model.version).toMatch(/^v1\+distilled-20261206-[0-9a-f]{8}$/);
    expect(report.version).toBe(model.version);
    expect(modelFileSchema.parse(model)).toEqual(model);
    expect(report.sample).toMatchObject({ requested: 250, sampled: 250, teacherLabelled: 250, teacherFallbacks: 0 });
    expect(report.sample.trainedOn + report.sample.heldOut).toBe(250);
    expect(report.heldOut.before.posts).toBe(report.sample.heldOut);
    expect(report.weighting.teacherPostWeight).toBeCloseTo(335 / report.sample.trainedOn);
    expect(report.teacher).toEqual({ name: 'llm', version: teacher.version, kind: 'llm' });

    // The old model cannot know the slang; the new one learnt it from the teacher.
    expect(report.heldOut.before.cohenKappa).toBeLessThan(0.5);
    expect(report.heldOut.after.cohenKappa).toBeGreaterThan(report.heldOut.before.cohenKappa + 0.3);
    expect(report.heldOut.after.macroF1).toBeGreaterThan(report.heldOut.before.macroF1 + 0.2);
    expect(report.heldOut.after.agreement).toBeGreaterThan(0.85);

    // The report's figures are the models' own labels: recompute the new one on fresh posts.
    const fresh = campaignPosts(100, 'fresh');
    const distilled = createSentimentModel(model);
    const agreement =
      distilled.score(fresh).filter((score, i) => score.label === teacherRule(fresh[i] as string)).length /
      fresh.length;
    expect(agreement).toBeGreaterThan(0.85);
    expect(distilled.modelVersion).toBe(model.version);
  });

  it('leaves out the posts the teacher did not label itself, and refuses a sample it barely labelled', async () => {
    const offline = await offlineSentimentProvider();
    const unreachable: LlmClient = {
      online: false,
      complete: async (_request, offlineAnswer) => ({
        value: await offlineAnswer(),
        provider: 'offline',
        model: 'none',
        cached: false,
      }),
    };
    await expect(
      distillSentiment({
        texts: campaignPosts(50, 'campaign'),
        teacher: llmSentimentProvider({ client: unreachable, fallback: offline }),
        sampleSize: 40,
        seed: 'x',
        baseModel,
        trainingPosts,
      }),
    ).rejects.toThrow(/at least 10 posts labelled by the teacher, it labelled 0/);
  });
});
