/**
 * What writer adaptation adds on its own (issue 11): Presidente sheets of a synthetic election and
 * Senado and Cámara list sheets of another, each written by one jurado's hand (`hand: 'sheet'`),
 * are read once by `readSheet` with the committed recognizer, then turned into submissions twice —
 * with and without writer adaptation, the sheet's arithmetic on both times — and every value field
 * is compared with the truth. The two real second-round sheets go through the same way against
 * labels.json.
 *
 * A field counts as sent to review as e14-service sends it by its reading: illegible, over-written,
 * or read below the default `confidenceThreshold` (0.7). A sheet is fully confirmed when none of
 * its fields goes to review.
 *
 *   npx tsx packages/e14-synth-sheets/bench/writer-adaptation.ts --out bench/results/e14-writer-adaptation.json [--sheets N] [--list-sheets N]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Candidate, DEFAULT_RULE_PARAMS, type E14Submission, type MesaRef } from '@castor/contracts';
import { loadLocalRecognizer, loadShippedTemplate, readSheet, type SheetReading } from '@castor/e14-sheets';
import { generateElection, NO_FAULTS } from '@castor/e14-synth';
import { createRng } from '@castor/seeded-random';
import { z } from 'zod';
import { renderSheetPdf } from '../src/index.js';
import { emptyTally, type Outcome, score, type Tally, type Truth } from './sheet-scoring.js';

const REAL_DIR = '/work/shared/data/e14/real';
const REAL_FILES = ['2026-presidente-anza.pdf', '2026-presidente-turbo-a.pdf'];

export const writerAdaptationBenchOptionsSchema = z.object({
  out: z.string().min(1).optional(),
  sheets: z.number().int().min(1).max(2_000).default(60),
  seed: z.number().int().min(0).default(1111),
  /** Senado and Cámara sheets each: list sheets hold many more of the writer's glyphs. */
  listSheets: z.number().int().min(0).max(500).default(8),
});

/** labels.json's values of a real sheet by field path. */
function realTruth(file: string): Map<string, Truth> {
  const labels = JSON.parse(readFileSync(join(REAL_DIR, 'labels.json'), 'utf8'))[file];
  const value = (v: number | { value: number }) => ({ value: typeof v === 'number' ? v : v.value });
  const v = labels.values;
  return new Map([
    ['nivelacion.sufragantes', value(v.e11)],
    ['nivelacion.urna', value(v.urna)],
    ['nivelacion.incinerados', value(v.incinerados)],
    ['votes.1', value(v.candidates['1'])],
    ['votes.2', value(v.candidates['2'])],
    ['blancos', value(v.blanco)],
    ['nulos', value(v.nulos)],
    ['noMarcados', value(v.no_marcados)],
    ['sumaTotal', value(v.suma_total)],
  ]);
}

type Change = { sheet: string; path: string; truth: number; without: Outcome; with: Outcome };

/** Scores one read sheet both ways, and keeps the fields whose outcome adaptation changed. */
function compare(
  tallies: { without: Tally; with: Tally },
  changes: Change[],
  sheet: string,
  reading: SheetReading,
  truths: ReadonlyMap<string, Truth>,
  mesa: MesaRef,
) {
  const without = score(tallies.without, reading, truths, {
    electionCode: 'PRE-2026-2V',
    mesa,
    writerAdaptation: false,
  });
  const adapted = score(tallies.with, reading, truths, { electionCode: 'PRE-2026-2V', mesa, writerAdaptation: true });
  adapted.forEach((outcome, k) => {
    const before = without[k] as Outcome;
    if (before.right !== outcome.right || before.reviewed !== outcome.reviewed) {
      changes.push({
        sheet,
        path: outcome.path,
        truth: truths.get(outcome.path)?.value as number,
        without: before,
        with: outcome,
      });
    }
  });
}

