import {
  type Copy,
  copySchema,
  corporationSchema,
  MESA_COPIES,
  mesaKeySchema,
  type RuleId,
  ruleIdSchema,
} from '@castor/contracts';
import type { Rng } from '@castor/seeded-random';
import { z } from 'zod';
import { type Ballot, contenderTotals, fillListTotals } from './ballots.js';
import { type Cells, cell, SheetLayout } from './layout.js';
import type { HonestSheet, WrittenSheet } from './voting.js';

/**
 * The faults the generator injects, one at most per sheet (mesa × corporation), each labelled
 * with the rules that must catch it. Where a fault lives:
 *
 * - on the sheet, the same on all three copies (the jurados wrote it): arithmetic_slip,
 *   swapped_digits, inflated_urna, list_total_mismatch, over_capacity, identical_vectors,
 *   one_candidate, missing_signatures, recount_unrequested;
 * - on one copy: copies_differ (the delegados copy was altered), and the reading problems
 *   illegible_field, low_confidence_field, corrected_field (one cell of one copy);
 * - in an official feed: preconteo_differs (a dictation error in the preconteo),
 *   escrutinio_differs (votes moved between options in the escrutinio: E-14 ≠ escrutinio).
 */
export const FAULT_KINDS = [
  'arithmetic_slip',
  'swapped_digits',
  'inflated_urna',
  'list_total_mismatch',
  'over_capacity',
  'identical_vectors',
  'one_candidate',
  'copies_differ',
  'preconteo_differs',
  'escrutinio_differs',
  'illegible_field',
  'low_confidence_field',
  'corrected_field',
  'missing_signatures',
  'recount_unrequested',
] as const;
export const faultKindSchema = z.enum(FAULT_KINDS);
export type FaultKind = z.infer<typeof faultKindSchema>;

/** Probability that a sheet (mesa × corporation) carries each fault. */
export type FaultRates = Record<FaultKind, number>;

export const DEFAULT_FAULT_RATES: FaultRates = {
  arithmetic_slip: 0.006,
  swapped_digits: 0.002,
  inflated_urna: 0.002,
  list_total_mismatch: 0.004,
  over_capacity: 0.0005,
  identical_vectors: 0.0005,
  one_candidate: 0.0005,
  copies_differ: 0.002,
  preconteo_differs: 0.003,
  escrutinio_differs: 0.001,
  illegible_field: 0.004,
  low_confidence_field: 0.006,
  corrected_field: 0.004,
  missing_signatures: 0.001,
  recount_unrequested: 0.001,
};

export const NO_FAULTS: FaultRates = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as FaultRates;

export const faultRatesSchema = z
  .partialRecord(faultKindSchema, z.number().min(0).max(1))
  .refine((rates) => Object.values(rates).reduce((sum: number, rate) => sum + (rate ?? 0), 0) <= 1, {
    message: 'fault rates add up to more than 1 per sheet',
  });

/** One changed value: a cell (`votes.3-101`), a reading attribute (`votes.2.confidence`) or a mark. */
export const faultChangeSchema = z.object({
  field: z.string(),
  before: z.union([z.number(), z.boolean(), z.null()]),
  after: z.union([z.number(), z.boolean(), z.null()]),
});
export type FaultChange = z.infer<typeof faultChangeSchema>;

export const injectedFaultSchema = z.object({
  id: z.string().describe('<kind>:<mesaKey>:<corporation>, unique'),
  kind: faultKindSchema,
  mesaKey: mesaKeySchema,
  corporation: corporationSchema,
  copy: copySchema.optional().describe('Set when the fault is on one copy only'),
  relatedMesaKeys: z.array(mesaKeySchema).optional().describe('identical_vectors: the mesa whose votes were copied'),
  target: z.enum(['sheet', 'preconteo', 'escrutinio']),
  rules: z.array(ruleIdSchema).min(1).describe('Every rule that must catch it, and only those'),
  changes: z.array(faultChangeSchema).min(1),
  description: z.string(),
});
export type InjectedFault = z.infer<typeof injectedFaultSchema>;

/** How one cell of one copy was read, when not simply "read with full confidence". */
export interface FieldMark {
  state: 'read' | 'illegible';
  confidence: number;
  overwritten: boolean;
}

