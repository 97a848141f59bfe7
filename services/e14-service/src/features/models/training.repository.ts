import type { RecognizerTrainingRun } from '@castor/contracts';
import type pg from 'pg';

/** The advisory lock one training cycle holds across replicas (its session's, so a crash frees it). */
const TRAINING_LOCK_KEY = 1_114_015;

type RunStatus = RecognizerTrainingRun['status'];

/** Where the labels stand for the next cycle. */
export interface TrainingCursor {
  /** The last review task the previous cycles consumed. */
  afterTaskId: number;
  /** Labels agreed by people since then, and the last of them. */
  newLabels: number;
  throughTaskId: number;
  /** When the last cycle started (any outcome), to keep cycles apart. */
  lastStartedAt: Date | null;
}

/** A stored reviewed cell, as a cycle trains and judges on it. */
export interface TrainingCellRow {
  taskId: number;
  split: 'train' | 'calibration' | 'held_back';
  value: number | 'empty';
  width: number;
  height: number;
  pixels: Buffer;
}

type RunRow = {
  id: string;
  status: RunStatus;
  trigger: RecognizerTrainingRun['trigger'];
  requested_by: string;
  started_at: Date;
  finished_at: Date | null;
  base_version: number;
  candidate_version: number | null;
  new_labels: number;
  cells: RecognizerTrainingRun['cells'];
  train_seconds: number | null;
  reread_closed: number;
  reason: string | null;
};

const toRun = (row: RunRow): RecognizerTrainingRun => ({
  id: Number(row.id),
  status: row.status,
  trigger: row.trigger,
  requestedBy: row.requested_by,
  startedAt: row.started_at.toISOString(),
  finishedAt: row.finished_at?.toISOString() ?? null,
  baseVersion: row.base_version,
  candidateVersion: row.candidate_version,
  newLabels: row.new_labels,
  cells: row.cells,
  trainSeconds: row.train_seconds,
  rereadClosed: row.reread_closed,
  reason: row.reason,
});

/**
 * The agreed review values a cycle learns from: tasks closed by people (two agreeing, or an admin)
 * with a read or empty value, on forms other than reviewer versions (they repeat their form's cells).
 */
const LABEL_TASKS = `FROM review_tasks t JOIN e14_forms f ON f.id = t.form_id
  WHERE t.status = 'done' AND t.resolution IN ('consensus', 'admin') AND t.resolved_state IN ('read', 'empty')
    AND f.source <> 'reviewer'`;

