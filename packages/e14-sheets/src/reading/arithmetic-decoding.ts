import type { CellReading } from '../read-sheet.js';

/**
 * Reading a sheet's cells together rather than one by one.
 *
 * An honest E-14 adds up: the vote rows (candidates, blancos, nulos, no marcados) make the printed
 * suma total, the suma total is the votos en la urna less the incinerados, and the E-11 sufragantes
 * are that same count or a few more. Each cell's recognizer gives a probability for every value it
 * could be; this module weighs every joint reading of the sheet by the product of those
 * probabilities and by how well it adds up, and returns each cell's probability summed over all
 * joint readings (its marginal). A value that makes the sheet add up gains confidence from the
 * other cells; a confident misread that breaks the sums loses it, so it goes to review.
 *
 * The jurados' own mistakes are not hidden: a sheet that does not add up is still a likely sheet
 * (the weights below say how much less likely), and each cell keeps a "wildcard" share — some value
 * the recognizer did not propose, assumed to fit every sum — so when the readings do not add up,
 * every cell that could explain it loses confidence instead of one being silently corrected.
 */

/** A cell value as the recognizer proposes it: a number, or 'empty' (a blank row, worth 0). */

export type CellValue = number | 'empty';

export interface ArithmeticDecodingOptions {
  /**
   * How much more likely a sheet whose two numbers agree (rows = suma total, suma total = urna −
   * incinerados) is than one where they take unrelated values: the odds that jurados add up
   * right (~9 to 1) times the few hundred values a count can take.
   */
  agreementWeight?: number;
  /**
   * Prior of `sufragantes − (urna − incinerados)`: 0 on most sheets, a few ballots not deposited
   * on some, anything else rare. Weighted by `agreementWeight`; never below an unrelated value.
   */
  sufragantesGap?: (gap: number) => number;
  /**
   * Least probability left to values the recognizer did not propose, taken from its best reading.
   * Its tail is not calibrated: a confident misread can give the true digit almost no mass.
   */
  unproposedFloor?: number;
  /**
   * How much a value the recognizer did not propose gains from an agreement: it is one of the few
   * hundred values the cell could hold, so it fits a sum by chance only that often
   * (`agreementWeight` ÷ the values a count can take).
   */
  unproposedAgreementWeight?: number;
  /**
   * Share of zero-vote rows that jurados write as a 0 rather than leave blank or fill with dots.
   * A lone small 0 and a filler differ only in size: the recognizer's split between the two is
   * weighed by this prior, since blank rows are the custom.
   */
  writtenZeroShare?: number;
  /**
   * Most confidence left to a cell that no check of the sheet confirms: a cell of a sum with an
   * illegible cell, sufragantes far from the ballots counted. One reading alone is not enough.
   */
  unverifiedConfidence?: number;
}

export const ARITHMETIC_DECODING_DEFAULTS: Required<ArithmeticDecodingOptions> = {
  agreementWeight: 1000,
  sufragantesGap: (gap) => {
    if (gap === 0) return 0.9;
    if (gap === 1) return 0.04;
    if (gap === 2) return 0.02;
    if (gap > 2 && gap <= 10) return 0.004;
    return 0;
  },
  unproposedFloor: 0.02,
  unproposedAgreementWeight: 10,
  writtenZeroShare: 0.2,
  unverifiedConfidence: 0.5,
};

/**
 * An E-11 equal to the confirmed count of ballots is confirmed; one a ballot or two above it (a gap
 * at least this probable) only when the E-11 is this probable given the sheet: a near match is also
 * what a misread last digit looks like.
 */
const NEAR_GAP = 0.01;
const NEAR_GAP_CONFIDENCE = 0.95;
/** A cell read below this confidence on its own is doubtful: a check vouches for one at most. */
export const DOUBTFUL_READING = 0.8;
/** A reading the sums changed confirms a check only this probable. */
const CONFIDENT_CHANGE = 0.9;
/** Two cells holding the same number confirm each other only when one is read this confidently on its own. */
const ALIKE_SURE = 0.95;

