import type { SynthPost } from './generate.js';

const COLUMNS: ReadonlyArray<keyof SynthPost> = [
  'id',
  'created_at',
  'text',
  'author_id',
  'author_username',
  'author_name',
  'author_created_at',
  'author_description',
  'author_location',
  'author_profile_image_url',
  'author_verified',
  'author_followers',
  'author_following',
  'author_tweets',
  'author_listed',
  'likes',
  'reposts',
  'replies',
  'quotes',
  'lang',
];

const cell = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** The posts as the CSV export `POST /api/media/import` reads (a header row, then one post per line). */
export function toImportCsv(posts: readonly SynthPost[]): string {
  const lines = [COLUMNS.join(',')];
  for (const post of posts) lines.push(COLUMNS.map((column) => cell(post[column])).join(','));
  return `${lines.join('\n')}\n`;
}

/** The posts as JSONL, one object per line. */
export function toImportJsonl(posts: readonly SynthPost[]): string {
  return `${posts.map((post) => JSON.stringify(post)).join('\n')}\n`;
}
