import { BARCODE_CORPORATION_DIGIT, type Copy, type E14Submission, type Field, type MesaRef } from '@castor/contracts';
import type { Ballot } from './ballots.js';
import type { FieldMark } from './faults.js';
import { cell, SheetLayout } from './layout.js';
import type { WrittenSheet } from './voting.js';

/**
 * The `T` digit of the barcode `7 C KKKKKK T 01 PP NN`: 1 claveros and 2 delegados are seen on
 * real sheets; 3 for transmisión is unconfirmed (docs/e14.md).
 */
export const BARCODE_COPY_DIGIT: Record<Copy, number> = {
  claveros: 1,
  delegados: 2,
  transmision: 3,
  consul_embajador: 2,
};

export type SubmissionSource = E14Submission['source'];

export interface SheetIdentity {
  electionCode: string;
  ballot: Ballot;
  mesa: MesaRef;
  /** Kit / form number, printed in the footer and inside the barcode. */
  kit: number;
  transmissionCode: string;
  sourceRef: string;
}

const EMPTY: Field = { state: 'empty', value: null, confidence: 1, overwritten: false };
const EMPTY_JSON = JSON.stringify(EMPTY);
/** The same empty field with its defaults left to the schema: parses to EMPTY. */
const EMPTY_JSON_SHORT = JSON.stringify({ state: 'empty' });

/**
 * One submission as a JSON line, with empty cells written in their short input form
 * (`{"state":"empty"}`): `e14SubmissionSchema.parse` gives back exactly the same object, and
 * files of list corporations, where most rows are empty, shrink by about 40 %.
 */
export function submissionJson(submission: E14Submission): string {
  return JSON.stringify(submission).replaceAll(EMPTY_JSON, EMPTY_JSON_SHORT);
}

/** Page-1 barcode of one copy: 7, corporation, kit, copy, 01, page 01, page count. */
export function barcodeOf(identity: SheetIdentity, copy: Copy): string {
  const corporation = BARCODE_CORPORATION_DIGIT[identity.ballot.corporation];
  const kit = String(identity.kit).padStart(6, '0');
  const pages = String(identity.ballot.pageCount).padStart(2, '0');
  return `7${corporation}${kit}${BARCODE_COPY_DIGIT[copy]}0101${pages}`;
}

/** The E-14 of one copy as structured data: what a careful reader would enter from the sheet. */
export function buildSubmission(
  identity: SheetIdentity,
  copy: Copy,
  source: SubmissionSource,
  sheet: WrittenSheet,
  zerosLeftEmpty: boolean,
  reading?: { cell: number; mark: FieldMark },
): E14Submission {
  const { ballot } = identity;
  const layout = ballot.layout;
  const field = (index: number): number | Field => {
    const value = cell(sheet.cells, index);
    if (reading?.cell === index) {
      const { state, confidence, overwritten } = reading.mark;
      return { state, value: state === 'illegible' ? null : value, confidence, overwritten };
    }
    return value === 0 && zerosLeftEmpty ? EMPTY : value;
  };
  return {
    schemaVersion: 2,
    electionCode: identity.electionCode,
    corporation: ballot.corporation,
    mesa: identity.mesa,
    copy,
    source,
    sourceRef: `${identity.sourceRef}/${copy}`,
    barcode: barcodeOf(identity, copy),
    transmissionCode: identity.transmissionCode,
    pageCount: ballot.pageCount,
    nivelacion: {
      sufragantes: field(SheetLayout.SUFRAGANTES),
      urna: field(SheetLayout.URNA),
      incinerados: field(SheetLayout.INCINERADOS),
    },
    votes: ballot.options.map(({ ballotNumber, candidateNumber }, o) =>
      candidateNumber === undefined
        ? { ballotNumber, votes: field(layout.vote(o)) }
        : { ballotNumber, candidateNumber, votes: field(layout.vote(o)) },
    ),
    listTotals: ballot.totalled.map((contender, list) => ({
      ballotNumber: ballot.contenders[contender]?.ballotNumber ?? 0,
      total: field(layout.listTotal(list)),
    })),
    blancos: field(layout.blancos),
    nulos: field(layout.nulos),
    noMarcados: field(layout.noMarcados),
    sumaTotal: field(layout.sumaTotal),
    recuento: { ...sheet.recuento },
    juradosSigned: sheet.juradosSigned,
  };
}

/** `X 2-39-88-14 X`, the format printed under the header. */
export function formatTransmissionCode(code: number): string {
  const digits = String(code).padStart(7, '0');
  return `X ${digits.slice(0, 1)}-${digits.slice(1, 3)}-${digits.slice(3, 5)}-${digits.slice(5, 7)} X`;
}
