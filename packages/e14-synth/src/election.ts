import {
  type Copy,
  type Corporation,
  copySchema,
  corporationSchema,
  type DivipolDocument,
  type E14Submission,
  electionCodeSchema,
  MESA_COPIES,
  type MesaKey,
  type MesaRef,
  mesaKey,
  mesaKeySchema,
} from '@castor/contracts';
import { createKeyedRng } from '@castor/seeded-random';
import { z } from 'zod';
import { type Ballot, ballotCandidates } from './ballots.js';
import {
  applyFault,
  DEFAULT_FAULT_RATES,
  eligibleKinds,
  type FaultChange,
  type FaultEffect,
  type FaultKind,
  type FaultRates,
  faultKindSchema,
  faultRatesSchema,
  type InjectedFault,
  sameVector,
  VECTOR_FAULTS,
  visibleFault,
} from './faults.js';
import { raisesOneCandidate, SMALL_VECTOR } from './guards.js';
import { type Cells, cell, SheetLayout } from './layout.js';
import { type OfficialRow, type OfficialSource, officialRowsOf } from './official.js';
import { type ResolvedScale, resolveScale, scaleSchema } from './scale.js';
import { STREAM } from './streams.js';
import { buildSubmission, formatTransmissionCode, type SheetIdentity, type SubmissionSource } from './submission.js';
import { buildTerritory, mesaRefOf, type Territory } from './territory.js';
import { type HonestSheet, VotingModel, type WrittenSheet } from './voting.js';

/** Changes whenever the same options would produce different output. */
export const GENERATOR_VERSION = 2;

export const generateElectionOptionsSchema = z
  .object({
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    scale: scaleSchema.default('demo'),
    corporations: z
      .array(corporationSchema)
      .min(1)
      .refine((list) => new Set(list).size === list.length, { message: 'corporations must not repeat' })
      .default(['PRESIDENTE', 'SENADO', 'CAMARA']),
    /** 2 = the real 2026 second-round ballot (two formulas, as on the sheets in data/e14/real). */
    presidentialRound: z.union([z.literal(1), z.literal(2)]).default(1),
    /** Per-sheet probability of each fault, over DEFAULT_FAULT_RATES; use NO_FAULTS for none. */
    faultRates: faultRatesSchema.default({}),
    electionCode: electionCodeSchema.optional(),
  })
  .strict();
export type GenerateElectionOptions = z.input<typeof generateElectionOptionsSchema>;

export interface ResolvedElectionOptions {
  seed: number;
  scale: ResolvedScale;
  corporations: Corporation[];
  presidentialRound: 1 | 2;
  faultRates: FaultRates;
  electionCode: string;
}

/** What honestly happened at one mesa for one corporation: the numbers careful jurados write. */
export const mesaTruthSchema = z.object({
  mesaKey: mesaKeySchema,
  corporation: corporationSchema,
  habilitados: z.number().int().min(0),
  sufragantes: z.number().int().min(0),
  urna: z.number().int().min(0),
  incinerados: z.number().int().min(0),
  /** By the official `opcion`: '1', '3-0', '3-101'. */
  votes: z.record(z.string(), z.number().int().min(0)),
  blancos: z.number().int().min(0),
  nulos: z.number().int().min(0),
  noMarcados: z.number().int().min(0),
  /** Honest features that forensic signals may flag: they are false positives if flagged. */
  natural: z.array(z.enum(['high_turnout', 'stronghold'])),
  /** The fault injected on this mesa and corporation (sheet, copy or feed), if any. */
  fault: faultKindSchema.nullable(),
});
export type MesaTruth = z.infer<typeof mesaTruthSchema>;

/** Everything about one mesa and corporation. Submissions and feed rows are built on demand. */
export interface GeneratedSheet {
  mesaIndex: number;
  mesaKey: MesaKey;
  mesa: MesaRef;
  corporation: Corporation;
  habilitados: number;
  truth: MesaTruth;
  fault: InjectedFault | null;
  submission(copy: Copy, source?: SubmissionSource): E14Submission;
  officialRows(source: OfficialSource): OfficialRow[];
}

export interface ElectionCounts {
  departamentos: number;
  municipios: number;
  zonas: number;
  puestos: number;
  mesas: number;
  habilitados: number;
  candidates: number;
  /** Mesas × corporations: one E-14 (in three copies) each. */
  sheets: number;
}

export interface SubmissionOptions {
  copies?: readonly Copy[];
  source?: SubmissionSource;
}

