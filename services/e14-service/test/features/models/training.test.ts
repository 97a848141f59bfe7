import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentResponse, PipelineStatus, RecognizerModel, RecognizerTrainingResponse } from '@castor/contracts';
import { latestModelVersion, MODELS_DIRECTORY, modelFileName } from '@castor/digit-recognizer';
import { reviewedCellSplit } from '@castor/digit-recognizer-training';
import { renderSheetPdf } from '@castor/e14-synth-sheets';
import { createRng } from '@castor/seeded-random';
import { describe, expect, it } from 'vitest';
import { ModelsRepository } from '../../../src/features/models/models.repository.js';
import { beforeAllStarted } from '../../support/lifecycle.js';
import { listeningE14With, pipelineElection, settled, sheetsOf, upload } from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

const CODE = 'TRAINING-2026';
const BUNDLED = latestModelVersion('handwritten');
const SHEETS = 30;
const election = pipelineElection(CODE, SHEETS);
let e14: E14UnderTest;
let baseUrl: string;
let admin: string;

beforeAllStarted(
  () =>
    listeningE14With(election, {
      E14_MODEL_POLL_MS: '100',
      E14_TRAINING_ENABLED: 'true',
      // Cycles run when the test asks (POST /api/pipeline/training/run), never on their own.
      E14_TRAINING_CHECK_MS: '3600000',
      E14_TRAINING_MIN_HELD_BACK: '2',
      E14_TRAINING_REHEARSAL_CELLS: '300',
    }),
  (started) => {
    ({ e14, baseUrl, admin } = started);
  },
);

