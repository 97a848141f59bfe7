import {
  BARCODE_CORPORATION_DIGIT,
  type Copy,
  type RuleFinding,
  type RuleId,
  type ValidationResult,
} from '@castor/contracts';
import { BLOCKING_SEVERITIES, type EffectiveRules, RULES } from './rule-catalog.js';
import { numberIn, type Sheet, sumOf } from './sheet.js';

/**
 * The `T` digit of the barcode (docs/e14.md: 1 claveros, 2 delegados; 3 transmisión unconfirmed).
 * A consulate's sheet prints CÓNSUL/EMBAJADOR where a mesa at home prints DELEGADOS, with the same 2.
 */
export const BARCODE_COPY_DIGIT: Record<Copy, number> = {
  claveros: 1,
  delegados: 2,
  transmision: 3,
  consul_embajador: 2,
};

export interface SheetContext {
  habilitados: number;
  /** The divipol's transmission code for the mesa, when the index is known. */
  transmissionCode: string | null;
  rules: EffectiveRules;
}

type FindingInput = Omit<RuleFinding, 'ruleVersion' | 'severity' | 'fields'> & {
  severity?: RuleFinding['severity'];
  fields?: string[];
};

function finding(input: FindingInput): RuleFinding {
  const rule = RULES[input.rule];
  return {
    rule: input.rule,
    ruleVersion: rule.version,
    severity: input.severity ?? rule.severity,
    message: input.message,
    numbers: input.numbers,
    fields: input.fields ?? [],
  };
}

const digitsOf = (code: string) => code.replace(/\D/g, '');

/** The 15-digit barcode `7 C KKKKKK T 01 PP NN` split into its parts. */
export function parseBarcode(barcode: string) {
  return {
    corporationDigit: Number(barcode[1]),
    kit: barcode.slice(2, 8),
    copyDigit: Number(barcode[8]),
    page: Number(barcode.slice(11, 13)),
    pageCount: Number(barcode.slice(13, 15)),
  };
}

/** The sheet's totals as the arithmetic rules use them (null where a value is unknown). */
function sheetTotals(sheet: Sheet) {
  const candidateSum = sumOf(sheet.votes.map((row) => numberIn(row.field)));
  return {
    e11: numberIn(sheet.sufragantes),
    urna: numberIn(sheet.urna),
    incinerados: numberIn(sheet.incinerados),
    candidateSum,
    sheetSum: sumOf([candidateSum, numberIn(sheet.blancos), numberIn(sheet.nulos), numberIn(sheet.noMarcados)]),
  };
}

/** The E-11 votantes against the urna less the incinerados (nivelación). */
function nivelacionRule(sheet: Sheet): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const { e11, urna, incinerados } = sheetTotals(sheet);
  if (e11 !== null && urna !== null && incinerados !== null && urna > e11 && urna - incinerados !== e11) {
    findings.push(
      finding({
        rule: 'nivelacion',
        message: `Votos en la urna (${urna}) exceed the E-11 votantes (${e11}) and the incinerados (${incinerados}) do not level them (${urna} − ${incinerados} ≠ ${e11})`,
        numbers: { sufragantes: e11, urna, incinerados, excess: urna - e11 },
        fields: ['nivelacion.sufragantes', 'nivelacion.urna', 'nivelacion.incinerados'],
      }),
    );
  }
  return findings;
}

