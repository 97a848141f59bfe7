/**
 * The E-14 rules, written for the tests straight from docs/e14.md ("Rules" and the
 * forensic signals), independently of the generator's code. E11 = sufragantes, U = urna,
 * I = incinerados, c_j = vote rows, B/N/M = blancos/nulos/no marcados, S = suma total,
 * H = habilitados. A field that is illegible has no value, and a rule with an unknown operand is
 * not evaluated (it cannot fail); an empty field counts as 0.
 */
import {
  BARCODE_CORPORATION_DIGIT,
  type E14Submission,
  type Field,
  fieldValue,
  type RuleId,
  toField,
} from '@castor/contracts';
import { BARCODE_COPY_DIGIT, type OfficialRow } from '../src/index.js';

export const PER_MESA_RULES: readonly RuleId[] = [
  'nivelacion',
  'printed_sum',
  'urn_sum',
  'list_total',
  'bounds',
  'capacity',
  'pages',
  'recount',
  'signatures',
  'corrections',
  'confidence',
];

/** "Few or none" signatures: the legal minimum is unconfirmed; the generator's labels hold for any threshold in (1, 3]. */
const MIN_SIGNATURES = 2;
const REVIEW_CONFIDENCE = 0.7;

type FieldInput = E14Submission['blancos'];

const value = (input: FieldInput | undefined): number | null =>
  input === undefined ? null : fieldValue(toField(input));
const sumKnown = (values: (number | null)[]): number | null =>
  values.some((v) => v === null) ? null : values.reduce<number>((sum, v) => sum + (v ?? 0), 0);

export function allFields(sheet: E14Submission): Field[] {
  const inputs: (FieldInput | undefined)[] = [
    sheet.nivelacion.sufragantes,
    sheet.nivelacion.urna,
    sheet.nivelacion.incinerados,
    ...sheet.votes.map((row) => row.votes),
    ...sheet.listTotals.map((row) => row.total),
    sheet.blancos,
    sheet.nulos,
    sheet.noMarcados,
    sheet.sumaTotal,
  ];
  return inputs.filter((input) => input !== undefined).map((input) => toField(input));
}

/** The per-mesa rules a single sheet fails. */
export function perMesaFailures(sheet: E14Submission, habilitados: number): Set<RuleId> {
  const failed = new Set<RuleId>();
  const e11 = value(sheet.nivelacion.sufragantes);
  const u = value(sheet.nivelacion.urna);
  const i = value(sheet.nivelacion.incinerados);
  const s = value(sheet.sumaTotal);
  const rows = sheet.votes.map((row) => value(row.votes));
  const counted = sumKnown([...rows, value(sheet.blancos), value(sheet.nulos), value(sheet.noMarcados)]);

  // nivelación: U ≤ E11; if U > E11 then U − I = E11.
  if (e11 !== null && u !== null && i !== null && u > e11 && u - i !== e11) failed.add('nivelacion');
  // printed sum: Σc_j + B + N + M = S.
  if (counted !== null && s !== null && counted !== s) failed.add('printed_sum');
  // urn sum: Σc_j + B + N + M = U − I.
  if (counted !== null && u !== null && i !== null && counted !== u - i) failed.add('urn_sum');
  // list total: T = v_agrupación + Σ v_candidato.
  const listSums = new Map<number, number | null>();
  sheet.votes.forEach((row, r) => {
    const previous = listSums.has(row.ballotNumber) ? (listSums.get(row.ballotNumber) ?? null) : 0;
    const current = rows[r] ?? null;
    listSums.set(row.ballotNumber, previous === null || current === null ? null : previous + current);
  });
  for (const { ballotNumber, total } of sheet.listTotals) {
    const printed = value(total);
    const sum = listSums.get(ballotNumber);
    if (printed !== null && sum !== null && sum !== undefined && printed !== sum) failed.add('list_total');
  }
  // bounds: 0 ≤ value ≤ 999; c_j ≤ E11 (a candidate row, a list's rows together, a printed total).
  const known = allFields(sheet)
    .map(fieldValue)
    .filter((v): v is number => v !== null);
  if (known.some((v) => v < 0 || v > 999)) failed.add('bounds');
  if (e11 !== null) {
    const lists = [...listSums.values(), ...sheet.listTotals.map((row) => value(row.total))];
    if ([...rows, ...lists].some((v) => v !== null && v !== undefined && v > e11)) failed.add('bounds');
  }
  // capacity: E11 ≤ H; U ≤ H.
  if ((e11 !== null && e11 > habilitados) || (u !== null && u > habilitados)) failed.add('capacity');
  // pages: the barcode names the printed corporación, this copy, page 1 of the page count.
  if (sheet.barcode !== undefined) {
    const expected = `${BARCODE_CORPORATION_DIGIT[sheet.corporation]}`;
    const copyDigit = `${BARCODE_COPY_DIGIT[sheet.copy]}`;
    const pages = sheet.pageCount === undefined ? null : String(sheet.pageCount).padStart(2, '0');
    if (
      sheet.barcode[1] !== expected ||
      sheet.barcode[8] !== copyDigit ||
      sheet.barcode.slice(9, 13) !== '0101' ||
      (pages !== null && sheet.barcode.slice(13) !== pages)
    ) {
      failed.add('pages');
    }
  }
  // recount: recuento SÍ ⇒ "solicitado por" filled.
  if (sheet.recuento?.hubo && !sheet.recuento.solicitadoPorFilled) failed.add('recount');
  // signatures: few or none ⇒ alert.
  if (sheet.juradosSigned !== undefined && sheet.juradosSigned < MIN_SIGNATURES) failed.add('signatures');
  const fields = allFields(sheet);
  // corrections: tachaduras/enmendaduras ⇒ review.
  if (fields.some((field) => field.overwritten)) failed.add('corrections');
  // confidence: any field illegible or below the review threshold ⇒ review.
  if (fields.some((field) => field.state === 'illegible' || field.confidence < REVIEW_CONFIDENCE)) {
    failed.add('confidence');
  }
  return failed;
}

