import { readFileSync } from 'node:fs';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import { labelledNumber, labelsByPath, realSheetLabels } from '@castor/test-support/real-sheets';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalRecognizer,
  loadLocalRecognizer,
  loadShippedTemplate,
  PRESIDENTE_2026_TEMPLATE_IDS,
  readSheet,
  sheetToSubmission,
} from '../src/index.js';

/**
 * Each form is read with the model for how its jurados write (the template's `handwriting`): the
 * first-round 2026 sheets, with slashed zeros and 1s with a lead-in, with the model trained on those
 * habits; the dot-filled second-round sheets with the model that reads dots best. Either model on
 * the other's sheets loses values a person must then read (packages/digit-recognizer-training's
 * README has the figures); these two real sheets show it.
 */

const PRESIDENTE = PRESIDENTE_2026_TEMPLATE_IDS.map((id) => loadShippedTemplate(id));

async function pages(file: string, numbered: number[]): Promise<Uint8Array> {
  const source = await PDFDocument.load(readFileSync(`${E14_REAL_DIR}/${file}`));
  const doc = await PDFDocument.create();
  for (const page of await doc.copyPages(source, numbered)) doc.addPage(page);
  return doc.save();
}

/** The sheet's values as the local reader leaves them after the sheet's arithmetic, and which it confirmed. */
async function read(recognizer: LocalRecognizer, bytes: Uint8Array) {
  const reading = await readSheet(bytes, { templates: PRESIDENTE, recognizer, readQr: false });
  const { submission, confirmed } = sheetToSubmission(reading, { electionCode: 'PRESIDENTE-2026' });
  const { nivelacion, votes, blancos, nulos, noMarcados, sumaTotal } = submission;
  const values = new Map(
    Object.entries({
      'nivelacion.sufragantes': nivelacion.sufragantes,
      'nivelacion.urna': nivelacion.urna,
      'nivelacion.incinerados': nivelacion.incinerados,
      ...Object.fromEntries(votes.map((vote) => [`votes.${vote.ballotNumber}`, vote.votes])),
      blancos,
      nulos,
      noMarcados,
      ...(sumaTotal ? { sumaTotal } : {}),
    }).map(([path, field]) => [
      path,
      // A submission field is a number or a reading; an illegible one holds no value.
      typeof field === 'number' ? field : field.state === 'illegible' ? null : field.value,
    ]),
  );
  return { reading, values, confirmed };
}

describe('the model each Presidente form is read with', () => {
  let recognizer: LocalRecognizer;
  beforeAll(async () => {
    recognizer = await loadLocalRecognizer();
  });

  it('names the model of each way of writing', () => {
    expect(recognizer.modelVersion).toBe('dots: handwritten-v3, first-round-2026: handwritten-v4');
    expect(loadShippedTemplate('presidente-2026-1v').handwriting).toBe('first-round-2026');
    expect(loadShippedTemplate('presidente-2026-1v-consulado').handwriting).toBe('first-round-2026');
    expect(loadShippedTemplate('presidente-2026-2v').handwriting).toBe('dots');
  });

  it("reads the first-round consulate sheet's slashed zeros: 19 of its 20 values as labelled", async () => {
    const file = '2026-presidente-1v-consulado-barcelona-001.pdf';
    const labels = labelsByPath(realSheetLabels('labels-first-round.json').get(file) as never);
    const { reading, values } = await read(recognizer, await pages(file, [0, 1]));
    expect(reading.templateId).toBe('presidente-2026-1v-consulado');
    const right = [...labels].filter(([path, label]) => values.get(path) === labelledNumber(label));
    expect(right.length).toBeGreaterThanOrEqual(19);
  }, 60_000);

  it('reads the second-round Anzá sheet whole, every value confirmed by its sums', async () => {
    const file = '2026-presidente-anza.pdf';
    const labels = labelsByPath(realSheetLabels('labels.json').get(file) as never);
    const { reading, values, confirmed } = await read(recognizer, readFileSync(`${E14_REAL_DIR}/${file}`));
    expect(reading.templateId).toBe('presidente-2026-2v');
    expect(Object.fromEntries(values)).toEqual(
      Object.fromEntries([...labels].map(([path, label]) => [path, labelledNumber(label)])),
    );
    expect([...confirmed].sort()).toEqual([...labels.keys()].sort());
  }, 60_000);
});
