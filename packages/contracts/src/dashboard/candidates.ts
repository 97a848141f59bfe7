import { z } from 'zod';
import { uuidSchema } from '../common.js';

/** A candidate's stable handle in URLs and imports: "cepeda", "de-la-espriella". */
export const candidateSlugSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, {
  message: 'must be 1 to 48 lower-case letters, digits or dashes (for example "de-la-espriella")',
});

export const TRACKED_QUERY_KINDS = ['term', 'hashtag', 'account'] as const;
export const trackedQueryKindSchema = z.enum(TRACKED_QUERY_KINDS);

/**
 * What to follow: a term (one to five words), a hashtag or an X account, given with or without
 * its # or @; stored lower-case without them.
 */
export const trackedQueryInputSchema = z
  .object({
    kind: trackedQueryKindSchema,
    value: z.string().trim().min(2).max(80),
  })
  .transform(({ kind, value }) => ({ kind, value: value.replace(/^[#@]/, '').toLowerCase() }))
  .pipe(
    z
      .object({ kind: trackedQueryKindSchema, value: z.string() })
      .refine(
        ({ kind, value }) => (kind === 'term' ? /^[\p{L}\p{N}]/u.test(value) : /^[\p{L}\p{N}_]{2,50}$/u.test(value)),
        {
          message: 'a term must start with a letter or digit; a hashtag or account is letters, digits or _',
        },
      )
      .refine(({ kind, value }) => kind !== 'term' || value.split(/\s+/).length <= 5, {
        message: 'a term is at most five words',
      }),
  );
export type TrackedQueryInput = z.output<typeof trackedQueryInputSchema>;

export const trackedQuerySchema = z.object({
  id: uuidSchema,
  kind: trackedQueryKindSchema,
  value: z.string(),
  active: z.boolean(),
});
export type TrackedQuery = z.infer<typeof trackedQuerySchema>;

export const campaignCandidateSchema = z.object({
  id: uuidSchema,
  slug: candidateSlugSchema,
  name: z.string(),
  party: z.string().nullable(),
  /** The campaign's own candidate (the rivals are compared against it). */
  own: z.boolean(),
  color: z.string().nullable(),
  queries: z.array(trackedQuerySchema),
});
export type CampaignCandidate = z.infer<typeof campaignCandidateSchema>;

const colorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, { message: 'must be a colour as #rrggbb' });

export const createCampaignCandidateSchema = z.object({
  slug: candidateSlugSchema,
  name: z.string().trim().min(2).max(120),
  party: z.string().trim().min(1).max(120).optional(),
  own: z.boolean().default(false),
  color: colorSchema.optional(),
  queries: z.array(trackedQueryInputSchema).max(50).default([]),
});
export type CreateCampaignCandidate = z.input<typeof createCampaignCandidateSchema>;

export const campaignCandidateListSchema = z.object({ candidates: z.array(campaignCandidateSchema) });
export const campaignCandidateParamsSchema = z.object({ slug: candidateSlugSchema });