/** The outcome of a fault, before it is turned into sheets, feeds and a label. */
export interface FaultEffect {
  /** The sheet as written on every copy. */
  allCopies?: WrittenSheet;
  /** One copy that differs from the other two. */
  oneCopy?: { copy: Copy; sheet: WrittenSheet };
  /** A reading problem on one cell of one copy. */
  reading?: { copy: Copy; cell: number; mark: FieldMark };
  preconteo?: Cells;
  escrutinio?: Cells;
  rules: RuleId[];
  relatedMesa?: number;
  description: string;
}

export interface FaultContext {
  ballot: Ballot;
  habilitados: number;
  honest: HonestSheet;
  random: Rng;
  /** The honest sheet of another mesa of the same puesto that carries no fault, for copying. */
  honestPuestoMates: () => Iterable<{ mesa: number; sheet: HonestSheet }>;
}

type Applier = (context: FaultContext) => FaultEffect | null;

/** Faults that rewrite the whole vote vector: at most one of them per puesto and corporation. */
export const VECTOR_FAULTS: ReadonlySet<FaultKind> = new Set(['identical_vectors', 'one_candidate']);

/** Faults that need a list con voto preferente on the ballot. */
export function eligibleKinds(ballot: Ballot): FaultKind[] {
  return FAULT_KINDS.filter((kind) => kind !== 'list_total_mismatch' || ballot.totalled.length > 0);
}

export function applyFault(kind: FaultKind, context: FaultContext): FaultEffect | null {
  return APPLIERS[kind](context);
}

