import { type ImportedPost, importedPostSchema } from '@castor/contracts';
import { parse } from 'csv-parse/sync';

export type PostFileFormat = 'csv' | 'jsonl';

/** Why a file was refused: the first bad line, with its number (1 = the CSV header or the first JSONL line). */
export interface PostFileProblem {
  line: number;
  field?: string;
  problem: string;
}

export type PostFileParse =
  | { ok: true; posts: ImportedPost[] }
  | { ok: false; problem: PostFileProblem; tooMany?: boolean };

/**
 * Reads an export of posts, CSV (a header row with the field names of `importedPostSchema`) or
 * JSONL (one object per line). All or nothing: the first bad line refuses the file, so an import is
 * never half-stored. Pure and synchronous: the service runs it in a worker thread.
 */
export function parsePostFile(text: string, format: PostFileFormat, maxPosts: number): PostFileParse {
  const rows: Array<{ line: number; value: unknown }> = [];
  if (format === 'csv') {
    let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
    try {
      records = parse(text, {
        columns: (header: string[]) => header.map((name) => name.trim()),
        skip_empty_lines: true,
        bom: true,
        info: true,
        relax_column_count: false,
      });
    } catch (error) {
      const line = (error as { lines?: number }).lines ?? 1;
      return { ok: false, problem: { line, problem: `the CSV cannot be read: ${(error as Error).message}` } };
    }
    for (const { record, info } of records) {
      // Empty cells are absent values, not empty strings.
      const value = Object.fromEntries(Object.entries(record).filter(([, cell]) => cell.trim() !== ''));
      rows.push({ line: info.lines, value });
    }
  } else {
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    for (let index = 0; index < lines.length; index += 1) {
      const line = (lines[index] as string).trim();
      if (line === '') continue;
      try {
        rows.push({ line: index + 1, value: JSON.parse(line) });
      } catch {
        return { ok: false, problem: { line: index + 1, problem: 'is not a JSON object' } };
      }
    }
  }
  if (rows.length === 0) return { ok: false, problem: { line: 1, problem: 'the file holds no posts' } };
  if (rows.length > maxPosts) {
    return {
      ok: false,
      tooMany: true,
      problem: { line: maxPosts + 1, problem: `more than ${maxPosts} posts in one import` },
    };
  }
  const posts: ImportedPost[] = [];
  for (const row of rows) {
    const parsed = importedPostSchema.safeParse(row.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || undefined;
      return {
        ok: false,
        problem: { line: row.line, ...(field ? { field } : {}), problem: issue?.message ?? 'is not a post' },
      };
    }
    posts.push(parsed.data);
  }
  return { ok: true, posts };
}
