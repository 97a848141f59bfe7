import type { PipelineStatus } from '@castor/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { ThreadModel } from '../../shared/sheet-threads/sheet-threads.js';
import type { ModelsRepository } from './models.repository.js';

/** The model this replica reads with, as GET /api/pipeline/status shows it. */
export type ModelInUse = NonNullable<PipelineStatus['model']>;

export interface ActiveModelDeps {
  repository: Pick<ModelsRepository, 'active' | 'modelText'>;
  /** Hands a new active model to the read threads. */
  use: (model: ThreadModel) => void;
  pollMs: number;
  log: FastifyBaseLogger;
}

/**
 * Follows the registry's active version: a cheap poll of the active row (its number and when it
 * became active), and the model itself loaded only when that changes, so every replica reads with
 * a promoted or rolled-back model within one poll, without a restart.
 */
export class ActiveModel {
  private current: ModelInUse | null = null;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly deps: ActiveModelDeps) {}

  get inUse(): ModelInUse | null {
    return this.current;
  }

  /** Looks at the active version now (concurrent calls share one look). */
  refresh(): Promise<void> {
    this.refreshing ??= this.look().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async look() {
    const active = await this.deps.repository.active();
    if (!active) return;
    const { version, source, promotedAt, evaluation, learnedFromCells } = active;
    const changed = this.current?.version !== version || this.current.promotedAt !== promotedAt;
    if (changed) {
      const json = source === 'trained' ? await this.deps.repository.modelText(version) : null;
      this.deps.use({ version, source, json });
      this.deps.log.info({ version, source }, 'recognizer model in use');
    }
    this.current = { version, source, promotedAt, evaluation, learnedFromCells };
  }

  start() {
    this.timer ??= setInterval(() => {
      this.refresh().catch((error: Error) => this.deps.log.warn({ err: error }, 'recognizer model poll failed'));
    }, this.deps.pollMs);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
