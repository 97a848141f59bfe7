import { createHash } from 'node:crypto';
import type { SentimentTextScore } from '@castor/contracts';
import type { SentimentProvider } from '@castor/sentiment-es';
import type { KeyValueStore } from '@castor/service-kit';
import { z } from 'zod';

const cachedScoreSchema = z.object({
  label: z.enum(['negative', 'neutral', 'positive']),
  score: z.number(),
  model: z.string(),
  version: z.string(),
});

/** Where a text's score by `provider` is cached: its name, version and the text's SHA-256. */
export function sentimentCacheKey(provider: Pick<SentimentProvider, 'name' | 'version'>, text: string): string {
  return `sentiment:${provider.name}:${provider.version}:${createHash('sha256').update(text).digest('base64url')}`;
}

/**
 * Scores texts with the service's sentiment provider, each text's score cached by the hash of the
 * text under the provider's name and version (another model or version never reads it).
 */
export class SentimentScores {
  constructor(
    private readonly provider: SentimentProvider,
    private readonly store: KeyValueStore,
    private readonly ttlSeconds: number,
  ) {}

  async score(texts: readonly string[]): Promise<SentimentTextScore[]> {
    const distinct = [...new Set(texts)];
    const cachedValues = await Promise.all(
      distinct.map((text) => this.store.get(sentimentCacheKey(this.provider, text))),
    );
    const known = new Map<string, SentimentTextScore>();
    distinct.forEach((text, i) => {
      const parsed = cachedScoreSchema.safeParse(JSON.parse(cachedValues[i] ?? 'null'));
      if (parsed.success) known.set(text, parsed.data);
    });
    const missing = distinct.filter((text) => !known.has(text));
    if (missing.length > 0) {
      const fresh = await this.provider.score(missing);
      await Promise.all(
        missing.map((text, i) => {
          const { label, score, model, version } = fresh[i] as (typeof fresh)[number];
          const value = { label, score, model, version };
          known.set(text, value);
          return this.store.set(sentimentCacheKey(this.provider, text), JSON.stringify(value), this.ttlSeconds);
        }),
      );
    }
    return texts.map((text) => known.get(text) as SentimentTextScore);
  }
}
