import { CORPORATION_SCOPE, type Corporation } from '@castor/contracts';
import { createKeyedRng, type Rng } from '@castor/seeded-random';
import { type Ballot, type BallotSettings, buildBallot, fillListTotals } from './ballots.js';
import { DEPARTAMENTOS } from './geography.js';
import { type Cells, SheetLayout } from './layout.js';
import { STREAM } from './streams.js';
import type { MunicipioInfo, Territory } from './territory.js';

/**
 * How the honest election behaves, from the country down to each mesa:
 *
 * - turnout: a departamento level (rounded public figures), a municipio drawn around it on the
 *   logit scale (a few municipios much higher), a mesa around its municipio; about 3 % of rural
 *   mesas have a genuinely high turnout (86–98 %), which is what turnout signals must not accuse;
 * - shares: each contender's national popularity is tilted by the departamento's lean along the
 *   left–right axis, then drawn (Dirichlet) per departamento, again per municipio with its own
 *   lean, and once more per mesa; about 1 % of municipios are strongholds where one contender
 *   takes 88–97 % (honest, but it looks like the one-candidate signal); strongholds also turn
 *   out more, and their rural mesas are five times as likely to reach a very high turnout;
 * - inside a list con voto preferente the agrupación row and candidate rows share the list's
 *   votes, and national candidates are much stronger in their home departamento;
 * - blancos, nulos and no marcados are small per-corporation rates that vary by municipio;
 * - nivelación: votos en la urna equal the sufragantes in most mesas; in a few a voter kept a
 *   ballot (one or two fewer); in about 1.5 % one extra ballot was found and burned (incinerados 1).
 */

export type NaturalSignal = 'high_turnout' | 'stronghold';

/** What the jurados wrote on a sheet besides numbers. */
export interface WrittenSheet {
  cells: Cells;
  juradosSigned: number;
  recuento: { hubo: boolean; solicitadoPorFilled: boolean };
}

export interface HonestSheet extends WrittenSheet {
  natural: NaturalSignal[];
  /** The jurados' habit for a zero: leave the row empty (dots) or write 0. Same on every copy. */
  zerosLeftEmpty: boolean;
}

const RESIDUAL_RATES: Record<Corporation, { blancos: number; nulos: number; noMarcados: number }> = {
  PRESIDENTE: { blancos: 0.022, nulos: 0.012, noMarcados: 0.004 },
  GOBERNADOR: { blancos: 0.045, nulos: 0.03, noMarcados: 0.025 },
  ALCALDE: { blancos: 0.04, nulos: 0.025, noMarcados: 0.02 },
  SENADO: { blancos: 0.035, nulos: 0.065, noMarcados: 0.035 },
  CAMARA: { blancos: 0.05, nulos: 0.055, noMarcados: 0.05 },
  ASAMBLEA: { blancos: 0.05, nulos: 0.06, noMarcados: 0.05 },
  CONCEJO: { blancos: 0.045, nulos: 0.05, noMarcados: 0.04 },
  JAL: { blancos: 0.06, nulos: 0.06, noMarcados: 0.06 },
};

/** Concentrations of the Dirichlet draws: higher means closer to the level above. */
const CONCENTRATION = { departamento: 150, municipio: 80, mesa: 80 } as const;
const STRONGHOLD_RATE = 0.012;
const HIGH_TURNOUT_MUNICIPIO_RATE = 0.02;
const HIGH_TURNOUT_RURAL_MESA_RATE = { usual: 0.03, stronghold: 0.15 } as const;
/** A stronghold's turnout is this much higher on the logit scale (≈ +20 points around 55 %). */
const STRONGHOLD_TURNOUT_LIFT = 0.8;

/** Turnouts and shares move on the logit scale, so that a lift never leaves (0, 1). */
function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** Share of the left in the country, the reference of the regional leans. */
const NATIONAL_LEFT_SHARE = (() => {
  let weighted = 0;
  let total = 0;
  for (const d of DEPARTAMENTOS) {
    weighted += d.leftShare * d.habilitadosMillions;
    total += d.habilitadosMillions;
  }
  return weighted / total;
})();