/** recognizer_training_runs and recognizer_training_cells: the cycles of continuous training and what they learn from. */
export class TrainingRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Runs `work` holding the training lock, or returns `busy` when another replica holds it. The
   * lock belongs to one connection kept for the cycle: if the process dies, PostgreSQL frees it.
   */
  async withLock<T>(work: () => Promise<T>): Promise<T | 'busy'> {
    const client = await this.pool.connect();
    try {
      const locked = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        TRAINING_LOCK_KEY,
      ]);
      if (!locked.rows[0]?.locked) return 'busy';
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [TRAINING_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  }

  /** Runs left `running` by a replica that stopped mid-cycle (only called under the lock). */
  async failInterrupted(): Promise<number> {
    const result = await this.pool.query(
      `UPDATE recognizer_training_runs SET status = 'failed', finished_at = now(),
         reason = 'interrupted: the replica running it stopped'
       WHERE status = 'running'`,
    );
    return result.rowCount ?? 0;
  }

  async cursor(): Promise<TrainingCursor> {
    const last = await this.pool.query<{ after: string | null; started: Date | null }>(
      `SELECT (SELECT max(labels_through_task_id) FROM recognizer_training_runs WHERE status <> 'failed') AS after,
              (SELECT max(started_at) FROM recognizer_training_runs) AS started`,
    );
    const afterTaskId = Number(last.rows[0]?.after ?? 0);
    const labels = await this.pool.query<{ count: string; last: string | null }>(
      `SELECT count(*) AS count, max(t.id) AS last ${LABEL_TASKS} AND t.id > $1`,
      [afterTaskId],
    );
    const row = labels.rows[0];
    return {
      afterTaskId,
      newLabels: Number(row?.count ?? 0),
      throughTaskId: Number(row?.last ?? afterTaskId),
      lastStartedAt: last.rows[0]?.started ?? null,
    };
  }

  async startRun(run: {
    trigger: RecognizerTrainingRun['trigger'];
    requestedBy: string;
    baseVersion: number;
    labelsThroughTaskId: number;
    newLabels: number;
  }): Promise<number> {
    const result = await this.pool.query<{ id: string }>(
      `INSERT INTO recognizer_training_runs (trigger, requested_by, base_version, labels_through_task_id, new_labels)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [run.trigger, run.requestedBy, run.baseVersion, run.labelsThroughTaskId, run.newLabels],
    );
    return Number(result.rows[0]?.id);
  }

  async finishRun(
    id: number,
    outcome: {
      status: Exclude<RunStatus, 'running'>;
      candidateVersion?: number;
      cells?: RecognizerTrainingRun['cells'];
      trainSeconds?: number;
      reason?: string;
    },
  ): Promise<void> {
    await this.pool.query(
      `UPDATE recognizer_training_runs SET status = $2, finished_at = now(), candidate_version = $3,
         cells = $4::jsonb, train_seconds = $5, reason = $6
       WHERE id = $1`,
      [
        id,
        outcome.status,
        outcome.candidateVersion ?? null,
        outcome.cells ? JSON.stringify(outcome.cells) : null,
        outcome.trainSeconds ?? null,
        outcome.reason ?? null,
      ],
    );
  }

  async recordReread(id: number, closed: number): Promise<void> {
    await this.pool.query('UPDATE recognizer_training_runs SET reread_closed = $2 WHERE id = $1', [id, closed]);
  }

  /** Stores cells cut from their scans (a cell already stored keeps its split). */
  async saveCells(cells: readonly TrainingCellRow[]): Promise<void> {
    if (cells.length === 0) return;
    await this.pool.query(
      `INSERT INTO recognizer_training_cells (task_id, split, value, width, height, pixels)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::int[], $5::int[], $6::bytea[])
       ON CONFLICT (task_id) DO NOTHING`,
      [
        cells.map((cell) => cell.taskId),
        cells.map((cell) => cell.split),
        cells.map((cell) => (cell.value === 'empty' ? null : cell.value)),
        cells.map((cell) => cell.width),
        cells.map((cell) => cell.height),
        cells.map((cell) => cell.pixels),
      ],
    );
  }

  /**
   * The most recent `limit` stored cells whose task is still a label (see LABEL_TASKS; a task
   * whose form was deleted no longer teaches anything).
   */
  async cells(limit: number): Promise<TrainingCellRow[]> {
    const result = await this.pool.query<{
      task_id: string;
      split: TrainingCellRow['split'];
      value: number | null;
      width: number;
      height: number;
      pixels: Buffer;
    }>(
      `SELECT c.task_id, c.split, c.value, c.width, c.height, c.pixels
       FROM recognizer_training_cells c
       WHERE c.task_id IN (SELECT t.id ${LABEL_TASKS})
       ORDER BY c.task_id DESC LIMIT $1`,
      [limit],
    );
    return result.rows.map((row) => ({
      taskId: Number(row.task_id),
      split: row.split,
      value: row.value ?? 'empty',
      width: row.width,
      height: row.height,
      pixels: row.pixels,
    }));
  }

  async runs(limit: number): Promise<RecognizerTrainingRun[]> {
    const result = await this.pool.query<RunRow>(
      `SELECT id, status, trigger, requested_by, started_at, finished_at, base_version, candidate_version,
              new_labels, cells, train_seconds, reread_closed, reason
       FROM recognizer_training_runs ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return result.rows.map(toRun);
  }
}
