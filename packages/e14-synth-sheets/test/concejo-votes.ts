import type { E14Submission } from '@castor/contracts';

/**
 * The vote rows of a Concejo sheet with enough rows for several pages: list 1 sin voto preferente
 * with `firstList` votes, then lists 2, 3 and 4 con voto preferente (14, 16 and 9 candidates after
 * the list's own row 0), each row holding `voteOf(ballotNumber, candidate)`; and those lists' totals.
 */
export function concejoVotes(
  firstList: number,
  voteOf: (ballotNumber: number, candidate: number) => number,
): Pick<E14Submission, 'votes' | 'listTotals'> {
  const votes: E14Submission['votes'] = [{ ballotNumber: 1, votes: firstList }];
  const listTotals: E14Submission['listTotals'] = [];
  for (const [ballotNumber, candidates] of [
    [2, 14],
    [3, 16],
    [4, 9],
  ] as const) {
    let total = 0;
    for (let candidate = 0; candidate <= candidates; candidate++) {
      const value = voteOf(ballotNumber, candidate);
      total += value;
      votes.push({ ballotNumber, candidateNumber: candidate === 0 ? 0 : 100 + candidate, votes: value });
    }
    listTotals.push({ ballotNumber, total });
  }
  return { votes, listTotals };
}