/** Every value of a sheet by name, null when unknown: nivelación, rows by opcion, totals, B/N/M, S. */
export function namedValues(sheet: E14Submission): Map<string, number | null> {
  const named = new Map<string, number | null>([
    ['nivelacion.sufragantes', value(sheet.nivelacion.sufragantes)],
    ['nivelacion.urna', value(sheet.nivelacion.urna)],
    ['nivelacion.incinerados', value(sheet.nivelacion.incinerados)],
  ]);
  for (const row of sheet.votes) named.set(`votes.${opcionOf(row)}`, value(row.votes));
  for (const row of sheet.listTotals) named.set(`listTotals.${row.ballotNumber}`, value(row.total));
  named.set('blancos', value(sheet.blancos));
  named.set('nulos', value(sheet.nulos));
  named.set('noMarcados', value(sheet.noMarcados));
  named.set('sumaTotal', value(sheet.sumaTotal));
  return named;
}

export function opcionOf(row: { ballotNumber: number; candidateNumber?: number | undefined }): string {
  return row.candidateNumber === undefined ? String(row.ballotNumber) : `${row.ballotNumber}-${row.candidateNumber}`;
}

/** copies: claveros = delegados = transmisión, field by field (where both values are known). */
export function copiesDiffer(sheets: E14Submission[]): boolean {
  const named = sheets.map(namedValues);
  for (let a = 0; a < named.length; a++) {
    for (let b = a + 1; b < named.length; b++) {
      for (const [name, left] of named[a] ?? []) {
        const right = named[b]?.get(name);
        if (left !== null && right !== null && right !== undefined && left !== right) return true;
      }
    }
  }
  return false;
}

/** The values an official feed carries for one mesa and corporation, keyed by opcion. */
export function feedValues(rows: OfficialRow[]): Map<string, number> {
  return new Map(rows.map((row) => [row.opcion, row.votos]));
}

/** The same values read from a sheet, keyed like the feed. */
export function sheetFeedValues(sheet: E14Submission): Map<string, number | null> {
  const values = new Map<string, number | null>();
  for (const row of sheet.votes) values.set(opcionOf(row), value(row.votes));
  values.set('BLANCO', value(sheet.blancos));
  values.set('NULO', value(sheet.nulos));
  values.set('NO_MARCADO', value(sheet.noMarcados));
  values.set('SUFRAGANTES', value(sheet.nivelacion.sufragantes));
  return values;
}

/** official: E-14 = preconteo = escrutinio per mesa and candidate (known values only). */
export function officialDiffers(sheets: E14Submission[], preconteo: OfficialRow[], escrutinio: OfficialRow[]): boolean {
  const pre = feedValues(preconteo);
  const esc = feedValues(escrutinio);
  if (pre.size !== esc.size || [...pre].some(([opcion, votos]) => esc.get(opcion) !== votos)) return true;
  return sheets.some((sheet) =>
    [...sheetFeedValues(sheet)].some(
      ([opcion, votos]) => votos !== null && (pre.get(opcion) !== votos || esc.get(opcion) !== votos),
    ),
  );
}

/** Turnout τ = E11 / H: flag τ > 1 and τ ≥ 0.95 (the robust-z part needs the whole puesto). */
export function turnoutFlagged(sheet: E14Submission, habilitados: number): boolean {
  const e11 = value(sheet.nivelacion.sufragantes);
  return e11 !== null && habilitados > 0 && e11 / habilitados >= 0.95;
}

/**
 * One-candidate mesas: a share ≥ 0.95 with τ ≥ 0.9, under two readings of "share": strict (the
 * largest row over all counted votes) and permissive (the largest list, all its rows, over the
 * rows only).
 */
export function oneCandidateFlags(sheet: E14Submission, habilitados: number): [boolean, boolean] {
  const e11 = value(sheet.nivelacion.sufragantes);
  if (e11 === null || habilitados === 0 || e11 / habilitados < 0.9) return [false, false];
  const rows = sheet.votes.map((row) => value(row.votes) ?? 0);
  const counted =
    rows.reduce((a, b) => a + b, 0) +
    [sheet.blancos, sheet.nulos, sheet.noMarcados].reduce<number>((a, f) => a + (value(f) ?? 0), 0);
  const lists = new Map<number, number>();
  sheet.votes.forEach((row, r) => {
    lists.set(row.ballotNumber, (lists.get(row.ballotNumber) ?? 0) + (rows[r] ?? 0));
  });
  const valid = rows.reduce((a, b) => a + b, 0);
  return [counted > 0 && Math.max(...rows) / counted >= 0.95, valid > 0 && Math.max(...lists.values()) / valid >= 0.95];
}

/** The vote vector compared across mesas: every row plus blancos, nulos and no marcados. */
export function voteVector(sheet: E14Submission): string {
  return [
    ...sheet.votes.map((row) => value(row.votes)),
    value(sheet.blancos),
    value(sheet.nulos),
    value(sheet.noMarcados),
  ].join(',');
}
