import { importedPostSchema } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { DEBATE_HASHTAG, generateConversation, toImportCsv, toImportJsonl } from '../src/index.js';

const end = new Date('2026-11-30T12:00:00Z');
const small = { end, days: 14, postsPerDay: 300, seed: 7 };

describe('the synthetic conversation', () => {
  it('is the same for the same seed and different for another', () => {
    const first = generateConversation(small);
    const again = generateConversation(small);
    expect(again.posts).toEqual(first.posts);
    expect(generateConversation({ ...small, seed: 8 }).posts).not.toEqual(first.posts);
  });

  it('holds posts the import accepts, with unique ids, inside its period', () => {
    const { posts, period } = generateConversation(small);
    expect(new Set(posts.map((post) => post.id)).size).toBe(posts.length);
    for (const post of posts) {
      expect(importedPostSchema.safeParse(post).success).toBe(true);
      const at = Date.parse(post.created_at);
      expect(at).toBeGreaterThanOrEqual(period.from.getTime());
      expect(at).toBeLessThan(period.to.getTime());
    }
    // Roughly the volume asked for (daily rhythm, weekends and the debate aside).
    expect(posts.length / 14).toBeGreaterThan(250);
    expect(posts.length / 14).toBeLessThan(500);
  });

  it('bursts on debate night, mostly with the debate hashtag', () => {
    const { posts, debate } = generateConversation(small);
    const perHour = (from: number, to: number) =>
      posts.filter((post) => Date.parse(post.created_at) >= from && Date.parse(post.created_at) < to).length /
      ((to - from) / 3_600_000);
    const during = perHour(debate.from.getTime(), debate.to.getTime());
    const weekBefore = perHour(debate.from.getTime() - 7 * 86_400_000, debate.to.getTime() - 7 * 86_400_000);
    expect(during).toBeGreaterThan(5 * weekBefore);
    const tagged = posts.filter((post) => post.text.includes(DEBATE_HASHTAG));
    expect(tagged.every((post) => Date.parse(post.created_at) >= debate.from.getTime())).toBe(true);
  });

  it('writes bots the way bot accounts look: new, default image, following far more than followed, posting non-stop', () => {
    const { posts, botAuthors } = generateConversation(small);
    const bots = posts.filter((post) => botAuthors.has(post.author_id));
    const humans = posts.filter((post) => !botAuthors.has(post.author_id));
    expect(bots.length).toBeGreaterThan(0);
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const age = (post: (typeof posts)[number]) => Date.parse(post.created_at) - Date.parse(post.author_created_at);
    expect(median(bots.map(age))).toBeLessThan(median(humans.map(age)) / 5);
    expect(median(bots.map((post) => post.author_following / (post.author_followers + 1)))).toBeGreaterThan(30);
    const defaultImages = bots.filter((post) =>
      post.author_profile_image_url.includes('default_profile_images'),
    ).length;
    expect(defaultImages / bots.length).toBeGreaterThan(0.6);
  });

  it('exports CSV with a header and quoted text, and JSONL one post per line', () => {
    const { posts } = generateConversation({ ...small, days: 2 });
    const csv = toImportCsv(posts).trimEnd().split('\n');
    expect(csv[0]?.startsWith('id,created_at,text,author_id,author_username')).toBe(true);
    expect(csv.length).toBe(posts.length + 1);
    const jsonl = toImportJsonl(posts).trimEnd().split('\n');
    expect(JSON.parse(jsonl[0] as string)).toEqual(posts[0]);
  });
});