/** The rows against the printed suma total and against the urna less the incinerados. */
function sumRules(sheet: Sheet): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const { urna, incinerados, candidateSum, sheetSum } = sheetTotals(sheet);
  const otherFields = ['blancos', 'nulos', 'noMarcados'];
  const voteFields = sheet.votes.map((row) => row.path);
  // What both sums report: the rows as read and what they add up to.
  const rowSums = {
    candidateVotes: candidateSum,
    blancos: numberIn(sheet.blancos),
    nulos: numberIn(sheet.nulos),
    noMarcados: numberIn(sheet.noMarcados),
    computed: sheetSum,
  };
  const printed = numberIn(sheet.sumaTotal);
  if (sheet.sumaTotal !== null && printed !== null && sheetSum !== null && sheetSum !== printed) {
    findings.push(
      finding({
        rule: 'printed_sum',
        message: `The rows add up to ${sheetSum} but the printed suma total is ${printed}`,
        numbers: {
          ...rowSums,
          sumaTotal: printed,
          difference: sheetSum - printed,
        },
        fields: [...voteFields, ...otherFields, 'sumaTotal'],
      }),
    );
  }
  if (urna !== null && incinerados !== null && sheetSum !== null && sheetSum !== urna - incinerados) {
    findings.push(
      finding({
        rule: 'urn_sum',
        message: `The rows add up to ${sheetSum} but the urna less incinerados is ${urna - incinerados}`,
        numbers: {
          ...rowSums,
          urna,
          incinerados,
          difference: sheetSum - (urna - incinerados),
        },
        fields: [...voteFields, ...otherFields, 'nivelacion.urna', 'nivelacion.incinerados'],
      }),
    );
  }
  return findings;
}

/** Each list's rows (agrupación and candidates) against its printed TOTAL. */
function listTotalRules(sheet: Sheet): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const total of sheet.listTotals) {
    const rows = sheet.votes.filter((row) => row.ballotNumber === total.ballotNumber);
    const printedTotal = numberIn(total.field);
    const rowsSum = sumOf(rows.map((row) => numberIn(row.field)));
    if (printedTotal !== null && rowsSum !== null && printedTotal !== rowsSum) {
      findings.push(
        finding({
          rule: 'list_total',
          message: `List ${total.ballotNumber}: the printed total is ${printedTotal} but agrupación and candidates add up to ${rowsSum}`,
          numbers: {
            ballotNumber: total.ballotNumber,
            printedTotal,
            computed: rowsSum,
            difference: printedTotal - rowsSum,
          },
          fields: [total.path, ...rows.map((row) => row.path)],
        }),
      );
    }
  }
  return findings;
}

/** No vote row above the E-11 votantes. */
function boundsRules(sheet: Sheet): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const { e11 } = sheetTotals(sheet);
  if (e11 !== null) {
    for (const row of sheet.votes) {
      const value = numberIn(row.field);
      if (value !== null && value > e11) {
        findings.push(
          finding({
            rule: 'bounds',
            message: `${row.path} has ${value} votes, more than the ${e11} E-11 votantes`,
            numbers: { votes: value, sufragantes: e11 },
            fields: [row.path, 'nivelacion.sufragantes'],
          }),
        );
      }
    }
  }
  return findings;
}

/** The findings of the rules that add up or bound the values (ARITHMETIC_RULES): none when the sheet's numbers agree. */
export function arithmeticRules(sheet: Sheet): RuleFinding[] {
  return [...nivelacionRule(sheet), ...sumRules(sheet), ...listTotalRules(sheet), ...boundsRules(sheet)];
}

function capacityRule(sheet: Sheet, habilitados: number): RuleFinding[] {
  const e11 = numberIn(sheet.sufragantes);
  const urna = numberIn(sheet.urna);
  const over = [
    ...(e11 !== null && e11 > habilitados ? ['nivelacion.sufragantes'] : []),
    ...(urna !== null && urna > habilitados ? ['nivelacion.urna'] : []),
  ];
  if (over.length === 0) return [];
  return [
    finding({
      rule: 'capacity',
      message: `The mesa has ${habilitados} habilitados but the sheet records ${e11 ?? '?'} E-11 votantes and ${urna ?? '?'} votos en la urna`,
      numbers: { habilitados, sufragantes: e11, urna },
      fields: over,
    }),
  ];
}

