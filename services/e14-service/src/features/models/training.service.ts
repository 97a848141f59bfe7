import { hash } from 'node:crypto';
import { DEFAULT_RULE_PARAMS, type RecognizerTrainingResponse, type RecognizerTrainingRun } from '@castor/contracts';
import type { GrayImage } from '@castor/digit-recognizer';
import { reviewedCellSplit } from '@castor/digit-recognizer-training';
import { httpError } from '@castor/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import type { ModelsRepository } from './models.repository.js';
import type { ModelMetrics } from './models.service.js';
import type { TrainingCellRow, TrainingRepository } from './training.repository.js';
import type { LabelledThreadCell, ThreadCell } from './training-protocol.js';
import { TrainingThread } from './training-thread.js';

export interface TrainingSettings {
  enabled: boolean;
  minNewLabels: number;
  minIntervalMs: number;
  checkMs: number;
  minHeldBack: number;
  maxCells: number;
  rereadMax: number;
  threadHeapMb: number;
  /** Cells of the gate's synthetic test set. */
  syntheticCells: number;
  rehearsalCells: number;
}

/** What the review desk gives training (wired in app.ts: features do not import each other). */
export interface ReviewDesk {
  /** Agreed review values after a task, with their cells as the recognizer saw them. */
  reviewedCells(
    afterTaskId: number,
    limit: number,
  ): Promise<{ cells: { taskId: number; image: GrayImage; value: number | 'empty' }[]; last: number }>;
  /** Cells of waiting tasks a better model may close. */
  rereadableCells(limit: number): Promise<{ taskId: number; formId: number; image: GrayImage }[]>;
  /**
   * Closes a form's waiting tasks with a model's confident readings, all or none (every open task
   * of the form, and the form's sums agreeing); returns how many closed.
   */
  closeFormByModel(
    formId: number,
    readings: { taskId: number; answer: { state: 'read' | 'empty'; value: number | null } }[],
    modelVersion: number,
  ): Promise<number>;
}

export interface TrainingDeps {
  repository: TrainingRepository;
  models: Pick<ModelsRepository, 'active' | 'modelText' | 'nextVersion' | 'registerTrained'>;
  desk: ReviewDesk;
  metrics: ModelMetrics;
  /** The active model changed: this replica reads with it now (the others at their next poll). */
  onActiveChanged: () => Promise<void>;
  settings: TrainingSettings;
  log: FastifyBaseLogger;
}

/** Cells of the gate's synthetic test set (held-out faces; about 1 s to draw, kept by the thread). */
export const GATE_SYNTHETIC_CELLS = 600;

/** Reviewed cells extracted from their scans per page of tasks. */
const EXTRACT_PAGE = 200;
const TRAINER = 'system:recognizer-training';

/**
 * Continuous training: when enough agreed review values have arrived (and the minimum interval
 * has passed), one replica (under a PostgreSQL advisory lock) cuts their cells from the scans,
 * fine-tunes the active model on them in a low-priority thread, and lets the gate judge the
 * candidate on held-back reviewed cells and the synthetic test set. A promoted model reads the
 * next sheets on every replica within one poll, and reads the cells of waiting review tasks again:
 * those it now reads with confidence leave the queue, audited. Every step is in the runs table.
 */
export class TrainingService {
  private timer: NodeJS.Timeout | null = null;
  private cycle: Promise<void> | null = null;

  constructor(private readonly deps: TrainingDeps) {}

  start() {
    if (!this.deps.settings.enabled) return;
    this.timer ??= setInterval(() => {
      if (!this.cycle) this.launch('cadence', TRAINER);
    }, this.deps.settings.checkMs);
    this.timer.unref();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.cycle;
  }

  async state(): Promise<RecognizerTrainingResponse> {
    const { settings, repository } = this.deps;
    return {
      enabled: settings.enabled,
      running: this.cycle !== null,
      minNewLabels: settings.minNewLabels,
      minIntervalMinutes: Math.round(settings.minIntervalMs / 60_000),
      runs: await repository.runs(20),
    };
  }

