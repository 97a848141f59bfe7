import {
  type Candidate,
  candidateSchema,
  type DivipolDocument,
  divipolDocumentSchema,
  divipolMesaSchema,
  type Election,
} from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';

/**
 * Divipol formats CASTOR reads besides its own JSON document (castor-divipol/1):
 *
 * - castor-divipol-csv/1, two CSV files with a header line:
 *   mesas:      departamento,departamento_nombre,municipio,municipio_nombre,zona,puesto,puesto_nombre,mesa,habilitados[,codigo_transmision]
 *   candidatos: corporacion,circunscripcion,departamento,municipio,numero,codigo_partido,preferente,numero_candidato,nombre,partido
 *   (codes zero-padded as printed; preferente is si/no; numero_candidato empty for a single-winner
 *   candidate, 0 for a list's "solo por la agrupación" row, 101.. for preferential candidates).
 * - the Registraduría's published mesa index (allTransmissionCodes.json, one node per mesa): see
 *   `fromRegistraduriaIndex`.
 *
 * Every error names the CSV line (1 = the header) or the JSON node.
 */

export const CSV_LINE_INVALID = 'CSV_LINE_INVALID';

const lineError = (file: string, line: number, message: string, details?: unknown) =>
  httpError(CSV_LINE_INVALID, `${file} line ${line}: ${message}`, { file, line, ...(details ? { details } : {}) });

type CsvRecord = Record<string, string>;

/** Parses CSV with a header line; returns records with their line numbers. */
export function parseCsv(
  file: string,
  text: string,
  required: readonly string[],
): Array<{ line: number; record: CsvRecord }> {
  let records: Array<{ record: CsvRecord; info: { lines: number } }>;
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
    }) as Array<{ record: CsvRecord; info: { lines: number } }>;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    throw lineError(file, line, error instanceof Error ? error.message : 'unreadable CSV');
  }
  const header =
    text
      .split(/\r?\n/, 1)[0]
      ?.replace(/^\uFEFF/, '')
      .toLowerCase()
      .split(',')
      .map((name) => name.trim()) ?? [];
  const missing = required.filter((column) => !header.includes(column));
  if (missing.length > 0) throw lineError(file, 1, `missing column(s) ${missing.join(', ')}`);
  return records.map(({ record, info }) => ({ line: info.lines, record }));
}

const csvMesaSchema = z.object({
  departamento: z.string().regex(/^\d{1,2}$/),
  departamento_nombre: z.string().min(1),
  municipio: z.string().regex(/^\d{1,3}$/),
  municipio_nombre: z.string().min(1),
  zona: z.string().regex(/^\d{1,3}$/),
  puesto: z.string().regex(/^\d{1,2}$/),
  puesto_nombre: z.string().min(1),
  mesa: z.string().regex(/^\d{1,3}$/),
  // The document schema's bounds, checked here too so the error names the CSV line.
  habilitados: z.coerce.number().pipe(divipolMesaSchema.shape.habilitados),
  codigo_transmision: z.string().optional(),
});

const pad = (code: string, width: number) => code.padStart(width, '0');
/** Zona is 2 digits on the form and 3 in 2026 file paths ("099" → "99"). */
const zona2 = (code: string) => (code.length === 3 && code.startsWith('0') ? code.slice(1) : pad(code, 2));

interface FlatMesa {
  departamento: string;
  departamentoName: string;
  municipio: string;
  municipioName: string;
  zona: string;
  puesto: string;
  puestoName: string;
  mesa: string;
  habilitados: number;
  transmissionCode?: string | undefined;
  where: string;
}

