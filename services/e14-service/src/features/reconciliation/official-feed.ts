import { createHash } from 'node:crypto';
import { type Corporation, corporationSchema, isListCorporation } from '@castor/contracts';
import { badRequest } from '@castor/service-kit';
import type pg from 'pg';
import { withTransaction } from '../../db/client.js';
import { appendAudit } from '../../shared/audit-chain.js';
import { CSV_LINE_INVALID, parseCsv } from '../../shared/divipol-formats.js';
import type { ElectionCatalog } from '../../shared/election-catalog.js';
import { type MesaTarget, reconcileMesas } from '../../shared/mesa-reconciler.js';
import { RollupDeltas } from '../../shared/rollups.js';

export type OfficialSource = 'preconteo' | 'escrutinio';

const OFFICIAL_COLUMNS = ['departamento', 'municipio', 'zona', 'puesto', 'mesa', 'corporacion', 'opcion', 'votos'];
const SPECIAL = { BLANCO: 'blancos', NULO: 'nulos', NO_MARCADO: 'noMarcados', SUFRAGANTES: 'sufragantes' } as const;
/** Mesas reconciled per statement while applying a feed (all in the one import transaction). */
const RECONCILE_CHUNK = 5_000;

interface MesaFeed {
  mesaKey: string;
  corporation: Corporation;
  sufragantes: number | null;
  blancos: number | null;
  nulos: number | null;
  noMarcados: number | null;
  votes: Map<number, number>;
}

/**
 * Parses an official feed in castor-official/1 (header
 * `departamento,municipio,zona,puesto,mesa,corporacion,opcion,votos`; opcion = ballot number,
 * `<ballot>-<candidate>` inside a list con voto preferente, or BLANCO, NULO, NO_MARCADO,
 * SUFRAGANTES). Every error names its line.
 */
export function parseOfficialFeed(text: string, catalog: ElectionCatalog): MesaFeed[] {
  const file = 'official.csv';
  const byMesa = new Map<string, MesaFeed>();
  for (const { line, record } of parseCsv(file, text, OFFICIAL_COLUMNS)) {
    const fail = (message: string) => badRequest(CSV_LINE_INVALID, `${file} line ${line}: ${message}`, { file, line });
    const codes = [record.departamento, record.municipio, record.zona, record.puesto, record.mesa];
    const widths = [2, 3, 2, 2, 3];
    if (codes.some((code, index) => !code || !/^\d+$/.test(code) || code.length !== widths[index])) {
      throw fail('territorial codes must be zero-padded as printed (2-3-2-2-3 digits)');
    }
    const corporation = corporationSchema.safeParse(record.corporacion?.toUpperCase());
    if (!corporation.success) throw fail(`unknown corporacion "${record.corporacion}"`);
    if (!catalog.corporations.has(corporation.data))
      throw fail(`${corporation.data} is not elected in ${catalog.code}`);
    const votes = Number(record.votos);
    if (!Number.isInteger(votes) || votes < 0 || votes > 99_999)
      throw fail(`votos "${record.votos}" is not a whole number of votes`);
    const mesaKey = codes.join('-');
    const key = `${mesaKey}|${corporation.data}`;
    const feed = byMesa.get(key) ?? {
      mesaKey,
      corporation: corporation.data,
      sufragantes: null,
      blancos: null,
      nulos: null,
      noMarcados: null,
      votes: new Map<number, number>(),
    };
    byMesa.set(key, feed);
    const option = (record.opcion ?? '').toUpperCase();
    const special = SPECIAL[option as keyof typeof SPECIAL];
    if (special) {
      feed[special] = votes;
      continue;
    }
    if (!/^\d{1,3}(-\d{1,3})?$/.test(option)) throw fail(`opcion "${record.opcion}" is not a ballot option`);
    // A list sin voto preferente is written as its ballot number; CASTOR numbers its row 0.
    const optionKey = isListCorporation(corporation.data) && !option.includes('-') ? `${option}-0` : option;
    const candidate = catalog.resolveOption(
      corporation.data,
      record.departamento ?? '',
      record.municipio ?? '',
      optionKey,
    );
    if (!candidate) throw fail(`no option ${option} of ${corporation.data} on the ballot of mesa ${mesaKey}`);
    if (feed.votes.has(candidate.id)) throw fail(`option ${option} of mesa ${mesaKey} appears twice`);
    feed.votes.set(candidate.id, votes);
  }
  return [...byMesa.values()];
}

/**
 * Imports a preconteo or escrutinio feed: stores each mesa's official numbers (replacing an
 * earlier feed of the same source), then re-reconciles those mesas so every difference with the
 * E-14 (or between the two feeds) becomes an official_differs alert. Idempotent by file hash.
 */
