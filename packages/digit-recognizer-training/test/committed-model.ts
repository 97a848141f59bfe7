import { CellRecognizer, type Handwriting, loadModel } from '@castor/digit-recognizer';
import { beforeAll } from 'vitest';
import { type HandwritingRenderer, loadHandwritingRenderer } from '../src/index.js';

/** The handwriting renderer and a recognizer on the committed model. */
export interface CommittedModel {
  renderer: HandwritingRenderer;
  recognizer: CellRecognizer;
}

/**
 * For a test file: the renderer and the recognizer with the committed model for a way of writing
 * (the dot-filled forms' by default), loaded before its tests.
 */
export function committedModel(handwriting: Handwriting = 'dots'): CommittedModel {
  const loaded = {} as CommittedModel;
  beforeAll(async () => {
    loaded.renderer = await loadHandwritingRenderer();
    loaded.recognizer = new CellRecognizer(await loadModel({ handwriting }));
  });
  return loaded;
}