function pagesRule(sheet: Sheet): RuleFinding[] {
  const { submission } = sheet;
  const problems: string[] = [];
  const numbers: Record<string, number | null> = {};
  const expectedCorporationDigit = BARCODE_CORPORATION_DIGIT[submission.corporation];
  const expectedCopyDigit = BARCODE_COPY_DIGIT[submission.copy];
  const barcodes = [
    ...(submission.barcode ? [submission.barcode] : []),
    ...(submission.pages ?? []).flatMap((page) => (page.barcode ? [page.barcode] : [])),
  ];
  for (const barcode of barcodes) {
    const parts = parseBarcode(barcode);
    if (parts.corporationDigit !== expectedCorporationDigit) {
      problems.push(
        `barcode ${barcode} is for corporation digit ${parts.corporationDigit}, not ${submission.corporation}`,
      );
      numbers.barcodeCorporationDigit = parts.corporationDigit;
      numbers.expectedCorporationDigit = expectedCorporationDigit;
    }
    if (parts.copyDigit !== expectedCopyDigit) {
      problems.push(`barcode ${barcode} is for copy digit ${parts.copyDigit}, not ${submission.copy}`);
      numbers.barcodeCopyDigit = parts.copyDigit;
    }
    if (submission.pageCount !== undefined && parts.pageCount !== submission.pageCount) {
      problems.push(`barcode ${barcode} says ${parts.pageCount} pages, the sheet has ${submission.pageCount}`);
      numbers.barcodePageCount = parts.pageCount;
      numbers.pageCount = submission.pageCount;
    }
  }
  const kits = new Set(barcodes.map((barcode) => parseBarcode(barcode).kit));
  if (kits.size > 1) problems.push(`pages carry different kits: ${[...kits].join(', ')}`);
  const pages = submission.pages ?? [];
  if (pages.length > 0) {
    const expected = submission.pageCount ?? (barcodes[0] ? parseBarcode(barcodes[0]).pageCount : pages.length);
    const present = new Set(pages.map((page) => page.page));
    const missing = Array.from({ length: expected }, (_, index) => index + 1).filter((page) => !present.has(page));
    if (missing.length > 0) {
      problems.push(`pages ${missing.join(', ')} of ${expected} are missing`);
      numbers.missingPages = missing.length;
      numbers.expectedPages = expected;
    }
    const codes = new Set(
      [submission.transmissionCode, ...pages.map((page) => page.transmissionCode)]
        .filter((code): code is string => code !== undefined)
        .map(digitsOf),
    );
    if (codes.size > 1) problems.push('pages carry different transmission codes');
  }
  if (problems.length === 0) return [];
  return [finding({ rule: 'pages', message: problems.join('; '), numbers, fields: ['barcode', 'pages'] })];
}

function headerRule(sheet: Sheet, transmissionCode: string | null): RuleFinding[] {
  const printed = sheet.submission.transmissionCode;
  if (!transmissionCode || !printed || digitsOf(printed) === digitsOf(transmissionCode)) return [];
  return [
    finding({
      rule: 'header',
      message: `The sheet's transmission code ${printed} is not the divipol's ${transmissionCode} for mesa ${sheet.mesaKey}: it may belong to another mesa`,
      numbers: {},
      fields: ['transmissionCode'],
    }),
  ];
}

function formalityRules(sheet: Sheet, rules: EffectiveRules): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const { recuento, juradosSigned } = sheet.submission;
  if (recuento?.hubo && !recuento.solicitadoPorFilled) {
    findings.push(
      finding({
        rule: 'recount',
        message: 'A recount is marked (HUBO RECUENTO: SÍ) but "solicitado por" is empty',
        numbers: {},
        fields: ['recuento'],
      }),
    );
  }
  if (juradosSigned !== undefined && juradosSigned < rules.params.minSignatures) {
    findings.push(
      finding({
        rule: 'signatures',
        severity: juradosSigned === 0 ? 'high' : 'warning',
        message: `${juradosSigned} of 6 JURADO boxes are signed (at least ${rules.params.minSignatures} expected)`,
        numbers: { juradosSigned, minSignatures: rules.params.minSignatures },
        fields: ['juradosSigned'],
      }),
    );
  }
  return findings;
}

