import { beforeAll, describe, expect, it } from 'vitest';
import {
  LLM_SENTIMENT_PROMPT_VERSION,
  type LlmClient,
  llmSentimentProvider,
  offlineSentimentProvider,
  type SentimentLabel,
  type SentimentProvider,
} from '../src/index.js';

interface Call {
  task: string;
  system: string;
  posts: Array<{ id: string; text: string }>;
}

/** Labels a post by a fixed rule, as a stand-in for the LLM's judgement. */
function ruleLabel(text: string): SentimentLabel {
  if (/zorblat/i.test(text)) return 'negative';
  if (/quimbeta/i.test(text)) return 'positive';
  return 'neutral';
}

/**
 * A stand-in for @castor/ai-providers' client: reads the posts from the prompt, answers by the rule
 * and validates its answer with the request's schema, as the real client does. `tamper` edits the
 * answer of a call to simulate a model that drops or invents ids.
 */
function fakeClient(
  options: { online?: boolean; tamper?: (results: unknown[], call: number) => unknown[]; fail?: boolean } = {},
) {
  const calls: Call[] = [];
  const client: LlmClient = {
    online: options.online ?? true,
    async complete(request, offline) {
      const posts = JSON.parse(request.prompt.slice(request.prompt.lastIndexOf('\n['))) as Call['posts'];
      calls.push({ task: request.task, system: request.system, posts });
      if (!client.online) return { value: await offline(), provider: 'offline', model: 'none', cached: false };
      if (options.fail) throw new Error('upstream 503 after retries');
      let results: unknown[] = posts.map((post) => ({ id: post.id, label: ruleLabel(post.text), confidence: 0.9 }));
      if (options.tamper) results = options.tamper(results, calls.length);
      return { value: request.schema.parse({ results }), provider: 'fake', model: 'rule-v1', cached: false };
    },
  };
  return { client, calls };
}

const texts = Array.from({ length: 120 }, (_, i) =>
  i % 3 === 0 ? `El concejo ${i} y el zorblat` : i % 3 === 1 ? `Qué quimbeta la obra ${i}` : `Sesión ${i} del concejo`,
);

let offline: SentimentProvider;
beforeAll(async () => {
  offline = await offlineSentimentProvider();
});

describe('llmSentimentProvider', () => {
  it('sends batches of 50 posts with the Spanish prompt and records the LLM as the model', async () => {
    const { client, calls } = fakeClient();
    const provider = llmSentimentProvider({ client, fallback: offline });
    expect(provider).toMatchObject({ kind: 'llm', version: LLM_SENTIMENT_PROMPT_VERSION });
    const scores = await provider.score(texts);
    expect(calls.map((call) => call.posts.length)).toEqual([50, 50, 20]);
    expect(calls[0]?.task).toBe('sentiment.classify');
    expect(calls[0]?.system).toMatch(/no está mal/);
    expect(calls[0]?.system).toMatch(/[Ii]ronía/);
    expect(calls[2]?.posts[0]).toEqual({ id: '1', text: texts[100] });
    expect(scores.map((score) => score.label)).toEqual(texts.map(ruleLabel));
    for (const score of scores) {
      expect(score).toMatchObject({ model: 'llm:fake:rule-v1', version: LLM_SENTIMENT_PROMPT_VERSION });
      expect(score.fallback).toBeUndefined();
      expect(score.probabilities[score.label]).toBeCloseTo(0.9);
    }
    expect(scores[1]?.score).toBeCloseTo(0.85); // positive 0.9, negative 0.05
  });

  it('scores the posts an answer leaves out with the offline model, and says so', async () => {
    const { client } = fakeClient({ tamper: (results, call) => (call === 1 ? results.slice(0, 3) : results) });
    const scores = await llmSentimentProvider({ client, fallback: offline, batchSize: 5 }).score(texts.slice(0, 10));
    const offlineScores = await offline.score(texts.slice(3, 5));
    expect(scores.slice(0, 3).every((score) => score.model === 'llm:fake:rule-v1')).toBe(true);
    expect(scores.slice(3, 5)).toEqual(
      offlineScores.map((score) => ({ ...score, fallback: 'LLM answer left this post out' })),
    );
    expect(scores.slice(5).every((score) => score.model === 'llm:fake:rule-v1')).toBe(true);
  });

  it('falls back for the whole batch when the answer has an id it was not asked for or twice', async () => {
    for (const tamper of [
      (results: unknown[]) => [...results, { id: '99', label: 'positive', confidence: 1 }],
      (results: unknown[]) => [...results.slice(0, -1), results[0]],
    ]) {
      const { client } = fakeClient({ tamper: (results, call) => (call === 2 ? tamper(results) : results) });
      const scores = await llmSentimentProvider({ client, fallback: offline, batchSize: 4 }).score(texts.slice(0, 12));
      expect(scores.map((score) => score.model)).toEqual([
        ...Array(4).fill('llm:fake:rule-v1'),
        ...Array(4).fill(offline.name),
        ...Array(4).fill('llm:fake:rule-v1'),
      ]);
      expect(scores[5]?.fallback).toMatch(/id it was not asked for or twice/);
    }
  });

  it('uses the offline model through the client when no LLM is reachable, and when the call fails', async () => {
    const expected = await offline.score(texts.slice(0, 7));
    const unreachable = fakeClient({ online: false });
    expect(
      await llmSentimentProvider({ client: unreachable.client, fallback: offline }).score(texts.slice(0, 7)),
    ).toEqual(expected.map((score) => ({ ...score, fallback: 'no LLM reachable' })));
    expect(unreachable.calls).toHaveLength(1);
    const failing = fakeClient({ fail: true });
    const scores = await llmSentimentProvider({ client: failing.client, fallback: offline }).score(texts.slice(0, 7));
    expect(scores.map((score) => score.label)).toEqual(expected.map((score) => score.label));
    expect(scores[0]?.fallback).toBe('LLM error: upstream 503 after retries');
  });
});
