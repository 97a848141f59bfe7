/**
 * The layout × scan kind section of the accuracy benchmark (bench/accuracy.ts): Presidente 2026
 * sheets of both rounds, at regular mesas and at consulates (departamento 88, the CÓNSUL/EMBAJADOR
 * copy), each scanned every way the renderer knows (1-bit, 8-bit gray, colour JPEG, low
 * resolution, phone photo), uploaded to the real service and scored per layout and per scan kind.
 *
 * Each layout is its own election (a consulate's ballot is the national one; the elections only
 * keep mesa keys apart) and each scan kind takes its own mesas of it, so no upload replaces another.
 */
import { type DivipolDocument, type E14Submission, type MesaRef, mesaKey } from '@castor/contracts';
import { CONSULADOS_CODE, generateElection, NO_FAULTS } from '@castor/e14-synth';
import { photosToPdf, renderSheetPdf, SCAN_KINDS, type ScanKind, type SheetDetails } from '@castor/e14-synth-sheets';
import { createRng } from '@castor/seeded-random';
import type pg from 'pg';
import { upload } from '../test/support/pipeline-fixtures.js';
import { documentStates, sheetKey, storedFields, summariseTally, type Truth, tallyFields } from './accuracy-scoring.js';

export const LAYOUTS = [
  { name: 'first round, regular', round: 1, consulate: false },
  { name: 'first round, consulate', round: 1, consulate: true },
  { name: 'second round, regular', round: 2, consulate: false },
  { name: 'second round, consulate', round: 2, consulate: true },
] as const;
type Layout = (typeof LAYOUTS)[number];

const electionCodeOf = (layout: Layout) => `ACC-${layout.round}V${layout.consulate ? '-CONSUL' : ''}`;

interface LayoutSheet {
  layout: Layout;
  scanKind: ScanKind;
  electionCode: string;
  submission: E14Submission;
}

/** The elections and, per layout and scan kind, `perCell` sheets of distinct mesas. */
export function layoutCorpus(seed: number, perCell: number) {
  const elections = LAYOUTS.map((layout, index) => {
    const needed = perCell * SCAN_KINDS.length;
    const election = generateElection({
      seed: seed + index,
      scale: layout.consulate
        ? { departamentos: [CONSULADOS_CODE], mesas: needed }
        : { departamentos: ['01', '16'], mesas: needed },
      corporations: ['PRESIDENTE'],
      presidentialRound: layout.round,
      faultRates: NO_FAULTS,
      electionCode: electionCodeOf(layout),
    });
    const submissions = [...election.submissions({ copies: ['delegados'] })]
      .slice(0, needed)
      .map(
        (submission): E14Submission => (layout.consulate ? { ...submission, copy: 'consul_embajador' } : submission),
      );
    if (submissions.length < needed) throw new Error(`${layout.name}: ${submissions.length} mesas, ${needed} needed`);
    return { layout, election, submissions };
  });
  const sheets: LayoutSheet[] = elections.flatMap(({ layout, submissions }) =>
    SCAN_KINDS.flatMap((scanKind, kind) =>
      submissions
        .slice(kind * perCell, (kind + 1) * perCell)
        .map((submission) => ({ layout, scanKind, electionCode: electionCodeOf(layout), submission })),
    ),
  );
  return { elections, sheets };
}

/** Keyed by election as well as mesa: two layouts' elections may share mesa codes. */
const truthKey = (sheet: LayoutSheet) =>
  sheetKey(`${sheet.electionCode}/${mesaKey(sheet.submission.mesa)}`, 'PRESIDENTE');

type LayoutCorpus = ReturnType<typeof layoutCorpus>;

/** What the header prints beside the codes: the divipol's names (a consulate's country as municipio). */
function printedNames(divipol: DivipolDocument | undefined, mesa: MesaRef): SheetDetails {
  const departamento = divipol?.departamentos.find((entry) => entry.code === mesa.departamento);
  const municipio = departamento?.municipios.find((entry) => entry.code === mesa.municipio);
  const puesto = municipio?.zonas
    .find((zona) => zona.code === mesa.zona)
    ?.puestos.find((entry) => entry.code === mesa.puesto);
  return {
    candidates: divipol?.candidates ?? [],
    ...(departamento ? { departamentoName: departamento.name } : {}),
    ...(municipio ? { municipioName: municipio.name } : {}),
    ...(puesto ? { lugar: puesto.name } : {}),
  };
}

