import type { IntakeResult, ValidationResult } from '@castor/contracts';
import type { Actor } from './actor.js';

/** One submission's fate in a batch: stored (or recognised as already stored), or refused with an error. */
export type ItemOutcome =
  | { ok: true; result: IntakeResult }
  | { ok: false; status: number; error: { code: string; message: string; details?: unknown } };

/**
 * What the document pipeline and the review desk need of intake: check a structured sheet, and store
 * sheets. The intake feature implements it; app.ts hands it to them, so neither imports intake.
 */
export interface FormIntake {
  validate(raw: unknown, actor: Actor): Promise<{ mesaKey: string; habilitados: number; validation: ValidationResult }>;
  submit(raws: readonly unknown[], actor: Actor, idempotencyKey?: string): Promise<ItemOutcome[]>;
}
