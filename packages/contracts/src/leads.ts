import { z } from 'zod';
import { emailSchema, isoDateTimeSchema, uuidSchema } from './common.js';

export const LEAD_ROLES = ['campaign', 'observer', 'party', 'media', 'academic', 'other'] as const;

export const demoRequestSchema = z.object({
  name: z.string().trim().min(2).max(120),
  email: emailSchema,
  organization: z.string().trim().max(160).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{7,20}$/, { message: 'must be a phone number' })
    .optional(),
  role: z.enum(LEAD_ROLES).default('other'),
  city: z.string().trim().max(80).optional(),
  message: z.string().trim().max(2000).optional(),
  // Spam traps: a hidden field people leave empty, and how long the form was open (ms).
  website: z.string().max(200).optional().describe('Honeypot: must be empty'),
  formOpenedMs: z.number().int().min(0).max(86_400_000).optional(),
});
export type DemoRequest = z.input<typeof demoRequestSchema>;

export const leadSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  email: z.string(),
  organization: z.string().nullable(),
  phone: z.string().nullable(),
  role: z.enum(LEAD_ROLES),
  city: z.string().nullable(),
  message: z.string().nullable(),
  createdAt: isoDateTimeSchema,
});

export const demoRequestResponseSchema = z.object({
  id: uuidSchema,
  received: z.literal(true),
});

export const leadListResponseSchema = z.object({ leads: z.array(leadSchema), total: z.number().int() });
