import { createHash } from 'node:crypto';
import {
  type Corporation,
  type E14Submission,
  type Field,
  fieldValue,
  isListCorporation,
  type MesaKey,
  mesaKey,
  toField,
} from '@castor/contracts';
import { canonicalJson } from './canonical-json.js';

/** A vote row of a sheet: ballot number, candidate number (0 = solo por la agrupación) and the read field. */
export interface SheetVoteRow {
  ballotNumber: number;
  candidateNumber: number | null;
  field: Field;
  /** Field path, e.g. "votes.3" or "votes.3-101". */
  path: string;
}

/**
 * A submission with every shorthand value expanded to a full field, the form the rules run on,
 * the content hash is computed from and the payload is stored as.
 */
export interface Sheet {
  submission: E14Submission;
  mesaKey: MesaKey;
  sufragantes: Field;
  urna: Field;
  incinerados: Field;
  blancos: Field;
  nulos: Field;
  noMarcados: Field;
  sumaTotal: Field | null;
  votes: SheetVoteRow[];
  listTotals: Array<{ ballotNumber: number; field: Field; path: string }>;
  /** Every field with its path, in a stable order. */
  fields: Array<{ path: string; field: Field }>;
  canonical: string;
  contentHash: string;
}

export const optionPath = (ballotNumber: number, candidateNumber: number | null) =>
  candidateNumber === null ? `votes.${ballotNumber}` : `votes.${ballotNumber}-${candidateNumber}`;

/**
 * The candidate number of a submitted vote row as the sheet numbers it: list corporations number
 * the "solo por la agrupación" row 0 (a list sin voto preferente has only that row).
 */
export const rowCandidateNumber = (corporation: Corporation, candidateNumber: number | undefined) =>
  isListCorporation(corporation) ? (candidateNumber ?? 0) : (candidateNumber ?? null);

export class SheetShapeError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * Expands a parsed submission. List corporations number the "solo por la agrupación" row 0 (a
 * list sin voto preferente has only that row), so a row without candidate number becomes 0 there;
 * single-winner corporations have no candidate numbers. Duplicate rows are refused.
 */
export function toSheet(submission: E14Submission): Sheet {
  const listCorporation = isListCorporation(submission.corporation);
  const seen = new Set<string>();
  const votes = submission.votes.map((row, index): SheetVoteRow => {
    const candidateNumber = rowCandidateNumber(submission.corporation, row.candidateNumber);
    if (!listCorporation && candidateNumber !== null) {
      throw new SheetShapeError(
        `${submission.corporation} is a single-winner corporation: its rows have no candidate number`,
        `votes.${index}.candidateNumber`,
      );
    }
    const path = optionPath(row.ballotNumber, candidateNumber);
    if (seen.has(path)) throw new SheetShapeError(`the row ${path} appears twice`, `votes.${index}`);
    seen.add(path);
    return { ballotNumber: row.ballotNumber, candidateNumber, field: toField(row.votes), path };
  });
  const totalsSeen = new Set<number>();
  const listTotals = submission.listTotals.map((total, index) => {
    if (totalsSeen.has(total.ballotNumber)) {
      throw new SheetShapeError(`the list total of ${total.ballotNumber} appears twice`, `listTotals.${index}`);
    }
    totalsSeen.add(total.ballotNumber);
    return { ballotNumber: total.ballotNumber, field: toField(total.total), path: `listTotals.${total.ballotNumber}` };
  });
  const sheet = {
    sufragantes: toField(submission.nivelacion.sufragantes),
    urna: toField(submission.nivelacion.urna),
    incinerados: toField(submission.nivelacion.incinerados),
    blancos: toField(submission.blancos),
    nulos: toField(submission.nulos),
    noMarcados: toField(submission.noMarcados),
    sumaTotal: submission.sumaTotal === undefined ? null : toField(submission.sumaTotal),
  };
  const fields: Sheet['fields'] = [
    { path: 'nivelacion.sufragantes', field: sheet.sufragantes },
    { path: 'nivelacion.urna', field: sheet.urna },
    { path: 'nivelacion.incinerados', field: sheet.incinerados },
    ...votes.map((row) => ({ path: row.path, field: row.field })),
    ...listTotals.map((total) => ({ path: total.path, field: total.field })),
    { path: 'blancos', field: sheet.blancos },
    { path: 'nulos', field: sheet.nulos },
    { path: 'noMarcados', field: sheet.noMarcados },
    ...(sheet.sumaTotal ? [{ path: 'sumaTotal', field: sheet.sumaTotal }] : []),
  ];
  const canonicalSubmission: E14Submission = {
    ...submission,
    nivelacion: { sufragantes: sheet.sufragantes, urna: sheet.urna, incinerados: sheet.incinerados },
    votes: submission.votes.map((row, index) => ({ ...row, votes: votes[index]?.field ?? toField(row.votes) })),
    listTotals: submission.listTotals.map((total, index) => ({
      ...total,
      total: listTotals[index]?.field ?? toField(total.total),
    })),
    blancos: sheet.blancos,
    nulos: sheet.nulos,
    noMarcados: sheet.noMarcados,
    ...(sheet.sumaTotal ? { sumaTotal: sheet.sumaTotal } : {}),
  };
  const canonical = canonicalJson(canonicalSubmission);
  return {
    submission: canonicalSubmission,
    mesaKey: mesaKey(submission.mesa),
    ...sheet,
    votes,
    listTotals,
    fields,
    canonical,
    contentHash: createHash('sha256').update(canonical).digest('hex'),
  };
}

/** Numeric value for arithmetic: empty = 0, illegible = unknown (docs/e14.md; `fieldValue` in contracts). */
export const numberIn = (field: Field | null): number | null => (field === null ? null : fieldValue(field));

/** Sum of values, or null when any is unknown. */
export function sumOf(values: ReadonlyArray<number | null>): number | null {
  let total = 0;
  for (const value of values) {
    if (value === null) return null;
    total += value;
  }
  return total;
}
