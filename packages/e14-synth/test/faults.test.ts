import { COPIES, type E14Submission, e14SubmissionSchema, type RuleId } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import {
  FAULT_KINDS,
  type FaultKind,
  type GeneratedSheet,
  generateElection,
  type InjectedFault,
  injectedFaultSchema,
  NO_FAULTS,
  type OfficialRow,
  visibleFault,
} from '../src/index.js';
import {
  copiesDiffer,
  feedValues,
  namedValues,
  officialDiffers,
  oneCandidateFlags,
  PER_MESA_RULES,
  perMesaFailures,
  turnoutFlagged,
  voteVector,
} from './e14-rules.js';

/** High rates so every kind appears often on a few thousand mesas. */
const RATES = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0.02])) as Record<FaultKind, number>;
/** Rules across the sources of one mesa: its copies and the official feeds. */
const SOURCE_RULES: readonly RuleId[] = ['copies_differ', 'official_differs'];
const OPTIONS = { seed: 23, scale: { departamentos: ['05', '16', '23', '88'], mesas: 3_000 } };

interface Observed {
  sheet: GeneratedSheet;
  copies: E14Submission[];
  preconteo: OfficialRow[];
  escrutinio: OfficialRow[];
}

function observe(sheet: GeneratedSheet): Observed {
  return {
    sheet,
    copies: COPIES.map((copy) => sheet.submission(copy)),
    preconteo: sheet.officialRows('preconteo'),
    escrutinio: sheet.officialRows('escrutinio'),
  };
}

/** Every rule the reference checks see failing on one mesa and corporation (cross-mesa ones aside). */
function failingRules({ sheet, copies, preconteo, escrutinio }: Observed): Set<RuleId> {
  const rules = new Set<RuleId>();
  for (const copy of copies) for (const rule of perMesaFailures(copy, sheet.habilitados)) rules.add(rule);
  if (copiesDiffer(copies)) rules.add('copies_differ');
  if (officialDiffers(copies, preconteo, escrutinio)) rules.add('official_differs');
  return rules;
}

