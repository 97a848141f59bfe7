/**
 * The real-sheet section of the accuracy benchmark (bench/accuracy.ts): every labelled published
 * sheet of the real folder (labels*.json, values read by eye) goes through the real service like
 * the synthetic ones, each round in an election whose catalog holds those mesas and the printed
 * ballot, and is scored against its labels, per sheet and in total.
 *
 * A labels entry named `<name>.pdf` is that file; any other name is the page images
 * `<name>-page<n>.png` (300-dpi renders of a published PDF), assembled into one PDF in page order.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DivipolDocument } from '@castor/contracts';
import { DEPARTAMENTOS, PRESIDENTE_2026 } from '@castor/e14-synth';
import { imagesToPdf } from '@castor/e14-synth-sheets';
import {
  labelledBlank,
  labelledNumber,
  labelsByPath,
  type RealLabel,
  type RealSheetLabels,
  realSheetLabels,
} from '@castor/test-support/real-sheets';
import type pg from 'pg';
import { upload } from '../test/support/pipeline-fixtures.js';
import { sheetKey, storedFields, summariseTally, type Truth, tallyFields } from './accuracy-scoring.js';

/**
 * The rules that check the sheet's arithmetic (sheet-rules.ts). A failing one is a finding on the
 * form; its alert is raised at once, or held while the cells it names wait for review (the
 * reviewed version is judged again and raises it if the confirmed numbers still do not add up).
 */
export const ARITHMETIC_RULES = ['nivelacion', 'printed_sum', 'urn_sum', 'list_total'] as const;

export interface RealSheet {
  name: string;
  files: string[];
  round: 1 | 2;
  consulate: boolean;
  mesaKey: string;
  labels: RealSheetLabels;
  truth: Map<string, Truth>;
  addsUp: boolean;
}

/** What a label says the form holds: a value only of filler marks (dots, slashed zeros) is an empty row. */
function truthOf(label: RealLabel): Truth {
  return labelledBlank(label) ? { state: 'empty', value: null } : { state: 'read', value: labelledNumber(label) };
}

/** The labels' own verdict, or (older labels) the sums the rules check computed from the values. */
function labelsAddUp(labels: RealSheetLabels): boolean {
  if (labels.arithmetic) return labels.arithmetic.adds_up;
  const { values } = labels;
  const parts =
    Object.values(values.candidates).reduce((sum: number, label) => sum + labelledNumber(label), 0) +
    labelledNumber(values.blanco) +
    labelledNumber(values.nulos) +
    labelledNumber(values.no_marcados);
  const net = labelledNumber(values.urna) - labelledNumber(values.incinerados);
  const levelled = labelledNumber(values.urna) <= labelledNumber(values.e11) || net === labelledNumber(values.e11);
  return parts === labelledNumber(values.suma_total) && parts === net && levelled;
}

/** Every labelled sheet of `dir` (labels.json: second round; labels-first-round.json: first round). */
export function realSheets(dir: string): RealSheet[] {
  const sheets: RealSheet[] = [];
  const labelFiles = readdirSync(dir)
    .filter((file) => /^labels.*\.json$/.test(file))
    .sort();
  const pngs = readdirSync(dir).filter((file) => file.endsWith('.png'));
  for (const labelFile of labelFiles) {
    for (const [name, entry] of realSheetLabels(labelFile, dir)) {
      const files = name.endsWith('.pdf')
        ? [name]
        : pngs
            .filter((file) => file.startsWith(`${name}-page`))
            .sort((a, b) => Number(/page(\d+)/.exec(a)?.[1]) - Number(/page(\d+)/.exec(b)?.[1]));
      if (files.length === 0) throw new Error(`${labelFile}: no file for ${name}`);
      const { departamento, municipio, zona, puesto, mesa } = entry.header;
      sheets.push({
        name,
        files: files.map((file) => join(dir, file)),
        round: entry.round,
        consulate: departamento === '88',
        mesaKey: `${departamento}-${municipio}-${zona}-${puesto}-${mesa}`,
        labels: entry,
        truth: new Map([...labelsByPath(entry)].map(([path, label]) => [path, truthOf(label)])),
        addsUp: labelsAddUp(entry),
      });
    }
  }
  return sheets;
}

