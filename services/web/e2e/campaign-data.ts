/**
 * The campaign data the conversation, rivals and trends journeys read, created through the API as
 * an analyst would (so they do not depend on the demo): two followed candidates and an import of
 * posts with a steady background over ten days, suspected bots repeating themselves, and a burst
 * of one hashtag by many people in the last hours (a debate night).
 */
import { readFile } from 'node:fs/promises';
import type { CampaignCandidate, MediaAnalysis, PostImportResponse } from '@castor/contracts';
import type { Page } from 'playwright-core';
import { castorApi } from './castor-api.js';

export interface Castor {
  url: string;
  admin: { email: string; password: string };
}

export const AURORA = { slug: 'e2e-aurora', name: 'Aurora Quintero' } as const;
export const BRUNO = { slug: 'e2e-bruno', name: 'Bruno Salcedo' } as const;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const CSV_COLUMNS = [
  'id',
  'created_at',
  'text',
  'author_id',
  'author_username',
  'author_name',
  'author_created_at',
  'author_description',
  'author_profile_image_url',
  'author_followers',
  'author_following',
  'author_tweets',
  'author_verified',
  'likes',
  'reposts',
  'replies',
  'quotes',
  'lang',
  'candidate',
] as const;
export type CsvPost = Partial<Record<(typeof CSV_COLUMNS)[number], string | number | boolean>>;

