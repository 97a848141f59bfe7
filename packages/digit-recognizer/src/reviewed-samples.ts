import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type GlyphContext, isolatedGlyphContext } from './features.js';
import { candidateFromMask, type GlyphCandidate } from './glyph-candidate.js';
import { type GrayImage, INK_THRESHOLD } from './gray-image.js';
import { GLYPH_CLASSES, type GlyphClass } from './model.js';
import type { CellRecognizer, CellValue } from './recognizer.js';
import { decodeGlyphs } from './recognizer.js';

/**
 * Samples from the review desk, to grow the training set. A folder holds `*.ndjson` files, one
 * JSON object per line, of two kinds:
 *
 * - a reviewed cell: `{"kind":"cell","id":"…","value":27,"width":217,"height":82,
 *   "dataBase64":"…","digitHeight":48}` — `value` is the agreed number or "empty"; `dataBase64` is
 *   the crop as raw 8-bit gray pixels (0 = ink, 255 = paper), row-major, width × height bytes;
 *   `digitHeight` is optional, as for readCell.
 * - a single glyph: `{"kind":"glyph","id":"…","label":"7","width":30,"height":44,
 *   "dataBase64":"…","digitHeight":48,"overwritten":false}` — `label` is one of GLYPH_CLASSES.
 *
 * A reviewed cell is cut and classified as at inference, then the glyphs are labelled by the most
 * probable reading that gives the agreed value (forced alignment); a cell no such reading explains
 * (a segmentation failure) is skipped and counted. Real cells from evaluation sets must never be
 * put here.
 */

const MAX_SIDE = 4000;

const imageFields = {
  id: z.string().max(200).optional(),
  width: z.number().int().min(1).max(MAX_SIDE),
  height: z.number().int().min(1).max(MAX_SIDE),
  dataBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
};

export const reviewedCellSchema = z.object({
  kind: z.literal('cell'),
  ...imageFields,
  value: z.union([z.number().int().min(0).max(999), z.literal('empty')]),
  digitHeight: z.number().positive().max(MAX_SIDE).optional(),
});

export const reviewedGlyphSchema = z.object({
  kind: z.literal('glyph'),
  ...imageFields,
  label: z.enum(GLYPH_CLASSES),
  digitHeight: z.number().positive().max(MAX_SIDE),
  overwritten: z.boolean().default(false),
});

export const reviewedSampleSchema = z.discriminatedUnion('kind', [reviewedCellSchema, reviewedGlyphSchema]);
export type ReviewedSample = z.infer<typeof reviewedSampleSchema>;

export interface LabelledReviewedGlyph {
  candidate: GlyphCandidate;
  context: GlyphContext;
  label: GlyphClass;
  overwritten: boolean;
}

function decodeImage(sample: { width: number; height: number; dataBase64: string }, where: string): GrayImage {
  const bytes = Buffer.from(sample.dataBase64, 'base64');
  if (bytes.length !== sample.width * sample.height) {
    throw new Error(`${where}: dataBase64 holds ${bytes.length} bytes, expected ${sample.width}×${sample.height}`);
  }
  return { width: sample.width, height: sample.height, data: new Uint8Array(bytes) };
}

/** Encodes a cell crop as a reviewed-sample line (what the review desk writes). */
export function reviewedCellLine(
  image: GrayImage,
  value: CellValue,
  extra: { id?: string; digitHeight?: number } = {},
): string {
  const sample = {
    kind: 'cell' as const,
    ...extra,
    value,
    width: image.width,
    height: image.height,
    dataBase64: Buffer.from(image.data).toString('base64'),
  };
  return JSON.stringify(reviewedCellSchema.parse(sample));
}

/** Reads and validates every `*.ndjson` file of a folder. Throws naming the file and line of a bad record. */
export async function readReviewedSamples(directory: string): Promise<ReviewedSample[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.ndjson')).sort();
  const samples: ReviewedSample[] = [];
  for (const name of names) {
    const lines = (await readFile(join(directory, name), 'utf8')).split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const where = `${name}:${index + 1}`;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`${where}: not JSON`);
      }
      const parsed = reviewedSampleSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${where}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
      decodeImage(parsed.data, where);
      samples.push(parsed.data);
    });
  }
  return samples;
}

/** Labels of a reviewed cell's glyphs, or null when no reading of its glyphs gives the agreed value. */
export function alignReviewedCell(
  recognizer: CellRecognizer,
  sample: z.infer<typeof reviewedCellSchema>,
): LabelledReviewedGlyph[] | null {
  const image = decodeImage(sample, sample.id ?? 'reviewed cell');
  const options = sample.digitHeight === undefined ? {} : { digitHeight: sample.digitHeight };
  const { segmentation, candidates, predictions } = recognizer.classifyCell(image, options);
  const roles = decodeGlyphs(predictions).roles.get(sample.value);
  if (!roles) return null;
  const digits = sample.value === 'empty' ? '' : String(sample.value);
  // A reading of the value whose digits are not the value's own (a zero row written as a '0' read
  // as its filler, say) labels nothing for sure: the cell is skipped rather than mislabelled.
  if (roles.filter((role) => role === 'digit').length !== digits.length) return null;
  const { context } = segmentation;
  let nextDigit = 0;
  return candidates.map((candidate, i) => {
    const role = roles[i];
    const prediction = predictions[i];
    let label: GlyphClass = 'blank';
    if (role === 'digit') label = digits[nextDigit++] as GlyphClass;
    else if (role === 'filler' && prediction) {
      label =
        (prediction.probabilities[GLYPH_CLASSES.indexOf('dash')] as number) >
        (prediction.probabilities[GLYPH_CLASSES.indexOf('dot')] as number)
          ? 'dash'
          : 'dot';
    }
    return { candidate, context, label, overwritten: false };
  });
}

/** Turns reviewed samples into labelled glyphs; cells go through alignment with `recognizer`. */
export function labelReviewedSamples(
  samples: readonly ReviewedSample[],
  recognizer: CellRecognizer | null,
): { glyphs: LabelledReviewedGlyph[]; skippedCells: number } {
  const glyphs: LabelledReviewedGlyph[] = [];
  let skipped = 0;
  for (const sample of samples) {
    if (sample.kind === 'glyph') {
      const image = decodeImage(sample, sample.id ?? 'reviewed glyph');
      const candidate = candidateFromMask(
        Uint8Array.from(image.data, (value) => (value <= INK_THRESHOLD ? 1 : 0)),
        image.width,
        image.height,
      );
      glyphs.push({
        candidate,
        context: isolatedGlyphContext(candidate, sample.digitHeight, candidate.box.height),
        label: sample.label,
        overwritten: sample.overwritten,
      });
      continue;
    }
    const aligned = recognizer ? alignReviewedCell(recognizer, sample) : null;
    if (aligned) glyphs.push(...aligned);
    else skipped++;
  }
  return { glyphs, skippedCells: skipped };
}