export const realElectionCode = (round: 1 | 2) => `REAL-PRE-${round}V`;

/** One election per round holding the labelled mesas and the printed ballot of that round. */
export function realDivipol(sheets: readonly RealSheet[], round: 1 | 2): DivipolDocument {
  const ofRound = sheets.filter((sheet) => sheet.round === round);
  const departamentos = new Map<string, DivipolDocument['departamentos'][number]>();
  for (const { labels } of ofRound) {
    const { header } = labels;
    const departamento = departamentos.get(header.departamento) ?? {
      code: header.departamento,
      name:
        header.departamento_name ??
        DEPARTAMENTOS.find((d) => d.code === header.departamento)?.name ??
        `DEPARTAMENTO ${header.departamento}`,
      municipios: [],
    };
    departamentos.set(header.departamento, departamento);
    departamento.municipios.push({
      code: header.municipio,
      name: header.municipio_name ?? `MUNICIPIO ${header.municipio}`,
      zonas: [
        {
          code: header.zona,
          puestos: [
            {
              code: header.puesto,
              name: header.lugar ?? 'PUESTO',
              mesas: [{ code: header.mesa, habilitados: 400, transmissionCode: labels.transmission_code }],
            },
          ],
        },
      ],
    });
  }
  return {
    format: 'castor-divipol/1',
    election: {
      code: realElectionCode(round),
      name: `Presidente 2026, ${round === 1 ? 'primera' : 'segunda'} vuelta (hojas reales)`,
      date: round === 1 ? '2026-05-31' : '2026-06-21',
      corporations: ['PRESIDENTE'],
    },
    departamentos: [...departamentos.values()],
    candidates: PRESIDENTE_2026[round].map((candidate, index) => ({
      corporation: 'PRESIDENTE' as const,
      circunscripcion: 'nacional' as const,
      ballotNumber: index + 1,
      name: candidate.name,
      party: candidate.party,
    })),
  };
}

/** The bytes uploaded for a sheet: the published PDF, or its page renders assembled at 300 dpi. */
export async function realSheetPdf(sheet: RealSheet): Promise<Uint8Array> {
  const [first] = sheet.files;
  if (sheet.files.length === 1 && first?.endsWith('.pdf')) return new Uint8Array(readFileSync(first));
  return imagesToPdf(sheet.files, 300);
}

/** Uploads every real sheet to its round's election; returns the document id of each. */
export async function uploadRealSheets(baseUrl: string, token: string, sheets: readonly RealSheet[]) {
  const documents = new Map<string, number>();
  for (const sheet of sheets) {
    const response = await upload(baseUrl, token, await realSheetPdf(sheet), {
      electionCode: realElectionCode(sheet.round),
    });
    if (response.status !== 202) throw new Error(`upload ${sheet.name}: ${response.status} ${await response.text()}`);
    documents.set(sheet.name, ((await response.json()) as { documentId: number }).documentId);
  }
  return documents;
}

const rate = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1e4) / 1e4);

