import { DEFAULT_RULE_PARAMS, type E14Submission } from '@castor/contracts';
import {
  inspectDocument,
  loadLocalRecognizer,
  loadShippedTemplate,
  PRESIDENTE_2026_TEMPLATE_IDS,
  readSheet,
  type SheetReading,
} from '@castor/e14-sheets';
import { generateElection, NO_FAULTS } from '@castor/e14-synth';
import { createRng } from '@castor/seeded-random';
import { describe, expect, it } from 'vitest';
import { type RenderedSheet, renderSheetPdf } from '../src/index.js';

/**
 * The published Presidente 2026 forms drawn from their shipped templates (both rounds, regular
 * mesas and consulates), rendered from e14-synth elections and read back by the reader choosing
 * among every shipped Presidente template, as the service does.
 */
const templates = PRESIDENTE_2026_TEMPLATE_IDS.map((id) => loadShippedTemplate(id));
const recognizer = await loadLocalRecognizer();

function firstSheet(round: 1 | 2, departamento: string) {
  const election = generateElection({
    seed: 23,
    scale: { departamentos: [departamento], mesas: 3 },
    corporations: ['PRESIDENTE'],
    presidentialRound: round,
    faultRates: NO_FAULTS,
  });
  const [submission] = [...election.submissions({ copies: ['delegados'] })];
  if (!submission) throw new Error('no sheet');
  return { submission, candidates: election.divipol.candidates };
}

/** The rows as read do not add up to the suma total or to the urna less the incinerados. */
function sumsFail(reading: SheetReading): boolean {
  const values = new Map<string, number | null>();
  for (const { field, reading: read } of reading.fields)
    values.set(field, !read || read.state === 'illegible' ? null : read.state === 'empty' ? 0 : read.value);
  const known = [...values.values()].every((value) => value !== null);
  const of = (field: string) => values.get(field) ?? 0;
  const parts = [...values.keys()]
    .filter((field) => field.startsWith('votes.') || ['blancos', 'nulos', 'noMarcados'].includes(field))
    .reduce((sum, field) => sum + of(field), 0);
  return known && (parts !== of('sumaTotal') || parts !== of('nivelacion.urna') - of('nivelacion.incinerados'));
}

/**
 * The values wrong and not sent to a person: a value goes to a person below the default review
 * threshold, over-written or illegible, or when the rows do not add up (the service's printed_sum
 * and urn_sum rules send every summed row to review).
 */
function wrongNotReviewed(sheet: RenderedSheet, reading: SheetReading): string[] {
  const sumsReviewed = sumsFail(reading);
  return reading.fields.flatMap((field) => {
    const truth = sheet.truth.fields.find((candidate) => candidate.field === field.field);
    const read = field.reading;
    if (!truth || !read) return [`${field.field}: not read`];
    const right = read.state === truth.state && (read.state !== 'read' || read.value === truth.value);
    const reviewed =
      read.confidence < DEFAULT_RULE_PARAMS.confidenceThreshold ||
      read.overwritten ||
      read.state === 'illegible' ||
      (sumsReviewed && !field.field.startsWith('nivelacion.sufragantes'));
    return right || reviewed ? [] : [`${field.field}: ${read.value} for ${truth.value}`];
  });
}

