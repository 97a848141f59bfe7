import { type Ballot, contenderTotals } from './ballots.js';
import { type Cells, cell, SheetLayout } from './layout.js';

/**
 * A fault must break the rules on its label and nothing else. Most faults cannot touch the
 * cross-mesa signals by construction; these checks reject the rare draw that would (a small
 * change that pushes a mesa over the one-candidate threshold, or makes a tiny mesa's votes equal
 * a neighbour's), so that no label is ever wrong.
 */

const ONE_CANDIDATE_SHARE = 0.95;
const ONE_CANDIDATE_TURNOUT = 0.9;

/**
 * The one-candidate signal (share ≥ 0.95 with turnout ≥ 0.9) under its two readings: strict (the
 * largest single row over every counted vote, blancos/nulos/no marcados included) and permissive
 * (the largest contender, a list counting all its rows, over the votes for contenders only).
 */
export function oneCandidateFlags(ballot: Ballot, cells: Cells, habilitados: number): [boolean, boolean] {
  const layout = ballot.layout;
  const turnout = habilitados > 0 ? cell(cells, SheetLayout.SUFRAGANTES) / habilitados : 0;
  if (turnout < ONE_CANDIDATE_TURNOUT) return [false, false];
  let maxRow = 0;
  let rows = 0;
  for (let c = SheetLayout.FIRST_VOTE; c < layout.votesEnd; c++) {
    maxRow = Math.max(maxRow, cell(cells, c));
    rows += cell(cells, c);
  }
  const counted = layout.countedSum(cells);
  const maxContender = Math.max(0, ...contenderTotals(ballot, cells));
  return [
    counted > 0 && maxRow / counted >= ONE_CANDIDATE_SHARE,
    rows > 0 && maxContender / rows >= ONE_CANDIDATE_SHARE,
  ];
}

/** True when `after` raises the one-candidate signal under a reading where `before` did not. */
export function raisesOneCandidate(ballot: Ballot, before: Cells, after: Cells, habilitados: number): boolean {
  const was = oneCandidateFlags(ballot, before, habilitados);
  const is = oneCandidateFlags(ballot, after, habilitados);
  return is.some((flag, reading) => flag && !was[reading]);
}

/** Below this many counted votes two mesas can share a vote vector by chance. */
export const SMALL_VECTOR = 40;