function readingRules(sheet: Sheet, threshold: number): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const overwritten = sheet.fields.filter(({ field }) => field.overwritten).map(({ path }) => path);
  if (overwritten.length > 0) {
    findings.push(
      finding({
        rule: 'corrections',
        message: `Over-written cells (tachaduras/enmendaduras): ${overwritten.join(', ')}`,
        numbers: { cells: overwritten.length },
        fields: overwritten,
      }),
    );
  }
  // A row read as empty is a reading too: an empty row the reader doubts may hold a vote.
  const doubtful = sheet.fields.filter(({ field }) => field.state === 'illegible' || field.confidence < threshold);
  if (doubtful.length > 0) {
    findings.push(
      finding({
        rule: 'confidence',
        message: `Fields illegible or read below ${threshold} confidence: ${doubtful.map(({ path }) => path).join(', ')}`,
        numbers: {
          cells: doubtful.length,
          illegible: doubtful.filter(({ field }) => field.state === 'illegible').length,
          lowestConfidence: Math.min(...doubtful.map(({ field }) => field.confidence)),
          threshold,
        },
        fields: doubtful.map(({ path }) => path),
      }),
    );
  }
  return findings;
}

/** Why a field must be reviewed, or null. */
export function reviewReason(
  field: { state: string; confidence: number; overwritten: boolean },
  threshold: number,
): 'illegible' | 'low_confidence' | 'overwritten' | null {
  if (field.state === 'illegible') return 'illegible';
  if (field.confidence < threshold) return 'low_confidence';
  if (field.overwritten) return 'overwritten';
  return null;
}

const REVIEW_RULES: ReadonlySet<RuleId> = new Set(['corrections', 'confidence']);

/** The rules that add up or bound the values read: one misread cell is enough to break them. */
export const ARITHMETIC_RULES: ReadonlySet<RuleId> = new Set([
  'nivelacion',
  'printed_sum',
  'urn_sum',
  'list_total',
  'bounds',
]);

/** Forms a machine read (the Registraduría's scan, a testigo's photo), whose doubtful cells a person settles. */
const MACHINE_READ_SOURCES: ReadonlySet<string> = new Set(['ocr', 'witness']);

/**
 * The fields of a form whose values are not evidence yet: on a machine-read form, the fields it
 * sends to review (`reviewPaths`: illegible, read below the threshold, over-written). Measured on
 * real 2026 sheets, most sums failing on such a form failed on a misread, not on the paper; the
 * reviewed version of the form, stored once a person settled them, is judged again.
 */
export function unsettledFields(source: string, reviewPaths: Iterable<string>): Set<string> {
  return MACHINE_READ_SOURCES.has(source) ? new Set(reviewPaths) : new Set();
}

/** An arithmetic finding naming a field not settled yet: it stays on the form, its alert waits for the review. */
export const alertHeldForReview = (finding: RuleFinding, unsettled: ReadonlySet<string>) =>
  ARITHMETIC_RULES.has(finding.rule) && finding.fields.some((path) => unsettled.has(path));

/** Runs every per-sheet rule of docs/e14.md on one sheet, with the configuration of its corporation. */
export function validateSheet(sheet: Sheet, context: SheetContext): ValidationResult {
  const findings = context.rules.apply([
    ...arithmeticRules(sheet),
    ...capacityRule(sheet, context.habilitados),
    ...pagesRule(sheet),
    ...headerRule(sheet, context.transmissionCode),
    ...formalityRules(sheet, context.rules),
    ...readingRules(sheet, context.rules.params.confidenceThreshold),
  ]);
  return {
    ok: !findings.some((item) => BLOCKING_SEVERITIES.has(item.severity)),
    findings,
    needsReview: findings.some((item) => REVIEW_RULES.has(item.rule)),
  };
}
