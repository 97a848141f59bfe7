import { type E14Submission, mesaKey } from '@castor/contracts';
import { generateElection, NO_FAULTS } from '@castor/e14-synth';
import { renderSheetPdf } from '@castor/e14-synth-sheets';
import { createRng } from '@castor/seeded-random';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { beforeAllStarted } from '../../support/lifecycle.js';
import { listeningE14With, settled } from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

/**
 * A witness photographs the first-round Presidente sheet page by page (its numbers are on two of
 * its three pages) and sends the photos together in one POST /api/e14/process: they are read as
 * one sheet, whatever their order; each photo alone is still a sheet with a page missing.
 */
const CODE = 'PHOTOS-1V';
const election = generateElection({
  seed: 73,
  scale: { departamentos: ['01'], municipios: 1, puestos: 1, mesas: 2 },
  corporations: ['PRESIDENTE'],
  presidentialRound: 1,
  faultRates: NO_FAULTS,
  electionCode: CODE,
});
const [inOrder, reversed] = [...election.submissions({ copies: ['delegados'] })] as [E14Submission, E14Submission];
const candidates = election.divipol.candidates.filter((candidate) => candidate.corporation === 'PRESIDENTE');

/** The phone photos (JPEG) of the pages holding numbers, and what was written on each page. */
async function photographed(submission: E14Submission, seed: string) {
  const rendered = await renderSheetPdf(
    submission,
    { candidates },
    { scanKind: 'photo', overwriteRate: 0 },
    createRng(seed),
  );
  const truth = new Map(rendered.truth.fields.map((field) => [field.field, field]));
  return { photos: rendered.uploads, truth, pdf: rendered.pdf };
}

let e14: E14UnderTest;
let baseUrl: string;
let admin: string;

beforeAllStarted(
  () => listeningE14With(election),
  (started) => {
    ({ e14, baseUrl, admin } = started);
  },
);