/** Builds the nested tree from flat mesa rows, refusing a mesa listed twice. */
export function treeFromMesas(rows: readonly FlatMesa[]): DivipolDocument['departamentos'] {
  const departamentos = new Map<
    string,
    {
      name: string;
      municipios: Map<
        string,
        { name: string; zonas: Map<string, Map<string, { name: string; mesas: Map<string, FlatMesa> }>> }
      >;
    }
  >();
  for (const row of rows) {
    const departamento = departamentos.get(row.departamento) ?? { name: row.departamentoName, municipios: new Map() };
    departamentos.set(row.departamento, departamento);
    const municipio = departamento.municipios.get(row.municipio) ?? { name: row.municipioName, zonas: new Map() };
    departamento.municipios.set(row.municipio, municipio);
    const zona = municipio.zonas.get(row.zona) ?? new Map();
    municipio.zonas.set(row.zona, zona);
    const puesto = zona.get(row.puesto) ?? { name: row.puestoName, mesas: new Map<string, FlatMesa>() };
    zona.set(row.puesto, puesto);
    if (puesto.mesas.has(row.mesa)) {
      throw httpError(
        'DIVIPOL_DUPLICATE_MESA',
        `${row.where}: mesa ${row.departamento}-${row.municipio}-${row.zona}-${row.puesto}-${row.mesa} is listed twice`,
      );
    }
    puesto.mesas.set(row.mesa, row);
  }
  return [...departamentos].map(([code, departamento]) => ({
    code,
    name: departamento.name,
    municipios: [...departamento.municipios].map(([municipioCode, municipio]) => ({
      code: municipioCode,
      name: municipio.name,
      zonas: [...municipio.zonas].map(([zonaCode, puestos]) => ({
        code: zonaCode,
        puestos: [...puestos].map(([puestoCode, puesto]) => ({
          code: puestoCode,
          name: puesto.name,
          mesas: [...puesto.mesas.values()].map((mesa) => ({
            code: mesa.mesa,
            habilitados: mesa.habilitados,
            ...(mesa.transmissionCode ? { transmissionCode: mesa.transmissionCode } : {}),
          })),
        })),
      })),
    })),
  }));
}

export function mesasFromCsv(text: string): FlatMesa[] {
  return parseCsv('mesas.csv', text, [
    'departamento',
    'departamento_nombre',
    'municipio',
    'municipio_nombre',
    'zona',
    'puesto',
    'puesto_nombre',
    'mesa',
    'habilitados',
  ]).map(({ line, record }) => {
    const parsed = csvMesaSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw lineError('mesas.csv', line, `${issue?.path.join('.') ?? 'row'}: ${issue?.message ?? 'invalid'}`);
    }
    const row = parsed.data;
    return {
      departamento: pad(row.departamento, 2),
      departamentoName: row.departamento_nombre,
      municipio: pad(row.municipio, 3),
      municipioName: row.municipio_nombre,
      zona: zona2(row.zona),
      puesto: pad(row.puesto, 2),
      puestoName: row.puesto_nombre,
      mesa: pad(row.mesa, 3),
      habilitados: row.habilitados,
      transmissionCode: row.codigo_transmision || undefined,
      where: `mesas.csv line ${line}`,
    };
  });
}

const yes = new Set(['si', 'sí', 's', 'yes', 'true', '1']);

