import { type Corporation, corporationSchema, isListCorporation } from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import type { officialResults } from '../../db/schema/reconciliation.js';
import { CSV_LINE_INVALID, parseCsv } from '../../shared/divipol-formats.js';
import type { ElectionCatalog } from '../../shared/election-catalog.js';

const OFFICIAL_COLUMNS = ['departamento', 'municipio', 'zona', 'puesto', 'mesa', 'corporacion', 'opcion', 'votos'];
const SPECIAL = { BLANCO: 'blancos', NULO: 'nulos', NO_MARCADO: 'noMarcados', SUFRAGANTES: 'sufragantes' } as const;

/** One mesa and corporation of a feed: its numbers as official_results stores them, votes by candidate id. */
export type MesaFeed = Pick<typeof officialResults.$inferSelect, 'sufragantes' | 'blancos' | 'nulos' | 'noMarcados'> & {
  mesaKey: string;
  corporation: Corporation;
  votes: Map<number, number>;
};

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
    const fail = (message: string) => httpError(CSV_LINE_INVALID, `${file} line ${line}: ${message}`, { file, line });
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
