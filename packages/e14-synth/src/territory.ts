import type { DivipolDocument, MesaRef } from '@castor/contracts';
import { createKeyedRng, type Rng } from '@castor/seeded-random';
import { CONSULADOS_CODE, type DepartamentoProfile, municipioNames, PuestoNamer } from './geography.js';
import { apportion, type ResolvedScale } from './scale.js';
import { STREAM } from './streams.js';

export interface MunicipioInfo {
  index: number;
  departamento: DepartamentoProfile;
  departamentoIndex: number;
  code: string;
  name: string;
  /** The largest municipio of its departamento (code 001). */
  capital: boolean;
  firstMesa: number;
  mesaCount: number;
}

export interface PuestoInfo {
  municipio: number;
  zona: string;
  code: string;
  name: string;
  /** Zona 99: veredas and corregimientos, smaller mesas and sometimes very high turnout. */
  rural: boolean;
  firstMesa: number;
  mesaCount: number;
}

/**
 * The territorial tree as the divipol document, plus flat tables for random access by mesa index
 * (mesas are numbered 0..n−1 in divipol order: departamento, municipio, zona, puesto, mesa).
 */
export interface Territory {
  departamentos: DivipolDocument['departamentos'];
  /** Index of the first mesa of each departamento (kits are numbered per departamento). */
  departamentoFirstMesa: number[];
  municipios: MunicipioInfo[];
  puestos: PuestoInfo[];
  habilitados: Uint16Array;
  mesaPuesto: Uint32Array;
  mesaCount: number;
}

export function buildTerritory(seed: number, scale: ResolvedScale): Territory {
  const departamentoMesas = apportion(
    scale.mesas,
    scale.departamentos.map((d) => d.habilitadosMillions),
    scale.municipios,
  );

  // First decide how many mesas each municipio has, then the puestos nationally, then the tree.
  const plans = scale.departamentos.map((departamento, departamentoIndex) => {
    const random = createKeyedRng([seed, STREAM.territory, Number(departamento.code)]);
    const count = scale.municipios[departamentoIndex] ?? 1;
    const names = municipioNames(departamento, count, createKeyedRng([seed, STREAM.names, Number(departamento.code)]));
    const weights = names.map((_, i) =>
      i === 0 ? departamento.capitalShare : ((1 - departamento.capitalShare) * Math.exp(random.normal())) / count,
    );
    const mesas = apportion(
      departamentoMesas[departamentoIndex] ?? count,
      weights,
      names.map(() => 1),
    );
    return { departamento, names, mesas };
  });
  const puestoCounts = puestosPerMunicipio(
    plans.flatMap((plan) => plan.mesas),
    scale.puestos,
  );

  const territory: Territory = {
    departamentos: [],
    departamentoFirstMesa: [],
    municipios: [],
    puestos: [],
    habilitados: new Uint16Array(scale.mesas),
    mesaPuesto: new Uint32Array(scale.mesas),
    mesaCount: 0,
  };
  plans.forEach(({ departamento, names, mesas }, departamentoIndex) => {
    territory.departamentoFirstMesa.push(territory.mesaCount);
    const municipios = names.map((name, i) => {
      const info: MunicipioInfo = {
        index: territory.municipios.length,
        departamento,
        departamentoIndex,
        // Registraduría municipio codes are sparse; capitals are 001.
        code: String(1 + 3 * i).padStart(3, '0'),
        name,
        capital: i === 0,
        firstMesa: territory.mesaCount,
        mesaCount: mesas[i] ?? 1,
      };
      territory.municipios.push(info);
      const zonas = buildMunicipio(seed, info, puestoCounts[info.index] ?? 1, territory);
      return { code: info.code, name, zonas };
    });
    territory.departamentos.push({ code: departamento.code, name: departamento.name, municipios });
  });
  return territory;
}

/**
 * Puestos grow slower than mesas (a city has big puestos, a rural municipio many small ones):
 * puestos ≈ a · mesas^0.72, with `a` found by bisection so the country has about `target`.
 */
function puestosPerMunicipio(mesas: number[], target: number): number[] {
  const countFor = (a: number) => mesas.map((m) => Math.max(1, Math.min(m, Math.round(a * m ** 0.72))));
  let low = 0;
  let high = 50;
  for (let step = 0; step < 60; step++) {
    const mid = (low + high) / 2;
    const total = countFor(mid).reduce((sum, count) => sum + count, 0);
    if (total < target) low = mid;
    else high = mid;
  }
  return countFor(high);
}

const MAX_PUESTOS_PER_ZONA = 99;
const MAX_URBAN_ZONAS = 89;

