import { createHash } from 'node:crypto';
import { type Candidate, CORPORATION_SCOPE, type DivipolDocument, isListCorporation } from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import type pg from 'pg';
import { canonicalJson } from '../../domain/canonical-json.js';
import {
  type CandidateValues,
  ElectionsRepository,
  type ElectionsTransaction,
  type MesaParents,
  type MesaValues,
  type PartyListValues,
  type PuestoParents,
} from './elections.repository.js';

export interface DivipolImportResult {
  electionCode: string;
  created: { departamentos: number; municipios: number; puestos: number; mesas: number; candidates: number };
  updatedMesas: number;
  unchanged: boolean;
}

type Territory = { departamento: string; municipio: string };

/**
 * Checks what the schema cannot: every candidate's corporation is elected, its territorial scope
 * matches the corporation (Cámara per departamento, Concejo per municipio...), and a list's rows
 * agree with each other. Errors name the candidate's index in the document.
 */
function planCandidates(document: DivipolDocument) {
  const corporations = new Set(document.election.corporations);
  const lists = new Map<string, PartyListValues>();
  const seen = new Set<string>();
  const candidates = document.candidates.map((candidate, index) => {
    const where = `candidates[${index}]`;
    if (!corporations.has(candidate.corporation)) {
      throw httpError(
        'CORPORATION_NOT_IN_ELECTION',
        `${where}: ${candidate.corporation} is not elected in ${document.election.code}`,
      );
    }
    const { departamento, municipio } = candidateTerritory(candidate, where);
    const list = isListCorporation(candidate.corporation);
    const candidateNumber = list ? (candidate.candidateNumber ?? 0) : null;
    if (!list && candidate.candidateNumber !== undefined) {
      throw httpError(
        'DIVIPOL_INVALID',
        `${where}: ${candidate.corporation} is single-winner; candidates have no candidate number`,
      );
    }
    const key = [candidate.corporation, departamento, municipio, candidate.ballotNumber, candidateNumber].join('|');
    if (seen.has(key))
      throw httpError(
        'DIVIPOL_INVALID',
        `${where}: ballot option ${candidate.ballotNumber}${candidateNumber === null ? '' : `-${candidateNumber}`} of ${candidate.corporation} is listed twice`,
      );
    seen.add(key);
    let listKey: string | null = null;
    if (candidateNumber !== null) {
      listKey = [candidate.corporation, departamento, municipio, candidate.ballotNumber].join('|');
      addToList(lists, listKey, { ...candidate, departamento, municipio, candidateNumber }, where);
    }
    return { ...candidate, departamento, municipio, candidateNumber, listKey };
  });
  return { lists: [...lists.values()], candidates };
}

/** Where a candidate competes: '' at the levels above its corporation's scope. */
function candidateTerritory(candidate: Candidate, where: string): Territory {
  const scope = CORPORATION_SCOPE[candidate.corporation];
  const departamento = scope === 'nacional' ? '' : (candidate.departamento ?? '');
  const municipio = scope === 'municipio' ? (candidate.municipio ?? '') : '';
  if ((scope !== 'nacional' && !departamento) || (scope === 'municipio' && !municipio)) {
    throw httpError(
      'DIVIPOL_INVALID',
      `${where}: ${candidate.corporation} candidates compete per ${scope}; give the ${scope === 'municipio' ? 'departamento and municipio' : 'departamento'}`,
    );
  }
  return { departamento, municipio };
}

/**
 * Adds a row of a list corporation to its party list: the first row creates the list, later rows
 * make it preferente and name it (the "solo por la agrupación" row, candidate number 0).
 */
function addToList(
  lists: Map<string, PartyListValues>,
  listKey: string,
  candidate: Candidate & Territory & { candidateNumber: number },
  where: string,
): void {
  const existing = lists.get(listKey);
  const { candidateNumber } = candidate;
  const preferente = candidate.preferente === true || candidateNumber > 0;
  if (existing) {
    if (existing.circunscripcion !== candidate.circunscripcion) {
      throw httpError('DIVIPOL_INVALID', `${where}: list ${candidate.ballotNumber} is in two circunscripciones`);
    }
    existing.preferente ||= preferente;
    existing.listCode ??= candidate.listCode ?? null;
    if (candidateNumber === 0) existing.name = candidate.name;
    return;
  }
  lists.set(listKey, {
    corporation: candidate.corporation,
    circunscripcion: candidate.circunscripcion,
    departamentoCode: candidate.departamento,
    municipioCode: candidate.municipio,
    ballotNumber: candidate.ballotNumber,
    listCode: candidate.listCode ?? null,
    preferente,
    name: candidateNumber === 0 ? candidate.name : (candidate.party ?? candidate.name),
    party: candidate.party ?? null,
  });
}

type CandidatePlan = ReturnType<typeof planCandidates>;
type PlannedMesa = MesaValues & { puestoKey: string };
type CreatedCounts = DivipolImportResult['created'];

/** Every mesa of the document, flat, with its key and its puesto's. */
function flattenMesas(document: DivipolDocument): PlannedMesa[] {
  return document.departamentos.flatMap((departamento) =>
    departamento.municipios.flatMap((municipio) =>
      municipio.zonas.flatMap((zona) =>
        zona.puestos.flatMap((puesto) =>
          puesto.mesas.map((mesa) => ({
            mesaKey: `${departamento.code}-${municipio.code}-${zona.code}-${puesto.code}-${mesa.code}`,
            puestoKey: `${departamento.code}-${municipio.code}-${zona.code}-${puesto.code}`,
            code: mesa.code,
            habilitados: mesa.habilitados,
            transmissionCode: mesa.transmissionCode ?? null,
          })),
        ),
      ),
    ),
  );
}