  /** An admin asks for a cycle now, whatever the cadence says; it runs in the background. */
  requestRun(actor: string): { started: true; message: string } {
    if (!this.deps.settings.enabled) {
      throw httpError('TRAINING_DISABLED', 'Continuous training is switched off (E14_TRAINING_ENABLED=false)');
    }
    if (this.cycle) throw httpError('TRAINING_RUNNING', 'A training cycle is running on this replica');
    this.launch('manual', actor);
    return { started: true, message: 'Training cycle started: GET /api/pipeline/training shows its outcome' };
  }

  /** Runs one cycle now and waits for it (tests, the CLI). */
  async runOnce(trigger: RecognizerTrainingRun['trigger'], actor: string): Promise<void> {
    this.launch(trigger, actor);
    await this.cycle;
  }

  private launch(trigger: RecognizerTrainingRun['trigger'], actor: string) {
    this.cycle ??= this.guardedCycle(trigger, actor).finally(() => {
      this.cycle = null;
    });
  }

  private async guardedCycle(trigger: RecognizerTrainingRun['trigger'], actor: string) {
    try {
      const outcome = await this.deps.repository.withLock(() => this.runCycle(trigger, actor));
      if (outcome === 'busy') this.deps.log.info('a training cycle runs on another replica');
    } catch (error) {
      this.deps.log.error({ err: error }, 'training cycle failed');
    }
  }

  private async runCycle(trigger: RecognizerTrainingRun['trigger'], actor: string) {
    const { repository, models, settings, log } = this.deps;
    const interrupted = await repository.failInterrupted();
    if (interrupted > 0)
      log.warn({ runs: interrupted }, 'training runs interrupted by a stopped replica marked failed');
    const cursor = await repository.cursor();
    if (trigger === 'cadence') {
      const tooSoon =
        cursor.lastStartedAt !== null && Date.now() - cursor.lastStartedAt.getTime() < settings.minIntervalMs;
      if (cursor.newLabels < settings.minNewLabels || tooSoon) return;
    }
    const active = await models.active();
    const baseJson = active ? await models.modelText(active.version) : null;
    if (!active || !baseJson) return;
    const runId = await repository.startRun({
      trigger,
      requestedBy: actor,
      baseVersion: active.version,
      labelsThroughTaskId: cursor.throughTaskId,
      newLabels: cursor.newLabels,
    });
    log.info({ runId, trigger, newLabels: cursor.newLabels, baseVersion: active.version }, 'training cycle started');
    let thread: TrainingThread | null = null;
    try {
      await this.extractCells(cursor.afterTaskId, cursor.throughTaskId);
      const cells = await repository.cells(settings.maxCells);
      const bySplit = {
        train: [] as LabelledThreadCell[],
        calibration: [] as LabelledThreadCell[],
        held_back: [] as LabelledThreadCell[],
      };
      for (const cell of cells) bySplit[cell.split].push(toThreadCell(cell));
      const counts = {
        train: bySplit.train.length,
        calibration: bySplit.calibration.length,
        heldBack: bySplit.held_back.length,
      };
      if (counts.heldBack < settings.minHeldBack) {
        await repository.finishRun(runId, {
          status: 'skipped',
          cells: counts,
          reason: `only ${counts.heldBack} held-back reviewed cells: the gate needs ${settings.minHeldBack} to judge a candidate`,
        });
        return;
      }
      const version = await models.nextVersion();
      thread = new TrainingThread(settings.threadHeapMb);
      const trained = await thread.train({
        baseJson,
        version,
        seed: `castor-continuous-${version}`,
        train: bySplit.train,
        calibration: bySplit.calibration,
        heldBack: bySplit.held_back,
        minHeldBack: settings.minHeldBack,
        threshold: DEFAULT_RULE_PARAMS.confidenceThreshold,
        syntheticCells: settings.syntheticCells,
        rehearsalCells: settings.rehearsalCells,
      });
      const learnedFromCells = counts.train + counts.calibration;
      const registered = await models.registerTrained(
        {
          version,
          json: trained.modelJson,
          sha256: hash('sha256', trained.modelJson, 'hex'),
          learnedFromCells,
          note: `fine-tuned from v${active.version} on ${trained.alignedCells} reviewed cells (${trained.skippedCells} not aligned), calibrated with ${counts.calibration}; judged on ${counts.heldBack} held-back`,
        },
        { ...trained.evaluation, previousVersion: active.version },
        TRAINER,
      );
      const evaluation = registered.model.evaluation;
      this.deps.metrics.gateDecisions.inc({ decision: registered.promoted ? 'promoted' : 'rejected' });
      this.deps.metrics.trainingSeconds.observe(trained.seconds);
      await repository.finishRun(runId, {
        status: registered.promoted ? 'promoted' : 'rejected',
        candidateVersion: version,
        cells: counts,
        trainSeconds: trained.seconds,
        ...(evaluation && evaluation.reasons.length > 0 ? { reason: evaluation.reasons.join('; ') } : {}),
      });
      log.info(
        { runId, version, promoted: registered.promoted, reasons: evaluation?.reasons },
        'training cycle judged',
      );
      if (!registered.promoted) return;
      this.deps.metrics.changes.inc({ change: 'promotion' });
      await this.deps.onActiveChanged();
      const closed = await this.reread(thread, trained.modelJson, version);
      await repository.recordReread(runId, closed);
    } catch (error) {
      await repository.finishRun(runId, { status: 'failed', reason: (error as Error).message });
      throw error;
    } finally {
      await thread?.close();
    }
  }

