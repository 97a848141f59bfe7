import { createHash } from 'node:crypto';
import { CORPORATION_SCOPE, type DivipolDocument, isListCorporation } from '@castor/contracts';
import { badRequest } from '@castor/service-kit';
import type pg from 'pg';
import { withTransaction } from '../../db/client.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import { appendAudit } from '../../shared/audit-chain.js';

export interface DivipolImportResult {
  electionCode: string;
  created: { departamentos: number; municipios: number; puestos: number; mesas: number; candidates: number };
  updatedMesas: number;
  unchanged: boolean;
}

interface ListRow {
  corporation: string;
  circunscripcion: string;
  departamento: string;
  municipio: string;
  ballotNumber: number;
  listCode: string | null;
  preferente: boolean;
  name: string;
  party: string | null;
}

/**
 * Checks what the schema cannot: every candidate's corporation is elected, its territorial scope
 * matches the corporation (Cámara per departamento, Concejo per municipio...), and a list's rows
 * agree with each other. Errors name the candidate's index in the document.
 */
function planCandidates(document: DivipolDocument) {
  const corporations = new Set(document.election.corporations);
  const lists = new Map<string, ListRow>();
  const seen = new Set<string>();
  const candidates = document.candidates.map((candidate, index) => {
    const where = `candidates[${index}]`;
    if (!corporations.has(candidate.corporation)) {
      throw badRequest(
        'CORPORATION_NOT_IN_ELECTION',
        `${where}: ${candidate.corporation} is not elected in ${document.election.code}`,
      );
    }
    const scope = CORPORATION_SCOPE[candidate.corporation];
    const departamento = scope === 'nacional' ? '' : (candidate.departamento ?? '');
    const municipio = scope === 'municipio' ? (candidate.municipio ?? '') : '';
    if ((scope !== 'nacional' && !departamento) || (scope === 'municipio' && !municipio)) {
      throw badRequest(
        'DIVIPOL_INVALID',
        `${where}: ${candidate.corporation} candidates compete per ${scope}; give the ${scope === 'municipio' ? 'departamento and municipio' : 'departamento'}`,
      );
    }
    const list = isListCorporation(candidate.corporation);
    const candidateNumber = list ? (candidate.candidateNumber ?? 0) : null;
    if (!list && candidate.candidateNumber !== undefined) {
      throw badRequest(
        'DIVIPOL_INVALID',
        `${where}: ${candidate.corporation} is single-winner; candidates have no candidate number`,
      );
    }
    const key = [candidate.corporation, departamento, municipio, candidate.ballotNumber, candidateNumber].join('|');
    if (seen.has(key))
      throw badRequest(
        'DIVIPOL_INVALID',
        `${where}: ballot option ${candidate.ballotNumber}${candidateNumber === null ? '' : `-${candidateNumber}`} of ${candidate.corporation} is listed twice`,
      );
    seen.add(key);
    let listKey: string | null = null;
    if (list) {
      listKey = [candidate.corporation, departamento, municipio, candidate.ballotNumber].join('|');
      const existing = lists.get(listKey);
      const preferente = candidate.preferente === true || (candidateNumber ?? 0) > 0;
      if (existing) {
        if (existing.circunscripcion !== candidate.circunscripcion) {
          throw badRequest('DIVIPOL_INVALID', `${where}: list ${candidate.ballotNumber} is in two circunscripciones`);
        }
        existing.preferente ||= preferente;
        existing.listCode ??= candidate.listCode ?? null;
        if (candidateNumber === 0) existing.name = candidate.name;
      } else {
        lists.set(listKey, {
          corporation: candidate.corporation,
          circunscripcion: candidate.circunscripcion,
          departamento,
          municipio,
          ballotNumber: candidate.ballotNumber,
          listCode: candidate.listCode ?? null,
          preferente,
          name: candidateNumber === 0 ? candidate.name : (candidate.party ?? candidate.name),
          party: candidate.party ?? null,
        });
      }
    }
    return { ...candidate, departamento, municipio, candidateNumber, listKey };
  });
  return { lists: [...lists.entries()], candidates };
}

