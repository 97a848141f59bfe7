import { z } from 'zod';

export const SEVERITIES = ['info', 'warning', 'high', 'critical'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

/**
 * Every rule CASTOR applies, by stable id (docs/e14.md "Rules" and the forensic signals). Per-mesa
 * rules run on intake; cross-mesa signals run incrementally as results arrive. A rule's version
 * changes whenever its logic does, and every alert records the version that raised it.
 */
export const RULE_IDS = [
  // per mesa (one sheet)
  'nivelacion',
  'printed_sum',
  'urn_sum',
  'list_total',
  'bounds',
  'capacity',
  'pages',
  'header',
  'recount',
  'signatures',
  'corrections',
  'confidence',
  // across sources of one mesa
  'copies_differ',
  'official_differs',
  // across mesas (forensic signals: evidence for a human, never a verdict)
  'turnout_outlier',
  'one_candidate',
  'identical_vectors',
  'benford_second_digit',
  'last_digit',
] as const;
export const ruleIdSchema = z.enum(RULE_IDS);
export type RuleId = z.infer<typeof ruleIdSchema>;

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export const alertStatusSchema = z.enum(ALERT_STATUSES);

/** One failed check on a sheet, with the numbers involved. */
export const ruleFindingSchema = z.object({
  rule: ruleIdSchema,
  ruleVersion: z.number().int().min(1),
  severity: severitySchema,
  message: z.string(),
  numbers: z.record(z.string(), z.number().nullable()),
  fields: z.array(z.string()).default([]).describe('Field paths involved, e.g. nivelacion.urna, votes.3'),
});
export type RuleFinding = z.infer<typeof ruleFindingSchema>;

export const validationResultSchema = z.object({
  ok: z.boolean().describe('No finding of severity high or critical'),
  findings: z.array(ruleFindingSchema),
  needsReview: z.boolean().describe('Some field is illegible, low-confidence or overwritten'),
});
export type ValidationResult = z.infer<typeof validationResultSchema>;
