import { CellRecognizer, loadModel } from '@castor/digit-recognizer';
import { beforeAll } from 'vitest';
import { type HandwritingRenderer, loadHandwritingRenderer } from '../src/index.js';

/** The handwriting renderer and a recognizer on the committed model. */
export interface CommittedModel {
  renderer: HandwritingRenderer;
  recognizer: CellRecognizer;
}

/** For a test file: the renderer and the committed model's recognizer, loaded before its tests. */
export function committedModel(): CommittedModel {
  const loaded = {} as CommittedModel;
  beforeAll(async () => {
    loaded.renderer = await loadHandwritingRenderer();
    loaded.recognizer = new CellRecognizer(await loadModel());
  });
  return loaded;
}