/** The numbers of every version of one sheet after its fault (if any). */
interface SheetVersions {
  written: Record<Copy, WrittenSheet>;
  reading?: FaultEffect['reading'];
  preconteo: Cells;
  escrutinio: Cells;
}

// An odd multiplier that is not a multiple of 5 permutes 0..10^7−1: unique transmission codes.
const TRANSMISSION_CODE_SPACE = 10_000_000;
const TRANSMISSION_CODE_MULTIPLIER = 7_368_787;

export class SyntheticElection {
  readonly options: ResolvedElectionOptions;
  readonly divipol: DivipolDocument;
  readonly counts: ElectionCounts;
  private readonly territory: Territory;
  private readonly model: VotingModel;
  private readonly faultTables = new Map<Ballot, { kinds: FaultKind[]; cumulative: number[] }>();
  private readonly transmissionOffset: number;
  private mesaIndexByKey: Map<string, number> | undefined;

  constructor(input: GenerateElectionOptions) {
    const parsed = generateElectionOptionsSchema.parse(input);
    const scale = resolveScale(parsed.scale);
    this.options = {
      seed: parsed.seed,
      scale,
      corporations: parsed.corporations,
      presidentialRound: parsed.presidentialRound,
      faultRates: { ...DEFAULT_FAULT_RATES, ...parsed.faultRates },
      electionCode: parsed.electionCode ?? `SYNTH-${parsed.seed}`,
    };
    this.territory = buildTerritory(parsed.seed, scale);
    this.model = new VotingModel(this.territory, {
      seed: parsed.seed,
      corporations: parsed.corporations,
      presidentialRound: parsed.presidentialRound,
    });
    this.transmissionOffset = createKeyedRng([parsed.seed, STREAM.codes]).int(0, TRANSMISSION_CODE_SPACE - 1);
    this.divipol = this.buildDivipol();
    this.counts = {
      departamentos: this.territory.departamentos.length,
      municipios: this.territory.municipios.length,
      zonas: this.territory.departamentos.reduce(
        (sum, d) => sum + d.municipios.reduce((inner, m) => inner + m.zonas.length, 0),
        0,
      ),
      puestos: this.territory.puestos.length,
      mesas: this.territory.mesaCount,
      habilitados: this.territory.habilitados.reduce((sum, h) => sum + h, 0),
      candidates: this.divipol.candidates.length,
      sheets: this.territory.mesaCount * parsed.corporations.length,
    };
  }

  /** Every sheet, mesa by mesa in divipol order, each corporation in the order of the options. */
  *sheets(): Generator<GeneratedSheet> {
    for (let mesa = 0; mesa < this.territory.mesaCount; mesa++) {
      for (let c = 0; c < this.options.corporations.length; c++) yield this.sheetAt(mesa, c);
    }
  }

  /** One sheet by mesa key and corporation (random access; same result as in `sheets()`). */
  sheet(key: MesaKey, corporation: Corporation): GeneratedSheet {
    if (!this.mesaIndexByKey) {
      this.mesaIndexByKey = new Map();
      for (let mesa = 0; mesa < this.territory.mesaCount; mesa++) {
        this.mesaIndexByKey.set(mesaKey(mesaRefOf(this.territory, mesa)), mesa);
      }
    }
    const mesa = this.mesaIndexByKey.get(key);
    const c = this.options.corporations.indexOf(corporation);
    if (mesa === undefined || c < 0) throw new Error(`no sheet for ${key} ${corporation} in this election`);
    return this.sheetAt(mesa, c);
  }

  /** E-14 submissions, one per sheet and copy (all three copies unless told otherwise). */
  *submissions(options: SubmissionOptions = {}): Generator<E14Submission> {
    const copies = z
      .array(copySchema)
      .min(1)
      .parse(options.copies ?? MESA_COPIES);
    const source = options.source ?? 'partner';
    for (const sheet of this.sheets()) for (const copy of copies) yield sheet.submission(copy, source);
  }

  *truth(): Generator<MesaTruth> {
    for (const sheet of this.sheets()) yield sheet.truth;
  }

  /**
   * Every injected fault. With `copies`, only what a consumer submitting those copies can see,
   * with the rules it can see (see `visibleFault`).
   */
  *faults(options: { copies?: readonly Copy[] } = {}): Generator<InjectedFault> {
    for (let mesa = 0; mesa < this.territory.mesaCount; mesa++) {
      for (let c = 0; c < this.options.corporations.length; c++) {
        // Only sheets that drew a fault need building: a few percent of them.
        if (this.faultKindAt(mesa, c) === null) continue;
        const { fault } = this.sheetAt(mesa, c);
        const visible = fault && options.copies ? visibleFault(fault, options.copies) : fault;
        if (visible) yield visible;
      }
    }
  }