describe('injected faults', () => {
  const faulty = generateElection({ ...OPTIONS, faultRates: RATES });
  const honest = generateElection({ ...OPTIONS, faultRates: NO_FAULTS });
  const honestSheets = [...honest.sheets()].map(observe);
  const faultySheets = [...faulty.sheets()].map(observe);
  const faults = faultySheets.flatMap(({ sheet }) => (sheet.fault ? [sheet.fault] : []));

  it('inject every kind, at most one per sheet, with valid and unique labels', () => {
    const perKind = new Map<FaultKind, number>();
    for (const fault of faults) {
      injectedFaultSchema.parse(fault);
      perKind.set(fault.kind, (perKind.get(fault.kind) ?? 0) + 1);
    }
    for (const kind of FAULT_KINDS) expect(perKind.get(kind) ?? 0, kind).toBeGreaterThanOrEqual(8);
    expect(new Set(faults.map((fault) => fault.id)).size).toBe(faults.length);
    expect([...faulty.faults()]).toEqual(faults);
  });

  it('leave every sheet without a fault exactly as in the same election without faults', () => {
    const leaks: string[] = [];
    faultySheets.forEach((observed, i) => {
      const twin = honestSheets[i];
      if (!twin || observed.sheet.fault) return;
      const seen = ({ sheet, copies, preconteo, escrutinio }: Observed) =>
        JSON.stringify([sheet.truth, copies, preconteo, escrutinio]);
      if (seen(observed) !== seen(twin)) leaks.push(observed.sheet.mesaKey);
    });
    expect(leaks).toEqual([]);
  });

  it('break exactly the per-mesa, copy and feed rules they list, and nothing on the honest twin', () => {
    const wrong: string[] = [];
    faultySheets.forEach((observed, i) => {
      const fault = observed.sheet.fault;
      const twin = honestSheets[i];
      if (!fault || !twin) return;
      for (const copy of observed.copies) e14SubmissionSchema.parse(copy);
      const expected = fault.rules.filter((rule) => PER_MESA_RULES.includes(rule) || SOURCE_RULES.includes(rule));
      const actual = [...failingRules(observed)];
      if (failingRules(twin).size > 0) wrong.push(`${fault.id}: the honest twin fails`);
      if (actual.sort().join() !== [...expected].sort().join()) {
        wrong.push(`${fault.id}: labelled ${expected.join('+')}, fails ${actual.join('+')}`);
      }
    });
    expect(wrong).toEqual([]);
  });

  it('raise the turnout and one-candidate signals only where labelled', () => {
    const wrong: string[] = [];
    faultySheets.forEach((observed, i) => {
      const fault = observed.sheet.fault;
      const twin = honestSheets[i];
      if (!fault || !twin) return;
      const habilitados = observed.sheet.habilitados;
      observed.copies.forEach((copy, c) => {
        const before = twin.copies[c] as E14Submission;
        const turnout = turnoutFlagged(copy, habilitados);
        if (fault.rules.includes('turnout_outlier') ? !turnout : turnout && !turnoutFlagged(before, habilitados)) {
          wrong.push(`${fault.id} ${copy.copy}: turnout ${turnout}`);
        }
        // Not labelled: the sufragantes did not move, so no turnout test (robust z included) can change.
        if (!fault.rules.includes('turnout_outlier')) {
          const same = namedValues(copy).get('nivelacion.sufragantes');
          if (same !== null && same !== namedValues(before).get('nivelacion.sufragantes')) {
            wrong.push(`${fault.id}: sufragantes moved without a turnout label`);
          }
        }
        const now = oneCandidateFlags(copy, habilitados);
        const was = oneCandidateFlags(before, habilitados);
        if (fault.rules.includes('one_candidate')) {
          if (!now[0] || !now[1]) wrong.push(`${fault.id}: one_candidate not raised`);
        } else if (now.some((flag, reading) => flag && !was[reading])) {
          wrong.push(`${fault.id} ${copy.copy}: one_candidate raised without a label`);
        }
      });
    });
    expect(wrong).toEqual([]);
  });

  it('make identical vote vectors in a puesto only where labelled, pairing the right mesas', () => {
    const puestoOf = (key: string) => key.slice(0, key.lastIndexOf('-'));
    const pairs = (sheets: Observed[]) => {
      const groups = new Map<string, string[]>();
      for (const { sheet, copies } of sheets) {
        const vector = voteVector(copies[0] as E14Submission);
        const group = `${puestoOf(sheet.mesaKey)}|${sheet.corporation}|${vector}`;
        const members = groups.get(group);
        if (members) members.push(sheet.mesaKey);
        else groups.set(group, [sheet.mesaKey]);
      }
      const found = new Set<string>();
      for (const [group, mesas] of groups) {
        const corporation = group.split('|')[1];
        for (const a of mesas) for (const b of mesas) if (a < b) found.add(`${a}|${b}|${corporation}`);
      }
      return found;
    };
    const before = pairs(honestSheets);
    const labelled = new Set(
      faults
        .filter((fault) => fault.rules.includes('identical_vectors'))
        .map((fault) => {
          const [a, b] = [fault.mesaKey, fault.relatedMesaKeys?.[0] ?? ''].sort();
          return `${a}|${b}|${fault.corporation}`;
        }),
    );
    const after = pairs(faultySheets);
    const unexplained = [...after].filter((pair) => !before.has(pair) && !labelled.has(pair));
    const missing = [...labelled].filter((pair) => !after.has(pair));
    expect(unexplained).toEqual([]);
    expect(missing).toEqual([]);
    for (const fault of faults.filter((f) => f.kind === 'identical_vectors')) {
      expect(puestoOf(fault.relatedMesaKeys?.[0] ?? '')).toBe(puestoOf(fault.mesaKey));
    }
  });

  it('record before and after exactly as the sheets and feeds show them', () => {
    const wrong: string[] = [];
    faultySheets.forEach((observed, i) => {
      const fault = observed.sheet.fault;
      const twin = honestSheets[i];
      if (!fault || !twin) return;
      for (const change of fault.changes) {
        const [before, after] = changeValues(fault, change.field, twin, observed);
        if (before !== change.before || after !== change.after) {
          wrong.push(`${fault.id} ${change.field}: recorded ${change.before}→${change.after}, seen ${before}→${after}`);
        }
      }
    });
    expect(wrong).toEqual([]);
  });

  it('can be restricted to what a consumer of some copies can see', () => {
    const delegadosOnly = [...faulty.faults({ copies: ['delegados'] })];
    expect(delegadosOnly.every((fault) => fault.copy === undefined || fault.copy === 'delegados')).toBe(true);
    expect(delegadosOnly.some((fault) => fault.rules.includes('copies_differ'))).toBe(false);
    const copiesDiffering = faults.filter((fault) => fault.kind === 'copies_differ');
    expect(copiesDiffering.length).toBeGreaterThan(0);
    for (const fault of copiesDiffering) {
      expect(visibleFault(fault, ['claveros', 'transmision'])).toBeNull();
      expect(visibleFault(fault, ['delegados'])?.rules).toEqual(['official_differs']);
      expect(visibleFault(fault, COPIES)?.rules).toEqual(fault.rules);
    }
  });
});

