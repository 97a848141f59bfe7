import { stringify } from 'csv-stringify/sync';
import { expect } from 'vitest';
import type { DashboardUnderTest } from '../../testing.js';

/** The period the tests analyse, and the one of the same length before it. */
export const PERIOD = { from: '2026-05-01T00:00:00Z', to: '2026-05-15T00:00:00Z' };
export const PREVIOUS = { from: '2026-04-17T00:00:00Z', to: '2026-05-01T00:00:00Z' };

export const CANDIDATES = [
  { slug: 'cepeda', name: 'Iván Cepeda', own: true },
  { slug: 'abelardo', name: 'Abelardo de la Espriella', own: false },
  { slug: 'fajardo', name: 'Sergio Fajardo', own: false },
] as const;
export type Slug = (typeof CANDIDATES)[number]['slug'];

const AUTHORS = ['maria', 'juan_p', 'pedro', 'lucia', 'andres', 'camila', 'botnet_1', 'botnet_2'];
/** The authors the test marks as suspected bots (the bot model is another helper's; SQL stands in for it). */
export const BOT_AUTHORS = new Set(['botnet_1', 'botnet_2']);
const TAGS = ['SaludParaTodos', 'PazTotal', 'Debate2026', 'EmpleoYa'];
const LABELS = ['positive', 'neutral', 'negative', 'positive', 'negative', 'neutral', 'positive'] as const;
export type Label = (typeof LABELS)[number];

export interface FixturePost {
  id: string;
  postedAt: string;
  text: string;
  author: string;
  likes: number;
  candidate: Slug;
  label: Label;
  hashtag: string | null;
}

/**
 * A deterministic conversation: posts spread over both periods, each about one candidate (named by
 * the import's `candidate` column; the texts name nobody, so no tracked query adds a link), with
 * an author, likes, a label and sometimes a hashtag. Unequal on purpose: candidates, authors and
 * periods get different volumes, so a figure computed over the wrong selection shows.
 */
export function fixturePosts(): FixturePost[] {
  const posts: FixturePost[] = [];
  const start = Date.parse(PREVIOUS.from);
  for (let index = 0; index < 150; index += 1) {
    // Quadratic spacing: more posts late in the window (the current period) than early.
    const offsetHours = Math.floor(Math.sqrt(index / 150) * 28 * 24);
    const candidate = CANDIDATES[(index * index + index) % 5 === 0 ? 2 : index % 3 === 0 ? 1 : 0].slug;
    const author = AUTHORS[(index * 7 + (index >> 2)) % AUTHORS.length] as string;
    const hashtag = index % 4 === 3 ? null : (TAGS[(index >> 1) % TAGS.length] as string);
    const topic = index % 5 === 0 ? 'La reforma a la salud' : 'Opinión ciudadana';
    posts.push({
      id: `p${index}`,
      postedAt: new Date(start + offsetHours * 3_600_000 + (index % 60) * 60_000).toISOString(),
      text: `${topic} número ${index}${hashtag ? ` #${hashtag}` : ''}`,
      author,
      likes: (index * 37) % 23,
      candidate,
      label: LABELS[index % LABELS.length] as Label,
      hashtag,
    });
  }
  return posts;
}

/** Posts whose text a spreadsheet would run as a formula, for the CSV export's escaping. */
export const FORMULA_POSTS: FixturePost[] = [
  ['=HYPERLINK("http://x.test","clic")', 'f1'],
  ['+57 300 000 0000 llamen ya', 'f2'],
  ['-2 puntos en la encuesta', 'f3'],
  ['@ABDELAESPRIELLA responda, "sí" o "no"', 'f4'],
].map(([text, id]) => ({
  id: id as string,
  postedAt: '2026-05-10T12:00:00.000Z',
  text: text as string,
  author: 'lucia',
  likes: 1,
  candidate: 'fajardo',
  label: 'neutral',
  hashtag: null,
}));

export async function followCandidates(service: DashboardUnderTest, token: string): Promise<void> {
  for (const candidate of CANDIDATES) {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/campaign/candidates',
      headers: { authorization: `Bearer ${token}` },
      payload: { ...candidate, queries: [] },
    });
    expect(response.statusCode).toBe(201);
  }
}

/**
 * Imports the posts through the real import route, waits for the background scoring, then sets each
 * post's label and the bot authors' flags (on authors and, as the bot scorer does, on their posts)
 * by SQL, so the expected figures follow from the fixture alone.
 */
export async function importConversation(
  service: DashboardUnderTest,
  token: string,
  posts: readonly FixturePost[],
): Promise<void> {
  const csv = stringify([
    ['id', 'created_at', 'text', 'author_id', 'author_username', 'likes', 'candidate'],
    ...posts.map((post) => [
      post.id,
      post.postedAt,
      post.text,
      `a-${post.author}`,
      post.author,
      post.likes,
      post.candidate,
    ]),
  ]);
  const response = await service.app.inject({
    method: 'POST',
    url: '/api/media/import',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    payload: csv,
  });
  expect(response.statusCode).toBe(201);
  await service.scoring.idle();
  await service.app.pg.query(
    `UPDATE posts SET sentiment_label = u.label FROM unnest($1::text[], $2::text[]) AS u(id, label) WHERE posts.id = u.id`,
    [posts.map((post) => post.id), posts.map((post) => post.label)],
  );
  await service.app.pg.query('UPDATE authors SET bot_suspected = username = ANY($1::text[])', [[...BOT_AUTHORS]]);
  await service.app.pg.query(
    'UPDATE posts SET author_suspected_bot = a.bot_suspected FROM authors a WHERE a.id = posts.author_id',
  );
}

/** What the analysis of `posts` (already selected) should say, derived from the fixture. */
export function expectedFigures(
  posts: readonly FixturePost[],
  options: { excludeBots: boolean; allCandidatesPosts?: readonly FixturePost[] },
) {
  const kept = posts.filter((post) => !(options.excludeBots && BOT_AUTHORS.has(post.author)));
  const count = (label: Label) => kept.filter((post) => post.label === label).length;
  const positive = count('positive');
  const neutral = count('neutral');
  const negative = count('negative');
  const scored = positive + neutral + negative;
  const bots = posts.filter((post) => BOT_AUTHORS.has(post.author)).length;
  const keptAll = options.allCandidatesPosts?.filter((post) => !(options.excludeBots && BOT_AUTHORS.has(post.author)));
  return {
    posts: kept.length,
    authors: new Set(kept.map((post) => post.author)).size,
    engagement: kept.reduce((sum, post) => sum + post.likes, 0),
    positive,
    neutral,
    negative,
    net: scored === 0 ? null : (positive - negative) / scored,
    positiveShare: scored === 0 ? null : positive / scored,
    negativeShare: scored === 0 ? null : negative / scored,
    bots,
    botShare: posts.length === 0 ? null : bots / posts.length,
    shareOfVoice: keptAll === undefined || keptAll.length === 0 ? null : kept.length / keptAll.length,
  };
}

export const inPeriod = (period: { from: string; to: string }) => (post: FixturePost) =>
  post.postedAt >= new Date(period.from).toISOString() && post.postedAt < new Date(period.to).toISOString();
