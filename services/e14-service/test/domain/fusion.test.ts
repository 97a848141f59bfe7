import { e14SubmissionSchema, type RuleFinding, toField } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { flagFailedRules, submissionFieldPaths } from '../../src/domain/fusion.js';
import { workedExample } from '../support/fixtures.js';

const THRESHOLD = 0.85;

/** The worked example as read: every cell at 0.99, the printed suma total one vote off the rows. */
const sheet = e14SubmissionSchema.parse(
  workedExample({ sumaTotal: { state: 'read', value: 97, confidence: 0.99, overwritten: false } }),
);
const printedSum: RuleFinding = {
  rule: 'printed_sum',
  ruleVersion: 1,
  severity: 'high',
  message: 'The rows add up to 96, the suma total says 97',
  numbers: { rows: 96, printed: 97 },
  fields: ['votes.1', 'votes.2', 'blancos', 'sumaTotal'],
};
const confidenceOf = (submission: typeof sheet, path: string) =>
  toField(submissionFieldPaths(submission).find((field) => field.path === path)?.field ?? 0).confidence;

describe('flagFailedRules', () => {
  it('sends every cell of a failed sum to review', () => {
    const { submission, flagged } = flagFailedRules(sheet, [printedSum], THRESHOLD);
    expect([...flagged].sort()).toEqual(['blancos', 'sumaTotal', 'votes.1', 'votes.2']);
    for (const path of flagged) expect(confidenceOf(submission, path)).toBeLessThan(THRESHOLD);
    expect(confidenceOf(submission, 'nivelacion.urna')).toBe(confidenceOf(sheet, 'nivelacion.urna'));
  });

  it('leaves out the cells another check of the sheet confirmed', () => {
    const confirmed = new Set(['votes.1', 'votes.2']);
    const { submission, flagged } = flagFailedRules(sheet, [printedSum], THRESHOLD, confirmed);
    expect([...flagged].sort()).toEqual(['blancos', 'sumaTotal']);
    expect(confidenceOf(submission, 'votes.1')).toBe(confidenceOf(sheet, 'votes.1'));
    expect(confidenceOf(submission, 'sumaTotal')).toBeLessThan(THRESHOLD);
  });

  it('ignores findings below high severity', () => {
    const { flagged } = flagFailedRules(sheet, [{ ...printedSum, severity: 'warning' }], THRESHOLD);
    expect(flagged.size).toBe(0);
  });
});
