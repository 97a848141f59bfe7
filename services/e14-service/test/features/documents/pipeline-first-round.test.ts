import { readFileSync } from 'node:fs';
import type { DivipolDocument, DocumentResponse, ReviewTask } from '@castor/contracts';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import { labelledNumber, labelsByPath, type RealSheetLabels, realSheetLabels } from '@castor/test-support/real-sheets';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { get } from '../../support/fixtures.js';
import { beforeAllStarted } from '../../support/lifecycle.js';
import { importDivipol, listeningE14, settled, upload } from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

/**
 * The real first-round (31 May 2026) Presidente sheets of test-support's fixtures/e14/real: 13
 * candidates with their numbers on two pages of a three-page form, a mesa at home (Cúcuta,
 * delegados) and a consulate's (Barcelona: CONSULADO 88 / PAÍS 355, the CÓNSUL/EMBAJADOR copy),
 * through the real pipeline; and the same pages sent incomplete, twice, or on another round's form.
 */
const REAL = E14_REAL_DIR;
const CODE = 'PRE-2026-1V';
const CANDIDATES = 13;

const firstRound = realSheetLabels('labels-first-round.json');
const BARCELONA_FILE = '2026-presidente-1v-consulado-barcelona-001.pdf';
const barcelona = firstRound.get(BARCELONA_FILE) as RealSheetLabels;
const cucuta = firstRound.get('2026-presidente-1v-cucuta-009') as RealSheetLabels;
const cucutaPages = [1, 2].map((page) => readFileSync(`${REAL}/2026-presidente-1v-cucuta-009-page${page}.png`));
/** A second-round sheet (2 candidates, a 2-page form): the wrong form for a first-round ballot. */
const ANZA_FILE = '2026-presidente-anza.pdf';
const anza = realSheetLabels('labels.json').get(ANZA_FILE) as RealSheetLabels;
const anzaBytes = new Uint8Array(readFileSync(`${REAL}/${ANZA_FILE}`));

const keyOf = ({ departamento, municipio, zona, puesto, mesa }: RealSheetLabels['header']) =>
  `${departamento}-${municipio}-${zona}-${puesto}-${mesa}`;

/** The first round's divipol holding the three mesas, the consulate's under departamento 88 with its país as municipio. */
function divipol(): DivipolDocument {
  const sheets = [
    { labels: cucuta, departamento: 'NORTE DE SANTANDER', municipio: 'CUCUTA' },
    { labels: barcelona, departamento: 'CONSULADOS', municipio: 'ESPAÑA' },
    { labels: anza, departamento: 'ANTIOQUIA', municipio: 'ANZA' },
  ];
  return {
    format: 'castor-divipol/1',
    election: { code: CODE, name: 'Presidente 2026, primera vuelta', date: '2026-05-31', corporations: ['PRESIDENTE'] },
    departamentos: sheets.map(({ labels: { header, transmission_code }, departamento, municipio }) => ({
      code: header.departamento,
      name: departamento,
      municipios: [
        {
          code: header.municipio,
          name: municipio,
          zonas: [
            {
              code: header.zona,
              puestos: [
                {
                  code: header.puesto,
                  name: 'PUESTO',
                  mesas: [{ code: header.mesa, habilitados: 400, transmissionCode: transmission_code }],
                },
              ],
            },
          ],
        },
      ],
    })),
    candidates: Array.from({ length: CANDIDATES }, (_, index) => ({
      corporation: 'PRESIDENTE' as const,
      circunscripcion: 'nacional' as const,
      ballotNumber: index + 1,
      name: `CANDIDATO ${index + 1}`,
    })),
  };
}