interface MunicipioVoting {
  turnout: number;
  /** Per corporation (index in the election's list). */
  contenderShares: Float64Array[];
  /** Per corporation: the weight of each vote row inside its contender (sums to 1 per contender). */
  rowWeights: Float64Array[];
  rates: { blancos: number; nulos: number; noMarcados: number }[];
  stronghold: boolean[];
  /** A stronghold in some corporation: a mobilised place. */
  mobilised: boolean;
}

export interface VotingSettings extends BallotSettings {
  seed: number;
  corporations: readonly Corporation[];
}

export class VotingModel {
  /** Per corporation: one ballot for the country, per departamento index, or per municipio index. */
  private readonly ballots: Ballot[][];
  private readonly municipios: MunicipioVoting[];

  constructor(
    readonly territory: Territory,
    readonly settings: VotingSettings,
  ) {
    this.ballots = settings.corporations.map((corporation, c) => this.buildBallots(corporation, c));
    this.municipios = this.buildMunicipios();
  }

  /** Every ballot of a corporation (one, one per departamento, or one per municipio). */
  ballotsOf(corporationIndex: number): readonly Ballot[] {
    return this.ballots[corporationIndex] ?? [];
  }

  ballotFor(corporationIndex: number, mesa: number): Ballot {
    const ballot = this.ballots[corporationIndex]?.[this.ballotIndex(corporationIndex, this.municipioOf(mesa))];
    if (!ballot) throw new Error(`no ballot of corporation ${corporationIndex} for mesa ${mesa}`);
    return ballot;
  }

  private ballotIndex(corporationIndex: number, municipio: MunicipioInfo): number {
    const corporation = this.settings.corporations[corporationIndex];
    if (!corporation) throw new Error(`no corporation ${corporationIndex}`);
    const scope = CORPORATION_SCOPE[corporation];
    return scope === 'nacional' ? 0 : scope === 'departamento' ? municipio.departamentoIndex : municipio.index;
  }

  municipioOf(mesa: number): MunicipioInfo {
    const puesto = this.territory.puestos[this.territory.mesaPuesto[mesa] ?? 0];
    const municipio = puesto && this.territory.municipios[puesto.municipio];
    if (!puesto || !municipio) throw new Error(`mesa ${mesa} is outside the territory`);
    return municipio;
  }

  /** Sufragantes (E-11) of a mesa: shared by every corporation voted in it. */
  sufragantes(mesa: number): { sufragantes: number; highTurnout: boolean } {
    const random = createKeyedRng([this.settings.seed, STREAM.turnout, mesa]);
    const puesto = this.territory.puestos[this.territory.mesaPuesto[mesa] ?? 0];
    const municipio = this.municipios[puesto?.municipio ?? 0];
    const habilitados = this.territory.habilitados[mesa] ?? 0;
    let turnout = logistic(logit(municipio?.turnout ?? 0.5) + 0.3 * random.normal());
    const highTurnout =
      (puesto?.rural ?? false) &&
      random.chance(HIGH_TURNOUT_RURAL_MESA_RATE[municipio?.mobilised ? 'stronghold' : 'usual']);
    if (highTurnout) turnout = random.uniform(0.86, 0.98);
    return { sufragantes: random.binomial(habilitados, turnout), highTurnout };
  }