  /** The preconteo or escrutinio feed, row by row (castor-official/1). */
  *officialRows(source: OfficialSource): Generator<OfficialRow> {
    for (const sheet of this.sheets()) yield* sheet.officialRows(source);
  }

  private sheetAt(mesa: number, corporationIndex: number): GeneratedSheet {
    const corporation = this.options.corporations[corporationIndex];
    if (!corporation) throw new Error(`no corporation ${corporationIndex}`);
    const ballot = this.model.ballotFor(corporationIndex, mesa);
    const honest = this.model.honestSheet(mesa, corporationIndex);
    const habilitados = this.territory.habilitados[mesa] ?? 0;
    const ref = mesaRefOf(this.territory, mesa);
    const key = mesaKey(ref);
    let versions: SheetVersions = {
      written: { claveros: honest, delegados: honest, transmision: honest, consul_embajador: honest },
      preconteo: honest.cells,
      escrutinio: honest.cells,
    };
    let fault: InjectedFault | null = null;
    const kind = this.faultKindAt(mesa, corporationIndex);
    if (kind) {
      const effect = applyFault(kind, {
        ballot,
        habilitados,
        honest,
        random: createKeyedRng([this.options.seed, STREAM.faultApply, mesa, corporationIndex]),
        honestPuestoMates: () => this.honestPuestoMates(mesa, corporationIndex),
      });
      if (effect && this.keepsLabelExact(effect, ballot, honest, mesa, corporationIndex)) {
        versions = applyEffect(honest, effect);
        fault = this.label(kind, effect, key, corporation, ballot, honest);
      }
    }

    const identity: SheetIdentity = {
      electionCode: this.options.electionCode,
      ballot,
      mesa: ref,
      kit: mesa - (this.territory.departamentoFirstMesa[this.model.municipioOf(mesa).departamentoIndex] ?? 0) + 1,
      transmissionCode: formatTransmissionCode(
        ((mesa * this.options.corporations.length + corporationIndex) * TRANSMISSION_CODE_MULTIPLIER +
          this.transmissionOffset) %
          TRANSMISSION_CODE_SPACE,
      ),
      sourceRef: `castor-synth/${this.options.seed}/${key}/${corporation}`,
    };
    return new SheetRecord(mesa, key, corporation, habilitados, fault, identity, honest, versions);
  }

  /** The fault kind drawn for a sheet, before any exclusion. */
  private drawnFaultKind(mesa: number, corporationIndex: number): FaultKind | null {
    const ballot = this.model.ballotFor(corporationIndex, mesa);
    let table = this.faultTables.get(ballot);
    if (!table) {
      const kinds = eligibleKinds(ballot);
      let total = 0;
      table = { kinds, cumulative: kinds.map((kind) => (total += this.options.faultRates[kind])) };
      this.faultTables.set(ballot, table);
    }
    const u = createKeyedRng([this.options.seed, STREAM.faultDraw, mesa, corporationIndex]).next();
    const index = table.cumulative.findIndex((bound) => u < bound);
    return index < 0 ? null : (table.kinds[index] ?? null);
  }

  /**
   * The fault of a sheet. Faults that rewrite a whole vote vector are exclusive within a puesto
   * and corporation (the first one drawn wins), so two of them can never produce a pair of
   * identical vectors that no label explains.
   */
  private faultKindAt(mesa: number, corporationIndex: number): FaultKind | null {
    const kind = this.drawnFaultKind(mesa, corporationIndex);
    if (!kind || !VECTOR_FAULTS.has(kind)) return kind;
    const puesto = this.territory.puestos[this.territory.mesaPuesto[mesa] ?? 0];
    for (let other = puesto?.firstMesa ?? mesa; other < mesa; other++) {
      const earlier = this.drawnFaultKind(other, corporationIndex);
      if (earlier && VECTOR_FAULTS.has(earlier)) return null;
    }
    return kind;
  }

  private *puestoMates(mesa: number): Generator<number> {
    const puesto = this.territory.puestos[this.territory.mesaPuesto[mesa] ?? 0];
    if (!puesto) return;
    for (let other = puesto.firstMesa; other < puesto.firstMesa + puesto.mesaCount; other++) {
      if (other !== mesa) yield other;
    }
  }

  private *honestPuestoMates(mesa: number, corporationIndex: number): Generator<{ mesa: number; sheet: HonestSheet }> {
    for (const other of this.puestoMates(mesa)) {
      if (this.faultKindAt(other, corporationIndex) === null) {
        yield { mesa: other, sheet: this.model.honestSheet(other, corporationIndex) };
      }
    }
  }

