import { z } from 'zod';
import { isoDateTimeSchema } from '../common.js';

/**
 * An X (Twitter) API v2 user object as X returns it (`GET /2/users/...` with `user.fields`). Only
 * id, name and username come without asking; every other field is there when requested, so it is
 * optional here. Fields this schema does not name (entities, pinned_tweet_id, ...) pass through.
 */
export const xUserSchema = z.looseObject({
  id: z.string().regex(/^[0-9]{1,20}$/, { message: 'must be an X user id (digits)' }),
  username: z.string().min(1).max(50),
  name: z.string().max(100),
  created_at: isoDateTimeSchema.optional(),
  description: z.string().optional(),
  url: z.string().optional(),
  location: z.string().optional(),
  profile_image_url: z.string().optional(),
  protected: z.boolean().optional(),
  verified: z.boolean().optional(),
  verified_type: z.enum(['blue', 'business', 'government', 'none']).optional(),
  public_metrics: z
    .looseObject({
      followers_count: z.number().int().min(0),
      following_count: z.number().int().min(0),
      tweet_count: z.number().int().min(0),
      listed_count: z.number().int().min(0),
      like_count: z.number().int().min(0).optional(),
    })
    .optional(),
});
export type XUser = z.infer<typeof xUserSchema>;

export const BOT_SCORE_MAX_USERS = 1000;

export const botScoreRequestSchema = z.object({
  users: z.array(xUserSchema).min(1).max(BOT_SCORE_MAX_USERS),
});
export type BotScoreRequest = z.infer<typeof botScoreRequestSchema>;

export const botDriverSchema = z.object({
  feature: z.string().describe('Model feature name (see the bot-detector README)'),
  value: z.number().describe('The value the model saw for this user'),
  contribution: z
    .number()
    .describe('Change in bot likelihood this feature caused along the trees’ decision paths (signed)'),
});

export const botScoreSchema = z.object({
  userId: z.string(),
  likelihood: z.number().min(0).max(1).describe('Estimated probability that the account is a spam bot'),
  suspected: z
    .boolean()
    .describe('likelihood at or above the model threshold, with no model feature missing from the user object'),
  drivers: z.array(botDriverSchema).max(5).describe('The features that moved the likelihood most, largest first'),
  missing: z.array(z.string()).describe('Model features the user object lacked, filled with the training median'),
  model: z.string(),
  version: z.string(),
});
export type BotScore = z.infer<typeof botScoreSchema>;

export const botScoreResponseSchema = z.object({
  threshold: z.number().min(0).max(1),
  scores: z.array(botScoreSchema),
});
export type BotScoreResponse = z.infer<typeof botScoreResponseSchema>;