/** One PDF holding these page images, one a page (how a sheet photographed page by page is sent). */
async function pdfOf(pngs: readonly Uint8Array[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  for (const png of pngs) {
    const image = await pdf.embedPng(png);
    pdf.addPage([image.width, image.height]).drawImage(image, { x: 0, y: 0, width: image.width, height: image.height });
  }
  return pdf.save();
}

/** The labelled number of a field path (a row written with filler marks only holds 0). */
function truthOf(labels: RealSheetLabels, path: string): number {
  const label = labelsByPath(labels).get(path);
  if (label === undefined) throw new Error(`no label for ${path}`);
  return labelledNumber(label);
}

/** A stored value means the labelled number: 0 is written as 0 or left empty (dots, slashed zeros). */
const means = (field: StoredField, truth: number) =>
  truth === 0 ? field.state === 'empty' || (field.state === 'read' && field.value === 0) : field.value === truth;

interface StoredField {
  path: string;
  state: 'read' | 'empty' | 'illegible';
  value: number | null;
}

let e14: E14UnderTest;
let baseUrl: string;
let admin: string;

beforeAllStarted(listeningE14, async (started) => {
  ({ e14, baseUrl, admin } = started);
  const imported = await importDivipol(baseUrl, admin, divipol());
  expect(imported.status, await imported.clone().text()).toBe(200);
});

async function sendAndSettle(bytes: Uint8Array, fields: Record<string, string>): Promise<DocumentResponse> {
  const response = await upload(baseUrl, admin, bytes, { electionCode: CODE, ...fields });
  expect(response.status, await response.clone().text()).toBe(202);
  return settled(baseUrl, admin, ((await response.json()) as { documentId: number }).documentId, 120_000);
}

/** The fields stored with a form, and the paths sent to review. */
async function storedForm(formId: number) {
  const fields = await e14.app.pg.query<StoredField>(
    'SELECT path, state, value FROM e14_fields WHERE form_id = $1 ORDER BY path',
    [formId],
  );
  const tasks = await e14.app.pg.query<{ id: string; field_path: string }>(
    'SELECT id, field_path FROM review_tasks WHERE form_id = $1 ORDER BY id',
    [formId],
  );
  return {
    fields: fields.rows,
    tasks: tasks.rows.map((row) => ({ id: Number(row.id), path: row.field_path })),
  };
}

/** An admin releases a quarantined document: it is read again without the quarantine checks. */
function release(documentId: number): Promise<Response> {
  return fetch(`${baseUrl}/api/e14/documents/${documentId}/retry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}` },
  });
}

async function formsOfMesa(mesa: string): Promise<number> {
  const { rows } = await e14.app.pg.query<{ count: string }>(
    'SELECT count(*) FROM e14_forms f JOIN mesas m ON m.id = f.mesa_id WHERE m.mesa_key = $1',
    [mesa],
  );
  return Number(rows[0]?.count);
}

const ALL_PATHS = [
  'blancos',
  'nivelacion.incinerados',
  'nivelacion.sufragantes',
  'nivelacion.urna',
  'noMarcados',
  'nulos',
  'sumaTotal',
  ...Array.from({ length: CANDIDATES }, (_, index) => `votes.${index + 1}`),
].sort();

/**
 * Every stored field is the labelled number or goes to review, and no candidate row holds a number
 * only another candidate's row has (what a layout shifted by a row, or page 2 read as page 1, stores).
 */
function expectReadIntoTheRightRows(labels: RealSheetLabels, stored: Awaited<ReturnType<typeof storedForm>>) {
  expect(stored.fields.map((field) => field.path).sort()).toEqual(ALL_PATHS);
  const toReview = new Set(stored.tasks.map((task) => task.path));
  const wrongUnreviewed = stored.fields.filter(
    (field) => !toReview.has(field.path) && !means(field, truthOf(labels, field.path)),
  );
  expect(wrongUnreviewed).toEqual([]);
  const candidateTruths = Object.entries(labels.values.candidates).map(([number, label]) => ({
    number,
    value: typeof label === 'number' ? label : label.value,
  }));
  // A number only one candidate has (and not a single stroke) tells whose row a cell is.
  const telling = candidateTruths.filter(
    ({ value }) => value > 1 && candidateTruths.filter((other) => other.value === value).length === 1,
  );
  const misplaced = stored.fields.flatMap((field) => {
    const row = /^votes\.(\d+)$/.exec(field.path)?.[1];
    if (!row || field.state !== 'read') return [];
    const owner = telling.find(({ value, number }) => value === field.value && number !== row);
    return owner && truthOf(labels, field.path) !== field.value
      ? [`${field.path} holds ${owner.number}'s ${field.value}`]
      : [];
  });
  expect(misplaced).toEqual([]);
}

