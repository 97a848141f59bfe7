import {
  type Candidate,
  type Circunscripcion,
  CORPORATION_SCOPE,
  type Corporation,
  isListCorporation,
} from '@castor/contracts';
import type { Rng } from '@castor/seeded-random';
import { CONSULADOS_CODE, DEPARTAMENTOS, type DepartamentoProfile, personName } from './geography.js';
import { type Cells, cell, SheetLayout } from './layout.js';

/**
 * What can be voted for on one tarjetón: a candidate (single-winner corporations) or a party list
 * (list corporations). `position` places it on a left (−1) to right (+1) axis, which is how
 * regional leanings reach its votes; `popularity` is its national base weight.
 */
export interface Contender {
  ballotNumber: number;
  name: string;
  party: string;
  listCode?: string;
  preferente: boolean;
  position: number;
  popularity: number;
  /** Its vote rows on the sheet: options[firstOption .. firstOption + optionCount). */
  firstOption: number;
  optionCount: number;
}

/** One vote row of the sheet. */
export interface BallotOption {
  /** The official feed's `opcion`: '2', or '3-0' / '3-101' inside a list con voto preferente. */
  key: string;
  ballotNumber: number;
  /** Present only inside lists con voto preferente: 0 = solo por la agrupación, 101.. = candidates. */
  candidateNumber?: number;
  contender: number;
  /** Base weight of the row inside its contender (1 for a contender with a single row). */
  weight: number;
  /** Preferential candidates have a home departamento where they are much stronger. */
  homeDepartamento?: string;
  name: string;
}

/** The ballot of one corporation in one territory (the country, a departamento or a municipio). */
export interface Ballot {
  corporation: Corporation;
  circunscripcion: Circunscripcion;
  departamento?: string;
  municipio?: string;
  contenders: Contender[];
  options: BallotOption[];
  /** Contenders with a printed TOTAL (lists con voto preferente), in the order of `listTotals`. */
  totalled: number[];
  layout: SheetLayout;
  pageCount: number;
}

interface Party {
  code: string;
  name: string;
  position: number;
  popularity: number;
}

/** Fictional parties: synthetic results must never be mistaken for a real party's. */
const PARTIES: readonly Party[] = [
  { code: '0011', name: 'MOVIMIENTO RAICES POPULARES', position: -0.85, popularity: 1.6 },
  { code: '0023', name: 'PARTIDO FRENTE AMPLIO SOCIAL', position: -0.6, popularity: 1.2 },
  { code: '0031', name: 'ALIANZA VERDE ANDINA', position: -0.3, popularity: 1.0 },
  { code: '0046', name: 'PARTIDO CIUDADANO INDEPENDIENTE', position: -0.1, popularity: 0.7 },
  { code: '0052', name: 'MOVIMIENTO CENTRO RENOVADOR', position: 0, popularity: 0.9 },
  { code: '0067', name: 'PARTIDO REGIONES UNIDAS', position: 0.15, popularity: 1.1 },
  { code: '0074', name: 'PARTIDO LIBERAL DEMOCRATA', position: 0.1, popularity: 1.3 },
  { code: '0085', name: 'PARTIDO ORDEN Y PROGRESO', position: 0.55, popularity: 1.2 },
  { code: '0093', name: 'MOVIMIENTO PATRIA FIRME', position: 0.8, popularity: 1.5 },
  { code: '0108', name: 'PARTIDO TRADICION CONSERVADORA', position: 0.6, popularity: 1.2 },
  { code: '0112', name: 'MOVIMIENTO FE Y FAMILIA', position: 0.65, popularity: 0.5 },
  { code: '0127', name: 'PARTIDO DE LA TIERRA', position: -0.45, popularity: 0.5 },
  { code: '0135', name: 'MOVIMIENTO INDIGENA DEL SUR', position: -0.7, popularity: 0.3 },
  { code: '0146', name: 'COLECTIVO JOVENES POR EL CAMBIO', position: -0.2, popularity: 0.4 },
  { code: '0151', name: 'PARTIDO SEGURIDAD Y EMPLEO', position: 0.4, popularity: 0.6 },
  { code: '0168', name: 'MOVIMIENTO CARIBE UNIDO', position: -0.15, popularity: 0.5 },
];

