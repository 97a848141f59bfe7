import { CellRecognizer, type DigitModel, HANDWRITINGS, type Handwriting, loadModel } from '@castor/digit-recognizer';
import type { CellReader } from './read-sheet.js';
import type { SheetTemplate } from './template/schema.js';

/**
 * The local handwritten-digit recognizer of @castor/digit-recognizer: for each layout, a reader
 * with the committed model for how that form's jurados write (the template's `handwriting`), or
 * the one model (a file, or a model already decoded, e.g. from a service's model registry) given
 * for every layout. Pass it as `readSheet`'s `recognizer`. One per worker thread: each recognizer
 * reuses its buffers.
 */
export type LocalRecognizer = ((template: SheetTemplate) => CellReader) & {
  /** The model each way of writing is read with, e.g. "dots: handwritten-v3, first-round-2026: handwritten-v4". */
  modelVersion: string;
};

const versionOf = (model: DigitModel) => `${model.metadata.kind}-v${model.metadata.version}`;

export async function loadLocalRecognizer(
  options: { modelPath?: string; model?: DigitModel } = {},
): Promise<LocalRecognizer> {
  const { modelPath, model: given } = options;
  const models = await Promise.all(
    HANDWRITINGS.map(async (handwriting) => {
      const model = given ?? (await loadModel(modelPath ? { path: modelPath } : { kind: 'handwritten', handwriting }));
      return [handwriting, model] as const;
    }),
  );
  // One recognizer per model file, shared by the ways of writing it reads.
  const byModel = new Map<DigitModel, CellReader>();
  const readers = new Map<Handwriting, CellReader>();
  for (const [handwriting, model] of models) {
    let reader = byModel.get(model);
    if (!reader) {
      const recognizer = new CellRecognizer(model);
      reader = { readCell: (image) => recognizer.readCell(image) };
      byModel.set(model, reader);
    }
    readers.set(handwriting, reader);
  }
  const forTemplate = (template: SheetTemplate) => readers.get(template.handwriting) as CellReader;
  const modelVersion =
    modelPath || given
      ? versionOf(models[0]?.[1] as DigitModel)
      : models.map(([handwriting, model]) => `${handwriting}: ${versionOf(model)}`).join(', ');
  return Object.assign(forTemplate, { modelVersion });
}
