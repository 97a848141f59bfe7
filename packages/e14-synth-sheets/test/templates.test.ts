import type { E14Submission } from '@castor/contracts';
import { loadShippedTemplate, readSheet } from '@castor/e14-sheets';
import { createRng } from '@castor/seeded-random';
import { describe, expect, it } from 'vitest';
import { renderSheetPdf } from '../src/index.js';
import { concejoVotes } from './concejo-votes.js';

const SHIPPED = ['presidente-2026-2v', 'concejo-generic-demo', 'gobernador-generic-demo'];

describe('shipped templates', () => {
  it('picks the shipped Concejo template among several for a Concejo sheet, by page count and fit', async () => {
    const submission: E14Submission = {
      schemaVersion: 2,
      electionCode: 'TER-2027',
      corporation: 'CONCEJO',
      copy: 'delegados',
      source: 'ocr',
      mesa: { departamento: '01', municipio: '034', zona: '00', puesto: '00', mesa: '004' },
      nivelacion: { sufragantes: 300, urna: 300, incinerados: 0 },
      // Row i of each preferente list holds i votes: a list of n candidates totals n(n+1)/2.
      ...concejoVotes(9, (_, candidate) => candidate),
      blancos: 1,
      nulos: 1,
      noMarcados: 1,
      sumaTotal: 300,
    };
    const rendered = await renderSheetPdf(submission, {}, {}, createRng('pick'));
    const reading = await readSheet(rendered.pdf, { templates: SHIPPED.map(loadShippedTemplate), readQr: false });
    expect(reading.templateId).toBe('concejo-generic-demo');
    expect(reading.fields).toHaveLength(53);
    expect(reading.header.mesa.value).toBe('004');
    expect(reading.pages.every((page) => (page.registration?.quality.score ?? 0) > 0.8)).toBe(true);
  });
});