/** A candidate of the 2026 presidential election as the sheets print it (ballot number = index + 1). */
export interface PresidentialCandidate2026 {
  name: string;
  party: string;
  /** Left (−1) to right (+1), for the synthetic vote model. */
  position: number;
  /** Relative weight of the synthetic first-round vote (the real shares are not used). */
  popularity: number;
}

/**
 * The 2026 presidential ballots as printed on the published sheets: the first round (31 May, 13
 * candidates, the Cúcuta and Barcelona sheets) and the second (21 June, two fórmulas, the Anzá and
 * Turbo sheets). Ballot numbers, names and parties are the printed ones; vote shares are synthetic.
 */
export const PRESIDENTE_2026: Readonly<Record<1 | 2, readonly PresidentialCandidate2026[]>> = {
  1: [
    { name: 'IVÁN CEPEDA CASTRO', party: 'PACTO HISTÓRICO', position: -1, popularity: 3 },
    { name: 'CLAUDIA LÓPEZ', party: 'UNA NUEVA HISTORIA', position: -0.2, popularity: 0.4 },
    { name: 'RAÚL SANTIAGO BOTERO JARAMILLO', party: 'ROMPER EL SISTEMA', position: 0.5, popularity: 0.1 },
    { name: 'ABELARDO DE LA ESPRIELLA', party: 'DEFENSORES DE LA PATRIA', position: 1, popularity: 3 },
    { name: 'ÓSCAR MAURICIO LIZCANO ARANGO', party: 'COALICIÓN FAMILIA', position: 0.4, popularity: 0.1 },
    { name: 'MIGUEL URIBE LONDOÑO', party: 'VAMOS JUNTOS', position: 0.8, popularity: 0.2 },
    { name: 'SONDRA MACOLLINS GARVIN PINTO', party: 'SONDRA PRESIDENTE', position: 0.3, popularity: 0.05 },
    { name: 'ROY LEONARDO BARRERAS MONTEALEGRE', party: 'LA FUERZA', position: -0.4, popularity: 0.2 },
    { name: 'CARLOS EDUARDO CAICEDO OMAR', party: 'CAICEDO', position: -0.6, popularity: 0.1 },
    { name: 'GUSTAVO MATAMOROS CAMACHO', party: 'PARTIDO ECOLOGISTA COLOMBIANO', position: 0.6, popularity: 0.05 },
    { name: 'PALOMA VALENCIA LASERNA', party: 'CENTRO DEMOCRÁTICO', position: 0.9, popularity: 0.5 },
    { name: 'SERGIO FAJARDO VALDERRAMA', party: 'FAJARDO PRESIDENTE', position: 0, popularity: 0.6 },
    { name: 'LUIS GILBERTO MURILLO URRUTIA', party: 'LA OPORTUNIDAD ES COLOMBIA', position: 0.1, popularity: 0.1 },
  ],
  2: [
    { name: 'IVÁN CEPEDA CASTRO', party: 'PACTO HISTÓRICO', position: -1, popularity: 1 },
    { name: 'ABELARDO DE LA ESPRIELLA', party: 'DEFENSORES DE LA PATRIA', position: 1, popularity: 1 },
  ],
};

/** Rows a page of the form holds: candidates carry photos, lists are dense tables. */
const ROWS_PER_PAGE = { single: 6, list: 24 } as const;

interface BallotScope {
  departamento?: DepartamentoProfile;
  municipio?: string;
}

export interface BallotSettings {
  presidentialRound: 1 | 2;
}

