import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type SheetTemplate, sheetTemplateSchema } from './schema.js';

/** Validates a template from any source (file, database, upload). */
export function parseTemplate(input: unknown): SheetTemplate {
  return sheetTemplateSchema.parse(input);
}

/** Shipped templates, by id, from the package's templates/ folder. */
export function loadShippedTemplate(id: string): SheetTemplate {
  if (!/^[a-z0-9][a-z0-9-]{2,80}$/.test(id)) throw new Error(`invalid template id ${id}`);
  const path = fileURLToPath(new URL(`../../templates/${id}.json`, import.meta.url));
  return parseTemplate(JSON.parse(readFileSync(path, 'utf8')));
}
