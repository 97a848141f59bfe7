import type { ReviewAnswer } from '@castor/contracts';

export type CellState = 'read' | 'empty' | 'illegible';
/** Who closed a task: two reviewers agreeing, an admin, or a promoted model reading its cell again. */
export type Resolution = 'consensus' | 'admin' | 'model';

/** A reviewer's (or an admin's) reading of one cell. */
export interface Answer {
  state: CellState;
  value: number | null;
}

/** Two different reviewers giving the same answer close a task; three without that escalate it. */
const AGREEMENT = 2;
export const ENTRIES_BEFORE_ESCALATION = 3;

export const toAnswer = (answer: ReviewAnswer): Answer =>
  answer.illegible
    ? { state: 'illegible', value: null }
    : answer.empty
      ? { state: 'empty', value: null }
      : { state: 'read', value: answer.value ?? null };

export const sameAnswer = (a: Answer, b: Answer) => a.state === b.state && (a.state !== 'read' || a.value === b.value);

/** The answer at least AGREEMENT entries share, if any. */
export function consensusOf(entries: readonly Answer[]): Answer | null {
  for (const entry of entries) {
    if (entries.filter((other) => sameAnswer(entry, other)).length >= AGREEMENT) return entry;
  }
  return null;
}