/** Builds the ballot of `corporation` for one territory of its scope. */
export function buildBallot(
  corporation: Corporation,
  scope: BallotScope,
  settings: BallotSettings,
  random: Rng,
): Ballot {
  const seats = isListCorporation(corporation) ? seatsOf(corporation, scope, random) : 1;
  const contenders = isListCorporation(corporation)
    ? partyLists(corporation, seats, random)
    : singleWinnerCandidates(corporation, settings, random);
  const options: BallotOption[] = [];
  const totalled: number[] = [];
  contenders.forEach((contender, index) => {
    contender.firstOption = options.length;
    if (contender.preferente) {
      options.push(...preferentialRows(corporation, seats, contender, index, random));
      totalled.push(index);
    } else {
      options.push({
        key: String(contender.ballotNumber),
        ballotNumber: contender.ballotNumber,
        contender: index,
        weight: 1,
        name: contender.name,
      });
    }
    contender.optionCount = options.length - contender.firstOption;
  });
  const layout = new SheetLayout(
    options.map((option) => option.key),
    totalled.map((index) => contenders[index]?.ballotNumber ?? 0),
  );
  const rowsPerPage = isListCorporation(corporation) ? ROWS_PER_PAGE.list : ROWS_PER_PAGE.single;
  return {
    corporation,
    circunscripcion: circunscripcionOf(corporation, scope),
    ...(scope.departamento && CORPORATION_SCOPE[corporation] !== 'nacional'
      ? { departamento: scope.departamento.code }
      : {}),
    ...(scope.municipio ? { municipio: scope.municipio } : {}),
    contenders,
    options,
    totalled,
    layout,
    // The published Presidente forms: 3 pages in the first round (candidates 1–7, then 8–13 and the
    // closing rows, then the jurados), 2 in the second. Other ballots: one page for the header and
    // nivelación, then the rows plus blancos/nulos/no marcados/total.
    pageCount:
      corporation === 'PRESIDENTE'
        ? settings.presidentialRound === 1
          ? 3
          : 2
        : 1 + Math.ceil((options.length + 4) / rowsPerPage),
  };
}

function circunscripcionOf(corporation: Corporation, scope: BallotScope): Circunscripcion {
  if (CORPORATION_SCOPE[corporation] === 'nacional') return 'nacional';
  if (corporation === 'CAMARA' && scope.departamento?.code === CONSULADOS_CODE) return 'internacional';
  return 'territorial';
}

function singleWinnerCandidates(corporation: Corporation, settings: BallotSettings, random: Rng): Contender[] {
  if (corporation === 'PRESIDENTE') {
    const round = settings.presidentialRound;
    // A national swing per seed, so different seeds give different (close) races.
    const swing = round === 2 ? random.uniform(-0.06, 0.06) : 0;
    return PRESIDENTE_2026[round].map((candidate, index) => ({
      ballotNumber: index + 1,
      name: candidate.name,
      party: candidate.party,
      preferente: false,
      position: candidate.position,
      popularity:
        round === 2
          ? index === 0
            ? 0.5 + swing
            : 0.5 - swing
          : candidate.popularity * Math.exp(0.3 * random.normal()),
      firstOption: 0,
      optionCount: 0,
    }));
  }
  const count = random.int(3, 6);
  const parties = random.shuffle([...PARTIES]).slice(0, count);
  return parties.map((party, index) => ({
    ballotNumber: index + 1,
    name: personName(random),
    party: party.name,
    preferente: false,
    position: party.position,
    // Races are led by a few: a Zipf-like spread on top of the party's own weight.
    popularity: (party.popularity * Math.exp(0.6 * random.normal())) / (1 + index * 0.15),
    firstOption: 0,
    optionCount: 0,
  }));
}

/** Seats decide how many lists run and how long they are. */
function seatsOf(corporation: Corporation, scope: BallotScope, random: Rng): number {
  const departamento = scope.departamento;
  switch (corporation) {
    case 'SENADO':
      return 100;
    case 'CAMARA': {
      if (!departamento || departamento.code === CONSULADOS_CODE) return 1;
      const share = departamento.habilitadosMillions / totalHabilitadosMillions();
      return Math.max(2, Math.round(161 * share));
    }
    case 'ASAMBLEA':
      return Math.max(11, Math.min(31, Math.round(8 + 4 * Math.sqrt(departamento?.habilitadosMillions ?? 1))));
    case 'CONCEJO':
      return random.int(7, 19);
    default:
      return random.int(5, 9);
  }
}

function totalHabilitadosMillions(): number {
  return DEPARTAMENTOS.reduce((sum, departamento) => sum + departamento.habilitadosMillions, 0);
}