const count = (result: pg.QueryResult) => result.rowCount ?? 0;

/**
 * Loads an election's territorial tree and candidates. Idempotent: the document's SHA-256 is
 * recorded, and every level is an upsert keyed by its codes, so importing the same document
 * twice changes nothing and an amended divipol adds what is new and corrects habilitados.
 */
export async function importDivipol(
  pool: pg.Pool,
  document: DivipolDocument,
  actor: string,
): Promise<DivipolImportResult> {
  const plan = planCandidates(document);
  const documentHash = createHash('sha256').update(canonicalJson(document)).digest('hex');
  const { election } = document;
  const mesas = document.departamentos.flatMap((departamento) =>
    departamento.municipios.flatMap((municipio) =>
      municipio.zonas.flatMap((zona) =>
        zona.puestos.flatMap((puesto) =>
          puesto.mesas.map((mesa) => ({
            key: `${departamento.code}-${municipio.code}-${zona.code}-${puesto.code}-${mesa.code}`,
            puestoKey: `${departamento.code}-${municipio.code}-${zona.code}-${puesto.code}`,
            code: mesa.code,
            habilitados: mesa.habilitados,
            transmissionCode: mesa.transmissionCode ?? null,
          })),
        ),
      ),
    ),
  );
  return withTransaction(pool, async (client) => {
    // One import per election at a time; a concurrent second one waits and then finds its hash.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`divipol:${election.code}`]);
    const upserted = await client.query<{ id: number }>(
      `INSERT INTO elections (code, name, date) VALUES ($1, $2, $3)
       ON CONFLICT (code) DO UPDATE SET name = excluded.name, date = excluded.date, updated_at = now()
         WHERE (elections.name, elections.date) IS DISTINCT FROM (excluded.name, excluded.date)
       RETURNING id`,
      [election.code, election.name, election.date],
    );
    const electionId =
      upserted.rows[0]?.id ??
      (await client.query<{ id: number }>('SELECT id FROM elections WHERE code = $1', [election.code])).rows[0]?.id;
    if (electionId === undefined) throw new Error('election upsert returned no id');
    const previous = await client.query('SELECT 1 FROM divipol_imports WHERE election_id = $1 AND document_hash = $2', [
      electionId,
      documentHash,
    ]);
    const created = { departamentos: 0, municipios: 0, puestos: 0, mesas: 0, candidates: 0 };
    if (previous.rowCount) return { electionCode: election.code, created, updatedMesas: 0, unchanged: true };

    await client.query(
      `INSERT INTO election_corporations (election_id, corporation) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
      [electionId, election.corporations],
    );
    const departamentos = document.departamentos;
    created.departamentos = count(
      await client.query(
        `INSERT INTO departamentos (election_id, code, name) SELECT $1, c, n FROM unnest($2::text[], $3::text[]) t(c, n)
         ON CONFLICT (election_id, code) DO NOTHING`,
        [electionId, departamentos.map((item) => item.code), departamentos.map((item) => item.name)],
      ),
    );
    const municipios = departamentos.flatMap((departamento) =>
      departamento.municipios.map((municipio) => ({ departamento: departamento.code, ...municipio })),
    );
    created.municipios = count(
      await client.query(
        `INSERT INTO municipios (election_id, departamento_id, code, name)
         SELECT $1, d.id, t.c, t.n FROM unnest($2::text[], $3::text[], $4::text[]) t(dep, c, n)
         JOIN departamentos d ON d.election_id = $1 AND d.code = t.dep
         ON CONFLICT (departamento_id, code) DO NOTHING`,
        [
          electionId,
          municipios.map((item) => item.departamento),
          municipios.map((item) => item.code),
          municipios.map((item) => item.name),
        ],
      ),
    );
    const zonas = municipios.flatMap((municipio) =>
      municipio.zonas.map((zona) => ({ departamento: municipio.departamento, municipio: municipio.code, ...zona })),
    );
    await client.query(
      `INSERT INTO zonas (municipio_id, code)
       SELECT m.id, t.z FROM unnest($2::text[], $3::text[], $4::text[]) t(dep, mun, z)
       JOIN departamentos d ON d.election_id = $1 AND d.code = t.dep
       JOIN municipios m ON m.departamento_id = d.id AND m.code = t.mun
       ON CONFLICT (municipio_id, code) DO NOTHING`,
      [
        electionId,
        zonas.map((item) => item.departamento),
        zonas.map((item) => item.municipio),
        zonas.map((item) => item.code),
      ],
    );
    const puestos = zonas.flatMap((zona) => zona.puestos.map((puesto) => ({ ...zona, puesto })));
    created.puestos = count(
      await client.query(
        `INSERT INTO puestos (zona_id, municipio_id, code, name)
         SELECT z.id, m.id, t.p, t.n FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) t(dep, mun, zc, p, n)
         JOIN departamentos d ON d.election_id = $1 AND d.code = t.dep
         JOIN municipios m ON m.departamento_id = d.id AND m.code = t.mun
         JOIN zonas z ON z.municipio_id = m.id AND z.code = t.zc
         ON CONFLICT (zona_id, code) DO NOTHING`,
        [
          electionId,
          puestos.map((item) => item.departamento),
          puestos.map((item) => item.municipio),
          puestos.map((item) => item.code),
          puestos.map((item) => item.puesto.code),
          puestos.map((item) => item.puesto.name),
        ],
      ),
    );
    const puestoIds = await client.query<{ key: string; id: number; municipio_id: number; departamento_id: number }>(
      `SELECT d.code || '-' || m.code || '-' || z.code || '-' || p.code AS key, p.id, m.id AS municipio_id, d.id AS departamento_id
       FROM puestos p JOIN zonas z ON z.id = p.zona_id JOIN municipios m ON m.id = p.municipio_id
       JOIN departamentos d ON d.id = m.departamento_id WHERE m.election_id = $1`,
      [electionId],
    );
    const puestoByKey = new Map(puestoIds.rows.map((row) => [row.key, row]));
    const columns = { puesto: [] as number[], municipio: [] as number[], departamento: [] as number[] };
    for (const mesa of mesas) {
      const puesto = puestoByKey.get(mesa.puestoKey);
      if (!puesto) throw new Error(`puesto ${mesa.puestoKey} was not created`);
      columns.puesto.push(puesto.id);
      columns.municipio.push(puesto.municipio_id);
      columns.departamento.push(puesto.departamento_id);
    }
    const mesaResult = await client.query<{ inserted: boolean }>(
      `INSERT INTO mesas (election_id, departamento_id, municipio_id, puesto_id, mesa_key, code, habilitados, transmission_code)
       SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[])
       ON CONFLICT (election_id, mesa_key) DO UPDATE
         SET habilitados = excluded.habilitados, transmission_code = excluded.transmission_code
         WHERE (mesas.habilitados, mesas.transmission_code) IS DISTINCT FROM (excluded.habilitados, excluded.transmission_code)
       RETURNING (xmax = 0) AS inserted`,
      [
        electionId,
        columns.departamento,
        columns.municipio,
        columns.puesto,
        mesas.map((mesa) => mesa.key),
        mesas.map((mesa) => mesa.code),
        mesas.map((mesa) => mesa.habilitados),
        mesas.map((mesa) => mesa.transmissionCode),
      ],
    );
    created.mesas = mesaResult.rows.filter((row) => row.inserted).length;
    const updatedMesas = mesaResult.rows.length - created.mesas;
    await client.query(
      `UPDATE municipios m SET mesa_count = s.n, habilitados = s.h
       FROM (SELECT municipio_id, count(*)::int AS n, sum(habilitados)::int AS h FROM mesas WHERE election_id = $1 GROUP BY municipio_id) s
       WHERE m.id = s.municipio_id AND (m.mesa_count, m.habilitados) IS DISTINCT FROM (s.n, s.h)`,
      [electionId],
    );
    await client.query(
      `UPDATE puestos p SET mesa_count = s.n, habilitados = s.h
       FROM (SELECT puesto_id, count(*)::int AS n, sum(habilitados)::int AS h FROM mesas WHERE election_id = $1 GROUP BY puesto_id) s
       WHERE p.id = s.puesto_id AND (p.mesa_count, p.habilitados) IS DISTINCT FROM (s.n, s.h)`,
      [electionId],
    );

    const lists = plan.lists.map(([, list]) => list);
    await client.query(
      `INSERT INTO party_lists (election_id, corporation, circunscripcion, departamento_code, municipio_code, ballot_number, list_code, preferente, name, party)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::bool[], $9::text[], $10::text[])
       ON CONFLICT (election_id, corporation, departamento_code, municipio_code, ballot_number) DO UPDATE
         SET list_code = excluded.list_code, preferente = excluded.preferente, name = excluded.name, party = excluded.party
         WHERE (party_lists.list_code, party_lists.preferente, party_lists.name, party_lists.party)
           IS DISTINCT FROM (excluded.list_code, excluded.preferente, excluded.name, excluded.party)`,
      [
        electionId,
        lists.map((list) => list.corporation),
        lists.map((list) => list.circunscripcion),
        lists.map((list) => list.departamento),
        lists.map((list) => list.municipio),
        lists.map((list) => list.ballotNumber),
        lists.map((list) => list.listCode),
        lists.map((list) => list.preferente),
        lists.map((list) => list.name),
        lists.map((list) => list.party),
      ],
    );
    const listIds = await client.query<{ key: string; id: number }>(
      `SELECT corporation || '|' || departamento_code || '|' || municipio_code || '|' || ballot_number AS key, id
       FROM party_lists WHERE election_id = $1`,
      [electionId],
    );
    const listByKey = new Map(listIds.rows.map((row) => [row.key, row.id]));
    const candidates = plan.candidates;
    const candidateResult = await client.query<{ inserted: boolean }>(
      `INSERT INTO candidates (election_id, corporation, circunscripcion, departamento_code, municipio_code, ballot_number, candidate_number, list_id, name, party)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::text[], $10::text[])
         ON CONFLICT ON CONSTRAINT candidates_scope_ballot_key DO UPDATE
           SET name = excluded.name, party = excluded.party, circunscripcion = excluded.circunscripcion
           WHERE (candidates.name, candidates.party, candidates.circunscripcion) IS DISTINCT FROM (excluded.name, excluded.party, excluded.circunscripcion)
         RETURNING (xmax = 0) AS inserted`,
      [
        electionId,
        candidates.map((item) => item.corporation),
        candidates.map((item) => item.circunscripcion),
        candidates.map((item) => item.departamento),
        candidates.map((item) => item.municipio),
        candidates.map((item) => item.ballotNumber),
        candidates.map((item) => item.candidateNumber),
        candidates.map((item) => (item.listKey ? (listByKey.get(item.listKey) ?? null) : null)),
        candidates.map((item) => item.name),
        candidates.map((item) => item.party ?? null),
      ],
    );
    created.candidates = candidateResult.rows.filter((row) => row.inserted).length;
    await client.query(
      'INSERT INTO divipol_imports (election_id, document_hash, imported_by, counts) VALUES ($1, $2, $3, $4)',
      [electionId, documentHash, actor, JSON.stringify({ ...created, updatedMesas, mesasInDocument: mesas.length })],
    );
    await appendAudit(client, [
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
