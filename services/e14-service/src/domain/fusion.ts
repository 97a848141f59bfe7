import type { DocumentReading } from '@castor/contracts';
import { type E14Submission, type Field, type ProviderReading, type RuleFinding, toField } from '@castor/contracts';

type ReviewReason = DocumentReading['fields'][number]['review'];

/** Fields of a submission by path, in the paths the intake and the templates use. */
export function submissionFieldPaths(submission: E14Submission): Array<{ path: string; field: Field }> {
  const fields: Array<{ path: string; field: Field }> = [
    { path: 'nivelacion.sufragantes', field: toField(submission.nivelacion.sufragantes) },
    { path: 'nivelacion.urna', field: toField(submission.nivelacion.urna) },
    { path: 'nivelacion.incinerados', field: toField(submission.nivelacion.incinerados) },
  ];
  for (const row of submission.votes) {
    const path =
      row.candidateNumber === undefined
        ? `votes.${row.ballotNumber}`
        : `votes.${row.ballotNumber}-${row.candidateNumber}`;
    fields.push({ path, field: toField(row.votes) });
  }
  for (const total of submission.listTotals)
    fields.push({ path: `listTotals.${total.ballotNumber}`, field: toField(total.total) });
  fields.push({ path: 'blancos', field: toField(submission.blancos) });
  fields.push({ path: 'nulos', field: toField(submission.nulos) });
  fields.push({ path: 'noMarcados', field: toField(submission.noMarcados) });
  if (submission.sumaTotal !== undefined) fields.push({ path: 'sumaTotal', field: toField(submission.sumaTotal) });
  return fields;
}

/** The same submission with every field replaced by `update(path, field)`. */
export function mapSubmissionFields(
  submission: E14Submission,
  update: (path: string, field: Field) => Field,
): E14Submission {
  const at = (path: string, input: E14Submission['blancos']) => update(path, toField(input));
  return {
    ...submission,
    nivelacion: {
      sufragantes: at('nivelacion.sufragantes', submission.nivelacion.sufragantes),
      urna: at('nivelacion.urna', submission.nivelacion.urna),
      incinerados: at('nivelacion.incinerados', submission.nivelacion.incinerados),
    },
    votes: submission.votes.map((row) => ({
      ...row,
      votes: at(
        row.candidateNumber === undefined
          ? `votes.${row.ballotNumber}`
          : `votes.${row.ballotNumber}-${row.candidateNumber}`,
        row.votes,
      ),
    })),
    listTotals: submission.listTotals.map((total) => ({
      ...total,
      total: at(`listTotals.${total.ballotNumber}`, total.total),
    })),
    blancos: at('blancos', submission.blancos),
    nulos: at('nulos', submission.nulos),
    noMarcados: at('noMarcados', submission.noMarcados),
    ...(submission.sumaTotal === undefined ? {} : { sumaTotal: at('sumaTotal', submission.sumaTotal) }),
  };
}

const reading = (provider: string, field: Field): ProviderReading => ({
  provider,
  state: field.state,
  value: field.state === 'read' ? field.value : null,
  confidence: field.confidence,
  overwritten: field.overwritten,
});

const sameValue = (a: Field, b: Field) => a.state === b.state && (a.state !== 'read' || a.value === b.value);

/** A confidence just under the review threshold: the value stays, a person confirms it. */
export const belowThreshold = (confidence: number, threshold: number) =>
  Math.min(confidence, Math.max(0, threshold - 0.01));

/**
 * Fuses the local reading with a second provider's, field by field. Two providers agreeing make
 * the value more certain (1 − (1 − a)(1 − b), as independent readers); a disagreement keeps the
 * more confident value below the review threshold, so the field becomes a review task; a field
 * only one provider read keeps that reading. Every provider's reading stays on the field.
 */
export function fuseReadings(
  local: E14Submission,
  localProvider: string,
  second: { provider: string; fields: Record<string, Field> } | null,
  threshold: number,
): { submission: E14Submission; disagreements: Set<string> } {
  const disagreements = new Set<string>();
  const submission = mapSubmissionFields(local, (path, field) => {
    const own = reading(localProvider, field);
    const other = second?.fields[path] ?? (path.endsWith('-0') ? second?.fields[path.slice(0, -2)] : undefined);
    if (!second || !other) return { ...field, readings: [own] };
    const readings = [own, reading(second.provider, other)];
    if (sameValue(field, other)) {
      return {
        ...field,
        confidence: 1 - (1 - field.confidence) * (1 - other.confidence),
        overwritten: field.overwritten || other.overwritten,
        readBy: `${localProvider}+${second.provider}`.slice(0, 80),
        readings,
      };
    }
    disagreements.add(path);
    const best = other.confidence > field.confidence ? other : field;
    return {
      ...best,
      ...(field.crop ? { crop: field.crop } : {}),
      confidence: belowThreshold(Math.min(field.confidence, other.confidence), threshold),
      overwritten: field.overwritten || other.overwritten,
      readBy: (best === field ? localProvider : second.provider).slice(0, 80),
      readings,
    };
  });
  return { submission, disagreements };
}

/**
 * Fields named by a blocking rule finding (arithmetic, capacity...) get a confidence under the
 * threshold: when the numbers do not add up, a person should look at the cells involved. A cell a
 * check of the sheet confirmed (`confirmed`: its list's rows and TOTAL add up, say) is not in doubt
 * because another sum fails: the cells that break that sum are the unconfirmed ones.
 */
export function flagFailedRules(
  submission: E14Submission,
  findings: readonly RuleFinding[],
  threshold: number,
  confirmed: ReadonlySet<string> = new Set(),
): { submission: E14Submission; flagged: Set<string> } {
  const flagged = new Set(
    findings
      .filter((f) => f.severity === 'high' || f.severity === 'critical')
      .flatMap((f) => f.fields)
      .filter((path) => !confirmed.has(path)),
  );
  if (flagged.size === 0) return { submission, flagged };
  return {
    submission: mapSubmissionFields(submission, (path, field) =>
      flagged.has(path) && field.state !== 'illegible'
        ? { ...field, confidence: belowThreshold(field.confidence, threshold) }
        : field,
    ),
    flagged,
  };
}

/** Why a fused field goes to review (the same order of reasons as the intake's tasks). */
export function reviewReasonOf(
  path: string,
  field: Field,
  threshold: number,
  disagreements: ReadonlySet<string>,
  flagged: ReadonlySet<string>,
): ReviewReason {
  if (field.state === 'illegible') return 'illegible';
  if (disagreements.has(path)) return 'disagreement';
  if (flagged.has(path)) return 'failed_rule';
  if (field.confidence < threshold) return 'low_confidence';
  if (field.overwritten) return 'overwritten';
  return null;
}