function buildMunicipio(
  seed: number,
  municipio: MunicipioInfo,
  puestoCount: number,
  territory: Territory,
): DivipolDocument['departamentos'][number]['municipios'][number]['zonas'] {
  const random = createKeyedRng([seed, STREAM.territory, Number(municipio.departamento.code), municipio.index + 1000]);
  const namer = new PuestoNamer(
    createKeyedRng([seed, STREAM.names, Number(municipio.departamento.code), municipio.index + 1000]),
    municipio.name,
    municipio.departamento.code === CONSULADOS_CODE,
  );
  const consulado = municipio.departamento.code === CONSULADOS_CODE;
  const ruralShare =
    consulado || puestoCount === 1 ? 0 : municipio.capital ? random.uniform(0.03, 0.1) : random.uniform(0.3, 0.65);
  const rural = Math.min(MAX_PUESTOS_PER_ZONA, puestoCount - 1, Math.round(puestoCount * ruralShare));
  const urban = puestoCount - rural;

  // Zonas and puesto codes: a small town has its cabecera in zona 00 (puesto 00 first); a city
  // has urban zonas 01, 02…; veredas and corregimientos are zona 99.
  const slots: { zona: string; code: string; kind: 'cabecera' | 'urban' | 'rural' }[] = [];
  if (!municipio.capital && !consulado && urban <= 3) {
    for (let i = 0; i < urban; i++) {
      slots.push({ zona: '00', code: String(i).padStart(2, '0'), kind: i === 0 ? 'cabecera' : 'urban' });
    }
  } else {
    const perZona = Math.max(12, Math.ceil(urban / MAX_URBAN_ZONAS));
    for (let i = 0; i < urban; i++) {
      const zona = 1 + Math.floor(i / perZona);
      slots.push({
        zona: String(zona).padStart(2, '0'),
        code: String(1 + (i % perZona)).padStart(2, '0'),
        kind: 'urban',
      });
    }
  }
  for (let i = 0; i < rural; i++) slots.push({ zona: '99', code: String(1 + i).padStart(2, '0'), kind: 'rural' });

  const mesaCounts = apportion(
    municipio.mesaCount,
    slots.map((slot) =>
      slot.kind === 'rural' ? 0.3 * Math.exp(0.5 * random.normal()) : Math.exp(0.6 * random.normal()),
    ),
    slots.map(() => 1),
    slots.map(() => 999),
  );

  const zonas: ReturnType<typeof buildMunicipio> = [];
  slots.forEach((slot, i) => {
    const mesaCount = mesaCounts[i] ?? 1;
    const puestoIndex = territory.puestos.length;
    const puesto: PuestoInfo = {
      municipio: municipio.index,
      zona: slot.zona,
      code: slot.code,
      name: namer.name(slot.kind),
      rural: slot.kind === 'rural',
      firstMesa: territory.mesaCount,
      mesaCount,
    };
    territory.puestos.push(puesto);
    const sizes = mesaSizes(mesaCount, puesto.rural, random);
    const mesas = sizes.map((habilitados, m) => {
      territory.habilitados[territory.mesaCount] = habilitados;
      territory.mesaPuesto[territory.mesaCount] = puestoIndex;
      territory.mesaCount++;
      return { code: String(m + 1).padStart(3, '0'), habilitados };
    });
    let zona = zonas.at(-1);
    if (zona?.code !== slot.zona) {
      zona = { code: slot.zona, puestos: [] };
      zonas.push(zona);
    }
    zona.puestos.push({ code: slot.code, name: puesto.name, mesas });
  });
  return zonas;
}

/**
 * Habilitados per mesa: the Registraduría fills mesas up to a puesto-wide size (urban about
 * 300–400, rural smaller) and the last mesa takes the remainder; a few mesas are larger.
 */
function mesaSizes(count: number, rural: boolean, random: Rng): number[] {
  const full = rural ? 120 + Math.round(230 * random.beta(2.5, 1.5)) : 300 + Math.round(100 * random.beta(4, 1.6));
  return Array.from({ length: count }, (_, m) => {
    if (random.chance(0.002)) return 401 + random.int(0, 300);
    const last = m === count - 1;
    if (count === 1) return Math.max(5, Math.round(full * random.uniform(rural ? 0.3 : 0.5, 1)));
    if (last) return Math.max(5, Math.round(full * random.uniform(0.1, 1)));
    return full - random.int(0, Math.round(0.03 * full));
  });
}

export function mesaRefOf(territory: Territory, mesa: number): MesaRef {
  const puesto = territory.puestos[territory.mesaPuesto[mesa] ?? 0];
  const municipio = puesto && territory.municipios[puesto.municipio];
  if (!puesto || !municipio) throw new Error(`mesa ${mesa} is outside the territory`);
  return {
    departamento: municipio.departamento.code,
    municipio: municipio.code,
    zona: puesto.zona,
    puesto: puesto.code,
    mesa: String(mesa - puesto.firstMesa + 1).padStart(3, '0'),
  };
}