export function candidatesFromCsv(text: string): Candidate[] {
  return parseCsv('candidatos.csv', text, ['corporacion', 'numero', 'nombre']).map(({ line, record }) => {
    const optional = (name: string) => (record[name] ? record[name] : undefined);
    const parsed = candidateSchema.safeParse({
      corporation: record.corporacion?.toUpperCase(),
      circunscripcion: optional('circunscripcion')?.toLowerCase() ?? 'territorial',
      departamento: optional('departamento') && pad(record.departamento ?? '', 2),
      municipio: optional('municipio') && pad(record.municipio ?? '', 3),
      ballotNumber: Number(record.numero),
      listCode: optional('codigo_partido') && pad(record.codigo_partido ?? '', 4),
      preferente: optional('preferente') === undefined ? undefined : yes.has((record.preferente ?? '').toLowerCase()),
      candidateNumber: optional('numero_candidato') === undefined ? undefined : Number(record.numero_candidato),
      name: record.nombre,
      party: optional('partido'),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw lineError('candidatos.csv', line, `${issue?.path.join('.') ?? 'row'}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  });
}

/**
 * Field names of a node of the Registraduría's mesa index, by alias. The published file's exact
 * keys are unconfirmed (docs/e14.md describes it as one node per mesa mapping its transmission code to
 * the mesa codes); this table is the one place to adjust once a real file is at hand.
 */
const REGISTRADURIA_ALIASES = {
  departamento: ['departamento', 'dep', 'cod_departamento', 'codDepartamento', 'coddep', 'dd'],
  departamentoName: ['departamento_nombre', 'nomDepartamento', 'nom_departamento', 'depname', 'departamentoNombre'],
  municipio: ['municipio', 'mun', 'cod_municipio', 'codMunicipio', 'codmun', 'mm'],
  municipioName: ['municipio_nombre', 'nomMunicipio', 'nom_municipio', 'munname', 'municipioNombre'],
  zona: ['zona', 'zon', 'cod_zona', 'codZona', 'zz'],
  puesto: ['puesto', 'pto', 'cod_puesto', 'codPuesto', 'pp'],
  puestoName: ['puesto_nombre', 'nomPuesto', 'nom_puesto', 'lugar', 'puestoNombre'],
  mesa: ['mesa', 'mes', 'cod_mesa', 'codMesa', 'num_mesa'],
  habilitados: ['habilitados', 'potencial', 'electores', 'mesa_habilitados', 'totalHabilitados'],
  transmissionCode: ['codigo_transmision', 'codTransmision', 'transmissionCode', 'codigo', 'tc'],
} as const;

function pick(node: Record<string, unknown>, aliases: readonly string[]): string | undefined {
  for (const alias of aliases) {
    const value = node[alias];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

/**
 * Converts the Registraduría's mesa index (an array of nodes, or an object of nodes keyed by
 * transmission code) into mesa rows. Names missing from the index fall back to the codes;
 * habilitados are required.
 */
export function fromRegistraduriaIndex(json: unknown): FlatMesa[] {
  const nodes: Array<[string, unknown]> = Array.isArray(json)
    ? json.map((node, index) => [`[${index}]`, node])
    : json && typeof json === 'object'
      ? Object.entries(json as Record<string, unknown>)
      : [];
  if (nodes.length === 0) throw httpError('DIVIPOL_INVALID', 'The Registraduría index has no mesa nodes');
  return nodes.map(([where, raw]) => {
    if (!raw || typeof raw !== 'object') throw httpError('DIVIPOL_INVALID', `node ${where} is not an object`);
    const node = raw as Record<string, unknown>;
    const field = (name: keyof typeof REGISTRADURIA_ALIASES) => pick(node, REGISTRADURIA_ALIASES[name]);
    const codes = {
      departamento: field('departamento'),
      municipio: field('municipio'),
      zona: field('zona'),
      puesto: field('puesto'),
      mesa: field('mesa'),
    };
    const missing = Object.entries(codes)
      .filter(([, value]) => !value || !/^\d+$/.test(value))
      .map(([name]) => name);
    const habilitados = Number(field('habilitados'));
    if (missing.length > 0 || !Number.isInteger(habilitados) || habilitados < 0) {
      throw httpError(
        'DIVIPOL_INVALID',
        `node ${where}: missing or invalid ${[...missing, ...(Number.isInteger(habilitados) ? [] : ['habilitados'])].join(', ')}`,
      );
    }
    const departamento = pad(codes.departamento ?? '', 2);
    const municipio = pad(codes.municipio ?? '', 3);
    const transmissionCode = field('transmissionCode') ?? (Array.isArray(json) ? undefined : where);
    return {
      departamento,
      departamentoName: field('departamentoName') ?? `DEPARTAMENTO ${departamento}`,
      municipio,
      municipioName: field('municipioName') ?? `MUNICIPIO ${departamento}-${municipio}`,
      zona: zona2(codes.zona ?? ''),
      puesto: pad(codes.puesto ?? '', 2),
      puestoName: field('puestoName') ?? `PUESTO ${codes.puesto}`,
      mesa: pad(codes.mesa ?? '', 3),
      habilitados,
      transmissionCode,
      where: `node ${where}`,
    };
  });
}

/** Assembles and validates a castor-divipol/1 document; zod issues name the failing path. */
export function buildDivipolDocument(
  election: Election,
  mesas: readonly FlatMesa[],
  candidates: readonly Candidate[],
): DivipolDocument {
  const parsed = divipolDocumentSchema.safeParse({
    format: 'castor-divipol/1',
    election,
    departamentos: treeFromMesas(mesas),
    candidates,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw httpError('DIVIPOL_INVALID', `${issue?.path.join('.') ?? 'document'}: ${issue?.message ?? 'invalid'}`, {
      issues: parsed.error.issues.slice(0, 20).map((item) => ({ path: item.path.join('.'), message: item.message })),
    });
  }
  return parsed.data;
}
