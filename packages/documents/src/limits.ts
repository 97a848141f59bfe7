import { z } from 'zod';
import { DocumentError } from './errors.js';

/**
 * What one upload may hold. Bytes are checked before parsing, pages before any page is read and
 * characters as text is extracted (the reader stops at the limit, it never holds more), so an
 * oversized document costs little. DOCX entries are inflated by mammoth in memory, so their
 * declared uncompressed size is checked against `maxBytes` × `maxInflationRatio` first.
 */
export const documentLimitsSchema = z.object({
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  maxPages: z.number().int().positive().default(500),
  maxCharacters: z.number().int().positive().default(2_000_000),
  maxInflationRatio: z.number().positive().default(20),
});
export type DocumentLimits = z.infer<typeof documentLimitsSchema>;
export type DocumentLimitsInput = z.input<typeof documentLimitsSchema>;

export function tooLarge(limit: 'bytes' | 'pages' | 'characters' | 'uncompressedBytes', max: number, found: number) {
  return new DocumentError('DOCUMENT_TOO_LARGE', `The document exceeds the limit of ${max} ${limit}.`, {
    limit,
    max,
    found,
  });
}

/** Counts extracted characters against the limit as a reader goes, so it stops at the limit. */
export class CharacterBudget {
  private used = 0;
  constructor(private readonly max: number) {}

  spend(text: string): void {
    this.used += text.length;
    if (this.used > this.max) throw tooLarge('characters', this.max, this.used);
  }
}
