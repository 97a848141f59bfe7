import { z } from 'zod';
import { ruleIdSchema, severitySchema } from './rules.js';

/**
 * Tunable thresholds of the rules. Defaults follow docs/e14.md; an election and each of its
 * corporations may override any of them (corporation over election over default).
 */
export const ruleParamsSchema = z.object({
  confidenceThreshold: z.number().min(0).max(1).describe('Fields read below this confidence go to review'),
  minSignatures: z.number().int().min(0).max(6).describe('Fewer signed JURADO boxes than this raise "signatures"'),
  turnoutHigh: z.number().min(0).max(2).describe('Turnout at or above this is flagged (docs/e14.md: 0.95)'),
  robustZ: z.number().min(1).max(20).describe('Robust |z| (median/MAD) above this is an outlier (docs/e14.md: 3.5)'),
  minGroupForZ: z.number().int().min(3).max(1_000).describe('Fewest mesas in a puesto/municipio to compute z'),
  turnoutMinDeviation: z
    .number()
    .min(0)
    .max(1)
    .describe('A robust z also needs |τ − median| at least this: a large z over a tiny spread is not evidence'),
  oneCandidateShare: z.number().min(0).max(1).describe('Share of one option flagged (docs/e14.md: 0.95)'),
  oneCandidateTurnout: z.number().min(0).max(2).describe('...when turnout is at least this (docs/e14.md: 0.9)'),
  identicalMinVotes: z.number().int().min(0).max(999).describe('Identical vectors count only with this many votes'),
  digitMinCount: z.number().int().min(1).max(999).describe('Counts used by the digit tests are at least this (10)'),
  benfordMinSample: z.number().int().min(10).max(100_000).describe('Fewest counts for the second-digit test (30)'),
  lastDigitMinSample: z.number().int().min(10).max(100_000).describe('Fewest counts for the last-digit test'),
  chiSquareCritical: z.number().min(1).max(100).describe('χ² with 9 d.f. above this is flagged (16.92 at 5 %)'),
});
export type RuleParams = z.infer<typeof ruleParamsSchema>;

export const DEFAULT_RULE_PARAMS: RuleParams = {
  confidenceThreshold: 0.7,
  minSignatures: 3,
  turnoutHigh: 0.95,
  robustZ: 3.5,
  minGroupForZ: 5,
  turnoutMinDeviation: 0.1,
  oneCandidateShare: 0.95,
  oneCandidateTurnout: 0.9,
  identicalMinVotes: 10,
  digitMinCount: 10,
  benfordMinSample: 30,
  lastDigitMinSample: 50,
  chiSquareCritical: 16.92,
};

export const ruleSettingSchema = z.object({
  enabled: z.boolean().optional(),
  severity: severitySchema.optional().describe('Replaces the default severity of every finding of the rule'),
});

export const ruleConfigSchema = z.object({
  rules: z.partialRecord(ruleIdSchema, ruleSettingSchema).default({}),
  params: ruleParamsSchema.partial().default({}),
});
export type RuleConfig = z.output<typeof ruleConfigSchema>;
export type RuleConfigInput = z.input<typeof ruleConfigSchema>;

/** One rule as documented and applied: id, version, default severity, scope, formula. */
export const ruleDescriptionSchema = z.object({
  id: ruleIdSchema,
  version: z.number().int().min(1),
  severity: severitySchema,
  scope: z.enum(['sheet', 'sources', 'mesas']),
  formula: z.string(),
  enabled: z.boolean(),
  effectiveSeverity: severitySchema.optional(),
});

export const electionRulesResponseSchema = z.object({
  electionCode: z.string(),
  election: ruleConfigSchema,
  corporations: z.record(z.string(), ruleConfigSchema),
  effectiveParams: z.record(z.string(), ruleParamsSchema).describe('Per corporation, after overrides'),
  rules: z.array(ruleDescriptionSchema),
});

export const updateRulesRequestSchema = z.object({
  corporation: z
    .string()
    .optional()
    .describe('Corporation whose configuration to replace; absent = the election-wide configuration'),
  config: ruleConfigSchema,
});