/** Scores one uploaded real sheet against its labels. */
async function scoreSheet(pool: pg.Pool, sheet: RealSheet, documentId: number) {
  const document = await pool.query<{
    state: string;
    error_code: string | null;
    mesa_key: string | null;
    form_status: string | null;
    failed_rules: string[] | null;
    alerted_rules: string[] | null;
  }>(
    `SELECT d.state, d.error_code, d.mesa_key, f.status AS form_status,
            ARRAY(SELECT DISTINCT r->>'rule' FROM jsonb_array_elements(f.findings) r
                  WHERE r->>'severity' IN ('high', 'critical')) AS failed_rules,
            ARRAY(SELECT DISTINCT a.rule FROM alerts a WHERE a.form_id = f.id) AS alerted_rules
     FROM e14_documents d LEFT JOIN e14_forms f ON f.id = d.form_id WHERE d.id = $1`,
    [documentId],
  );
  const row = document.rows[0];
  const rows = await storedFields(pool, { documentIds: [documentId] });
  // Scored against the labels whatever mesa the header was read as (reported apart).
  const key = sheetKey(sheet.mesaKey, 'PRESIDENTE');
  const labelled = rows.filter((field) => sheet.truth.has(field.path));
  const unlabelledPaths = rows.filter((field) => !sheet.truth.has(field.path)).map((field) => field.path);
  const tally = tallyFields(
    labelled.map((field) => ({ ...field, mesa_key: sheet.mesaKey })),
    new Map([[key, sheet.truth]]),
  );
  const figures = summariseTally(tally, new Set());
  const storedPaths = new Set(labelled.map((field) => field.path));
  const arithmetic = (rules: string[] | null | undefined) =>
    (rules ?? []).filter((rule) => (ARITHMETIC_RULES as readonly string[]).includes(rule));
  const arithmeticFindings = arithmetic(row?.failed_rules);
  const arithmeticAlerts = arithmetic(row?.alerted_rules);
  const read = row?.state === 'done' && row.form_status !== null;
  return {
    sheet: sheet.name,
    round: sheet.round,
    layout: `${sheet.round === 1 ? 'first' : 'second'} round, ${sheet.consulate ? 'consulate' : 'regular'}`,
    pages: sheet.files.length > 1 ? `${sheet.files.length} page images` : 'published PDF',
    document: {
      state: row?.state ?? 'missing',
      errorCode: row?.error_code ?? null,
      mesaKeyRead: row?.mesa_key ?? null,
      mesaKeyLabelled: sheet.mesaKey,
    },
    labelledFields: sheet.truth.size,
    fieldsStored: labelled.length,
    labelledFieldsNotStored: [...sheet.truth.keys()].filter((path) => !storedPaths.has(path)),
    unlabelledPaths,
    wrong: figures.wrong,
    wrongNotReviewed: figures.wrongNotReviewed,
    emptyAndZeroSwappedNotReviewed: figures.emptyAndZeroSwappedNotReviewed,
    fieldsToReview: figures.fieldsToReview,
    // A sheet the service did not read goes whole to a person.
    fieldsToPerson: read ? figures.fieldsToReview : sheet.truth.size,
    reviewReasons: figures.reviewReasons,
    formStatus: row?.form_status ?? null,
    validatedWithoutPerson: row?.form_status === 'validated' && figures.fieldsToReview === 0,
    labelsAddUp: sheet.addsUp,
    arithmeticFindings,
    arithmeticAlerts,
    falseArithmeticAlert: sheet.addsUp && arithmeticAlerts.length > 0,
    // Missed: not raised and not held for review either (a held one is raised once a person confirms).
    missedArithmeticAlert: !sheet.addsUp && arithmeticFindings.length === 0,
    wrongNotReviewedFields: figures.wrongNotReviewedFields.map(({ mesaKey: _mesa, ...field }) => field),
  };
}

export type RealSheetScore = Awaited<ReturnType<typeof scoreSheet>>;

/** Per sheet and in total. */
export async function measureRealSheets(pool: pg.Pool, sheets: readonly RealSheet[], documents: Map<string, number>) {
  const perSheet: RealSheetScore[] = [];
  for (const sheet of sheets) perSheet.push(await scoreSheet(pool, sheet, documents.get(sheet.name) as number));
  const sum = (pick: (score: RealSheetScore) => number) => perSheet.reduce((total, score) => total + pick(score), 0);
  const labelledFields = sum((score) => score.labelledFields);
  return {
    total: {
      sheets: perSheet.length,
      sheetsRead: perSheet.filter((score) => score.formStatus !== null).length,
      labelledFields,
      wrongNotReviewed: sum((score) => score.wrongNotReviewed),
      wrongNotReviewedBudget: 0,
      fieldsToPerson: sum((score) => score.fieldsToPerson),
      fieldsToPersonRate: rate(
        sum((score) => score.fieldsToPerson),
        labelledFields,
      ),
      sheetsValidatedWithoutPerson: perSheet.filter((score) => score.validatedWithoutPerson).length,
      falseArithmeticAlerts: perSheet.filter((score) => score.falseArithmeticAlert).length,
      missedArithmeticAlerts: perSheet.filter((score) => score.missedArithmeticAlert).length,
    },
    perSheet,
  };
}
