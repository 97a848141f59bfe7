import { loadSentimentModel, type SentimentModel, type SentimentScore } from '../model.js';

/** A score as a provider gives it: which model said so, and which version of it. */
export interface ProviderScore extends SentimentScore {
  /** "castor-sentiment-es-offline", "onnx:<name>" or "llm:<provider>:<model>". */
  model: string;
  version: string;
  /** Set when this post was scored by the offline model in place of the provider's own, and why. */
  fallback?: string;
}

/**
 * One way to score Spanish posts, whatever runs behind it: the offline model in-process, a
 * transformer the operator supplies as ONNX, or an LLM. `score` returns one score per text, in order.
 */
export interface SentimentProvider {
  readonly name: string;
  readonly version: string;
  readonly kind: 'offline' | 'onnx' | 'llm';
  score(texts: readonly string[]): Promise<ProviderScore[]>;
}

/** The offline model as a provider (the committed current version unless given another). */
export async function offlineSentimentProvider(model?: SentimentModel): Promise<SentimentProvider> {
  const scorer = model ?? (await loadSentimentModel());
  return {
    name: scorer.modelName,
    version: scorer.modelVersion,
    kind: 'offline',
    // The model scores synchronously in this process; the promise only matches the interface.
    score: async (texts) =>
      scorer.score(texts).map((score) => ({ ...score, model: scorer.modelName, version: scorer.modelVersion })),
  };
}
