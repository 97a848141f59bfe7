import type { ClaimsPacket, E14Submission } from '@castor/contracts';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post } from '../../support/fixtures.js';
import { listeningE14With, pipelineElection, processSheet, sheetsOf } from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

// A scanned sheet goes through the real pipeline (stored file, local reading, intake), so the page
// image is drawn from a stored document exactly as an alert's evidence meets it.
const CODE = 'PAGES-2026';
const election = pipelineElection(CODE, 4);
let e14: E14UnderTest;
let baseUrl: string;
let admin: string;
let scanned: { formId: number; mesaKey: string };
let dataFormId: number;

const pageUrl = (formId: number | string, page: number | string) => `/api/e14/forms/${formId}/pages/${page}.png`;

beforeAll(async () => {
  ({ e14, baseUrl, admin } = await listeningE14With(election));
  const [first, second] = sheetsOf(election, 2) as [E14Submission, E14Submission];
  // Over-written cells go to review: their desk crops are what the page's cells are compared with.
  const document = await processSheet(baseUrl, admin, election, first, {
    seed: 11,
    overwriteRate: 0.6,
    fields: { electionCode: CODE },
  });
  expect(document.state, JSON.stringify(document.errors)).toBe('done');
  scanned = { formId: document.formId as number, mesaKey: document.mesaKey as string };
  // Another mesa's copy sent as data (a partner's or a witness's numbers): no scan behind it.
  const stored = await post(e14, '/api/e14/forms', admin, second);
  expect(stored.statusCode, stored.body).toBe(201);
  dataFormId = stored.json().formId;
}, 120_000);
afterAll(async () => e14?.close());

/** Mean absolute difference of two gray images of the same size (0 = equal, 255 = inverse). */
async function difference(a: Buffer, b: Buffer): Promise<number> {
  const [left, right] = await Promise.all([a, b].map((png) => sharp(png).extractChannel(0).raw().toBuffer()));
  let sum = 0;
  for (let index = 0; index < (left as Buffer).length; index++)
    sum += Math.abs(((left as Buffer)[index] as number) - ((right as Buffer)[index] as number));
  return sum / (left as Buffer).length;
}

describe('GET /api/e14/forms/:formId/pages/:page.png', () => {
  it('draws a page of the stored scan in the coordinates of its cells, cached privately', async () => {
    // Both pages of the sheet asked for at once, as the evidence view does: drawn from one reading.
    const [response, second] = await Promise.all([1, 2].map((page) => get(e14, pageUrl(scanned.formId, page), admin)));
    if (!response || !second) throw new Error('no answer');
    expect(response.statusCode, response.body).toBe(200);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.rawPayload.equals(response.rawPayload)).toBe(false);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.headers['cache-control']).toBe('private, max-age=3600');
    const pageWidth = Number(response.headers['x-page-width']);
    const pageHeight = Number(response.headers['x-page-height']);
    expect(pageWidth).toBeGreaterThan(0);
    const meta = await sharp(response.rawPayload).metadata();
    expect(meta.width).toBeLessThanOrEqual(1_200);
    expect(Math.abs((meta.height ?? 0) / (meta.width ?? 1) - pageHeight / pageWidth)).toBeLessThan(0.01);

    // A cell of the claims packet, cut from the page where its CropRef says, is the cell the
    // review desk cuts from the same scan; a cell and a half lower it is not.
    const packet = await get(
      e14,
      `/api/claims/${scanned.mesaKey}?election=${CODE}&corporation=PRESIDENTE`,
      (await e14.token('analyst')).token,
    );
    const version = (packet.json() as ClaimsPacket).versions.find((candidate) => candidate.formId === scanned.formId);
    const tasks = await e14.app.pg.query<{ id: string; field_path: string }>(
      'SELECT id, field_path FROM review_tasks WHERE form_id = $1 ORDER BY id',
      [scanned.formId],
    );
    const task = tasks.rows.find((row) =>
      version?.fields.some((candidate) => candidate.path === row.field_path && candidate.crop?.page === 1),
    );
    const crop = version?.fields.find((candidate) => candidate.path === task?.field_path)?.crop;
    if (!task || !crop) throw new Error('no review task on a cell of page 1');
    const scale = (meta.width ?? 0) / pageWidth;
    const cut = (dy: number) =>
      sharp(response.rawPayload)
        .extract({
          left: Math.round(crop.x * scale),
          top: Math.round((crop.y + dy) * scale),
          width: Math.round(crop.width * scale),
          height: Math.round(crop.height * scale),
        })
        .resize(crop.width, crop.height, { fit: 'fill' })
        .png()
        .toBuffer();
    const cellPng = (await get(e14, `/api/review/tasks/${task.id}/crop`, admin)).rawPayload;
    const onTheCell = await difference(await cut(0), cellPng);
    expect(onTheCell).toBeLessThan(20);
    expect(onTheCell).toBeLessThan((await difference(await cut(crop.height * 1.5), cellPng)) / 2);
    // The page holds ink: printed rules and handwriting, not blank paper.
    const stats = await sharp(response.rawPayload).stats();
    expect(stats.channels[0]?.min).toBeLessThan(64);

    // Served again from the key-value store: the same bytes, without reading the scan again.
    const again = await get(e14, pageUrl(scanned.formId, 1), (await e14.token('reviewer')).token);
    expect(again.statusCode).toBe(200);
    expect(again.rawPayload.equals(response.rawPayload)).toBe(true);
  });

  it('answers 404 with a stable code for an unknown form, a page the scan lacks, or a form sent as data', async () => {
    const cases: Array<[string, string]> = [
      [pageUrl(9_999_999, 1), 'FORM_UNKNOWN'],
      [pageUrl(scanned.formId, 99), 'FORM_PAGE_UNKNOWN'],
      [pageUrl(dataFormId, 1), 'FORM_PAGE_UNKNOWN'],
    ];
    for (const [url, code] of cases) {
      const response = await get(e14, url, admin);
      expect([response.statusCode, response.json().error.code], url).toEqual([404, code]);
    }
    for (const url of [pageUrl(scanned.formId, 0), pageUrl(scanned.formId, 100), pageUrl('0x1', 1), pageUrl(1, '01')]) {
      const response = await get(e14, url, admin);
      expect([response.statusCode, response.json().error.code], url).toEqual([400, 'VALIDATION_FAILED']);
    }
  });

  it('is read by those who read alerts and claims packets, never by a witness', async () => {
    for (const role of ['analyst', 'reviewer'] as const) {
      expect((await get(e14, pageUrl(scanned.formId, 1), (await e14.token(role)).token)).statusCode, role).toBe(200);
    }
    for (const role of ['witness', 'viewer'] as const) {
      const response = await get(e14, pageUrl(scanned.formId, 1), (await e14.token(role)).token);
      expect([response.statusCode, response.json().error.code], role).toEqual([403, 'FORBIDDEN']);
    }
  });
});
