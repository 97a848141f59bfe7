import { z } from 'zod';
import { isoDateTimeSchema } from '../common.js';
import { candidateSlugSchema } from './candidates.js';

const count = z.coerce.number().int().min(0).max(2_000_000_000);
const optionalText = (max: number) => z.string().max(max).optional();

/**
 * One post of an import (CSV column or JSONL field names): the post, its author's profile as far
 * as the export has it (the bot model reads it), and optionally the candidate it is about (else the
 * candidates' tracked queries decide). Ids are X's ids or the exporter's own, kept as text.
 */
export const importedPostSchema = z.object({
  id: z.string().trim().min(1).max(64),
  created_at: isoDateTimeSchema,
  text: z.string().trim().min(1).max(4_000),
  author_id: z.string().trim().min(1).max(64),
  author_username: z
    .string()
    .trim()
    .regex(/^@?[A-Za-z0-9_]{1,50}$/, { message: 'must be an X username' }),
  author_name: optionalText(200),
  author_created_at: isoDateTimeSchema.optional(),
  author_description: optionalText(1_000),
  author_location: optionalText(200),
  author_url: optionalText(500),
  author_profile_image_url: optionalText(1_000),
  author_verified: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((value) => value === true || value === 'true')
    .optional(),
  author_verified_type: optionalText(20),
  author_followers: count.optional(),
  author_following: count.optional(),
  author_tweets: count.optional(),
  author_listed: count.optional(),
  likes: count.optional(),
  reposts: count.optional(),
  replies: count.optional(),
  quotes: count.optional(),
  lang: optionalText(8),
  candidate: candidateSlugSchema.optional(),
});
export type ImportedPost = z.output<typeof importedPostSchema>;

export const POST_IMPORT_FORMATS = ['csv', 'jsonl'] as const;

export const postImportResponseSchema = z.object({
  importId: z.string(),
  format: z.enum(POST_IMPORT_FORMATS),
  /** true when this exact file was imported before: nothing was written again. */
  replayed: z.boolean(),
  posts: z.object({ received: z.number().int(), stored: z.number().int(), alreadyStored: z.number().int() }),
  authors: z.number().int(),
  /** Posts matched to each candidate (by slug). */
  byCandidate: z.record(z.string(), z.number().int()),
});
export type PostImportResponse = z.infer<typeof postImportResponseSchema>;

/** The line-numbered problem of a refused import (the error's details). */
export const importLineProblemSchema = z.object({
  line: z.number().int(),
  field: z.string().optional(),
  problem: z.string(),
});