describe('the Presidente 2026 layouts: render → read with the shipped templates', () => {
  it.each([
    { round: 1 as const, departamento: '05', id: 'presidente-2026-1v', pages: 3, rows: 13 },
    { round: 1 as const, departamento: '88', id: 'presidente-2026-1v-consulado', pages: 3, rows: 13 },
    { round: 2 as const, departamento: '05', id: 'presidente-2026-2v', pages: 2, rows: 2 },
    { round: 2 as const, departamento: '88', id: 'presidente-2026-2v-consulado', pages: 2, rows: 2 },
  ])('round $round at departamento $departamento is drawn as $id and read back by it', async (layout) => {
    const { submission, candidates } = firstSheet(layout.round, layout.departamento);
    const consulate = layout.departamento === '88';
    const drawn: E14Submission = consulate ? { ...submission, copy: 'consul_embajador' } : submission;
    expect(drawn.votes).toHaveLength(layout.rows);
    const sheet = await renderSheetPdf(drawn, { candidates }, {}, createRng(`layout-${layout.id}`));
    expect(sheet.template).toEqual(loadShippedTemplate(layout.id));
    const reading = await readSheet(sheet.pdf, { templates, recognizer, readQr: false });
    expect(reading.templateId).toBe(layout.id);
    expect(reading.templateVerified).toBe(true);
    expect(reading.pageCount).toBe(layout.pages);
    expect(reading.pageAccounting.missing).toEqual([]);
    expect(reading.header.departamento.value).toBe(drawn.mesa.departamento);
    expect(reading.header.municipio.value).toBe(drawn.mesa.municipio);
    expect(reading.header.mesa.value).toBe(drawn.mesa.mesa);
    expect(reading.transmissionCode.value).toBe(drawn.transmissionCode);
    for (const page of reading.pages) expect(page.barcode?.check?.ok).toBe(true);
    expect(reading.fields.map((field) => field.field).sort()).toEqual(sheet.truth.fields.map((f) => f.field).sort());
    expect(wrongNotReviewed(sheet, reading)).toEqual([]);
  });
});

describe('scan kinds', () => {
  const { submission, candidates } = firstSheet(2, '05');

  it.each([
    {
      scanKind: '1-bit' as const,
      plan: { bitsPerComponent: 1, colorSpace: 'DeviceGray', filter: 'FlateDecode' },
      scale: 1,
    },
    {
      scanKind: 'gray' as const,
      plan: { bitsPerComponent: 8, colorSpace: 'DeviceGray', filter: 'FlateDecode' },
      scale: 1,
    },
    {
      scanKind: 'color' as const,
      plan: { bitsPerComponent: 8, colorSpace: 'DeviceRGB', filter: 'DCTDecode' },
      scale: 1,
    },
    { scanKind: 'low-res' as const, plan: { bitsPerComponent: 1, colorSpace: 'DeviceGray' }, scale: 0.75 },
  ])('a $scanKind scan is one such image a page and reads back', async ({ scanKind, plan, scale }) => {
    const sheet = await renderSheetPdf(submission, { candidates }, { scanKind }, createRng(`kind-${scanKind}`));
    expect(sheet.uploads).toHaveLength(1);
    expect(sheet.uploads[0]).toBe(sheet.pdf);
    const inspected = await inspectDocument(sheet.pdf);
    for (const page of inspected.pages) {
      expect(page.plan).toMatchObject({ source: 'embedded-image', ...plan });
      expect(Math.abs((page.plan as { width: number }).width - 868 * scale)).toBeLessThan(868 * scale * 0.05);
    }
    const reading = await readSheet(sheet.pdf, { templates, recognizer, readQr: false });
    expect(reading.templateId).toBe('presidente-2026-2v');
    expect(reading.header.mesa.value).toBe(submission.mesa.mesa);
    expect(wrongNotReviewed(sheet, reading)).toEqual([]);
  });

  it('a photo scan is a phone photo (JPEG) of each page with numbers', async () => {
    const sheet = await renderSheetPdf(submission, { candidates }, { scanKind: 'photo' }, createRng('kind-photo'));
    expect(sheet.uploads).toHaveLength(1);
    for (const photo of sheet.uploads) expect(photo.subarray(0, 3)).toEqual(new Uint8Array([0xff, 0xd8, 0xff]));
    const reading = await readSheet(sheet.uploads[0] as Uint8Array, { templates, recognizer, readQr: false });
    expect(reading.kind).toBe('jpeg');
    expect(reading.templateId).toBe('presidente-2026-2v');
    expect(reading.header.mesa.value).toBe(submission.mesa.mesa);
    expect(wrongNotReviewed(sheet, reading)).toEqual([]);
  });
});
