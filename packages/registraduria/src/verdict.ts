import { createHash } from 'node:crypto';

/**
 * What a downloaded body is, judged by its bytes only: the site answers HTTP 200 with an HTML page
 * for files it does not have, so the status code proves nothing.
 */
export type BodyVerdict =
  | { kind: 'pdf'; sha256: string; size: number }
  | { kind: 'truncated-pdf'; sha256: string; size: number }
  | { kind: 'not-pdf'; reason: 'html-page' | 'empty' | 'other'; sha256: string; size: number };

const PDF_MAGIC = Buffer.from('%PDF-');
const PDF_END = Buffer.from('%%EOF');
/** Readers accept trailing bytes after %%EOF; 1 KiB of slack is what PDF tools conventionally allow. */
const EOF_WINDOW = 1024;

export function judgeBody(body: Buffer): BodyVerdict {
  const sha256 = createHash('sha256').update(body).digest('hex');
  const size = body.length;
  if (body.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) {
    const complete = body.subarray(Math.max(0, size - EOF_WINDOW)).includes(PDF_END);
    return { kind: complete ? 'pdf' : 'truncated-pdf', sha256, size };
  }
  if (size === 0) return { kind: 'not-pdf', reason: 'empty', sha256, size };
  const head = body.subarray(0, 512).toString('latin1').trimStart().toLowerCase();
  const html = head.startsWith('<!doctype html') || head.startsWith('<html') || head.includes('<head');
  return { kind: 'not-pdf', reason: html ? 'html-page' : 'other', sha256, size };
}