/** POST /api/e14/process with these files as "file" parts, in this order. */
function sendFiles(files: readonly Uint8Array[], fields: Record<string, string>): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [index, file] of files.entries()) form.append('file', new Blob([file]), `page-${index + 1}.jpg`);
  return fetch(`${baseUrl}/api/e14/process`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}` },
    body: form,
  });
}

async function accepted(response: Response): Promise<{ documentId: number; duplicate: boolean; sha256: string }> {
  expect(response.status, await response.clone().text()).toBe(202);
  return response.json() as Promise<{ documentId: number; duplicate: boolean; sha256: string }>;
}

const fieldsOf = (submission: E14Submission) => ({
  electionCode: CODE,
  corporation: 'PRESIDENTE',
  mesa: mesaKey(submission.mesa),
});

async function storedFields(formId: number) {
  const { rows } = await e14.app.pg.query<{ path: string; state: string; value: number | null }>(
    'SELECT path, state, value FROM e14_fields WHERE form_id = $1 ORDER BY path',
    [formId],
  );
  return new Map(rows.map((row) => [row.path, row]));
}

/** Paths written on page 2 of the form, among others: candidates 8 to 13 and the suma total. */
const PAGE_TWO = ['votes.8', 'votes.9', 'votes.10', 'votes.11', 'votes.12', 'votes.13', 'sumaTotal'];

/** Every field of both pages is stored; those of page 2 (and most of all) hold what was written. */
async function expectBothPagesStored(formId: number, truth: Awaited<ReturnType<typeof photographed>>['truth']) {
  const stored = await storedFields(formId);
  expect([...truth.keys()].filter((path) => !stored.has(path))).toEqual([]);
  expect(PAGE_TWO.filter((path) => truth.get(path)?.page !== 2)).toEqual([]);
  const written = (path: string) => {
    const field = truth.get(path);
    return field?.state === 'empty' ? null : field?.value;
  };
  const asWritten = (path: string) => {
    const field = stored.get(path);
    return field?.state === 'read' ? field.value === written(path) : field?.state === 'empty' && !written(path);
  };
  // A page never read stores its rows illegible: page 2's rows hold their numbers.
  expect(PAGE_TWO.filter((path) => !asWritten(path))).toEqual([]);
  expect([...truth.keys()].filter((path) => !asWritten(path)).length).toBeLessThanOrEqual(2);
}

describe('the photos of one sheet sent together in one request', () => {
  it("reads the two photos of a first-round sheet as one sheet, page 2's numbers too; each photo alone is PAGES_MISSING", async () => {
    const { photos, truth } = await photographed(inOrder, 'photos-in-order');
    expect(photos).toHaveLength(2);
    const sent = await accepted(await sendFiles(photos, fieldsOf(inOrder)));
    expect(sent.duplicate).toBe(false);
    const document = await settled(baseUrl, admin, sent.documentId, 120_000);
    expect([document.state, document.error]).toEqual(['done', null]);
    expect(document.reading?.templateId).toBe('presidente-2026-1v');
    await expectBothPagesStored(document.formId as number, truth);

    for (const [index, photo] of photos.entries()) {
      const alone = await settled(
        baseUrl,
        admin,
        (await accepted(await sendFiles([photo], fieldsOf(inOrder)))).documentId,
      );
      expect([alone.state, alone.error?.code]).toEqual(['quarantined', 'PAGES_MISSING']);
      expect(alone.error?.message).toMatch(new RegExp(`page ${2 - index} of the 3-page E-14 is missing`, 'i'));
      expect(alone.error?.message).toMatch(/the photos of its pages together in one request/);
    }
  }, 240_000);

  it('the same photos in the same order again are the same document', async () => {
    const { photos } = await photographed(inOrder, 'photos-in-order');
    const first = await accepted(await sendFiles(photos, fieldsOf(inOrder)));
    const again = await accepted(await sendFiles(photos, fieldsOf(inOrder)));
    expect(again.documentId).toBe(first.documentId);
    expect(again.duplicate).toBe(true);
    expect(again.sha256).toBe(first.sha256);
  }, 60_000);

  it('photos sent page 2 first are read by the page each shows', async () => {
    const { photos, truth } = await photographed(reversed, 'photos-reversed');
    const sent = await accepted(await sendFiles([...photos].reverse(), fieldsOf(reversed)));
    const document = await settled(baseUrl, admin, sent.documentId, 120_000);
    expect([document.state, document.error]).toEqual(['done', null]);
    await expectBothPagesStored(document.formId as number, truth);
    // Candidate 8 is on page 2 of the form, the stored file's first page.
    const { rows } = await e14.app.pg.query<{ page: string }>(
      "SELECT crop->>'page' AS page FROM e14_fields WHERE form_id = $1 AND path = 'votes.8'",
      [document.formId],
    );
    expect(rows).toEqual([{ page: '1' }]);
  }, 180_000);

  it('a photo the camera stored turned, with an EXIF orientation, is read upright', async () => {
    const { photos, truth } = await photographed(reversed, 'photos-turned');
    const [page1, page2] = photos as [Uint8Array, Uint8Array];
    // What a phone held upright stores: the pixels a quarter turn round, and EXIF 6 to turn them back.
    const turned = new Uint8Array(await sharp(page1).rotate(270).withMetadata({ orientation: 6 }).jpeg().toBuffer());
    expect((await sharp(turned).metadata()).orientation).toBe(6);
    const sent = await accepted(await sendFiles([turned, page2], fieldsOf(reversed)));
    const document = await settled(baseUrl, admin, sent.documentId, 120_000);
    expect([document.state, document.error]).toEqual(['done', null]);
    await expectBothPagesStored(document.formId as number, truth);
  }, 180_000);

  it('refuses more files than a sheet has pages with TOO_MANY_FILES, saying the most', async () => {
    const { photos } = await photographed(inOrder, 'photos-in-order');
    const five = [...photos, ...photos, photos[0] as Uint8Array];
    const response = await sendFiles(five, fieldsOf(inOrder));
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('TOO_MANY_FILES');
    expect(error.message).toMatch(/at most 4 files/);
  }, 60_000);

  it('refuses files each within the size limit but over it together with 413 FILE_TOO_LARGE', async () => {
    const half = new Uint8Array(6 * 1_048_576).fill(0xff);
    const response = await sendFiles([half, half], fieldsOf(inOrder));
    expect(response.status).toBe(413);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect([error.code, error.message]).toEqual(['FILE_TOO_LARGE', 'The files together are over 10 MB']);
  }, 60_000);

  it('refuses a PDF or a PNG among several files with 415 PAGE_NOT_JPEG', async () => {
    const { photos, pdf } = await photographed(inOrder, 'photos-in-order');
    const [page1] = photos as [Uint8Array];
    const png = new Uint8Array(await sharp(page1).png({ compressionLevel: 1 }).toBuffer());
    for (const [other, kind] of [
      [pdf, 'PDF'],
      [png, 'PNG'],
    ] as const) {
      const response = await sendFiles([page1, other], fieldsOf(inOrder));
      expect(response.status).toBe(415);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('PAGE_NOT_JPEG');
      expect(error.message).toMatch(new RegExp(`File 2 of 2 is a ${kind}`));
    }
  }, 60_000);
});