  /** Rejects the rare fault draw that would also raise a signal its label does not name. */
  private keepsLabelExact(
    effect: FaultEffect,
    ballot: Ballot,
    honest: HonestSheet,
    mesa: number,
    corporationIndex: number,
  ): boolean {
    const layout = ballot.layout;
    const habilitados = this.territory.habilitados[mesa] ?? 0;
    for (const sheet of [effect.allCopies, effect.oneCopy?.sheet]) {
      if (!sheet) continue;
      if (
        !effect.rules.includes('one_candidate') &&
        raisesOneCandidate(ballot, honest.cells, sheet.cells, habilitados)
      ) {
        return false;
      }
      if (
        !effect.rules.includes('identical_vectors') &&
        !sameVector(layout, sheet.cells, honest.cells) &&
        layout.countedSum(sheet.cells) < SMALL_VECTOR
      ) {
        for (const other of this.puestoMates(mesa)) {
          if (sameVector(layout, sheet.cells, this.model.honestSheet(other, corporationIndex).cells)) return false;
        }
      }
    }
    return true;
  }

  private label(
    kind: FaultKind,
    effect: FaultEffect,
    key: MesaKey,
    corporation: Corporation,
    ballot: Ballot,
    honest: HonestSheet,
  ): InjectedFault {
    const layout = ballot.layout;
    const changes: FaultChange[] = [];
    const sheet = effect.allCopies ?? effect.oneCopy?.sheet;
    if (sheet) changes.push(...sheetChanges(layout, honest, sheet));
    if (effect.reading) {
      const { cell: target, mark } = effect.reading;
      const path = layout.paths[target] ?? '';
      const value = cell(honest.cells, target);
      if (mark.state === 'illegible') changes.push({ field: path, before: value, after: null });
      changes.push({ field: `${path}.confidence`, before: 1, after: mark.confidence });
      if (mark.overwritten) changes.push({ field: `${path}.overwritten`, before: false, after: true });
    }
    for (const feed of [effect.preconteo, effect.escrutinio]) {
      if (feed) changes.push(...cellChanges(layout, honest.cells, feed, (c) => layout.inFeed(c)));
    }
    const copy = effect.oneCopy?.copy ?? effect.reading?.copy;
    const related =
      effect.relatedMesa === undefined ? undefined : mesaKey(mesaRefOf(this.territory, effect.relatedMesa));
    return {
      id: `${kind}:${key}:${corporation}`,
      kind,
      mesaKey: key,
      corporation,
      ...(copy ? { copy } : {}),
      ...(related ? { relatedMesaKeys: [related] } : {}),
      target: effect.preconteo ? 'preconteo' : effect.escrutinio ? 'escrutinio' : 'sheet',
      rules: effect.rules,
      changes,
      description: effect.description,
    };
  }

  private buildDivipol(): DivipolDocument {
    const { seed, corporations, presidentialRound, electionCode } = this.options;
    return {
      format: 'castor-divipol/1',
      election: {
        code: electionCode,
        name: `${electionName(corporations, presidentialRound)} (datos sintéticos, semilla ${seed})`,
        date: electionDate(corporations, presidentialRound),
        corporations: [...corporations],
      },
      departamentos: this.territory.departamentos,
      candidates: corporations.flatMap((_, c) => this.model.ballotsOf(c).flatMap(ballotCandidates)),
    };
  }
}

export function generateElection(options: GenerateElectionOptions): SyntheticElection {
  return new SyntheticElection(options);
}

/** One mesa and corporation; the truth, submissions and feed rows are built when asked for. */
class SheetRecord implements GeneratedSheet {
  private truthRecord: MesaTruth | undefined;

  constructor(
    readonly mesaIndex: number,
    readonly mesaKey: MesaKey,
    readonly corporation: Corporation,
    readonly habilitados: number,
    readonly fault: InjectedFault | null,
    private readonly identity: SheetIdentity,
    private readonly honest: HonestSheet,
    private readonly versions: SheetVersions,
  ) {}

  get mesa(): MesaRef {
    return this.identity.mesa;
  }

  get truth(): MesaTruth {
    this.truthRecord ??= truthOf(
      this.mesaKey,
      this.corporation,
      this.habilitados,
      this.identity.ballot,
      this.honest,
      this.fault,
    );
    return this.truthRecord;
  }

