/**
 * How the sheet benchmarks score a read sheet against its truth: the reading becomes a submission
 * (sheetToSubmission, the sheet's arithmetic included) and each value field counts as sent to
 * review as e14-service sends it: illegible, over-written, or read below the default
 * `confidenceThreshold`. A sheet is fully confirmed when none of its fields goes to review.
 */
import { DEFAULT_RULE_PARAMS, type E14Submission, type Field, type MesaRef, toField } from '@castor/contracts';
import { type SheetReading, sheetToSubmission } from '@castor/e14-sheets';

export const REVIEW_CONFIDENCE_THRESHOLD = DEFAULT_RULE_PARAMS.confidenceThreshold;

export interface Truth {
  value: number;
}

/** The value fields of a submission by path, as the template names them. */
export function fieldsOf(submission: E14Submission) {
  const fields = new Map<string, Field | E14Submission['blancos']>();
  fields.set('nivelacion.sufragantes', submission.nivelacion.sufragantes);
  fields.set('nivelacion.urna', submission.nivelacion.urna);
  fields.set('nivelacion.incinerados', submission.nivelacion.incinerados);
  for (const vote of submission.votes) {
    const key =
      vote.candidateNumber === undefined ? `${vote.ballotNumber}` : `${vote.ballotNumber}-${vote.candidateNumber}`;
    fields.set(`votes.${key}`, vote.votes);
  }
  for (const total of submission.listTotals) fields.set(`listTotals.${total.ballotNumber}`, total.total);
  fields.set('blancos', submission.blancos);
  fields.set('nulos', submission.nulos);
  fields.set('noMarcados', submission.noMarcados);
  if (submission.sumaTotal) fields.set('sumaTotal', submission.sumaTotal);
  return fields;
}

export interface Tally {
  sheets: number;
  fields: number;
  wrong: number;
  wrongNotReviewed: number;
  reviewed: number;
  reviewedRight: number;
  sheetsFullyConfirmed: number;
}

export const emptyTally = (): Tally => ({
  sheets: 0,
  fields: 0,
  wrong: 0,
  wrongNotReviewed: 0,
  reviewed: 0,
  reviewedRight: 0,
  sheetsFullyConfirmed: 0,
});

export interface Outcome {
  path: string;
  right: boolean;
  reviewed: boolean;
  value: number | null;
}

/** Scores one read sheet into `tally` and returns each scored field's outcome. */
export function score(
  tally: Tally,
  reading: SheetReading,
  truth: ReadonlyMap<string, Truth>,
  context: { electionCode: string; mesa: MesaRef; writerAdaptation?: boolean },
): Outcome[] {
  const { submission } = sheetToSubmission(reading, {
    electionCode: context.electionCode,
    mesa: context.mesa,
    copy: 'delegados',
    ...(context.writerAdaptation === undefined ? {} : { writerAdaptation: context.writerAdaptation }),
  });
  let sentToReview = 0;
  const outcomes: Outcome[] = [];
  for (const [path, written] of fieldsOf(submission)) {
    const field = toField(written);
    const expected = truth.get(path);
    if (!expected) continue;
    const right = field.state !== 'illegible' && field.value === expected.value;
    const reviewed = field.state === 'illegible' || field.overwritten || field.confidence < REVIEW_CONFIDENCE_THRESHOLD;
    tally.fields++;
    if (!right) tally.wrong++;
    if (!right && !reviewed) tally.wrongNotReviewed++;
    if (reviewed) {
      tally.reviewed++;
      sentToReview++;
      if (right) tally.reviewedRight++;
    }
    outcomes.push({ path, right, reviewed, value: field.value });
  }
  tally.sheets++;
  if (sentToReview === 0) tally.sheetsFullyConfirmed++;
  return outcomes;
}
