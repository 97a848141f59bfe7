import { hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { latestModelVersion, MODELS_DIRECTORY, modelFileName, parseModel } from '@castor/digit-recognizer';
import type { NewModelVersion } from './models.repository.js';

/**
 * The highest handwritten-digit model committed in @castor/digit-recognizer (models/digits-v<N>.json),
 * as the registry's first active version N. Checked as a model before it is registered.
 */
export async function bundledModel(directory = MODELS_DIRECTORY): Promise<NewModelVersion> {
  const version = latestModelVersion('handwritten', directory);
  if (version === 0) throw new Error(`no handwritten-digit model in ${directory}`);
  const file = modelFileName('handwritten', version);
  const json = await readFile(join(directory, file), 'utf8');
  parseModel(JSON.parse(json));
  return {
    version,
    json,
    sha256: hash('sha256', json, 'hex'),
    source: 'bundled',
    status: 'active',
    learnedFromCells: 0,
    note: `${file}, committed with the service`,
  };
}