export async function runWriterAdaptationBenchmark(input: z.input<typeof writerAdaptationBenchOptionsSchema> = {}) {
  const options = writerAdaptationBenchOptionsSchema.parse(input);
  const recognizer = await loadLocalRecognizer();
  const changes: Change[] = [];
  let readMs = 0;
  /** Renders each submission in one hand, reads it and scores it both ways. */
  const measure = async (
    name: string,
    submissions: readonly E14Submission[],
    candidates: (submission: E14Submission) => readonly Candidate[],
  ) => {
    const tallies = { without: emptyTally(), with: emptyTally() };
    for (const [index, submission] of submissions.entries()) {
      const { pdf, truth, template } = await renderSheetPdf(
        submission,
        { candidates: candidates(submission) },
        { hand: 'sheet' },
        createRng(`writer-${name}-${options.seed}-${index}`),
      );
      const started = performance.now();
      const reading = await readSheet(pdf, { templates: [template], recognizer, readQr: false });
      readMs += performance.now() - started;
      const truths = new Map(truth.fields.map((field) => [field.field, { value: field.value }]));
      compare(tallies, changes, `${name}-${index}`, reading, truths, submission.mesa);
    }
    return tallies;
  };

  const presidente = generateElection({
    seed: options.seed,
    scale: { departamentos: ['01', '16'], mesas: options.sheets },
    corporations: ['PRESIDENTE'],
    presidentialRound: 2,
    faultRates: NO_FAULTS,
    electionCode: 'WRITER-SYNTH',
  });
  const synthetic = await measure(
    'presidente',
    [...presidente.submissions({ copies: ['delegados'] })].slice(0, options.sheets),
    () => presidente.divipol.candidates,
  );
  const lists = generateElection({
    seed: options.seed,
    scale: { departamentos: ['01', '16'], mesas: Math.max(2, options.listSheets) },
    corporations: ['SENADO', 'CAMARA'],
    faultRates: NO_FAULTS,
    electionCode: 'WRITER-LISTS',
  });
  const listSubmissions = (['SENADO', 'CAMARA'] as const).flatMap((corporation) =>
    [...lists.submissions({ copies: ['delegados'] })]
      .filter((submission) => submission.corporation === corporation)
      .slice(0, options.listSheets),
  );
  const listSheets = await measure('lists', listSubmissions, (submission) =>
    lists.divipol.candidates.filter((candidate) => candidate.corporation === submission.corporation),
  );

  const real = { without: emptyTally(), with: emptyTally() };
  const template = loadShippedTemplate('presidente-2026-2v');
  for (const file of REAL_FILES) {
    const reading = await readSheet(new Uint8Array(readFileSync(join(REAL_DIR, file))), {
      templates: [template],
      recognizer,
      readQr: false,
    });
    const mesa = { departamento: '01', municipio: '000', zona: '00', puesto: '00', mesa: '001' };
    compare(real, changes, file, reading, realTruth(file), mesa);
  }
  const result = {
    benchmark: 'e14-writer-adaptation',
    measuredAt: new Date().toISOString(),
    corpus: {
      generator: '@castor/e14-synth',
      seed: options.seed,
      faults: 'none',
      presidente: `${options.sheets} Presidente second-round sheets (the published layout)`,
      lists: `${options.listSheets} Senado and ${options.listSheets} Cámara sheets (generic list layout, 5–8 pages)`,
      render:
        "renderSheetPdf defaults with hand: 'sheet' (one jurado writes every cell); rng writer-<corpus>-<seed>-<index>",
      reader: `readSheet with loadLocalRecognizer (${recognizer.modelVersion}); sheetToSubmission with the arithmetic, writerAdaptation false / true`,
      reviewed: `illegible, over-written or confidence below ${DEFAULT_RULE_PARAMS.confidenceThreshold}`,
      real: `${REAL_FILES.join(', ')} against labels.json (template presidente-2026-2v)`,
    },
    readSeconds: Math.round(readMs) / 1000,
    presidente: synthetic,
    lists: listSheets,
    real,
    changes,
  };
  if (options.out) writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      sheets: { type: 'string' },
      'list-sheets': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const result = await runWriterAdaptationBenchmark({
    ...(values.out ? { out: values.out } : {}),
    ...(values.sheets ? { sheets: Number(values.sheets) } : {}),
    ...(values['list-sheets'] ? { listSheets: Number(values['list-sheets']) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
  });
  const { presidente, lists, real, changes } = result;
  console.log(JSON.stringify({ presidente, lists, real, changes: changes.length }, null, 2));
}
