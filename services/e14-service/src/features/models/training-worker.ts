import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { CellRecognizer, parseModel, serializeModel } from '@castor/digit-recognizer';
import {
  fineTuneModel,
  type GateSet,
  type HandwritingRenderer,
  isReviewed,
  judgeCandidate,
  type LabelledCell,
  loadHandwritingRenderer,
  type RoutingFigures,
  syntheticTestCells,
} from '@castor/digit-recognizer-training';
import type {
  CellRereading,
  LabelledThreadCell,
  ReadRequest,
  TrainingThreadReply,
  TrainingThreadRequest,
  TrainReply,
  TrainRequest,
} from './training-protocol.js';

/**
 * The training thread: fine-tunes and judges a candidate, and reads waiting cells with a promoted
 * model, off the event loop. It lowers its own scheduling priority first (on Linux a thread's nice
 * value is its own), so the read threads come first for the cores; what a cycle still costs reading
 * (V8's collector helpers and the memory bus are shared) is measured in bench/results/e14-training.json.
 */
const port = parentPort;
if (!port) throw new Error('training-worker runs as a worker thread');
try {
  setPriority(19);
} catch {
  // Not permitted here (some container runtimes): training still works, at normal priority.
}

let renderer: Promise<HandwritingRenderer> | null = null;
const synthetic = new Map<number, LabelledCell[]>();

const toCell = (cell: LabelledThreadCell): LabelledCell => ({
  image: { width: cell.width, height: cell.height, data: cell.data },
  value: cell.value,
});

async function train(request: TrainRequest): Promise<TrainReply> {
  const started = performance.now();
  renderer ??= loadHandwritingRenderer();
  const hand = await renderer;
  const base = parseModel(JSON.parse(request.baseJson));
  const { model, alignedCells, skippedCells } = fineTuneModel({
    base,
    version: request.version,
    seed: request.seed,
    train: request.train.map(toCell),
    calibration: request.calibration.map(toCell),
    renderer: hand,
    replayCells: request.rehearsalCells,
  });
  const testCells =
    synthetic.get(request.syntheticCells) ?? syntheticTestCells(hand, { cells: request.syntheticCells });
  synthetic.set(request.syntheticCells, testCells);
  const decision = judgeCandidate({
    previous: base,
    candidate: model,
    heldBack: request.heldBack.map(toCell),
    synthetic: testCells,
    minHeldBack: request.minHeldBack,
    threshold: request.threshold,
  });
  const { promote, reasons, threshold, heldBack, synthetic: syntheticSet } = decision;
  return {
    modelJson: serializeModel(model),
    alignedCells,
    skippedCells,
    seconds: (performance.now() - started) / 1000,
    evaluation: {
      decision: promote ? 'promoted' : 'rejected',
      reasons,
      threshold,
      heldBack: compared(heldBack),
      synthetic: compared(syntheticSet),
    },
  };
}

/** A set's figures as the contract stores them: the cell count once, beside both models. */
const figures = ({ cells: _cells, ...routed }: RoutingFigures) => routed;
const compared = (set: GateSet) => ({
  cells: set.cells,
  previous: figures(set.previous),
  candidate: figures(set.candidate),
});

function read(request: ReadRequest): CellRereading[] {
  const recognizer = new CellRecognizer(parseModel(JSON.parse(request.modelJson)));
  return request.cells.map((cell) => {
    const reading = recognizer.readCell({ width: cell.width, height: cell.height, data: cell.data });
    return {
      state: reading.state,
      value: reading.value,
      confidence: reading.confidence,
      confident: !isReviewed(reading, request.threshold),
    };
  });
}

port.on('message', async (request: TrainingThreadRequest) => {
  let reply: TrainingThreadReply;
  try {
    const result = request.kind === 'train' ? await train(request) : read(request);
    reply = { id: request.id, ok: true, result };
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