const APPLIERS: Record<FaultKind, Applier> = {
  arithmetic_slip: (context) =>
    rewriteOneCountedCell(context, 'arithmetic slip', (value, random) => {
      const delta = random.int(1, 5);
      return [value + delta, value - delta].filter((v) => v >= 0);
    }),

  swapped_digits: (context) => rewriteOneCountedCell(context, 'swapped digits', (value) => digitSwaps(value)),

  inflated_urna: ({ ballot, habilitados, honest, random }) => {
    const layout = ballot.layout;
    const sufragantes = cell(honest.cells, SheetLayout.SUFRAGANTES);
    const extra = 1 + random.binomial(14, 0.2);
    const urna = sufragantes + extra;
    if (urna > habilitados || urna > 999) return null;
    // The stuffed ballots were counted for someone: the sums still close, the nivelación does not.
    const option = random.weightedIndex(ballot.options.map((_, o) => cell(honest.cells, layout.vote(o)) + 1));
    const sheet = cloneSheet(honest);
    sheet.cells[layout.vote(option)] = cell(sheet.cells, layout.vote(option)) + urna - layout.countedSum(honest.cells);
    if (!withinBounds(ballot, sheet.cells)) return null;
    sheet.cells[SheetLayout.URNA] = urna;
    sheet.cells[SheetLayout.INCINERADOS] = 0;
    fillListTotals(ballot, sheet.cells);
    sheet.cells[layout.sumaTotal] = layout.countedSum(sheet.cells);
    return {
      allCopies: sheet,
      rules: ['nivelacion'],
      description: `${extra} more ballots in the urna than sufragantes, none incinerated`,
    };
  },

  list_total_mismatch: ({ ballot, honest, random }) => {
    if (ballot.totalled.length === 0) return null;
    const list = random.int(0, ballot.totalled.length - 1);
    const target = ballot.layout.listTotal(list);
    const total = cell(honest.cells, target);
    const delta = random.int(1, 10);
    const sufragantes = cell(honest.cells, SheetLayout.SUFRAGANTES);
    const written = [total + delta, total - delta].find((v) => v >= 0 && v <= sufragantes && v <= 999);
    if (written === undefined) return null;
    const sheet = cloneSheet(honest);
    sheet.cells[target] = written;
    return {
      allCopies: sheet,
      rules: ['list_total'],
      description: `printed TOTAL of list ${ballot.contenders[ballot.totalled[list] ?? 0]?.ballotNumber} is not agrupación + candidatos`,
    };
  },

  over_capacity: ({ ballot, habilitados, honest, random }) => {
    const layout = ballot.layout;
    const sufragantes = habilitados + random.int(1, Math.max(1, Math.round(0.08 * habilitados)));
    if (sufragantes > 999) return null;
    const sheet = cloneSheet(honest);
    const counted = layout.countedCells();
    const extra = new Int32Array(counted.length);
    const before = layout.countedSum(honest.cells);
    random.multinomial(
      sufragantes - before,
      counted.map((c) => cell(honest.cells, c) + 0.5),
      extra,
    );
    counted.forEach((c, i) => {
      sheet.cells[c] = cell(sheet.cells, c) + (extra[i] ?? 0);
    });
    sheet.cells[SheetLayout.SUFRAGANTES] = sufragantes;
    sheet.cells[SheetLayout.URNA] = sufragantes;
    sheet.cells[SheetLayout.INCINERADOS] = 0;
    fillListTotals(ballot, sheet.cells);
    sheet.cells[layout.sumaTotal] = sufragantes;
    if (!withinBounds(ballot, sheet.cells)) return null;
    return {
      allCopies: sheet,
      rules: ['capacity', 'turnout_outlier'],
      description: `${sufragantes} sufragantes in a mesa of ${habilitados} habilitados`,
    };
  },

  identical_vectors: ({ ballot, honest, random, honestPuestoMates }) => {
    const layout = ballot.layout;
    const sufragantes = cell(honest.cells, SheetLayout.SUFRAGANTES);
    const mates = random.shuffle([...honestPuestoMates()]);
    for (const mate of mates) {
      const counted = layout.countedSum(mate.sheet.cells);
      // Small vectors match by chance; a copied sheet must be big enough to mean something.
      if (counted < 20 || counted > sufragantes) continue;
      const sheet = cloneSheet(honest);
      sheet.cells.set(mate.sheet.cells.subarray(SheetLayout.FIRST_VOTE, layout.size), SheetLayout.FIRST_VOTE);
      sheet.cells[SheetLayout.URNA] = counted;
      sheet.cells[SheetLayout.INCINERADOS] = 0;
      sheet.cells[layout.sumaTotal] = counted;
      if (sameVector(layout, sheet.cells, honest.cells)) continue;
      return {
        allCopies: sheet,
        rules: ['identical_vectors'],
        relatedMesa: mate.mesa,
        description: 'the votes of another mesa of the puesto were copied onto this sheet',
      };
    }
    return null;
  },

  one_candidate: ({ ballot, habilitados, honest, random }) => {
    if (habilitados < 30) return null;
    const layout = ballot.layout;
    const sufragantes = Math.min(
      habilitados,
      Math.max(Math.ceil(0.95 * habilitados), Math.round(habilitados * random.uniform(0.95, 1))),
    );
    const totals = contenderTotals(ballot, honest.cells);
    const leader = totals.indexOf(Math.max(...totals));
    const contender = ballot.contenders[leader];
    if (!contender) return null;
    // Everything goes to the leader's strongest row; at most a nulo or two, never 5 % of the urna.
    let row = contender.firstOption;
    for (let o = contender.firstOption; o < contender.firstOption + contender.optionCount; o++) {
      if (cell(honest.cells, layout.vote(o)) > cell(honest.cells, layout.vote(row))) row = o;
    }
    const nulos = random.int(0, Math.min(2, Math.floor(0.04 * sufragantes)));
    const sheet = cloneSheet(honest);
    for (const c of layout.countedCells()) sheet.cells[c] = 0;
    sheet.cells[layout.vote(row)] = sufragantes - nulos;
    sheet.cells[layout.nulos] = nulos;
    sheet.cells[SheetLayout.SUFRAGANTES] = sufragantes;
    sheet.cells[SheetLayout.URNA] = sufragantes;
    sheet.cells[SheetLayout.INCINERADOS] = 0;
    fillListTotals(ballot, sheet.cells);
    sheet.cells[layout.sumaTotal] = sufragantes;
    return {
      allCopies: sheet,
      rules: ['one_candidate', 'turnout_outlier'],
      description: `${sufragantes} of ${habilitados} habilitados voted, all but ${nulos} for ${ballot.options[row]?.key}`,
    };
  },

  copies_differ: ({ ballot, honest, random }) => {
    const moved = moveVotes(ballot, honest.cells, random, 10);
    if (!moved) return null;
    return {
      oneCopy: { copy: 'delegados', sheet: { ...cloneSheet(honest), cells: moved.cells } },
      rules: ['copies_differ', 'official_differs'],
      description: `the delegados copy moves ${moved.votes} votes from ${moved.from} to ${moved.to}`,
    };
  },

  preconteo_differs: ({ ballot, honest, random }) => {
    const layout = ballot.layout;
    const candidates = layout.countedCells().filter((c) => cell(honest.cells, c) > 0);
    if (candidates.length === 0) return null;
    const target = random.pick(candidates);
    const value = cell(honest.cells, target);
    const swaps = digitSwaps(value);
    const misheard = swaps.length > 0 && random.chance(0.5) ? random.pick(swaps) : value + random.int(1, 20);
    const preconteo = honest.cells.slice();
    preconteo[target] = Math.min(999, misheard);
    if (preconteo[target] === value) return null;
    return {
      preconteo,
      rules: ['official_differs'],
      description: `the preconteo took ${layout.paths[target]} as ${preconteo[target]} instead of ${value}`,
    };
  },

  escrutinio_differs: ({ ballot, honest, random }) => {
    const moved = moveVotes(ballot, honest.cells, random, 20);
    if (!moved) return null;
    return {
      escrutinio: moved.cells,
      rules: ['official_differs'],
      description: `the escrutinio moves ${moved.votes} votes from ${moved.from} to ${moved.to}`,
    };
  },

  illegible_field: (context) =>
    markOneCell(context, 'illegible', (random) => ({
      state: 'illegible',
      confidence: round2(random.uniform(0, 0.3)),
      overwritten: false,
    })),

  low_confidence_field: (context) =>
    markOneCell(context, 'read with low confidence', (random) => ({
      state: 'read',
      confidence: round2(random.uniform(0.3, 0.69)),
      overwritten: false,
    })),

  corrected_field: (context) =>
    markOneCell(context, 'over-written (tachadura)', (random) => ({
      state: 'read',
      confidence: round2(random.uniform(0.8, 1)),
      overwritten: true,
    })),

  missing_signatures: ({ honest, random }) => ({
    allCopies: { ...cloneSheet(honest), juradosSigned: random.int(0, 1) },
    rules: ['signatures'],
    description: 'one jurado signed at most',
  }),

  recount_unrequested: ({ honest }) => ({
    allCopies: { ...cloneSheet(honest), recuento: { hubo: true, solicitadoPorFilled: false } },
    rules: ['recount'],
    description: 'HUBO RECUENTO marked SÍ with nobody named in "solicitado por"',
  }),
};

