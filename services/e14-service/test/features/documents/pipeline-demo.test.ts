import { mesaKey } from '@castor/contracts';
import { generateElection } from '@castor/e14-synth';
import { processDemoSheets } from '@castor/e14-synth-sheets/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDivipol, listeningE14, renderPdf, settled, upload } from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let baseUrl: string;
let admin: string;

beforeAll(async () => {
  ({ e14, baseUrl, admin } = await listeningE14());
});
afterAll(async () => e14?.close());

describe('demo sheets through the pipeline', () => {
  it('renders first-round Presidente sheets, uploads them, and they end stored with review tasks', async () => {
    // The demo election's shape (Presidente first round: the 13 candidates of the published form), smaller.
    const election = generateElection({
      seed: 2026,
      scale: { departamentos: ['01'], municipios: 2, puestos: 3, mesas: 8 },
      corporations: ['PRESIDENTE', 'CAMARA'],
      electionCode: 'DEMO-PIPE',
    });
    const imported = await importDivipol(baseUrl, admin, election.divipol);
    expect(imported.status).toBe(200);

    const report = await processDemoSheets({ baseUrl, token: admin }, { election, count: 4 });
    expect(report.documents).toHaveLength(4);
    expect(report.documents.filter((document) => document.fault)).toHaveLength(1);
    const documents = await Promise.all(
      report.documents.map((document) => settled(baseUrl, admin, document.documentId)),
    );
    for (const document of documents) {
      expect(document.error).toBeNull();
      expect(document.state).toBe('done');
      expect(document.reading?.templateId).toBe('presidente-2026-1v');
    }
    const tasks = await e14.app.pg.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM review_tasks WHERE form_id = ANY($1::bigint[])',
      [documents.map((document) => document.formId)],
    );
    expect(tasks.rows[0]?.n).toBeGreaterThan(0);
    // A sheet sent without its mesa and corporation: read from its header and barcode.
    const [, , , , , fifth] = [...election.submissions({ copies: ['claveros'] })].filter(
      (sheet) => sheet.corporation === 'PRESIDENTE',
    );
    if (!fifth) throw new Error('no sheet');
    const bare = await upload(baseUrl, admin, await renderPdf(election, fifth, 77), { electionCode: 'DEMO-PIPE' });
    expect(bare.status).toBe(202);
    const found = await settled(baseUrl, admin, ((await bare.json()) as { documentId: number }).documentId);
    expect(found).toMatchObject({
      state: 'done',
      corporation: 'PRESIDENTE',
      mesaKey: mesaKey(fifth.mesa),
      copy: 'claveros',
    });

    // Uploading the same demo again changes nothing: same files, same documents.
    const again = await processDemoSheets({ baseUrl, token: admin }, { election, count: 4 });
    expect(again.documents.every((document) => document.duplicate)).toBe(true);
  });
});