  submission(copy: Copy, source: SubmissionSource = 'partner'): E14Submission {
    const reading = this.versions.reading;
    return buildSubmission(
      this.identity,
      copy,
      source,
      this.versions.written[copy],
      this.honest.zerosLeftEmpty,
      reading?.copy === copy ? reading : undefined,
    );
  }

  officialRows(source: OfficialSource): OfficialRow[] {
    const cells = source === 'preconteo' ? this.versions.preconteo : this.versions.escrutinio;
    return officialRowsOf(this.identity.mesa, this.corporation, this.identity.ballot, cells);
  }
}

function applyEffect(honest: HonestSheet, effect: FaultEffect): SheetVersions {
  const everywhere = effect.allCopies ?? honest;
  const written: Record<Copy, WrittenSheet> = {
    claveros: everywhere,
    delegados: everywhere,
    transmision: everywhere,
    consul_embajador: everywhere,
  };
  if (effect.oneCopy) written[effect.oneCopy.copy] = effect.oneCopy.sheet;
  return {
    written,
    ...(effect.reading ? { reading: effect.reading } : {}),
    // The preconteo is dictated from the transmisión copy; the escrutinio starts from the claveros.
    preconteo: effect.preconteo ?? written.transmision.cells,
    escrutinio: effect.escrutinio ?? written.claveros.cells,
  };
}

function cellChanges(
  layout: SheetLayout,
  before: Cells,
  after: Cells,
  include: (cell: number) => boolean = () => true,
): FaultChange[] {
  const changes: FaultChange[] = [];
  for (let c = 0; c < layout.size; c++) {
    if (before[c] !== after[c] && include(c))
      changes.push({ field: layout.paths[c] ?? '', before: cell(before, c), after: cell(after, c) });
  }
  return changes;
}

function sheetChanges(layout: SheetLayout, before: WrittenSheet, after: WrittenSheet): FaultChange[] {
  const changes = cellChanges(layout, before.cells, after.cells);
  if (before.juradosSigned !== after.juradosSigned) {
    changes.push({ field: 'juradosSigned', before: before.juradosSigned, after: after.juradosSigned });
  }
  if (before.recuento.hubo !== after.recuento.hubo) {
    changes.push({ field: 'recuento.hubo', before: before.recuento.hubo, after: after.recuento.hubo });
  }
  if (before.recuento.solicitadoPorFilled !== after.recuento.solicitadoPorFilled) {
    changes.push({
      field: 'recuento.solicitadoPorFilled',
      before: before.recuento.solicitadoPorFilled,
      after: after.recuento.solicitadoPorFilled,
    });
  }
  return changes;
}

function truthOf(
  key: MesaKey,
  corporation: Corporation,
  habilitados: number,
  ballot: Ballot,
  honest: HonestSheet,
  fault: InjectedFault | null,
): MesaTruth {
  const layout = ballot.layout;
  const votes: Record<string, number> = {};
  ballot.options.forEach((option, o) => {
    votes[option.key] = cell(honest.cells, layout.vote(o));
  });
  return {
    mesaKey: key,
    corporation,
    habilitados,
    sufragantes: cell(honest.cells, SheetLayout.SUFRAGANTES),
    urna: cell(honest.cells, SheetLayout.URNA),
    incinerados: cell(honest.cells, SheetLayout.INCINERADOS),
    votes,
    blancos: cell(honest.cells, layout.blancos),
    nulos: cell(honest.cells, layout.nulos),
    noMarcados: cell(honest.cells, layout.noMarcados),
    natural: [...honest.natural],
    fault: fault?.kind ?? null,
  };
}

function electionName(corporations: readonly Corporation[], round: 1 | 2): string {
  if (corporations.length === 1 && corporations[0] === 'PRESIDENTE') {
    return `ELECCIÓN PRESIDENCIA Y VICEPRESIDENCIA DE LA REPÚBLICA, ${round === 2 ? 'SEGUNDA' : 'PRIMERA'} VUELTA`;
  }
  if (corporations.every((c) => c === 'SENADO' || c === 'CAMARA')) return 'ELECCIONES DE CONGRESO DE LA REPÚBLICA';
  return 'ELECCIONES SINTÉTICAS CASTOR';
}

/** The 2026 calendar (Congreso in March, Presidencia in May and June), territoriales in 2027. */
function electionDate(corporations: readonly Corporation[], round: 1 | 2): string {
  if (corporations.includes('PRESIDENTE')) return round === 2 ? '2026-06-21' : '2026-05-31';
  if (corporations.includes('SENADO') || corporations.includes('CAMARA')) return '2026-03-08';
  return '2027-10-31';
}