function partyLists(corporation: Corporation, seats: number, random: Rng): Contender[] {
  const listCount =
    corporation === 'SENADO' ? 12 : Math.max(3, Math.min(10, 3 + Math.round(seats / 3) + random.int(0, 2)));
  const parties = random.shuffle([...PARTIES]).slice(0, Math.min(listCount, PARTIES.length));
  return parties.map((party, index) => ({
    ballotNumber: index + 1,
    name: party.name,
    party: party.name,
    listCode: party.code,
    // Most lists let voters mark a candidate; some parties run closed lists.
    preferente: random.chance(0.75),
    position: party.position,
    popularity: party.popularity * Math.exp(0.5 * random.normal()),
    firstOption: 0,
    optionCount: 0,
  }));
}

function listLength(corporation: Corporation, seats: number, random: Rng): number {
  if (corporation === 'SENADO') return random.int(6, 15);
  return Math.max(2, Math.min(18, seats + random.int(-1, 1)));
}

function preferentialRows(
  corporation: Corporation,
  seats: number,
  contender: Contender,
  contenderIndex: number,
  random: Rng,
): BallotOption[] {
  const candidates = listLength(corporation, seats, random);
  // Between a sixth and a half of a list's voters mark only the party.
  const agrupacion = random.uniform(0.15, 0.5);
  const raw = Array.from({ length: candidates }, (_, rank) => Math.exp(0.7 * random.normal()) / (rank + 1) ** 0.9);
  const rawTotal = raw.reduce((sum, weight) => sum + weight, 0);
  const rows: BallotOption[] = [
    {
      key: `${contender.ballotNumber}-0`,
      ballotNumber: contender.ballotNumber,
      candidateNumber: 0,
      contender: contenderIndex,
      weight: agrupacion,
      name: contender.name,
    },
  ];
  raw.forEach((weight, rank) => {
    const candidateNumber = 101 + rank;
    rows.push({
      key: `${contender.ballotNumber}-${candidateNumber}`,
      ballotNumber: contender.ballotNumber,
      candidateNumber,
      contender: contenderIndex,
      weight: ((1 - agrupacion) * weight) / rawTotal,
      // National lists have regional barons; departamento lists are regional already.
      ...(CORPORATION_SCOPE[corporation] === 'nacional'
        ? { homeDepartamento: random.pick(DEPARTAMENTOS.filter((d) => d.code !== CONSULADOS_CODE)).code }
        : {}),
      name: personName(random),
    });
  });
  return rows;
}

/** The divipol's candidate entries of a ballot. */
export function ballotCandidates(ballot: Ballot): Candidate[] {
  const base = {
    corporation: ballot.corporation,
    circunscripcion: ballot.circunscripcion,
    ...(ballot.departamento ? { departamento: ballot.departamento } : {}),
    ...(ballot.municipio ? { municipio: ballot.municipio } : {}),
  };
  return ballot.options.map((option) => {
    const contender = ballot.contenders[option.contender];
    if (!contender) throw new Error('option without contender');
    if (!isListCorporation(ballot.corporation)) {
      return { ...base, ballotNumber: option.ballotNumber, name: option.name, party: contender.party };
    }
    return {
      ...base,
      ballotNumber: option.ballotNumber,
      ...(contender.listCode ? { listCode: contender.listCode } : {}),
      preferente: contender.preferente,
      ...(option.candidateNumber === undefined ? {} : { candidateNumber: option.candidateNumber }),
      name: option.name,
      party: contender.party,
    };
  });
}

/** Votes of each contender (a list adds its agrupación and candidate rows). */
export function contenderTotals(ballot: Ballot, cells: Cells): number[] {
  return ballot.contenders.map((contender) => {
    let total = 0;
    for (let option = contender.firstOption; option < contender.firstOption + contender.optionCount; option++) {
      total += cell(cells, ballot.layout.vote(option));
    }
    return total;
  });
}

/** Writes each printed TOTAL as agrupación + candidatos, as honest jurados do. */
export function fillListTotals(ballot: Ballot, cells: Cells): void {
  const totals = contenderTotals(ballot, cells);
  ballot.totalled.forEach((contender, list) => {
    cells[ballot.layout.listTotal(list)] = totals[contender] ?? 0;
  });
}
