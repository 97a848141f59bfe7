import type { auditExportResponseSchema } from '@castor/contracts';
import type { z } from 'zod';
import { type BrokenLink, checkEntries, GENESIS_HASH, publishedHeadOf } from '../../shared/audit-chain.js';
import { verifySignedAuditHead } from '../../shared/audit-head.js';

type ExportPage = z.output<typeof auditExportResponseSchema>;
type Head = { seq: number; hash: string };

export interface ExportVerification {
  ok: boolean;
  entries: number;
  head: Head;
  reached: Head;
  firstBroken: BrokenLink | null;
  /** The newest page's signed head: the head it exports, signed by the expected key? */
  signedHead: 'valid' | 'invalid' | 'unsigned' | 'absent';
  /** The head published earlier, and whether the exported chain still holds it. */
  publishedHead: (Head & { contained: boolean }) | null;
}

/**
 * Verifies export pages (GET /api/audit/export, in order, from seq 1) offline, with the same
 * chain check as GET /api/audit/verify; `publicKey` (base64 SPKI DER or PEM) pins the key the
 * signed head must verify with, else the key the head names is used (proving integrity only);
 * `headSeq` and `headHash` name a head published earlier, which the exported chain must hold.
 */
export function verifyExportPages(
  pages: readonly ExportPage[],
  options: { publicKey?: string; headSeq?: number; headHash?: string } = {},
): ExportVerification {
  // The newest page's head: entries must reach it exactly.
  const newest = pages.at(-1);
  const head = newest?.head ?? { seq: 0, hash: GENESIS_HASH };
  const published = publishedHeadOf(options);
  let position = { seq: 0, hash: GENESIS_HASH };
  let publishedHash = published?.seq === 0 ? GENESIS_HASH : undefined;
  let firstBroken: BrokenLink | null = null;
  for (const page of pages) {
    const { last, broken } = checkEntries(page.entries, position);
    position = last;
    if (broken) {
      firstBroken = broken;
      break;
    }
    publishedHash ??= page.entries.find((entry) => entry.seq === published?.seq)?.hash;
  }
  const signedHead = signedHeadState(newest, options.publicKey);
  const publishedHead = published ? { ...published, contained: publishedHash === published.hash } : null;
  const ok =
    !firstBroken &&
    position.seq === head.seq &&
    position.hash === head.hash &&
    signedHead !== 'invalid' &&
    (publishedHead?.contained ?? true);
  return { ok, entries: position.seq, head, reached: position, firstBroken, signedHead, publishedHead };
}

function signedHeadState(page: ExportPage | undefined, publicKey?: string): ExportVerification['signedHead'] {
  const signed = page?.signedHead;
  if (!signed) return 'absent';
  if (!signed.signed) return 'unsigned';
  const matches = signed.seq === page.head.seq && signed.hash === page.head.hash;
  return matches && verifySignedAuditHead(signed, publicKey) ? 'valid' : 'invalid';
}
