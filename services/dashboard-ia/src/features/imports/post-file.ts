import { Readable } from 'node:stream';
import { type ImportedPost, importedPostSchema } from '@castor/contracts';
import { parse } from 'csv-parse';

export type PostFileFormat = 'csv' | 'jsonl';

/** Why a file was refused: the first bad line, with its number (1 = the CSV header or the first JSONL line). */
export interface PostFileProblem {
  line: number;
  field?: string;
  problem: string;
}

/** Posts read from consecutive lines, each with the number of the line it ended on. */
export interface PostFileBatch {
  posts: ImportedPost[];
  lines: number[];
}

/** The first bad line of a file; `tooMany` when the file holds more posts than one import may. */
export class PostFileRefusal extends Error {
  constructor(
    readonly problem: PostFileProblem,
    readonly tooMany = false,
  ) {
    super(`line ${problem.line}: ${problem.problem}`);
  }
}

/**
 * Reads an export of posts, CSV (a header row with the field names of `importedPostSchema`) or
 * JSONL (one object per line), as batches of checked posts: a whole file is never held as objects,
 * so memory stays that of one batch however large the file. The first bad line throws a
 * `PostFileRefusal` with its number; the caller stores batches in one transaction, so a refused
 * file leaves nothing behind. The service runs it in a worker thread.
 */
export async function* readPostFile(
  bytes: Uint8Array,
  format: PostFileFormat,
  options: { maxPosts: number; batchSize: number },
): AsyncGenerator<PostFileBatch> {
  let batch: PostFileBatch = { posts: [], lines: [] };
  let count = 0;
  for await (const { line, value } of format === 'csv' ? csvRows(bytes) : jsonlRows(bytes)) {
    count += 1;
    if (count > options.maxPosts) {
      throw new PostFileRefusal({ line, problem: `more than ${options.maxPosts} posts in one import` }, true);
    }
    const parsed = importedPostSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || undefined;
      throw new PostFileRefusal({ line, ...(field ? { field } : {}), problem: issue?.message ?? 'is not a post' });
    }
    batch.posts.push(parsed.data);
    batch.lines.push(line);
    if (batch.posts.length === options.batchSize) {
      yield batch;
      batch = { posts: [], lines: [] };
    }
  }
  if (count === 0) throw new PostFileRefusal({ line: 1, problem: 'the file holds no posts' });
  if (batch.posts.length > 0) yield batch;
}

type Row = { line: number; value: unknown };

/** The parser turns a whole chunk into records at once: it is fed slices so that it waits for its reader. */
const CSV_SLICE_BYTES = 64 * 1024;

function* slices(bytes: Uint8Array): Generator<Buffer> {
  for (let start = 0; start < bytes.byteLength; start += CSV_SLICE_BYTES) {
    yield Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(CSV_SLICE_BYTES, bytes.byteLength - start));
  }
}

async function* csvRows(bytes: Uint8Array): AsyncGenerator<Row> {
  const parser = Readable.from(slices(bytes)).pipe(
    parse({
      columns: (header: string[]) => header.map((name) => name.trim()),
      skip_empty_lines: true,
      bom: true,
      info: true,
      relax_column_count: false,
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      // Empty cells are absent values, not empty strings.
      const value = Object.fromEntries(Object.entries(record).filter(([, cell]) => cell.trim() !== ''));
      yield { line: info.lines, value };
    }
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw new PostFileRefusal({ line, problem: `the CSV cannot be read: ${(error as Error).message}` });
  } finally {
    parser.destroy();
  }
}

function* jsonlRows(bytes: Uint8Array): Generator<Row> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = text[0] === 0xef && text[1] === 0xbb && text[2] === 0xbf ? 3 : 0;
  for (let line = 1; start < text.length; line += 1) {
    const newline = text.indexOf(0x0a, start);
    const end = newline === -1 ? text.length : newline;
    const content = text.toString('utf8', start, end).trim();
    start = end + 1;
    if (content === '') continue;
    try {
      yield { line, value: JSON.parse(content) };
    } catch {
      throw new PostFileRefusal({ line, problem: 'is not a JSON object' });
    }
  }
}