const cell = (value: string | number | boolean | undefined) => {
  const text = value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Posts as a CSV export with its header row. */
export function postsCsv(posts: readonly CsvPost[]): string {
  return [
    CSV_COLUMNS.join(','),
    ...posts.map((post) => CSV_COLUMNS.map((column) => cell(post[column])).join(',')),
  ].join('\n');
}

export async function adminToken(castor: Castor): Promise<string> {
  const auth = await castorApi<{ accessToken: string }>(castor, '/api/auth/login', { body: castor.admin });
  return auth.accessToken;
}

const PRAISE = [
  'propone empleo digno',
  'habló claro sobre salud',
  'tiene un buen plan de seguridad',
  'escucha a las regiones',
];
const CRITICISM = [
  'no explica cómo financiar',
  'evade el tema de corrupción',
  'prometió lo imposible',
  'no convence en el campo',
];
const NEUTRAL = ['estará en Cali el martes', 'presentó su equipo económico', 'dio una entrevista en la radio'];

interface Person {
  id: string;
  username: string;
  name: string;
  createdAt: string;
  followers: number;
  following: number;
  tweets: number;
  description: string;
  /** X's default image for accounts that never set one: a bot signal the model reads from the URL. */
  profileImageUrl: string;
}

function human(run: string, index: number): Person {
  return {
    id: `${run}-h${index}`,
    username: `ciudadana_${run}_${index}`,
    name: `Ciudadana ${index}`,
    createdAt: new Date(Date.UTC(2014, index % 12, 1 + (index % 27))).toISOString(),
    followers: 300 + index * 37,
    following: 250 + index * 11,
    tweets: 4_000 + index * 101,
    description: 'Periodista y lectora. Opiniones propias.',
    profileImageUrl: `https://pbs.twimg.com/profile_images/${index}/foto_normal.jpg`,
  };
}

/** Accounts made last week that follow thousands, are followed by nobody and post all day: what bot models flag. */
function bot(run: string, index: number, now: number): Person {
  return {
    id: `${run}-b${index}`,
    username: `patriota${run}${index}83719`,
    name: `patriota${index}83719`,
    createdAt: new Date(now - (6 + index) * DAY_MS).toISOString(),
    followers: index,
    following: 4_900,
    tweets: 48_000 + index * 900,
    description: '',
    profileImageUrl: 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
  };
}

const authorColumns = (person: Person) => ({
  author_id: person.id,
  author_username: person.username,
  author_name: person.name,
  author_created_at: person.createdAt,
  author_description: person.description,
  author_profile_image_url: person.profileImageUrl,
  author_followers: person.followers,
  author_following: person.following,
  author_tweets: person.tweets,
  author_verified: false,
});

export interface CampaignData {
  /** This run's mark in ids, usernames and the burst's hashtag. */
  run: string;
  /** The hashtag of the burst, without its #. */
  burstTag: string;
  posts: CsvPost[];
  botPostIds: string[];
  humanPostIds: string[];
}

/**
 * The posts of one run: per candidate, a steady background from 20 people over ten days; for
 * Aurora, 4 bots posting the same slogan 10 times a day; in the last three hours, 30 people post
 * about the debate with one new hashtag.
 */
export function campaignPosts(now = Date.now()): CampaignData {
  const run = now.toString(36);
  const burstTag = `debate${run}`;
  const posts: CsvPost[] = [];
  const botPostIds: string[] = [];
  const humanPostIds: string[] = [];
  const people = Array.from({ length: 30 }, (_, index) => human(run, index));
  const bots = Array.from({ length: 4 }, (_, index) => bot(run, index, now));
  let serial = 0;
  const add = (person: Person, at: number, text: string, candidate: string, engagement: number) => {
    serial += 1;
    const id = `${run}${String(serial).padStart(5, '0')}`;
    posts.push({
      id,
      created_at: new Date(at).toISOString(),
      text,
      ...authorColumns(person),
      likes: engagement,
      reposts: Math.floor(engagement / 3),
      replies: Math.floor(engagement / 5),
      quotes: 0,
      lang: 'es',
      candidate,
    });
    return id;
  };
  for (let day = 10; day >= 1; day -= 1) {
    for (const [c, candidate] of [AURORA, BRUNO].entries()) {
      for (let n = 0; n < 6; n += 1) {
        const person = people[(day * 7 + n * 3 + c) % 20] as Person;
        const phrases = [PRAISE, CRITICISM, NEUTRAL][(day + n + c) % 3] as string[];
        const text = `${candidate.name} ${phrases[(day + n) % phrases.length]}`;
        const at = now - day * DAY_MS + (n * 3 + c) * HOUR_MS;
        humanPostIds.push(add(person, at, text, candidate.slug, (day * 13 + n * 7) % 90));
      }
    }
    for (const b of bots) {
      for (let n = 0; n < 10; n += 1) {
        const at = now - day * DAY_MS + n * 2 * HOUR_MS + 60_000 * (1 + Number(b.id.at(-1)));
        botPostIds.push(add(b, at, `Vote por ${AURORA.name}: la única opción para Colombia ${n}`, AURORA.slug, 0));
      }
    }
  }
  for (const [index, person] of people.entries()) {
    for (let n = 0; n < 2; n += 1) {
      const at = now - 3 * HOUR_MS + (index * 2 + n) * 150_000;
      const phrase = n === 0 ? PRAISE[index % PRAISE.length] : CRITICISM[index % CRITICISM.length];
      humanPostIds.push(add(person, at, `#${burstTag} ${AURORA.name} ${phrase}`, AURORA.slug, 20 + index));
    }
  }
  return { run, burstTag, posts, botPostIds, humanPostIds };
}

/** Follows Aurora and Bruno (once: a later run finds them) and imports this run's posts. */
export async function loadCampaignData(castor: Castor): Promise<CampaignData & { token: string }> {
  const token = await adminToken(castor);
  const { candidates } = await castorApi<{ candidates: CampaignCandidate[] }>(castor, '/api/campaign/candidates', {
    token,
  });
  for (const candidate of [AURORA, BRUNO]) {
    if (candidates.some((known) => known.slug === candidate.slug)) continue;
    await castorApi(castor, '/api/campaign/candidates', {
      token,
      body: { ...candidate, queries: [{ kind: 'term', value: candidate.name.toLowerCase() }] },
    });
  }
  const data = campaignPosts();
  const imported = await castorApi<PostImportResponse>(castor, '/api/media/import', {
    token,
    body: postsCsv(data.posts),
    contentType: 'text/csv',
  });
  if (imported.posts.stored !== data.posts.length) {
    throw new Error(`the import stored ${imported.posts.stored} of ${data.posts.length} posts`);
  }
  return { ...data, token };
}

/** Polls until dashboard-ia's background analysis has flagged Aurora's bots (it scores what an import stored, after the demo's posts). */
export async function waitForBotsFlagged(castor: Castor, token: string, timeoutMs = 180_000): Promise<MediaAnalysis> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const analysis = await castorApi<MediaAnalysis>(castor, '/api/media/analyze', {
      token,
      body: { candidate: AURORA.slug, from: new Date(Date.now() - 14 * DAY_MS).toISOString() },
    });
    if (analysis.bots.suspectedBotPosts > 0) return analysis;
    if (Date.now() > deadline) {
      throw new Error(
        `after ${timeoutMs / 1000} s Aurora has no suspected bot posts (${analysis.sentiment.unscored} posts not scored yet)`,
      );
    }
    await new Promise((done) => setTimeout(done, 2_000));
  }
}

/** Opens `path`, signs in on the form it redirects to, and waits for the page's heading. */
export async function signInAt(
  page: Page,
  path: string,
  credentials: { email: string; password: string },
  heading: string,
): Promise<void> {
  await page.goto(path);
  await page.getByLabel('Correo electrónico').fill(credentials.email);
  await page.getByLabel('Contraseña').fill(credentials.password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
}

/** Picks an option of a labelled Mantine select. */
export async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Saves what a click on the button downloads and returns its name and text. */
export async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}