describe('the real first-round sheets through the pipeline', () => {
  let consulateTask: ReviewTask | undefined;

  it('the consulate sheet sent with its mesa: the 13 candidates, departamento 88, the CÓNSUL/EMBAJADOR copy', async () => {
    const mesa = keyOf(barcelona.header);
    const document = await sendAndSettle(new Uint8Array(readFileSync(`${REAL}/${BARCELONA_FILE}`)), { mesa });
    expect([document.state, document.error]).toEqual(['done', null]);
    expect(document.mesaKey).toBe('88-355-03-02-001');
    expect(document.copy).toBe('consul_embajador');
    expect(document.reading?.templateId).toBe('presidente-2026-1v-consulado');
    expect(document.reading?.templateVerified).toBe(true);
    expect(document.reading?.header?.mesaKey).toBe(mesa);
    const stored = await storedForm(document.formId as number);
    expectReadIntoTheRightRows(barcelona, stored);
    const { rows } = await e14.app.pg.query<{ copy: string }>('SELECT copy FROM e14_forms WHERE id = $1', [
      document.formId,
    ]);
    expect(rows[0]?.copy).toBe('consul_embajador');
    const reviewer = (await e14.token('reviewer')).token;
    const voteTask = stored.tasks.find((task) => task.path.startsWith('votes.'));
    if (voteTask) consulateTask = (await get(e14, `/api/review/tasks/${voteTask.id}`, reviewer)).json() as ReviewTask;
  }, 180_000);

  it('a review task shows the row as printed, cut from the same page as its cell', async (context) => {
    if (!consulateTask) return context.skip('every candidate row of the consulate sheet was stored without review');
    const task = consulateTask;
    expect(task.crop.labelUrl).toBe(`/api/review/tasks/${task.taskId}/label-crop`);
    const cell = await get(e14, task.crop.url ?? '', admin);
    const label = await get(e14, task.crop.labelUrl ?? '', admin);
    expect([cell.statusCode, label.statusCode]).toEqual([200, 200]);
    expect(label.headers['content-type']).toBe('image/png');
    // The printed number and name: ink on paper, wider than the value's cell.
    const [labelMeta, cellMeta, stats] = await Promise.all([
      sharp(label.rawPayload).metadata(),
      sharp(cell.rawPayload).metadata(),
      sharp(label.rawPayload).stats(),
    ]);
    expect(labelMeta.width).toBeGreaterThan(cellMeta.width ?? 0);
    expect(stats.channels[0]?.min).toBeLessThan(64);
  });

  it('the Cúcuta sheet, its two page images in one PDF, read from its header: the 13 candidates, delegados', async () => {
    const document = await sendAndSettle(await pdfOf(cucutaPages), {});
    expect([document.state, document.error]).toEqual(['done', null]);
    expect(document.mesaKey).toBe(keyOf(cucuta.header));
    expect(document.mesaKey).toBe('25-001-06-06-009');
    expect(document.copy).toBe('delegados');
    expect(document.reading?.templateId).toBe('presidente-2026-1v');
    expectReadIntoTheRightRows(cucuta, await storedForm(document.formId as number));
  }, 180_000);

  it('page 1 alone is quarantined as PAGES_MISSING, naming page 2: no form', async () => {
    const mesa = keyOf(cucuta.header);
    const before = await formsOfMesa(mesa);
    const document = await sendAndSettle(await pdfOf(cucutaPages.slice(0, 1)), { mesa, corporation: 'PRESIDENTE' });
    expect([document.state, document.error?.code]).toEqual(['quarantined', 'PAGES_MISSING']);
    expect(document.error?.message).toMatch(/page 2 of the 3-page E-14 is missing/i);
    expect(document.error?.message).toMatch(/upload every page of the sheet in one file/);
    expect(document.formId).toBeNull();
    expect(await formsOfMesa(mesa)).toBe(before);
  }, 180_000);

  it('page 1 twice is quarantined as PAGE_DUPLICATED: no form', async () => {
    const mesa = keyOf(cucuta.header);
    const before = await formsOfMesa(mesa);
    const page1 = cucutaPages[0] as Uint8Array;
    const document = await sendAndSettle(await pdfOf([page1, page1]), { mesa, corporation: 'PRESIDENTE' });
    expect([document.state, document.error?.code]).toEqual(['quarantined', 'PAGE_DUPLICATED']);
    expect(document.error?.message).toMatch(/page 1 of the 3-page E-14 more than once/);
    expect(document.formId).toBeNull();
    expect(await formsOfMesa(mesa)).toBe(before);
  }, 180_000);

  it('a second-round sheet sent for a first-round ballot is quarantined as TEMPLATE_MISMATCH; released, it still stores nothing', async () => {
    const mesa = keyOf(anza.header);
    const document = await sendAndSettle(anzaBytes, { mesa, corporation: 'PRESIDENTE' });
    expect([document.state, document.error?.code]).toEqual(['quarantined', 'TEMPLATE_MISMATCH']);
    expect(document.error?.message).toMatch(/printed candidate numbers|printed rules/);
    expect(document.formId).toBeNull();

    // No page of it shows the first round's layout, so none is read: released, it fails for good.
    expect((await release(document.id)).status).toBe(200);
    const released = await settled(baseUrl, admin, document.id, 120_000);
    expect([released.state, released.error?.code]).toEqual(['failed', 'TEMPLATE_MISMATCH']);
    expect(released.formId).toBeNull();
    expect(await formsOfMesa(mesa)).toBe(0);
  }, 240_000);

  it('page 1 with a page of another form is quarantined; released, its unread rows go to review and no crop is cut from it', async () => {
    const mesa = keyOf(cucuta.header);
    const anzaPdf = await PDFDocument.load(anzaBytes);
    const mixed = await PDFDocument.load(await pdfOf(cucutaPages.slice(0, 1)));
    const [foreign] = await mixed.copyPages(anzaPdf, [0]);
    mixed.addPage(foreign);
    const document = await sendAndSettle(await mixed.save(), { mesa, corporation: 'PRESIDENTE' });
    expect([document.state, document.error?.code]).toEqual(['quarantined', 'TEMPLATE_MISMATCH']);

    expect((await release(document.id)).status).toBe(200);
    const released = await settled(baseUrl, admin, document.id, 120_000);
    expect([released.state, released.error]).toEqual(['done', null]);
    expect(released.reading?.templateVerified).toBe(false);
    const { fields, tasks } = await storedForm(released.formId as number);
    // The rows of page 2 were never read: illegible, each a review task, never a 0.
    const pageTwo = ['blancos', 'nulos', 'noMarcados', 'sumaTotal', ...[8, 9, 10, 11, 12, 13].map((n) => `votes.${n}`)];
    expect(fields.filter((field) => pageTwo.includes(field.path)).map((field) => field.state)).toEqual(
      pageTwo.map(() => 'illegible'),
    );
    expect(pageTwo.filter((path) => !tasks.some((task) => task.path === path))).toEqual([]);
    // The cells of page 1 come from a reading whose layout was not verified: none is cut.
    const { rows } = await e14.app.pg.query<{ path: string }>(
      "SELECT path FROM e14_fields WHERE form_id = $1 AND crop ? 'documentHash'",
      [released.formId],
    );
    const cropped = tasks.filter((task) => rows.some((row) => row.path === task.path));
    expect(cropped.length).toBeGreaterThan(0);
    for (const task of cropped) {
      for (const image of ['crop', 'label-crop']) {
        const response = await get(e14, `/api/review/tasks/${task.id}/${image}`, admin);
        expect([response.statusCode, response.json().error.code]).toEqual([409, 'REVIEW_CROP_UNVERIFIED']);
      }
    }
    // Nor is its page drawn as an alert's evidence: its cells would sit on other rows.
    const page = await get(e14, `/api/e14/forms/${released.formId}/pages/1.png`, admin);
    expect([page.statusCode, page.json().error.code]).toEqual([409, 'FORM_PAGE_UNVERIFIED']);
  }, 240_000);
});
