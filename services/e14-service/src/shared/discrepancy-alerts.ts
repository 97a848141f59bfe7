import type { FormSummary, Reconciled } from '../domain/reconciliation-policy.js';
import { RULES } from '../domain/rule-catalog.js';
import type { NewAlert } from './alert-store.js';

/** The mesa a discrepancy alert is about. */
export type AlertSubject = Pick<NewAlert, 'electionId' | 'corporation' | 'territory' | 'mesaId' | 'municipioId'>;

/** The copies of a mesa disagree; names the odd copy out when two of three agree. */
export function copiesDifferAlert(
  subject: AlertSubject,
  dedupeKey: string,
  { differences, copies, oddCopy, formIds }: NonNullable<Reconciled['copiesDiffer']>,
): NewAlert {
  return {
    ...subject,
    rule: 'copies_differ',
    ruleVersion: RULES.copies_differ.version,
    severity: RULES.copies_differ.severity,
    dedupeKey,
    formId: null,
    copy: oddCopy,
    message: `The copies (${copies.join(', ')}) of mesa ${subject.territory} differ on ${differences.map((item) => item.field).join(', ')}${oddCopy ? `; the ${oddCopy} copy is the odd one out` : ''}`,
    numbers: { fieldsDiffering: differences.length, copies: copies.length },
    evidence: {
      fields: differences.map((item) => item.field),
      sources: formIds.map((formId, index) => ({
        formId,
        source: 'e14',
        ...(copies[index] ? { copy: copies[index] } : {}),
      })),
      detail: { differences },
    },
  };
}

/** The E-14 (any copy) and the official feeds, or the two feeds, disagree. */
export function officialDiffersAlert(
  subject: AlertSubject,
  dedupeKey: string,
  truth: FormSummary,
  { differences, sources }: NonNullable<Reconciled['officialDiffers']>,
): NewAlert {
  return {
    ...subject,
    rule: 'official_differs',
    ruleVersion: RULES.official_differs.version,
    severity: RULES.official_differs.severity,
    dedupeKey,
    formId: truth.id,
    copy: null,
    message: `Mesa ${subject.territory}: ${sources.join(' / ')} disagree on ${differences.map((item) => item.field).join(', ')}`,
    numbers: { fieldsDiffering: differences.length },
    evidence: {
      fields: differences.map((item) => item.field),
      sources: [
        { formId: truth.id, source: 'e14', copy: truth.copy, version: truth.version },
        ...sources.filter((source) => !source.startsWith('e14')).map((source) => ({ source })),
      ],
      detail: { differences },
    },
  };
}