export interface DecodedField {
  value: CellValue;
  /** Marginal probability of `value` given every cell of the sheet and its arithmetic. */
  confidence: number;
  /** Some check of the sheet (a sum, the nivelación) holds with this value and confirms it. */
  verified: boolean;
}

/** A distribution over numbers plus the mass of "some other value", which fits any sum. */
interface Distribution {
  mass: Map<number, number>;
  wild: number;
}

/** A message into a variable: a weight for each number it may take, and one for the wildcard. */
interface Message {
  at: (value: number) => number;
  wild: number;
}

const numeric = (value: CellValue) => (value === 'empty' ? 0 : value);

const total = (d: Distribution) => {
  let sum = d.wild;
  for (const p of d.mass.values()) sum += p;
  return sum;
};

/** Mass below this share of a distribution is dropped from sums (it cannot move a marginal). */
const NEGLIGIBLE = 1e-12;

/** The distribution of a + b, the wildcard absorbing any term with a wildcard. */
function combine(a: Distribution, b: Distribution): Distribution {
  const mass = new Map<number, number>();
  const floor = NEGLIGIBLE * total(a) * total(b);
  for (const [x, p] of a.mass) {
    for (const [y, q] of b.mass) {
      const pq = p * q;
      if (pq < floor) continue;
      const key = x + y;
      mass.set(key, (mass.get(key) ?? 0) + pq);
    }
  }
  return { mass, wild: a.wild * total(b) + b.wild * (total(a) - a.wild) };
}

const ZERO: Distribution = { mass: new Map([[0, 1]]), wild: 0 };

/** Pointwise product of a distribution with a message: the variable's weight from both sides. */
function weigh(d: Distribution, message: Message): Distribution {
  const mass = new Map<number, number>();
  for (const [x, p] of d.mass) mass.set(x, p * message.at(x));
  return { mass, wild: d.wild * message.wild };
}

const UNIT: Message = { at: () => 1, wild: 1 };

function product(a: Message, b: Message): Message {
  return { at: (x) => a.at(x) * b.at(x), wild: a.wild * b.wild };
}

/** An agreement's weight when both sides are proposed values, and when either is not. */
interface Weights {
  proposed: number;
  unproposed: number;
}

/**
 * The message through an agreement factor (its weight when both sides are equal or either is a
 * wildcard, 1 otherwise) from a variable with the weighted distribution d.
 */
function agreement(d: Distribution, weights: Weights): Message {
  const sum = total(d);
  return {
    at: (y) => sum + (weights.proposed - 1) * (d.mass.get(y) ?? 0) + (weights.unproposed - 1) * d.wild,
    wild: weights.unproposed * sum,
  };
}

/** The message through the sufragantes factor g(sufragantes − counted), either direction. */
function gapMessage(
  d: Distribution,
  gap: (g: number) => number,
  unproposed: number,
  from: 'sufragantes' | 'counted',
): Message {
  return {
    at: (y) => {
      let sum = d.wild * unproposed;
      for (const [x, p] of d.mass) sum += p * gap(from === 'sufragantes' ? x - y : y - x);
      return sum;
    },
    wild: unproposed * total(d),
  };
}

/** The message into one term of a sum, given the sum of the other terms and the sum's message. */
function intoTerm(others: Distribution, sumMessage: Message): Message {
  // Remembered per value: a list's rows ask for the same values many times.
  const known = new Map<number, number>();
  return {
    at: (v) => {
      let sum = known.get(v);
      if (sum !== undefined) return sum;
      sum = others.wild * sumMessage.wild;
      for (const [x, p] of others.mass) sum += p * sumMessage.at(x + v);
      known.set(v, sum);
      return sum;
    },
    wild: sumMessage.wild * total(others),
  };
}

