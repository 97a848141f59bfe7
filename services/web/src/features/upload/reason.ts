import { t } from '../../i18n/es-CO';

/**
 * Why the API refused a file or the pipeline stopped a document, in words: the Spanish sentence
 * for its error code, else the API's own message (more telling here than a generic sentence).
 */
export function reasonOf(code: string, message: string): string {
  return (t.errors as Record<string, string>)[code] ?? message;
}
