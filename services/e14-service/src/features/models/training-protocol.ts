import type { ModelEvaluation } from '@castor/contracts';

/** A cell crossing to the training thread: 8-bit gray pixels (0 = ink, 255 = paper), row-major. */
export interface ThreadCell {
  width: number;
  height: number;
  data: Uint8Array;
}

export type LabelledThreadCell = ThreadCell & { value: number | 'empty' };

/** Fine-tune `baseJson` on the train and calibration cells, then judge it against the base. */
export interface TrainRequest {
  kind: 'train';
  baseJson: string;
  version: number;
  seed: string;
  train: LabelledThreadCell[];
  calibration: LabelledThreadCell[];
  heldBack: LabelledThreadCell[];
  minHeldBack: number;
  threshold: number;
  syntheticCells: number;
  rehearsalCells: number;
}

export interface TrainReply {
  modelJson: string;
  alignedCells: number;
  skippedCells: number;
  seconds: number;
  evaluation: Omit<ModelEvaluation, 'previousVersion'>;
}

/** Read cells with a model: the re-reading of waiting review tasks after a promotion. */
export interface ReadRequest {
  kind: 'read';
  modelJson: string;
  cells: ThreadCell[];
  threshold: number;
}

export interface CellRereading {
  state: 'read' | 'empty' | 'illegible';
  value: number | null;
  confidence: number;
  /** Confident enough to leave review: legible, not over-written, at or above the threshold. */
  confident: boolean;
}

export type TrainingThreadRequest = { id: number } & (TrainRequest | ReadRequest);
export type TrainingThreadReply = { id: number } & (
  | { ok: true; result: TrainReply | CellRereading[] }
  | { ok: false; message: string }
);