/** The message into −x from the message into x: incinerados enter the count negated. */
function negated(message: Message): Message {
  return { at: (v) => message.at(-v), wild: message.wild };
}

interface CellBelief {
  /** The recognizer's values with calibrated probabilities. */
  proposals: Array<{ value: CellValue; probability: number }>;
  distribution: Distribution;
}

/**
 * The recognizer's view of a cell as probabilities: the calibrated doubt (1 − confidence) shared by
 * the other proposals, in proportion to their raw mass, and values not proposed (whatever raw mass
 * no reading took, `floor` at least); the best value keeps the rest.
 */
function beliefOf(reading: CellReading | null, floor: number, writtenZeroShare: number): CellBelief {
  const alternatives: ReadonlyArray<{ value: CellValue; probability: number }> =
    reading?.alternatives && reading.alternatives.length > 0
      ? reading.alternatives
      : reading && reading.state !== 'illegible'
        ? [{ value: reading.state === 'empty' ? 'empty' : (reading.value ?? 0), probability: reading.confidence }]
        : [];
  const [top, ...rest] = alternatives;
  if (!reading || !top) return toBelief([], 1);
  const restRaw = rest.reduce((sum, a) => sum + a.probability, 0);
  const unproposedRaw = Math.max(0, 1 - top.probability - restRaw);
  const doubt = 1 - reading.confidence;
  const forRest = restRaw + unproposedRaw > 0 ? (doubt * restRaw) / (restRaw + unproposedRaw) : 0;
  // The floor is taken from the best reading: the others keep what the recognizer gave them.
  const unproposed = Math.max(floor, doubt - forRest);
  const topProbability = Math.max(0, 1 - forRest - unproposed);
  const proposals = [
    { value: top.value, probability: topProbability },
    ...rest.map((a) => ({ value: a.value, probability: restRaw > 0 ? (forRest * a.probability) / restRaw : 0 })),
  ];
  splitZero(proposals, alternatives, writtenZeroShare);
  return toBelief(proposals, unproposed);
}

/**
 * Calibration speaks for the value, not for how it was written: the mass of "zero votes" is split
 * between a written 0 and an empty row by the recognizer's raw odds and the custom of the forms.
 */
function splitZero(
  proposals: CellBelief['proposals'],
  alternatives: ReadonlyArray<{ value: CellValue; probability: number }>,
  writtenZeroShare: number,
) {
  const zero = proposals.find((p) => p.value === 0);
  const empty = proposals.find((p) => p.value === 'empty');
  if (!zero || !empty) return;
  const written = (alternatives.find((a) => a.value === 0)?.probability ?? 0) * writtenZeroShare;
  const blank = (alternatives.find((a) => a.value === 'empty')?.probability ?? 0) * (1 - writtenZeroShare);
  if (written + blank === 0) return;
  const both = zero.probability + empty.probability;
  zero.probability = (both * written) / (written + blank);
  empty.probability = both - zero.probability;
}

function toBelief(proposals: CellBelief['proposals'], wild: number): CellBelief {
  const mass = new Map<number, number>();
  for (const p of proposals) mass.set(numeric(p.value), (mass.get(numeric(p.value)) ?? 0) + p.probability);
  return { proposals, distribution: { mass, wild } };
}

/** The sheet's cells by field path, as read-sheet names them. */
export type SheetCells = ReadonlyMap<string, CellReading | null>;

const isAddend = (path: string) =>
  /^votes\./.test(path) || path === 'blancos' || path === 'nulos' || path === 'noMarcados';

/**
 * One term of the sheet's sum: a single row, or a list's rows (agrupación and candidates) with
 * the list's printed TOTAL, which they must add up to.
 */
interface Term {
  rowPaths: string[];
  totalPath: string | null;
}