export async function importOfficialFeed(
  pool: pg.Pool,
  catalog: ElectionCatalog,
  source: OfficialSource,
  text: string,
  actor: string,
): Promise<{
  rows: number;
  mesas: number;
  unchanged: boolean;
  discrepancyAlerts: number;
  corporations: Corporation[];
}> {
  const fileHash = createHash('sha256').update(text).digest('hex');
  const feeds = parseOfficialFeed(text, catalog);
  const rows = text.split(/\r?\n/).filter((line) => line.trim() !== '').length - 1;
  const corporations = [...new Set(feeds.map((feed) => feed.corporation))];
  return withTransaction(pool, async (client) => {
    const previous = await client.query(
      'SELECT 1 FROM feed_imports WHERE election_id = $1 AND source = $2 AND file_hash = $3',
      [catalog.id, source, fileHash],
    );
    if (previous.rowCount)
      return { rows, mesas: feeds.length, unchanged: true, discrepancyAlerts: 0, corporations: [] };
    const mesaRows = await client.query<{
      id: number;
      puesto_id: number;
      mesa_key: string;
      municipio_id: number;
      departamento_id: number;
      habilitados: number;
    }>(
      `SELECT id, puesto_id, mesa_key, municipio_id, departamento_id, habilitados FROM mesas
       WHERE election_id = $1 AND mesa_key = ANY($2::text[]) ORDER BY id FOR NO KEY UPDATE`,
      [catalog.id, [...new Set(feeds.map((feed) => feed.mesaKey))]],
    );
    const mesas = new Map(mesaRows.rows.map((row) => [row.mesa_key, row]));
    const unknown = feeds.find((feed) => !mesas.has(feed.mesaKey));
    if (unknown)
      throw badRequest('MESA_UNKNOWN', `Mesa ${unknown.mesaKey} of the feed is not in the divipol of ${catalog.code}`);
    const mesaOf = (feed: MesaFeed) => mesas.get(feed.mesaKey) as NonNullable<ReturnType<typeof mesas.get>>;
    await client.query(
      `INSERT INTO official_results (election_id, mesa_id, corporation, source, sufragantes, blancos, nulos, no_marcados,
                                     candidate_ids, votes, file_hash)
       SELECT $1, m, c, $2, s, b, n, nm,
              CASE WHEN ci = '' THEN '{}'::int[] ELSE string_to_array(ci, ',')::int[] END,
              CASE WHEN v = '' THEN '{}'::int[] ELSE string_to_array(v, ',')::int[] END, $3
       FROM unnest($4::int[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::text[], $11::text[])
         AS t(m, c, s, b, n, nm, ci, v)
       ON CONFLICT (mesa_id, corporation, source) DO UPDATE SET
         sufragantes = excluded.sufragantes, blancos = excluded.blancos, nulos = excluded.nulos,
         no_marcados = excluded.no_marcados, candidate_ids = excluded.candidate_ids, votes = excluded.votes,
         file_hash = excluded.file_hash, imported_at = now()`,
      [
        catalog.id,
        source,
        fileHash,
        feeds.map((feed) => mesaOf(feed).id),
        feeds.map((feed) => feed.corporation),
        feeds.map((feed) => feed.sufragantes),
        feeds.map((feed) => feed.blancos),
        feeds.map((feed) => feed.nulos),
        feeds.map((feed) => feed.noMarcados),
        feeds.map((feed) => [...feed.votes.keys()].join(',')),
        feeds.map((feed) => [...feed.votes.values()].join(',')),
      ],
    );
    const targets: MesaTarget[] = feeds.map((feed) => {
      const mesa = mesaOf(feed);
      return {
        mesaId: mesa.id,
        mesaKey: feed.mesaKey,
        corporation: feed.corporation,
        electionId: catalog.id,
        municipioId: mesa.municipio_id,
        departamentoId: mesa.departamento_id,
        puestoId: mesa.puesto_id,
        habilitados: mesa.habilitados,
      };
    });
    let discrepancyAlerts = 0;
    const audit = [];
    const rollups = new RollupDeltas();
    for (let start = 0; start < targets.length; start += RECONCILE_CHUNK) {
      const reconciled = await reconcileMesas(client, targets.slice(start, start + RECONCILE_CHUNK), actor);
      discrepancyAlerts += [...reconciled.outcomes.values()].reduce(
        (total, outcome) => total + outcome.alertIds.length,
        0,
      );
      audit.push(...reconciled.audit);
      rollups.merge(reconciled.rollups);
    }
    await client.query(
      'INSERT INTO feed_imports (election_id, source, file_hash, imported_by, counts) VALUES ($1, $2, $3, $4, $5)',
      [catalog.id, source, fileHash, actor, JSON.stringify({ rows, mesas: feeds.length })],
    );
    await rollups.apply(client);
    await appendAudit(client, [
      {
        actor,
        action: 'official.imported',
        entity: 'election',
        entityId: catalog.code,
        after: { source, fileHash, rows, mesas: feeds.length, discrepancyAlerts },
      },
      ...audit,
    ]);
    return { rows, mesas: feeds.length, unchanged: false, discrepancyAlerts, corporations };
  });
}
