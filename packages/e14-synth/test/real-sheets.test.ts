import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BARCODE_CORPORATION_DIGIT, type E14Submission, e14SubmissionSchema } from '@castor/contracts';
import { E14_REAL_DIR } from '@castor/test-support/fixtures';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateElection } from '../src/index.js';
import { perMesaFailures } from './e14-rules.js';

/** Two real 2026 second-round sheets read by eye (packages/test-support/fixtures/e14). */
const LABELS = join(E14_REAL_DIR, 'labels.json');
const cellSchema = z.union([z.number().int(), z.object({ value: z.number().int(), empty: z.literal(true) })]);
const realSheetSchema = z.object({
  pages: z.number().int(),
  header: z.object({
    departamento: z.string(),
    municipio: z.string(),
    zona: z.string(),
    puesto: z.string(),
    mesa: z.string(),
    corporacion: z.string(),
  }),
  transmission_code: z.string(),
  values: z.object({
    e11: z.number().int(),
    urna: z.number().int(),
    incinerados: cellSchema,
    candidates: z.record(z.string(), z.number().int()),
    blanco: cellSchema,
    nulos: cellSchema,
    no_marcados: cellSchema,
    suma_total: z.number().int(),
  }),
});
const realSheets = Object.entries(JSON.parse(readFileSync(LABELS, 'utf8')) as Record<string, unknown>)
  .filter(([name]) => name.endsWith('.pdf'))
  .map(([name, sheet]) => ({ name, sheet: realSheetSchema.parse(sheet) }));

const asField = (cell: z.infer<typeof cellSchema>) =>
  typeof cell === 'number' ? cell : { state: 'empty' as const, value: null, confidence: 1, overwritten: false };

describe('the 2026 second round matches the real sheets', () => {
  const election = generateElection({ seed: 1, scale: 'demo', corporations: ['PRESIDENTE'], presidentialRound: 2 });

  it('the reference rules accept both real sheets (they are honest)', () => {
    expect(realSheets).toHaveLength(2);
    for (const { name, sheet } of realSheets) {
      const submission: E14Submission = e14SubmissionSchema.parse({
        schemaVersion: 2,
        electionCode: 'PRE-2026-2V',
        corporation: 'PRESIDENTE',
        mesa: sheet.header,
        copy: 'delegados',
        source: 'reviewer',
        nivelacion: {
          sufragantes: sheet.values.e11,
          urna: sheet.values.urna,
          incinerados: asField(sheet.values.incinerados),
        },
        votes: Object.entries(sheet.values.candidates).map(([ballot, votes]) => ({
          ballotNumber: Number(ballot),
          votes,
        })),
        blancos: asField(sheet.values.blanco),
        nulos: asField(sheet.values.nulos),
        noMarcados: asField(sheet.values.no_marcados),
        sumaTotal: sheet.values.suma_total,
      });
      expect([...perMesaFailures(submission, 400)], name).toEqual([]);
    }
  });

  it('has the same ballot, page count, barcode layout and transmission code format', () => {
    const candidates = election.divipol.candidates;
    expect(candidates.map((c) => [c.ballotNumber, c.name])).toEqual([
      [1, 'IVÁN CEPEDA CASTRO'],
      [2, 'ABELARDO DE LA ESPRIELLA'],
    ]);
    expect(election.divipol.election.date).toBe('2026-06-21');
    const first = election.sheets().next();
    if (first.done) throw new Error('no sheet');
    const generated = first.value.submission('delegados');
    for (const { sheet } of realSheets) {
      expect(generated.votes.map((row) => String(row.ballotNumber))).toEqual(Object.keys(sheet.values.candidates));
      expect(generated.pageCount).toBe(sheet.pages);
      expect(generated.transmissionCode).toMatch(/^X \d-\d{2}-\d{2}-\d{2} X$/);
      expect(sheet.transmission_code).toMatch(/^X \d-\d{2}-\d{2}-\d{2} X$/);
    }
    // 7, corporation 1, six-digit kit, copy 2 (delegados), 01, page 01, page count 02: like 710103222010102.
    expect(generated.barcode).toMatch(new RegExp(`^7${BARCODE_CORPORATION_DIGIT.PRESIDENTE}\\d{6}2010102$`));
  });
});
