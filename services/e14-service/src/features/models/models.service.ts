import type { ModelRollbackResponse, RecognizerModel } from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ModelsRepository, NewModelVersion } from './models.repository.js';

/** The active version changing, by how: `promotion` (the gate) or `rollback` (an admin); the gate's decisions; training time. */
export class ModelMetrics {
  readonly changes: Counter<'change'>;
  readonly gateDecisions: Counter<'decision'>;
  readonly trainingSeconds: Histogram;

  constructor(registry: Registry) {
    this.changes = new Counter({
      name: 'e14_recognizer_model_changes_total',
      help: "Changes of the local recognizer's active model version, by change (promotion, rollback)",
      labelNames: ['change'] as const,
      registers: [registry],
    });
    // Both series exist from the start, so a rate over them is 0 rather than absent.
    for (const change of ['promotion', 'rollback']) this.changes.inc({ change }, 0);
    this.gateDecisions = new Counter({
      name: 'e14_recognizer_gate_decisions_total',
      help: "The gate's decisions on trained candidate models, by decision (promoted, rejected)",
      labelNames: ['decision'] as const,
      registers: [registry],
    });
    for (const decision of ['promoted', 'rejected']) this.gateDecisions.inc({ decision }, 0);
    this.trainingSeconds = new Histogram({
      name: 'e14_recognizer_training_seconds',
      help: 'Time to fine-tune and judge one candidate model (in the low-priority training thread)',
      buckets: [5, 15, 30, 60, 120, 300, 600, 1_800],
      registers: [registry],
    });
  }
}

export interface ModelsServiceDeps {
  repository: Pick<ModelsRepository, 'register' | 'list' | 'activate'>;
  metrics: ModelMetrics;
  /** This replica's active model changed: read with it now rather than at the next poll. */
  onActiveChanged: () => Promise<void>;
}

/** The registry of the local recognizer's model versions: listing, the first registration, rollback. */
export class ModelsService {
  constructor(private readonly deps: ModelsServiceDeps) {}

  list(): Promise<RecognizerModel[]> {
    return this.deps.repository.list();
  }

  /**
   * Registers `bundled` as the active version when the registry is empty (once, whatever the
   * replicas). Not audited: it is the state every registry starts from, not a change of it.
   */
  registerBundled(bundled: NewModelVersion): Promise<boolean> {
    return this.deps.repository.register(bundled, true);
  }

  /**
   * Makes an earlier (retired) version the active one again, audited; replicas pick it up at their
   * next poll. `actor` as the audit log names it ("<role>:<user id>", "system:cli"). A rejected version never reads, nor does a candidate the gate has not judged.
   */
  async rollback(actor: string, version: number): Promise<ModelRollbackResponse> {
    const activation = await this.deps.repository.activate(
      version,
      (model) => model.status === 'retired',
      (model, previousVersion) => ({
        actor,
        action: 'recognizer_model.rolled_back',
        entity: 'recognizer_model',
        entityId: String(model.version),
        before: { activeVersion: previousVersion },
        after: { activeVersion: model.version },
      }),
    );
    if (activation.outcome === 'unknown') throw httpError('MODEL_VERSION_UNKNOWN', `No model version ${version}`);
    if (activation.outcome === 'refused') {
      throw activation.model.status === 'rejected'
        ? httpError('MODEL_VERSION_REJECTED', `Model version ${version} was rejected by the gate; it never reads`)
        : httpError('MODEL_VERSION_NOT_GATED', `Model version ${version} is a candidate the gate has not judged yet`);
    }
    if (activation.outcome === 'replay') return { model: activation.model, previousVersion: null, replay: true };
    this.deps.metrics.changes.inc({ change: 'rollback' });
    await this.deps.onActiveChanged();
    return { model: activation.model, previousVersion: activation.previousVersion, replay: false };
  }
}