/** The sum's terms: the rows of a list with a printed total together, every other row alone. */
function termsOf(paths: readonly string[], addendPaths: readonly string[]): Term[] {
  const listOf = (path: string) => /^votes\.(\d+)/.exec(path)?.[1];
  const printedLists = new Set(
    paths.flatMap((path) => {
      const list = /^listTotals\.(\d+)$/.exec(path)?.[1];
      return list === undefined ? [] : [list];
    }),
  );
  const lists = new Map<string, Term>();
  const terms: Term[] = [];
  for (const path of addendPaths) {
    const list = listOf(path);
    if (list === undefined || !printedLists.has(list)) {
      terms.push({ rowPaths: [path], totalPath: null });
      continue;
    }
    let term = lists.get(list);
    if (!term) {
      term = { rowPaths: [], totalPath: `listTotals.${list}` };
      lists.set(list, term);
      terms.push(term);
    }
    term.rowPaths.push(path);
  }
  return terms;
}

/** Sums of a sequence of distributions without each one in turn (prefix and suffix sums). */
function leaveOneOut(parts: readonly Distribution[]): { all: Distribution; without: (k: number) => Distribution } {
  const prefix: Distribution[] = [ZERO];
  for (const part of parts) prefix.push(combine(prefix[prefix.length - 1] as Distribution, part));
  const suffix: Distribution[] = [ZERO];
  for (let k = parts.length - 1; k >= 0; k--)
    suffix.unshift(combine(parts[k] as Distribution, suffix[0] as Distribution));
  return {
    all: prefix[parts.length] as Distribution,
    without: (k) => combine(prefix[k] as Distribution, suffix[k + 1] as Distribution),
  };
}

/**
 * Each cell's best value and its marginal probability given the whole sheet, printed list totals
 * included. Needs the three nivelación cells and at least one vote row; returns an empty map for
 * any other layout.
 */
