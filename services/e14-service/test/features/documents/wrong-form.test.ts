import { mesaKey } from '@castor/contracts';
import { generateElection } from '@castor/e14-synth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listeningE14With,
  pipelineElection,
  renderPdf,
  settled,
  sheetsOf,
  upload,
} from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

const CODE = 'WRONG-FORM-2026';
let e14: E14UnderTest;
let baseUrl: string;
let admin: string;
const election = pipelineElection(CODE);
// A Gobernación of the same territories: its barcode's corporation digit (1) is Presidente's too.
const gobernacion = generateElection({
  seed: 41,
  scale: { departamentos: ['01', '16'], municipios: 3, puestos: 4, mesas: 12 },
  corporations: ['GOBERNADOR'],
  electionCode: 'GOB-2027',
});

beforeAll(async () => {
  ({ e14, baseUrl, admin } = await listeningE14With(election));
});
afterAll(async () => e14?.close());

const formCount = async () =>
  (await e14.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM e14_forms')).rows[0]?.n ?? 0;

/** A Gobernador sheet printed for `mesa` of the Presidente election. */
async function gobernadorSheetFor(index: number): Promise<{ pdf: Uint8Array; mesa: string }> {
  const presidente = sheetsOf(election, index + 1)[index];
  const gobernador = [...gobernacion.submissions({ copies: ['delegados'] })][index];
  if (!presidente || !gobernador) throw new Error('no sheet');
  const wrong = { ...gobernador, mesa: presidente.mesa };
  return { pdf: await renderPdf(gobernacion, wrong, 100 + index), mesa: mesaKey(presidente.mesa) };
}

describe('a sheet of another corporation', () => {
  for (const [index, sent] of [
    [0, { corporation: 'PRESIDENTE' }],
    [1, {}],
  ] as const) {
    it(`is refused with TEMPLATE_MISMATCH, no form stored (corporation ${'corporation' in sent ? 'sent' : 'from the barcode'})`, async () => {
      const { pdf, mesa } = await gobernadorSheetFor(index);
      const before = await formCount();
      const response = await upload(baseUrl, admin, pdf, { electionCode: CODE, mesa, ...sent });
      expect(response.status).toBe(202);
      const { documentId } = (await response.json()) as { documentId: number };
      const document = await settled(baseUrl, admin, documentId);
      expect(document.state).toBe('failed');
      expect(document.formId).toBeNull();
      expect(document.error?.code).toBe('TEMPLATE_MISMATCH');
      expect(document.error?.message).toMatch(/PRESIDENTE/);
      expect(await formCount()).toBe(before);
    });
  }

  it('refuses a Senado sheet (same barcode digit, more pages) by its page count', async () => {
    const senado = generateElection({
      seed: 41,
      scale: { departamentos: ['01', '16'], municipios: 3, puestos: 4, mesas: 12 },
      corporations: ['SENADO'],
      electionCode: 'SEN-2026',
    });
    const [presidente] = sheetsOf(election, 1);
    const [sheet] = sheetsOf(senado, 1);
    if (!presidente || !sheet) throw new Error('no sheet');
    const pdf = await renderPdf(senado, { ...sheet, mesa: presidente.mesa }, 300);
    const before = await formCount();
    const response = await upload(baseUrl, admin, pdf, { electionCode: CODE, mesa: mesaKey(presidente.mesa) });
    const { documentId } = (await response.json()) as { documentId: number };
    const document = await settled(baseUrl, admin, documentId);
    expect(document.state).toBe('failed');
    expect(document.error?.code).toBe('TEMPLATE_MISMATCH');
    expect(document.error?.message).toMatch(/expected 2 pages, the barcode says 7;/);
    expect(await formCount()).toBe(before);
  });

  it('a Presidente sheet for the same election still reads and is stored', async () => {
    const [submission] = sheetsOf(election, 1);
    if (!submission) throw new Error('no sheet');
    const response = await upload(baseUrl, admin, await renderPdf(election, submission, 7), { electionCode: CODE });
    const { documentId } = (await response.json()) as { documentId: number };
    const document = await settled(baseUrl, admin, documentId);
    expect(document.error).toBeNull();
    expect(document.state).toBe('done');
    expect(document.formId).not.toBeNull();
  });
});