  /** The honest sheet of one mesa and corporation: what careful jurados would write. */
  honestSheet(mesa: number, corporationIndex: number): HonestSheet {
    const ballot = this.ballotFor(corporationIndex, mesa);
    const layout = ballot.layout;
    const municipio = this.municipioOf(mesa);
    const voting = this.municipios[municipio.index];
    const corporation = this.settings.corporations[corporationIndex];
    if (!voting || !corporation) throw new Error(`no voting model for mesa ${mesa}`);
    const habilitados = this.territory.habilitados[mesa] ?? 0;
    const { sufragantes, highTurnout } = this.sufragantes(mesa);
    const random = createKeyedRng([this.settings.seed, STREAM.count, mesa, corporationIndex]);

    let urna = sufragantes;
    let incinerados = 0;
    const nivelacion = random.next();
    if (nivelacion < 0.015 && sufragantes > 0 && sufragantes < habilitados) {
      urna = sufragantes + 1;
      incinerados = 1;
    } else if (nivelacion < 0.05 && sufragantes > 0) {
      urna = sufragantes - random.int(1, Math.min(2, sufragantes));
    }
    const counted = urna - incinerados;
    const rates = voting.rates[corporationIndex] ?? RESIDUAL_RATES[corporation];
    const nulos = random.binomial(counted, rates.nulos);
    const noMarcados = random.binomial(counted - nulos, rates.noMarcados);
    const blancos = random.binomial(counted - nulos - noMarcados, rates.blancos);
    const valid = counted - nulos - noMarcados - blancos;

    const cells = new Int32Array(layout.size);
    cells[SheetLayout.SUFRAGANTES] = sufragantes;
    cells[SheetLayout.URNA] = urna;
    cells[SheetLayout.INCINERADOS] = incinerados;
    const shares = random.dirichlet(voting.contenderShares[corporationIndex] ?? [], CONCENTRATION.mesa);
    const contenderVotes = new Int32Array(ballot.contenders.length);
    random.multinomial(valid, shares, contenderVotes);
    const rowWeights = voting.rowWeights[corporationIndex] ?? new Float64Array(0);
    ballot.contenders.forEach((contender, c) => {
      const rows = new Int32Array(contender.optionCount);
      random.multinomial(
        contenderVotes[c] ?? 0,
        rowWeights.subarray(contender.firstOption, contender.firstOption + contender.optionCount),
        rows,
      );
      cells.set(rows, layout.vote(contender.firstOption));
    });
    fillListTotals(ballot, cells);
    cells[layout.blancos] = blancos;
    cells[layout.nulos] = nulos;
    cells[layout.noMarcados] = noMarcados;
    cells[layout.sumaTotal] = counted;

    const style = createKeyedRng([this.settings.seed, STREAM.sheetStyle, mesa, corporationIndex]);
    const signatures = style.next();
    const recount = style.chance(0.04);
    const natural: NaturalSignal[] = [];
    if (highTurnout) natural.push('high_turnout');
    if (voting.stronghold[corporationIndex]) natural.push('stronghold');
    return {
      cells,
      // Six jurados sign in most mesas; honest sheets always carry at least three signatures.
      juradosSigned: signatures < 0.7 ? 6 : signatures < 0.85 ? 5 : signatures < 0.95 ? 4 : 3,
      recuento: { hubo: recount, solicitadoPorFilled: recount },
      natural,
      zerosLeftEmpty: style.chance(0.8),
    };
  }

  private buildBallots(corporation: Corporation, corporationIndex: number): Ballot[] {
    const { seed } = this.settings;
    const scope = CORPORATION_SCOPE[corporation];
    const keyed = (...ids: number[]) => createKeyedRng([seed, STREAM.ballots, corporationIndex, ...ids]);
    if (scope === 'nacional') return [buildBallot(corporation, {}, this.settings, keyed())];
    if (scope === 'departamento') {
      return this.territory.departamentos.map((_, d) => {
        const departamento = this.territory.municipios.find((m) => m.departamentoIndex === d)?.departamento;
        return buildBallot(corporation, departamento ? { departamento } : {}, this.settings, keyed(d));
      });
    }
    return this.territory.municipios.map((municipio) =>
      buildBallot(
        corporation,
        { departamento: municipio.departamento, municipio: municipio.code },
        this.settings,
        keyed(1_000_000 + municipio.index),
      ),
    );
  }

