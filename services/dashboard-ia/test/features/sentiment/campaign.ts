import type { FakeChatHandler } from '@castor/fake-apis';
import { withTransaction } from '@castor/service-kit';
import type { DashboardUnderTest } from '../../testing.js';

export type Label = 'negative' | 'neutral' | 'positive';

/**
 * The fake LLM's rule: a campaign's own slang the offline model has never seen. "zorblat" and
 * "fradulero" insult, "quimbeta" praises; everything else is neutral.
 */
export function teacherRule(text: string): Label {
  if (/zorblat|fradulero/.test(text)) return 'negative';
  if (/quimbeta/.test(text)) return 'positive';
  return 'neutral';
}

/** The fake OpenAI labels the posts of each sentiment prompt by the rule, as the real API would answer. */
export const ruleLabeller: FakeChatHandler = (request) => {
  const prompt = String(request.body.messages.at(-1)?.content ?? '');
  const posts = JSON.parse(prompt.slice(prompt.lastIndexOf('\n['))) as Array<{ id: string; text: string }>;
  return {
    kind: 'json',
    content: { results: posts.map((post) => ({ id: post.id, label: teacherRule(post.text), confidence: 0.9 })) },
  };
};

/** Campaign posts: slang words in plain sentences, some beside ordinary polar words. */
export function campaignTexts(count: number): string[] {
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
  return Array.from({ length: count }, (_, i) => {
    const template = templates[i % templates.length] as (typeof templates)[number];
    return `${template(subjects[(i * 7) % subjects.length] as string, topics[(i * 5) % topics.length] as string)} #${i}`;
  });
}

/** Stores `texts` as imported posts of one author and waits until the background scoring scored them. */
export async function storePosts(service: DashboardUnderTest, texts: readonly string[]): Promise<void> {
  const author = {
    id: 'author-1',
    username: 'vecina_medellin',
    name: 'Vecina',
    accountCreatedAt: new Date('2015-03-01T00:00:00Z'),
    description: null,
    location: 'Medellín',
    url: null,
    profileImageUrl: null,
    protected: false,
    verified: false,
    verifiedType: null,
    followers: 120,
    following: 200,
    tweets: 3_000,
    listed: 1,
  };
  const posts = texts.map((text, i) => ({
    id: `post-${i}`,
    authorId: author.id,
    text,
    postedAt: new Date(Date.UTC(2026, 10, 1, 0, i)),
    lang: 'es',
    likes: 0,
    reposts: 0,
    replies: 0,
    quotes: 0,
    source: 'import' as const,
    candidateIds: [],
  }));
  await withTransaction(service.app.pg, (client) => service.posts.save(client, [author], posts));
  service.scoring.kick();
  await service.scoring.idle();
}

/** The model each stored post was last scored with, and how many posts carry it. */
export async function postModels(service: DashboardUnderTest): Promise<Record<string, number>> {
  const { rows } = await service.app.pg.query<{ model: string | null; posts: number }>(
    `SELECT sentiment_model AS model, count(*)::int AS posts FROM posts GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((row) => [String(row.model), row.posts]));
}
