import { readSheet } from '@castor/e14-sheets';
import { generateElection, NO_FAULTS } from '@castor/e14-synth';
import { createRng } from '@castor/seeded-random';
import { describe, expect, it } from 'vitest';
import { renderSheetPdf } from '../src/index.js';

/** Submissions of a synthetic election (e14-synth) rendered as sheets and read back. */
describe('sheets of an e14-synth election', () => {
  const election = generateElection({
    seed: 11,
    scale: { mesas: 12, departamentos: ['01'] },
    corporations: ['PRESIDENTE', 'SENADO'],
    presidentialRound: 2,
    faultRates: NO_FAULTS,
  });
  const sheets = [...election.sheets()];

  it.each(['PRESIDENTE', 'SENADO'] as const)(
    'renders and reads back a %s sheet with its candidates and codes',
    async (corporation) => {
      const generated = sheets.find((sheet) => sheet.corporation === corporation);
      if (!generated) throw new Error(`no ${corporation} sheet`);
      const submission = generated.submission('delegados');
      const candidates = election.divipol.candidates.filter((candidate) => candidate.corporation === corporation);
      const rendered = await renderSheetPdf(submission, { candidates }, {}, createRng(`synth-${corporation}`));
      expect(rendered.template.cells.map((cell) => cell.field)).toEqual(
        expect.arrayContaining(
          submission.votes.map(
            (vote) =>
              `votes.${vote.ballotNumber}${vote.candidateNumber === undefined ? '' : `-${vote.candidateNumber}`}`,
          ),
        ),
      );
      const reading = await readSheet(rendered.pdf, { templates: [rendered.template], readQr: false });
      expect(reading.header.mesa.value).toBe(submission.mesa.mesa);
      expect(reading.header.municipio.value).toBe(submission.mesa.municipio);
      expect(reading.transmissionCode.value).toBe(submission.transmissionCode);
      expect(reading.barcode?.slice(0, 9)).toBe(submission.barcode?.slice(0, 9));
      for (const page of reading.pages) expect(page.barcode?.check?.ok).toBe(true);
    },
  );
});