export function decodeSheetArithmetic(
  cells: SheetCells,
  options: ArithmeticDecodingOptions = {},
): Map<string, DecodedField> {
  const {
    agreementWeight,
    sufragantesGap,
    unproposedFloor,
    unproposedAgreementWeight,
    writtenZeroShare,
    unverifiedConfidence,
  } = { ...ARITHMETIC_DECODING_DEFAULTS, ...options };
  const weight: Weights = { proposed: agreementWeight, unproposed: unproposedAgreementWeight };
  const decoded = new Map<string, DecodedField>();
  const addendPaths = [...cells.keys()].filter(isAddend);
  const required = ['nivelacion.sufragantes', 'nivelacion.urna', 'nivelacion.incinerados'];
  if (addendPaths.length === 0 || !required.every((path) => cells.has(path))) return decoded;

  const belief = (path: string) => beliefOf(cells.get(path) ?? null, unproposedFloor, writtenZeroShare);
  const sufragantes = belief('nivelacion.sufragantes');
  const urna = belief('nivelacion.urna');
  const incinerados = belief('nivelacion.incinerados');
  const printedTotal = cells.has('sumaTotal') ? belief('sumaTotal') : null;
  const gapUnproposed = Math.max(1, unproposedAgreementWeight * sufragantesGap(0));
  const gap = (g: number) => Math.max(1, agreementWeight * sufragantesGap(g));

  // Rows → T (a list's rows weighed by their printed total); urna − incinerados → D (the ballots
  // counted); the chain T = S = D, and the E-11 beside D.
  const terms = termsOf([...cells.keys()], addendPaths).map((term) => {
    const rows = term.rowPaths.map(belief);
    const rowSums = leaveOneOut(rows.map((row) => row.distribution));
    const total = term.totalPath ? belief(term.totalPath) : null;
    const fromTotal = total ? agreement(total.distribution, weight) : UNIT;
    return { ...term, rows, rowSums, total, fromTotal, distribution: weigh(rowSums.all, fromTotal) };
  });
  const termSums = leaveOneOut(terms.map((term) => term.distribution));
  const rows = termSums.all;
  const counted = combine(urna.distribution, negate(incinerados.distribution));

  const fromSufragantes = gapMessage(sufragantes.distribution, gap, gapUnproposed, 'sufragantes');
  const fromRows = agreement(rows, weight);
  const fromCounted = agreement(weigh(counted, fromSufragantes), weight);
  // Into the count from the sums' side (through the suma total when the layout prints one).
  const countedFromSums = printedTotal ? agreement(weigh(printedTotal.distribution, fromRows), weight) : fromRows;
  const intoRows = printedTotal ? agreement(weigh(printedTotal.distribution, fromCounted), weight) : fromCounted;
  const intoCounted = product(countedFromSums, fromSufragantes);
  const intoSufragantes = gapMessage(weigh(counted, countedFromSums), gap, gapUnproposed, 'counted');

  // The recognizer's own best value with its probability given the sheet, for the cells the sums
  // would change without certainty.
  const asRead = new Map<string, DecodedField>();
  const marginals = (path: string, cell: CellBelief, message: Message) => {
    let z = cell.distribution.wild * message.wild;
    const weights = cell.proposals.map((p) => {
      const w = p.probability * message.at(numeric(p.value));
      z += w;
      return { value: p.value, w };
    });
    const best = weights.reduce<{ value: CellValue; w: number } | null>((a, b) => (a && a.w >= b.w ? a : b), null);
    const first = weights[0];
    if (!best || !first || z <= 0) return;
    decoded.set(path, { value: best.value, confidence: best.w / z, verified: false });
    asRead.set(path, { value: first.value, confidence: first.w / z, verified: false });
  };

  terms.forEach((term, k) => {
    const intoList = intoTerm(termSums.without(k), intoRows);
    const intoRowsOfList = product(intoList, term.fromTotal);
    term.rowPaths.forEach((path, r) => {
      marginals(path, term.rows[r] as CellBelief, intoTerm(term.rowSums.without(r), intoRowsOfList));
    });
    if (term.total && term.totalPath) {
      marginals(term.totalPath, term.total, agreement(weigh(term.rowSums.all, intoList), weight));
    }
  });
  if (printedTotal) marginals('sumaTotal', printedTotal, product(fromRows, fromCounted));
  marginals('nivelacion.urna', urna, intoTerm(negate(incinerados.distribution), intoCounted));
  marginals('nivelacion.incinerados', incinerados, negated(intoTerm(urna.distribution, intoCounted)));
  marginals('nivelacion.sufragantes', sufragantes, intoSufragantes);

  const sufragantesConfidence = decoded.get('nivelacion.sufragantes')?.confidence ?? 0;
  const verified = confirmedCells(
    cells,
    decoded,
    asRead,
    addendPaths,
    terms,
    (g) => g === 0 || (sufragantesGap(g) >= NEAR_GAP && sufragantesConfidence >= NEAR_GAP_CONFIDENCE),
  );
  for (const [path, field] of decoded) {
    field.verified = verified.has(path);
    if (field.verified) continue;
    // Unconfirmed, a change the sums suggest is not made: the cell stays as written, for a person
    // (a jurado's own arithmetic mistake stays on the record as the sheet shows it). An
    // over-written cell goes to a person anyway, and keeps its confidence so the desk says why.
    const written = asRead.get(path) as DecodedField;
    decoded.set(path, {
      value: written.value,
      confidence: cells.get(path)?.overwritten
        ? written.confidence
        : Math.min(written.confidence, unverifiedConfidence),
      verified: false,
    });
  }
  return decoded;
}

/**
 * The cells that some check of the decoded sheet confirms, every cell of it one to lean on: a
 * list's rows = its printed total, rows = suma total, suma total = urna − incinerados, rows =
 * urna − incinerados, and sufragantes within a likely gap of a confirmed count of ballots.
 */