  private buildMunicipios(): MunicipioVoting[] {
    const { seed, corporations } = this.settings;
    const turnoutFactor = corporations.includes('PRESIDENTE')
      ? this.settings.presidentialRound === 2
        ? 1
        : 0.95
      : 0.82;
    // Departamento-level shares are drawn once per departamento and corporation.
    const departamentoShares = new Map<string, Float64Array>();
    return this.territory.municipios.map((municipio) => {
      const departamento = municipio.departamento;
      const random = createKeyedRng([seed, STREAM.regional, municipio.index]);
      const departamentoTurnout = departamento.turnout * turnoutFactor;
      const stronghold = corporations.map(() => random.chance(STRONGHOLD_RATE));
      const mobilised = stronghold.some(Boolean);
      const turnout = random.chance(HIGH_TURNOUT_MUNICIPIO_RATE)
        ? random.uniform(0.75, 0.88)
        : logistic(logit(departamentoTurnout) + 0.25 * random.normal() + (mobilised ? STRONGHOLD_TURNOUT_LIFT : 0));
      const lean = logit(departamento.leftShare) - logit(NATIONAL_LEFT_SHARE);
      const municipioLean = 0.45 * random.normal();
      const voting: MunicipioVoting = {
        turnout,
        contenderShares: [],
        rowWeights: [],
        rates: [],
        stronghold,
        mobilised,
      };
      corporations.forEach((corporation, c) => {
        const ballotIndex = this.ballotIndex(c, municipio);
        const ballot = this.ballots[c]?.[ballotIndex];
        if (!ballot) throw new Error(`no ballot of corporation ${c} for municipio ${municipio.index}`);
        const key = `${c}/${municipio.departamentoIndex}/${ballotIndex}`;
        let regional = departamentoShares.get(key);
        if (!regional) {
          const draw = createKeyedRng([seed, STREAM.regional, 1_000_000 + c, municipio.departamentoIndex, ballotIndex]);
          regional = draw.dirichlet(
            tilt(
              ballot.contenders.map((contender) => contender.popularity),
              ballot.contenders.map((contender) => contender.position),
              lean,
            ),
            CONCENTRATION.departamento,
          );
          departamentoShares.set(key, regional);
        }
        let shares = random.dirichlet(
          tilt(
            regional,
            ballot.contenders.map((contender) => contender.position),
            municipioLean,
          ),
          CONCENTRATION.municipio,
        );
        if (stronghold[c]) shares = concentrate(shares, random.weightedIndex(shares), random.uniform(0.88, 0.97));
        voting.contenderShares.push(shares);
        voting.rowWeights.push(rowWeights(ballot, departamento.code, random));
        const base = RESIDUAL_RATES[corporation];
        voting.rates.push({
          blancos: base.blancos * Math.exp(0.3 * random.normal()),
          nulos: base.nulos * Math.exp(0.3 * random.normal()),
          noMarcados: base.noMarcados * Math.exp(0.3 * random.normal()),
        });
      });
      return voting;
    });
  }
}

/**
 * Moves weights along the left–right axis: with lean λ (logit of the left share above the
 * national one), a contender at position x gets weight × e^(−xλ/2), so for two candidates at
 * −1 and +1 the odds shift by exactly e^λ.
 */
function tilt(weights: ArrayLike<number>, positions: readonly number[], lean: number): Float64Array {
  const out = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const weight = (weights[i] ?? 0) * Math.exp((-(positions[i] ?? 0) * lean) / 2);
    out[i] = weight;
    total += weight;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) / total;
  return out;
}

/** Gives `winner` the share `target` and scales the others to the rest. */
function concentrate(shares: Float64Array, winner: number, target: number): Float64Array {
  const others = 1 - (shares[winner] ?? 0);
  const out = new Float64Array(shares.length);
  for (let i = 0; i < shares.length; i++) {
    out[i] = i === winner ? target : others > 0 ? ((shares[i] ?? 0) * (1 - target)) / others : 0;
  }
  return out;
}

/** Row weights inside each contender for one municipio: home candidates are 4× stronger. */
function rowWeights(ballot: Ballot, departamento: string, random: Rng): Float64Array {
  const weights = new Float64Array(ballot.options.length);
  for (const contender of ballot.contenders) {
    let total = 0;
    const end = contender.firstOption + contender.optionCount;
    for (let o = contender.firstOption; o < end; o++) {
      const option = ballot.options[o];
      if (!option) continue;
      const home = option.homeDepartamento === departamento ? 4 : 1;
      const weight = option.weight * home * (contender.optionCount > 1 ? Math.exp(0.3 * random.normal()) : 1);
      weights[o] = weight;
      total += weight;
    }
    for (let o = contender.firstOption; o < end; o++) weights[o] = (weights[o] ?? 0) / total;
  }
  return weights;
}
