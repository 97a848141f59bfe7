import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from '../common.js';
import { candidateSlugSchema } from './candidates.js';
import { TASK_PRIORITIES, TEAM_ROLES } from './team.js';

/** `POST /api/advisor/recommendations`: what the campaign should do now, from the evidence it holds. */
export const advisorRequestSchema = z
  .object({
    /** The candidate advised; omitted, the campaign's own candidate. */
    candidate: candidateSlugSchema.optional(),
    /** The recent period compared with the one before it, in days. */
    days: z.number().int().min(1).max(30).default(7),
    /** The period's end (e.g. the morning after a debate); omitted, now. */
    to: isoDateTimeSchema.optional(),
    /** Suspected bots left out of the figures (their share is evidence of its own). */
    excludeBots: z.boolean().default(true),
    max: z.number().int().min(1).max(10).default(5),
  })
  .strict();
export type AdvisorRequest = z.input<typeof advisorRequestSchema>;

export const ADVISOR_EVIDENCE_KINDS = ['metric', 'post', 'spike', 'chunk', 'analysis'] as const;

/** One fact a recommendation rests on, with what opens it (a post id, a spike, a document passage…). */
export const advisorEvidenceSchema = z.object({
  /** Stable within the answer: recommendations cite evidence by it. */
  id: z.string(),
  kind: z.enum(ADVISOR_EVIDENCE_KINDS),
  /** The post id, spike alert id, chunk id or analysis id; for a metric, its name. */
  ref: z.string(),
  label: z.string(),
});
export type AdvisorEvidence = z.infer<typeof advisorEvidenceSchema>;

export const recommendationSchema = z.object({
  id: uuidSchema,
  /** What to do. */
  title: z.string(),
  /** Why, in terms of the evidence. */
  why: z.string(),
  priority: z.enum(TASK_PRIORITIES),
  ownerRole: z.enum(TEAM_ROLES),
  evidence: z.array(advisorEvidenceSchema).min(1),
  /** The team task made from it, once someone did. */
  taskId: uuidSchema.nullable(),
  createdAt: isoDateTimeSchema,
});
export type Recommendation = z.infer<typeof recommendationSchema>;

export const advisorResponseSchema = z.object({
  candidate: z.object({ slug: z.string(), name: z.string() }),
  period: z.object({ from: isoDateTimeSchema, to: isoDateTimeSchema }),
  recommendations: z.array(recommendationSchema),
  answeredBy: z.object({ provider: z.string(), model: z.string(), offline: z.boolean() }),
  /** Recommendations rest on public conversation and the campaign's documents, not on votes. */
  disclaimer: z.string(),
});
export type AdvisorResponse = z.infer<typeof advisorResponseSchema>;

export const recommendationListSchema = z.object({ recommendations: z.array(recommendationSchema) });
export const recommendationIdParamsSchema = z.object({ id: uuidSchema });