function confirmedCells(
  cells: SheetCells,
  decoded: ReadonlyMap<string, DecodedField>,
  asRead: ReadonlyMap<string, DecodedField>,
  addendPaths: readonly string[],
  terms: readonly Term[],
  likelyGap: (gap: number) => boolean,
): Set<string> {
  // A check confirms only cells it can lean on: an illegible cell with the recognizer's best guess
  // (a value the sums would imply is never filled in), no over-written cell (its reading is in
  // doubt whatever it says), and a reading the sums changed only when they made it near certain —
  // a doubtful change that balances a list would otherwise vouch for the misreads beside it.
  const changed = (path: string) => asRead.get(path)?.value !== decoded.get(path)?.value;
  const checkedValue = (path: string) => {
    const reading = cells.get(path);
    const field = decoded.get(path);
    if (!reading || !field || reading.overwritten) return null;
    if (changed(path) && (reading.state === 'illegible' || field.confidence < CONFIDENT_CHANGE)) return null;
    return numeric(field.value);
  };
  const sumOf = (paths: readonly string[]) => {
    let sum = 0;
    for (const path of paths) {
      const value = checkedValue(path);
      if (value === null) return null;
      sum += value;
    }
    return sum;
  };
  const rows = sumOf(addendPaths);
  const printed = cells.has('sumaTotal') ? checkedValue('sumaTotal') : null;
  const urna = checkedValue('nivelacion.urna');
  const incinerados = checkedValue('nivelacion.incinerados');
  const counted = urna !== null && incinerados !== null ? urna - incinerados : null;
  const sufragantes = checkedValue('nivelacion.sufragantes');
  const countCells = ['nivelacion.urna', 'nivelacion.incinerados'];
  const verified = new Set<string>();
  // One sum pins down one doubtful cell; two can trade errors (a 4 read 2 beside a 1 read 3). A
  // cell another check confirmed is no longer in doubt, so the checks run until none confirms more.
  const doubtful = (path: string) => {
    if (verified.has(path)) return false;
    const reading = cells.get(path);
    return !reading || reading.confidence < DOUBTFUL_READING || changed(path);
  };
  const confirm = (holds: boolean, paths: readonly string[]) => {
    if (!holds || paths.filter(doubtful).length > 1) return;
    for (const path of paths) verified.add(path);
  };
  const checks: Array<{ holds: boolean; paths: string[] }> = [
    ...terms.flatMap((term) => {
      if (!term.totalPath) return [];
      const listRows = sumOf(term.rowPaths);
      return [
        {
          holds: listRows !== null && listRows === checkedValue(term.totalPath),
          paths: [...term.rowPaths, term.totalPath],
        },
      ];
    }),
    { holds: rows !== null && rows === printed, paths: [...addendPaths, 'sumaTotal'] },
    {
      // The suma total and the urna usually hold the same number in the same hand, misread alike
      // when a digit of that hand is ambiguous: the equality vouches only with one of them sure.
      holds:
        printed !== null &&
        printed === counted &&
        (printed !== urna ||
          ['sumaTotal', 'nivelacion.urna'].some((path) => (cells.get(path)?.confidence ?? 0) >= ALIKE_SURE)),
      paths: ['sumaTotal', ...countCells],
    },
    { holds: rows !== null && rows === counted, paths: [...addendPaths, ...countCells] },
  ];
  for (let before = -1; before !== verified.size; ) {
    before = verified.size;
    for (const { holds, paths } of checks) confirm(holds, paths);
  }
  // One hand writes its digits alike, so the E-11 and the urna are often misread alike: the E-11
  // is checked only against a count the sums confirm.
  const countConfirmed = countCells.every((path) => verified.has(path));
  confirm(countConfirmed && sufragantes !== null && likelyGap(sufragantes - (counted as number)), [
    'nivelacion.sufragantes',
  ]);
  return verified;
}

/** The distribution of −x. */
function negate(d: Distribution): Distribution {
  return { mass: new Map([...d.mass].map(([x, p]) => [-x, p])), wild: d.wild };
}