function cloneSheet(sheet: WrittenSheet): WrittenSheet {
  return { cells: sheet.cells.slice(), juradosSigned: sheet.juradosSigned, recuento: { ...sheet.recuento } };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Changes one counted cell (a vote row, blancos, nulos or no marcados) on all copies while the
 * printed total and the urna keep the true count, so urn_sum and printed_sum fail. Inside a list
 * con voto preferente the printed TOTAL keeps the true list total too, so list_total fails as well.
 */
function rewriteOneCountedCell(
  { ballot, honest, random }: FaultContext,
  what: string,
  alternatives: (value: number, random: Rng) => number[],
): FaultEffect | null {
  const layout = ballot.layout;
  for (const target of random.shuffle(layout.countedCells())) {
    const value = cell(honest.cells, target);
    for (const written of random.shuffle(alternatives(value, random))) {
      if (written === value || written < 0 || written > 999) continue;
      const sheet = cloneSheet(honest);
      sheet.cells[target] = written;
      if (!withinBounds(ballot, sheet.cells)) continue;
      const option = layout.isVote(target) ? ballot.options[target - SheetLayout.FIRST_VOTE] : undefined;
      const inTotalledList = option !== undefined && ballot.totalled.includes(option.contender);
      return {
        allCopies: sheet,
        rules: inTotalledList ? ['urn_sum', 'printed_sum', 'list_total'] : ['urn_sum', 'printed_sum'],
        description: `${what}: ${layout.paths[target]} written as ${written} instead of ${value}`,
      };
    }
  }
  return null;
}

/** 48 → 84, 105 → 150, 120 → 210: adjacent digits swapped, never producing a leading zero. */
export function digitSwaps(value: number): number[] {
  const digits = String(value);
  const swaps: number[] = [];
  for (let i = 0; i + 1 < digits.length; i++) {
    const left = digits[i];
    const right = digits[i + 1];
    if (left === right || (i === 0 && right === '0')) continue;
    swaps.push(Number(digits.slice(0, i) + right + left + digits.slice(i + 2)));
  }
  return swaps;
}

/**
 * Moves 1..max votes between two vote rows, keeping every total (the careful forger's change):
 * sums still close, so only comparisons with the other copies or feeds can see it.
 */
function moveVotes(
  ballot: Ballot,
  honest: Cells,
  random: Rng,
  max: number,
): { cells: Cells; votes: number; from: string; to: string } | null {
  const layout = ballot.layout;
  const donors = ballot.options.map((_, o) => o).filter((o) => cell(honest, layout.vote(o)) > 0);
  if (donors.length === 0 || ballot.options.length < 2) return null;
  const from = random.pick(donors);
  const receivers = ballot.options.map((_, o) => o).filter((o) => o !== from);
  const to = random.pick(receivers);
  const votes = random.int(1, Math.min(max, cell(honest, layout.vote(from))));
  const cells = honest.slice();
  cells[layout.vote(from)] = cell(cells, layout.vote(from)) - votes;
  cells[layout.vote(to)] = cell(cells, layout.vote(to)) + votes;
  fillListTotals(ballot, cells);
  if (!withinBounds(ballot, cells)) return null;
  return { cells, votes, from: ballot.options[from]?.key ?? '', to: ballot.options[to]?.key ?? '' };
}

function markOneCell(
  { ballot, honest, random }: FaultContext,
  what: string,
  mark: (random: Rng) => FieldMark,
): FaultEffect | null {
  const layout = ballot.layout;
  const written: number[] = [];
  for (let c = 0; c < layout.size; c++) if (cell(honest.cells, c) > 0) written.push(c);
  if (written.length === 0) return null;
  const target = random.pick(written);
  const copy = random.pick(MESA_COPIES);
  const reading = mark(random);
  return {
    reading: { copy, cell: target, mark: reading },
    rules: reading.overwritten ? ['corrections'] : ['confidence'],
    description: `${layout.paths[target]} on the ${copy} copy is ${what}`,
  };
}

/** No value above 999 and no candidate, list or residual row above the sufragantes (docs/e14.md "Bounds"). */
export function withinBounds(ballot: Ballot, cells: Cells): boolean {
  const layout = ballot.layout;
  const sufragantes = cell(cells, SheetLayout.SUFRAGANTES);
  for (let c = 0; c < layout.size; c++) if (cell(cells, c) < 0 || cell(cells, c) > 999) return false;
  for (let c = SheetLayout.FIRST_VOTE; c < layout.sumaTotal; c++) if (cell(cells, c) > sufragantes) return false;
  return contenderTotals(ballot, cells).every((total) => total <= sufragantes);
}

/** The vote vector: every vote row plus blancos, nulos and no marcados. */
export function sameVector(layout: SheetLayout, a: Cells, b: Cells): boolean {
  return layout.countedCells().every((c) => a[c] === b[c]);
}

/**
 * Which faults a consumer can see when it submits only some copies: a fault on one copy needs
 * that copy; copies_differ needs the delegados copy and another one to compare it with.
 */
export function visibleFault(fault: InjectedFault, copies: readonly Copy[]): InjectedFault | null {
  if (fault.kind === 'copies_differ') {
    const hasDelegados = copies.includes('delegados');
    const rules = fault.rules.filter((rule) =>
      rule === 'copies_differ' ? hasDelegados && copies.length >= 2 : rule === 'official_differs' ? hasDelegados : true,
    );
    return rules.length > 0 ? { ...fault, rules } : null;
  }
  if (fault.copy !== undefined && !copies.includes(fault.copy)) return null;
  return fault;
}
