/// <reference path="./types/multilang-sentiment.d.ts" />
import multilangSentiment from 'multilang-sentiment';
import type { SentimentLabel } from './model.js';

/**
 * The lexicon baseline the offline model has to beat: `multilang-sentiment` (AFINN-165 translated
 * to Spanish, with its own negation and fuzzy matching) and its own category. Slow (a fuzzy search
 * per unknown word): for evaluation only.
 */
export function baselineLabels(texts: readonly string[]): SentimentLabel[] {
  return texts.map((text) => multilangSentiment(text, 'es').category);
}
