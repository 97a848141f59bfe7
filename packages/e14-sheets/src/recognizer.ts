import { CellRecognizer, loadModel } from '@castor/digit-recognizer';
import type { CellReader } from './read-sheet.js';

/**
 * The local handwritten-digit recognizer of @castor/digit-recognizer with its committed model
 * (or the model file given). One per worker thread: the recognizer reuses its buffers.
 */
export async function loadLocalRecognizer(
  options: { modelPath?: string } = {},
): Promise<CellReader & { modelVersion: string }> {
  const model = await loadModel({ kind: 'handwritten', ...(options.modelPath ? { path: options.modelPath } : {}) });
  const recognizer = new CellRecognizer(model);
  return {
    modelVersion: `${model.metadata.kind}-v${model.metadata.version}`,
    readCell: (image) => recognizer.readCell(image),
  };
}
