import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type E14Submission, e14SubmissionSchema, type ReviewTask } from '@castor/contracts';
import { readReviewedSamples } from '@castor/digit-recognizer';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSheet } from '../../../src/domain/sheet.js';
import { get, post } from '../../support/fixtures.js';
import { listeningE14With, pipelineElection, processSheet, sheetsOf } from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

// A scanned sheet goes through the real pipeline (stored file, local reading, fusion, intake), so
// the crops and training samples are cut from a stored document exactly as the desk meets them.
const CODE = 'REVIEW-2026';
const election = pipelineElection(CODE, 4);
let e14: E14UnderTest;
let baseUrl: string;
let admin: string;
let submission: E14Submission;
let tasks: Array<{ id: number; path: string }>;

beforeAll(async () => {
  ({ e14, baseUrl, admin } = await listeningE14With(election));
  const [first] = sheetsOf(election, 1);
  if (!first) throw new Error('no sheet');
  submission = first;
  // Heavy over-writing: the corrections rule sends those cells to review whatever the recognizer reads.
  const document = await processSheet(baseUrl, admin, election, submission, {
    seed: 7,
    overwriteRate: 0.6,
    fields: { electionCode: CODE },
  });
  expect(document.state, JSON.stringify(document.errors)).toBe('done');
  const rows = await e14.app.pg.query<{ id: string; field_path: string }>(
    'SELECT id, field_path FROM review_tasks WHERE form_id = $1 ORDER BY id',
    [document.formId],
  );
  tasks = rows.rows.map((row) => ({ id: Number(row.id), path: row.field_path }));
}, 120_000);
afterAll(async () => e14?.close());

/** The value the sheet really holds at `path` (the synthetic truth it was rendered from). */
function truthAt(path: string): { value: number } | { empty: true } {
  const field = toSheet(e14SubmissionSchema.parse(submission)).fields.find((entry) => entry.path === path)?.field;
  if (!field) throw new Error(`no field ${path}`);
  return field.state === 'read' && field.value !== null ? { value: field.value } : { empty: true };
}

describe('crops and training samples from stored scans', () => {
  it('serves the PNG of a task cell cut from the stored document', async () => {
    expect(tasks.length).toBeGreaterThan(0);
    // The first task as a reviewer sees it, whether or not the export test below already closed it.
    const response = await get(e14, `/api/review/tasks/${tasks[0]?.id}`, (await e14.token('reviewer')).token);
    const task = response.json() as ReviewTask;
    expect(task.crop.url).toBe(`/api/review/tasks/${task.taskId}/crop`);
    expect(task.crop.ref?.documentHash).toMatch(/^[a-f0-9]{64}$/);
    const png = await get(e14, task.crop.url ?? '', admin);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    const meta = await sharp(png.rawPayload).metadata();
    expect({ width: meta.width, height: meta.height }).toEqual({
      width: task.crop.ref?.width,
      height: task.crop.ref?.height,
    });
    // The cell holds ink: the crop is the handwriting, not blank paper.
    const stats = await sharp(png.rawPayload).stats();
    expect(stats.channels[0]?.min).toBeLessThan(64);
    const again = await get(e14, task.crop.url ?? '', admin);
    expect(again.rawPayload.equals(png.rawPayload)).toBe(true);
  });

  it('exports every accepted value as a reviewed sample the trainer reads', async () => {
    for (const task of tasks) {
      const decided = await post(e14, `/api/review/tasks/${task.id}/decide`, admin, truthAt(task.path));
      expect(decided.statusCode, decided.body).toBe(200);
    }
    const response = await get(e14, '/api/review/training-samples', admin);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(response.headers['x-skipped-cells']).toBe('0');
    const lines = response.body.trim().split('\n');
    expect(lines).toHaveLength(tasks.length);
    const folder = await mkdtemp(join(tmpdir(), 'castor-reviewed-'));
    try {
      await writeFile(join(folder, 'review.ndjson'), response.body);
      const samples = await readReviewedSamples(folder);
      expect(samples.map((sample) => (sample.kind === 'cell' ? sample.value : null))).toEqual(
        tasks.map((task) => {
          const truth = truthAt(task.path);
          return 'value' in truth ? truth.value : 'empty';
        }),
      );
      // The sample's pixels are the crop a reviewer saw.
      const [first] = samples;
      const crop = await get(e14, `/api/review/tasks/${tasks[0]?.id}/crop`, admin);
      const { data } = await sharp(crop.rawPayload).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
      expect(first && Buffer.from(first.dataBase64, 'base64').equals(data)).toBe(true);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    const next = await get(
      e14,
      `/api/review/training-samples?afterTaskId=${response.headers['x-next-after-task-id']}`,
      admin,
    );
    expect(next.body).toBe('');
    expect((await get(e14, '/api/review/training-samples', (await e14.token('reviewer')).token)).statusCode).toBe(403);
  });
});
