import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { LabelledPost } from '../src/index.js';

const challengeSchema = z.object({
  description: z.string(),
  licence: z.string(),
  posts: z.array(
    z.object({ text: z.string().min(1), label: z.enum(['negative', 'neutral', 'positive']), covers: z.string() }),
  ),
});

/** The hand-written Colombian challenge set (test/fixtures/colombian-challenge.json). */
export function readChallengeSet(): Array<LabelledPost & { covers: string }> {
  const path = new URL('./fixtures/colombian-challenge.json', import.meta.url);
  return challengeSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).posts;
}