  /** Cuts the cells of the labels that arrived since the last cycle from their scans, once. */
  private async extractCells(afterTaskId: number, throughTaskId: number) {
    let after = afterTaskId;
    while (after < throughTaskId) {
      const { cells, last } = await this.deps.desk.reviewedCells(after, EXTRACT_PAGE);
      await this.deps.repository.saveCells(
        cells.map(
          (cell): TrainingCellRow => ({
            taskId: cell.taskId,
            split: reviewedCellSplit(`task-${cell.taskId}`),
            value: cell.value,
            width: cell.image.width,
            height: cell.image.height,
            pixels: Buffer.from(cell.image.data),
          }),
        ),
      );
      if (last <= after) break;
      after = last;
    }
  }

  /**
   * The promoted model reads the cells of waiting tasks again; a form whose every waiting cell it
   * now reads with confidence, and whose sums agree with those values, leaves review (audited, with
   * the version). Never the other way: nothing accepted goes back to review.
   */
  private async reread(thread: TrainingThread, modelJson: string, version: number): Promise<number> {
    const { desk, settings } = this.deps;
    if (settings.rereadMax === 0) return 0;
    const waiting = await desk.rereadableCells(settings.rereadMax);
    if (waiting.length === 0) return 0;
    const readings = await thread.read({
      modelJson,
      cells: waiting.map(({ image }): ThreadCell => ({ width: image.width, height: image.height, data: image.data })),
      threshold: DEFAULT_RULE_PARAMS.confidenceThreshold,
    });
    const byForm = new Map<number, Parameters<ReviewDesk['closeFormByModel']>[1]>();
    for (const [index, reading] of readings.entries()) {
      const task = waiting[index];
      if (!task || !reading.confident || reading.state === 'illegible') continue;
      const answer =
        reading.state === 'empty'
          ? { state: 'empty' as const, value: null }
          : { state: 'read' as const, value: reading.value };
      byForm.set(task.formId, [...(byForm.get(task.formId) ?? []), { taskId: task.taskId, answer }]);
    }
    let closed = 0;
    for (const [formId, answers] of byForm) closed += await desk.closeFormByModel(formId, answers, version);
    this.deps.log.info(
      { version, waiting: waiting.length, closed },
      'waiting review tasks re-read by the promoted model',
    );
    return closed;
  }
}

const toThreadCell = (cell: TrainingCellRow): LabelledThreadCell => ({
  width: cell.width,
  height: cell.height,
  data: new Uint8Array(cell.pixels),
  value: cell.value,
});
