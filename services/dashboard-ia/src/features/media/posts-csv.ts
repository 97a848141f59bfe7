import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { ExportedPost } from './media.repository.js';

/** The export's columns: an import's own names, so an exported file can be imported elsewhere as is. */
const COLUMNS: ReadonlyArray<keyof ExportedPost> = [
  'id',
  'created_at',
  'text',
  'author_id',
  'author_username',
  'likes',
  'reposts',
  'replies',
  'quotes',
  'sentiment_label',
  'sentiment_score',
  'sentiment_model',
  'author_suspected_bot',
];

/**
 * The posts as a CSV stream. Cells a spreadsheet would run as a formula (starting with = + - @,
 * a tab or a carriage return) are prefixed with a quote: post texts are written by anyone.
 */
export function postsCsv(posts: AsyncIterable<ExportedPost>): Readable {
  const csv = stringify({ header: true, columns: [...COLUMNS], escape_formulas: true, cast: { boolean: String } });
  // pipeline (not pipe): a database error midway destroys the CSV stream, so the reply ends as failed.
  return pipeline(Readable.from(posts), csv, () => {});
}