/** Reads a change's field from the honest twin and the faulty sheet, from where the fault lives. */
function changeValues(
  fault: InjectedFault,
  field: string,
  twin: Observed,
  observed: Observed,
): [number | boolean | null, number | boolean | null] {
  if (fault.target !== 'sheet') {
    const opcion = feedOption(field);
    const feed = fault.target === 'preconteo' ? observed.preconteo : observed.escrutinio;
    return [feedValues(twin.escrutinio).get(opcion) ?? null, feedValues(feed).get(opcion) ?? null];
  }
  const copy = COPIES.indexOf(fault.copy ?? 'claveros');
  const before = twin.copies[copy] as E14Submission;
  const after = observed.copies[copy] as E14Submission;
  return [sheetValue(before, field), sheetValue(after, field)];
}

function sheetValue(sheet: E14Submission, field: string): number | boolean | null {
  if (field === 'juradosSigned') return sheet.juradosSigned ?? null;
  if (field === 'recuento.hubo') return sheet.recuento?.hubo ?? null;
  if (field === 'recuento.solicitadoPorFilled') return sheet.recuento?.solicitadoPorFilled ?? null;
  const attribute = field.match(/^(.*)\.(confidence|overwritten)$/);
  if (attribute?.[1] && attribute[2]) {
    const input = rawField(sheet, attribute[1]);
    if (typeof input === 'number') return attribute[2] === 'confidence' ? 1 : false;
    return attribute[2] === 'confidence' ? (input?.confidence ?? null) : (input?.overwritten ?? null);
  }
  return namedValues(sheet).get(field) ?? null;
}

function rawField(sheet: E14Submission, path: string) {
  if (path.startsWith('votes.')) {
    const [ballot, candidate] = path.slice('votes.'.length).split('-').map(Number);
    return sheet.votes.find((row) => row.ballotNumber === ballot && row.candidateNumber === candidate)?.votes;
  }
  if (path.startsWith('listTotals.')) {
    return sheet.listTotals.find((row) => row.ballotNumber === Number(path.slice('listTotals.'.length)))?.total;
  }
  const named: Record<string, E14Submission['blancos'] | undefined> = {
    'nivelacion.sufragantes': sheet.nivelacion.sufragantes,
    'nivelacion.urna': sheet.nivelacion.urna,
    'nivelacion.incinerados': sheet.nivelacion.incinerados,
    blancos: sheet.blancos,
    nulos: sheet.nulos,
    noMarcados: sheet.noMarcados,
    sumaTotal: sheet.sumaTotal,
  };
  return named[path];
}

function feedOption(field: string): string {
  const residual: Record<string, string> = {
    blancos: 'BLANCO',
    nulos: 'NULO',
    noMarcados: 'NO_MARCADO',
    'nivelacion.sufragantes': 'SUFRAGANTES',
  };
  return residual[field] ?? field.replace(/^votes\./, '');
}