/**
 * Loads an election's territorial tree and candidates. Idempotent: the document's SHA-256 is
 * recorded, and every level is an upsert keyed by its codes, so importing the same document
 * twice changes nothing and an amended divipol adds what is new and corrects habilitados.
 */
export async function importDivipolDocument(
  repository: Pick<ElectionsRepository, 'transaction'>,
  document: DivipolDocument,
  actor: string,
): Promise<DivipolImportResult> {
  const plan = planCandidates(document);
  const documentHash = createHash('sha256').update(canonicalJson(document)).digest('hex');
  const { election } = document;
  const mesas = flattenMesas(document);
  return repository.transaction(async (tx) => {
    // One import per election at a time; a concurrent second one waits and then finds its hash.
    await tx.lockDivipolImports(election.code);
    const electionId = await tx.upsertElection(election);
    if (await tx.wasImported(electionId, documentHash)) {
      const created = { departamentos: 0, municipios: 0, puestos: 0, mesas: 0, candidates: 0 };
      return { electionCode: election.code, created, updatedMesas: 0, unchanged: true };
    }
    await tx.addCorporations(electionId, election.corporations);
    const territory = await writeTerritory(tx, electionId, document.departamentos, mesas);
    const created: CreatedCounts = { ...territory.created, candidates: await writeCandidates(tx, electionId, plan) };
    const { updatedMesas } = territory;
    await tx.recordImport(electionId, documentHash, actor, { ...created, updatedMesas, mesasInDocument: mesas.length });
    await tx.audit([
      {
        actor,
        action: 'divipol.imported',
        entity: 'election',
        entityId: election.code,
        after: {
          documentHash,
          created,
          updatedMesas,
          mesasInDocument: mesas.length,
          corporations: election.corporations,
        },
      },
    ]);
    return { electionCode: election.code, created, updatedMesas, unchanged: false };
  });
}

/** The divipol import straight on a pool, for the command line (`cli import-divipol`) and bench/pipeline.ts. */
export function importDivipol(pool: pg.Pool, document: DivipolDocument, actor: string): Promise<DivipolImportResult> {
  return importDivipolDocument(new ElectionsRepository(pool), document, actor);
}

/** Writes departamentos down to mesas, each level in one statement, and the totals coverage reads. */
async function writeTerritory(
  tx: ElectionsTransaction,
  electionId: number,
  departamentos: DivipolDocument['departamentos'],
  mesas: readonly PlannedMesa[],
): Promise<{ created: Omit<CreatedCounts, 'candidates'>; updatedMesas: number }> {
  const created = { departamentos: 0, municipios: 0, puestos: 0, mesas: 0 };
  created.departamentos = await tx.insertDepartamentos(electionId, departamentos);
  const municipios = departamentos.flatMap((departamento) =>
    departamento.municipios.map((municipio) => ({ departamento: departamento.code, ...municipio })),
  );
  created.municipios = await tx.insertMunicipios(electionId, municipios);
  const zonas = municipios.flatMap((municipio) =>
    municipio.zonas.map((zona) => ({ departamento: municipio.departamento, municipio: municipio.code, ...zona })),
  );
  await tx.insertZonas(electionId, zonas);
  const puestos = zonas.flatMap((zona) => zona.puestos.map((puesto) => ({ ...zona, puesto })));
  created.puestos = await tx.insertPuestos(electionId, puestos);
  const parents = mesaParents(mesas, await tx.puestoParentsByKey(electionId));
  const upserted = await tx.upsertMesas(electionId, mesas, parents);
  created.mesas = upserted.inserted;
  await tx.refreshTerritoryTotals(electionId);
  await tx.shiftCoverageHabilitados(upserted.habilitadosShifts);
  return { created, updatedMesas: upserted.updated };
}

/** Each mesa's puesto, municipio and departamento ids, resolved by its puesto's key. */
function mesaParents(mesas: readonly PlannedMesa[], puestoByKey: ReadonlyMap<string, PuestoParents>): MesaParents {
  const parents: MesaParents = { puestoId: [], municipioId: [], departamentoId: [] };
  for (const mesa of mesas) {
    const puesto = puestoByKey.get(mesa.puestoKey);
    if (!puesto) throw new Error(`puesto ${mesa.puestoKey} was not created`);
    parents.puestoId.push(puesto.id);
    parents.municipioId.push(puesto.municipio_id);
    parents.departamentoId.push(puesto.departamento_id);
  }
  return parents;
}

/** Writes the party lists, then the candidates pointing at them; returns how many candidates it created. */
async function writeCandidates(tx: ElectionsTransaction, electionId: number, plan: CandidatePlan): Promise<number> {
  await tx.upsertPartyLists(electionId, plan.lists);
  const listByKey = await tx.partyListIdsByKey(electionId);
  return tx.upsertCandidates(
    electionId,
    plan.candidates.map(
      (item): CandidateValues => ({
        corporation: item.corporation,
        circunscripcion: item.circunscripcion,
        departamentoCode: item.departamento,
        municipioCode: item.municipio,
        ballotNumber: item.ballotNumber,
        candidateNumber: item.candidateNumber,
        listId: item.listKey ? (listByKey.get(item.listKey) ?? null) : null,
        name: item.name,
        party: item.party ?? null,
      }),
    ),
  );
}
