import { type E14Submission, e14SubmissionSchema, type Field } from '@castor/contracts';
import { reviewSourceRef } from '../../domain/reconciliation-policy.js';
import { toSheet } from '../../domain/sheet.js';
import type { ClosedField } from './review.repository.js';

/**
 * The form with every reviewed field replaced by its closed value, as source `reviewer`. A
 * reviewed field keeps its crop and every provider reading; its confidence is 1 and it is no
 * longer marked over-written (a person read the final digits, or a promoted model read them with
 * confidence and the form's sums agreed: then `readBy` names that model, as the task's closer).
 */
export function reviewedSubmission(formId: number, payload: unknown, closed: readonly ClosedField[]): E14Submission {
  const submission = e14SubmissionSchema.parse(payload);
  const reviewed = new Map(closed.map((task) => [task.fieldPath, task]));
  const sheet = toSheet(submission);
  const replace = (path: string, field: Field): Field => {
    const task = reviewed.get(path);
    if (!task) return field;
    // Settled on review: not the reading the model version recorded on the field.
    const { modelVersion: _readByModel, ...kept } = field;
    return {
      ...kept,
      state: task.resolvedState,
      value: task.resolvedState === 'read' ? task.resolvedValue : null,
      confidence: 1,
      overwritten: false,
      readBy: task.resolution === 'model' && task.resolvedBy ? task.resolvedBy : 'review',
    };
  };
  const fieldAt = (path: string) => {
    const found = sheet.fields.find((entry) => entry.path === path);
    if (!found) throw new Error(`form ${formId} has no field ${path}`);
    return replace(path, found.field);
  };
  const { sumaTotal, ...rest } = sheet.submission;
  return {
    ...rest,
    source: 'reviewer',
    sourceRef: reviewSourceRef(formId),
    nivelacion: {
      sufragantes: fieldAt('nivelacion.sufragantes'),
      urna: fieldAt('nivelacion.urna'),
      incinerados: fieldAt('nivelacion.incinerados'),
    },
    votes: sheet.submission.votes.map((row, index) => ({
      ...row,
      votes: fieldAt(sheet.votes[index]?.path ?? ''),
    })),
    listTotals: sheet.submission.listTotals.map((total, index) => ({
      ...total,
      total: fieldAt(sheet.listTotals[index]?.path ?? ''),
    })),
    blancos: fieldAt('blancos'),
    nulos: fieldAt('nulos'),
    noMarcados: fieldAt('noMarcados'),
    ...(sumaTotal === undefined ? {} : { sumaTotal: fieldAt('sumaTotal') }),
  };
}