const call = async (path: string, token: string, body?: unknown) => {
  const response = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

/** Renders and uploads one sheet; returns the settled document and the value written in each cell. */
async function readSheet(index: number, seed: number) {
  const submission = sheetsOf(election, SHEETS)[index];
  if (!submission) throw new Error('no sheet');
  const candidates = election.divipol.candidates.filter((c) => c.corporation === submission.corporation);
  const sheet = await renderSheetPdf(
    submission,
    { candidates },
    { maxRotationDeg: 1.5 },
    createRng(`training-${seed}`),
  );
  const accepted = await upload(baseUrl, admin, sheet.pdf, { electionCode: CODE });
  expect(accepted.status).toBe(202);
  const document: DocumentResponse = await settled(
    baseUrl,
    admin,
    ((await accepted.json()) as { documentId: number }).documentId,
  );
  expect(document.state).toBe('done');
  return { document, truth: new Map(sheet.truth.fields.map((field) => [field.field, field.value])) };
}

type TaskRow = { id: number; form_id: number; field_path: string; status: string; resolution: string | null };
const tasksOf = async (formIds: number[]) =>
  (
    await e14.app.pg.query<TaskRow>(
      `SELECT id::int, form_id::int, field_path, status, resolution FROM review_tasks
       WHERE form_id = ANY($1::bigint[]) ORDER BY id`,
      [formIds],
    )
  ).rows;

/**
 * The admin closes a task with the value written on the sheet (an agreed review value), or with
 * `wrong` a different one (a desk that agreed on wrong values).
 */
async function decide(task: TaskRow, truth: ReadonlyMap<string, number | null>, wrong = false) {
  const written = truth.get(task.field_path) ?? null;
  const value = wrong ? ((written ?? 0) + 7) % 1000 : written;
  const answer = value === null ? { empty: true } : { value };
  const decided = await call(`/api/review/tasks/${task.id}/decide`, admin, answer);
  expect(decided.status, JSON.stringify(decided.json)).toBe(200);
}

/** Starts a cycle and waits for it to finish; returns its run. */
async function trainingCycle() {
  const before = ((await call('/api/pipeline/training', admin)).json as RecognizerTrainingResponse).runs.length;
  const started = await call('/api/pipeline/training/run', admin, {});
  expect(started.status).toBe(202);
  for (let polls = 0; ; polls++) {
    const state = (await call('/api/pipeline/training', admin)).json as RecognizerTrainingResponse;
    const run = state.runs[0];
    if (!state.running && state.runs.length > before && run && run.status !== 'running') return run;
    if (polls > 1_200) throw new Error('the training cycle never finished');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const models = async () => ((await call('/api/pipeline/models', admin)).json as { models: RecognizerModel[] }).models;
const modelInUse = async () => ((await call('/api/pipeline/status', admin)).json as PipelineStatus).model;
const audit = async (action: string) =>
  (
    await e14.app.pg.query<{ entity_id: string; actor: string; after: Record<string, unknown> }>(
      'SELECT entity_id, actor, after FROM audit_log WHERE action = $1 ORDER BY seq',
      [action],
    )
  ).rows;

describe('continuous training of the recognizer', () => {
  it('learns from agreed review values: a skipped cycle, a rejected candidate, a promotion, the waiting tasks re-read, the next sheet, a rollback', async () => {
    const analyst = (await e14.token('analyst')).token;
    expect((await call('/api/pipeline/training/run', analyst, {})).status).toBe(403);

    // Election night: sheets are read, their doubtful cells wait for review.
    const sheets = [];
    for (let index = 0; index < SHEETS - 1; index++) sheets.push(await readSheet(index, index));
    const truthOf = new Map(sheets.map(({ document, truth }) => [document.formId as number, truth]));
    const tasks = await tasksOf([...truthOf.keys()]);
    // Forms go to review because a cell was misread and their sums broke. A misread task is decided
    // illegible here (a person could not read it either: not a label), except in two forms whose
    // last correctly read task is left waiting for the re-reading, where it gets its value;
    // every other task gets its value (an agreed review value).
    const fields = await e14.app.pg.query<{ form_id: number; path: string; state: string; value: number | null }>(
      'SELECT form_id::int, path, state, value FROM e14_fields WHERE form_id = ANY($1::bigint[])',
      [[...truthOf.keys()]],
    );
    const misread = new Set(
      tasks
        .filter((task) => {
          const field = fields.rows.find((row) => row.form_id === task.form_id && row.path === task.field_path);
          const written = truthOf.get(task.form_id)?.get(task.field_path) ?? 0;
          return !field || field.state === 'illegible' || (field.state === 'read' ? field.value : 0) !== written;
        })
        .map((task) => task.id),
    );
    // (Their misread cells are labels, so none of them may be held back: the gate's few held-back
    // cells should say how a model reads a hand, not whether it repeats one blot.)
    const waitingForms = [...new Set(tasks.map((task) => task.form_id))]
      .filter((formId) => tasks.some((task) => task.form_id === formId && !misread.has(task.id)))
      .filter((formId) =>
        tasks.every(
          (task) =>
            task.form_id !== formId || !misread.has(task.id) || reviewedCellSplit(`task-${task.id}`) !== 'held_back',
        ),
      )
      .slice(-2);
    const waiting = waitingForms.map(
      (formId) => tasks.filter((task) => task.form_id === formId && !misread.has(task.id)).at(-1) as TaskRow,
    );
    expect(waiting.every(Boolean)).toBe(true);
    const illegible = tasks.filter((task) => misread.has(task.id) && !waitingForms.includes(task.form_id));
    const labelled = tasks.filter((task) => !waiting.includes(task) && !illegible.includes(task));
    expect(labelled.length).toBeGreaterThan(10);
    for (const task of illegible) {
      expect((await call(`/api/review/tasks/${task.id}/decide`, admin, { illegible: true })).status).toBe(200);
    }

    // Too few labels to hold any back: the cycle is skipped, nothing registered.
    const first = labelled.slice(0, 2);
    for (const task of first) await decide(task, truthOf.get(task.form_id) as Map<string, number | null>);
    const skipped = await trainingCycle();
    expect(skipped).toMatchObject({ status: 'skipped', candidateVersion: null });
    expect(skipped.reason).toContain('held-back');
    expect((await models()).map((model) => model.version)).toEqual([BUNDLED]);

    // Every other label agreed. The active version is set to two variants of the bundled weights in
    // turn (each registered as a retired version and made active by a rollback), to reach each
    // outcome of the gate by construction.
    for (const task of labelled.slice(2)) await decide(task, truthOf.get(task.form_id) as Map<string, number | null>);
    const bundled = JSON.parse(readFileSync(join(MODELS_DIRECTORY, modelFileName('handwritten', BUNDLED)), 'utf8'));
    const activate = async (version: number, calibration: { raw: number[]; calibrated: number[] }, note: string) => {
      const json = JSON.stringify({ ...bundled, calibration });
      const sha256 = hash('sha256', json, 'hex');
      const entry = {
        version,
        json,
        sha256,
        source: 'trained' as const,
        status: 'retired' as const,
        learnedFromCells: 0,
        note,
      };
      expect(await new ModelsRepository(e14.app.pg).register(entry, false)).toBe(true);
      expect((await call('/api/pipeline/model/rollback', admin, { version })).status).toBe(200);
    };

    // A version that sends every cell to review lets no wrong reading through: a candidate can only
    // replace it by reading every confident cell right, on 600 synthetic cells too. It must be rejected.
    const cautiousVersion = BUNDLED + 1;
    await activate(cautiousVersion, { raw: [0, 1], calibrated: [0.5, 0.5] }, 'everything to review');
    const judged = await trainingCycle();
    expect(judged).toMatchObject({ status: 'rejected', baseVersion: cautiousVersion, candidateVersion: BUNDLED + 2 });
    expect(judged.cells?.heldBack).toBeGreaterThanOrEqual(2);
    expect(judged.newLabels).toBe(labelled.length - 2);
    const candidate = (await models()).find((model) => model.version === judged.candidateVersion);
    const evaluation = candidate?.evaluation;
    if (!candidate || !evaluation) throw new Error('no evaluated candidate');
    expect(evaluation).toMatchObject({ decision: 'rejected', previousVersion: cautiousVersion, threshold: 0.7 });
    expect(evaluation.synthetic.previous).toMatchObject({ reviewed: 600, wrongUnreviewed: 0 });
    expect(evaluation.synthetic.candidate.wrongUnreviewed).toBeGreaterThan(0);
    expect(evaluation.reasons.join()).toContain('synthetic test set');
    expect(evaluation.heldBack.cells).toBe(judged.cells?.heldBack);
    expect(evaluation.synthetic.cells).toBe(600);
    expect(candidate.learnedFromCells).toBe((judged.cells?.train ?? 0) + (judged.cells?.calibration ?? 0));
    // Held-back cells are never trained on: each stored cell keeps the split of its task for good.
    const stored = await e14.app.pg.query<{ task_id: number; split: string }>(
      'SELECT task_id::int, split FROM recognizer_training_cells',
    );
    expect(stored.rows.filter((row) => row.split === 'held_back')).toHaveLength(judged.cells?.heldBack ?? -1);
    for (const row of stored.rows) expect(row.split).toBe(reviewedCellSplit(`task-${row.task_id}`));
    // Rejected: kept, never active, never made active by a rollback; audited.
    expect(candidate.status).toBe('rejected');
    expect((await modelInUse())?.version).toBe(cautiousVersion);
    const refused = await call('/api/pipeline/model/rollback', admin, { version: candidate.version });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ error: { code: 'MODEL_VERSION_REJECTED' } });
    expect(await audit('recognizer_model.rejected')).toMatchObject([
      { entity_id: String(candidate.version), after: { reasons: evaluation.reasons } },
    ]);

    // A broken version (its confidence map inverted: sure readings go to review, doubtful ones skip
    // it) is beaten on both counts by a candidate trained from the same labels: it is promoted.
    const weakVersion = BUNDLED + 3;
    await activate(weakVersion, { raw: [0, 1], calibrated: [1, 0] }, 'inverted confidence');
    const promotedRun = await trainingCycle();
    expect(promotedRun, promotedRun.reason ?? '').toMatchObject({
      status: 'promoted',
      baseVersion: weakVersion,
      candidateVersion: BUNDLED + 4,
      newLabels: 0,
    });
    const promoted = (await models()).find((model) => model.version === promotedRun.candidateVersion);
    if (!promoted?.evaluation) throw new Error('no promoted model');
    for (const set of [promoted.evaluation.heldBack, promoted.evaluation.synthetic]) {
      expect(set.candidate.wrongUnreviewed).toBeLessThanOrEqual(set.previous.wrongUnreviewed);
      expect(set.candidate.reviewed).toBeLessThanOrEqual(set.previous.reviewed);
    }
    expect(promoted.status).toBe('active');
    // The status shows the model in use, when it was promoted, its evaluation and what it learned from.
    expect(await modelInUse()).toEqual({
      version: promoted.version,
      source: 'trained',
      promotedAt: promoted.promotedAt,
      evaluation: promoted.evaluation,
      learnedFromCells: promoted.learnedFromCells,
    });
    expect(await audit('recognizer_model.promoted')).toMatchObject([
      { entity_id: String(promoted.version), actor: 'system:recognizer-training' },
    ]);

    // The waiting tasks the promoted model now reads with confidence left the queue, each with the
    // value written on the sheet, audited with the model's version.
    const afterPromotion = await tasksOf([...truthOf.keys()]);
    const closedByModel = afterPromotion.filter((task) => task.resolution === 'model');
    expect(closedByModel.length).toBe(promotedRun.rereadClosed);
    expect(closedByModel.length).toBeGreaterThan(0);
    expect(closedByModel.every((task) => waiting.some((w) => w.id === task.id))).toBe(true);
    const resolved = await e14.app.pg.query<{ id: number; resolved_state: string; resolved_value: number | null }>(
      'SELECT id::int, resolved_state, resolved_value FROM review_tasks WHERE resolution = $1',
      ['model'],
    );
    for (const row of resolved.rows) {
      const task = closedByModel.find((t) => t.id === row.id) as TaskRow;
      const truth = truthOf.get(task.form_id)?.get(task.field_path) ?? null;
      expect(row.resolved_state === 'empty' ? null : row.resolved_value).toBe(truth);
    }
    // Their forms closed: the reviewer version names the model that read the value, not a person.
    for (const task of closedByModel) {
      const stored = await e14.app.pg.query<{ read_by: string; value: number | null }>(
        `SELECT f.read_by, f.value FROM reviewed_forms r JOIN e14_fields f ON f.form_id = r.reviewed_form_id
         WHERE r.form_id = $1 AND f.path = $2`,
        [task.form_id, task.field_path],
      );
      expect(stored.rows).toEqual([
        {
          read_by: `system:recognizer-v${promoted.version}`,
          value: truthOf.get(task.form_id)?.get(task.field_path) ?? null,
        },
      ]);
    }
    expect((await audit('review.closed_by_model')).map((entry) => entry.actor)).toEqual(
      closedByModel.map(() => `system:recognizer-v${promoted.version}`),
    );
    // A model's own reading is never a label for the next cycle.
    const labels = await e14.app.pg.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM recognizer_training_cells c JOIN review_tasks t ON t.id = c.task_id WHERE t.resolution = 'model'",
    );
    expect(labels.rows[0]?.n).toBe(0);

    // The next sheet is read by the promoted model.
    const next = await readSheet(SHEETS - 1, 99);
    const versions = await e14.app.pg.query<{ model_version: number | null }>(
      "SELECT DISTINCT model_version FROM e14_fields WHERE form_id = $1 AND read_by LIKE 'castor-local%'",
      [next.document.formId],
    );
    expect(versions.rows).toEqual([{ model_version: promoted.version }]);

    const metrics = await (await fetch(`${baseUrl}/api/metrics`)).text();
    expect(metrics).toMatch(/e14_recognizer_gate_decisions_total\{[^}]*decision="promoted"[^}]*\} 1/);
    expect(metrics).toMatch(/e14_recognizer_gate_decisions_total\{[^}]*decision="rejected"[^}]*\} 1/);
    expect(metrics).toMatch(/e14_recognizer_model_changes_total\{[^}]*change="promotion"[^}]*\} 1/);

    // An admin rolls back to the bundled model: every replica reads with it again.
    const rolledBack = await call('/api/pipeline/model/rollback', admin, { version: BUNDLED });
    expect(rolledBack.status).toBe(200);
    expect((await modelInUse())?.version).toBe(BUNDLED);

    // On its own cadence a cycle waits for enough new labels: none arrived, nothing runs.
    const runsBefore = ((await call('/api/pipeline/training', admin)).json as RecognizerTrainingResponse).runs.length;
    await e14.training.runOnce('cadence', 'test');
    const state = (await call('/api/pipeline/training', admin)).json as RecognizerTrainingResponse;
    expect(state.runs.length).toBe(runsBefore);
  }, 600_000);
});