/**
 * Renders and uploads every sheet: the PDF of a scanner, or the phone photos (one JPEG when the
 * numbers are on one page; the first round's two numbered pages in one PDF, as a scanning app
 * saves them, because the service wants every numbered page in one file).
 */
export async function uploadLayoutCorpus(baseUrl: string, token: string, corpus: LayoutCorpus) {
  const documents = new Map<LayoutSheet, number>();
  const overwrittenSheets = new Set<string>();
  // What was drawn is the truth: a row left at 0 may be written 'ØØ0' or '000' (a zero) as well as left empty.
  const truths = new Map<string, Map<string, Truth>>();
  let renderMs = 0;
  for (const [index, sheet] of corpus.sheets.entries()) {
    const { election } = corpus.elections.find((entry) => entry.layout === sheet.layout) ?? {};
    const started = performance.now();
    const rendered = await renderSheetPdf(
      sheet.submission,
      printedNames(election?.divipol, sheet.submission.mesa),
      { scanKind: sheet.scanKind },
      createRng(`accuracy-layout-${index}`),
    );
    const [only] = rendered.uploads;
    const bytes = rendered.uploads.length === 1 && only ? only : await photosToPdf(rendered.uploads);
    renderMs += performance.now() - started;
    truths.set(
      truthKey(sheet),
      new Map(
        rendered.truth.fields.map((field): [string, Truth] => [
          field.field,
          { state: field.state, value: field.state === 'read' ? field.value : null },
        ]),
      ),
    );
    if (rendered.truth.fields.some((field) => field.overwritten)) overwrittenSheets.add(truthKey(sheet));
    const response = await upload(baseUrl, token, bytes, { electionCode: sheet.electionCode });
    if (response.status !== 202) throw new Error(`upload: ${response.status} ${await response.text()}`);
    documents.set(sheet, ((await response.json()) as { documentId: number }).documentId);
  }
  return { documents, truths, overwrittenSheets, renderMs };
}

type LayoutUploads = Awaited<ReturnType<typeof uploadLayoutCorpus>>;

/** The figures of a set of the uploaded sheets. */
async function measureSheets(pool: pg.Pool, uploads: LayoutUploads, documentIds: number[]) {
  const documents = await documentStates(pool, { documentIds });
  const rows = (await storedFields(pool, { documentIds })).map((row) => ({
    ...row,
    mesa_key: `${row.election_code}/${row.mesa_key}`,
  }));
  const { wrongNotReviewedFields, ...figures } = summariseTally(
    tallyFields(rows, uploads.truths),
    uploads.overwrittenSheets,
  );
  return {
    uploaded: documentIds.length,
    documents,
    ...figures,
    sheetsValidated: figures.formStatus.validated ?? 0,
    wrongNotReviewedFields,
  };
}

/** Per layout × scan kind, per layout and per scan kind. */
export async function measureLayoutCorpus(pool: pg.Pool, uploads: LayoutUploads) {
  const idsOf = (keep: (sheet: LayoutSheet) => boolean) =>
    [...uploads.documents.entries()].filter(([sheet]) => keep(sheet)).map(([, id]) => id);
  const cells = [];
  for (const layout of LAYOUTS) {
    for (const scanKind of SCAN_KINDS) {
      const ids = idsOf((sheet) => sheet.layout === layout && sheet.scanKind === scanKind);
      cells.push({ layout: layout.name, scanKind, ...(await measureSheets(pool, uploads, ids)) });
    }
  }
  const byLayout = [];
  for (const layout of LAYOUTS) {
    const ids = idsOf((sheet) => sheet.layout === layout);
    byLayout.push({ layout: layout.name, ...(await measureSheets(pool, uploads, ids)) });
  }
  const byScanKind = [];
  for (const scanKind of SCAN_KINDS) {
    const ids = idsOf((sheet) => sheet.scanKind === scanKind);
    byScanKind.push({ scanKind, ...(await measureSheets(pool, uploads, ids)) });
  }
  return { byLayout, byScanKind, byLayoutAndScanKind: cells };
}
