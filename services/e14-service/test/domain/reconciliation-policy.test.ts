import { describe, expect, it } from 'vitest';
import {
  type FormSummary,
  reconcile,
  reviewedFormOf,
  reviewSourceRef,
  uploadSourceRef,
  witnessUploadOf,
} from '../../src/domain/reconciliation-policy.js';

const STATUSES = ['validated', 'needs_review', 'failed_rules'] as const;
/** The sources whose reading a reviewer can review (every source but the reviewer's own). */
const READ_SOURCES = ['ocr', 'witness', 'partner'] as const;

/** A form of copy delegados whose candidate 1 got `votes`. */
function form(
  id: number,
  source: FormSummary['source'],
  status: FormSummary['status'],
  votes: number,
  extra: Partial<FormSummary> = {},
): FormSummary {
  return {
    id,
    copy: 'delegados',
    source,
    version: 1,
    status,
    minConfidence: source === 'reviewer' ? 1 : 0.4,
    reviewOf: null,
    upload: null,
    sufragantes: 100,
    urna: 100,
    incinerados: null,
    blancos: 2,
    nulos: 1,
    noMarcados: 1,
    votes: new Map([
      [1, votes],
      [2, 40],
    ]),
    ...extra,
  };
}

describe('reconcile: a reviewed reading supersedes the reading it reviewed', () => {
  for (const readSource of READ_SOURCES) {
    for (const readStatus of STATUSES) {
      for (const reviewedStatus of STATUSES) {
        it(`${readSource} ${readStatus} reviewed into a ${reviewedStatus} version: the reviewed version is the truth`, () => {
          const read = form(10, readSource, readStatus, 50);
          const reviewed = form(11, 'reviewer', reviewedStatus, 58, { reviewOf: read.id });
          for (const forms of [
            [read, reviewed],
            [reviewed, read],
          ]) {
            const decided = reconcile(forms, []);
            expect(decided?.truth.id).toBe(reviewed.id);
            // The misread is no longer a reading of its copy: it differs from nothing.
            expect(decided?.copiesDiffer).toBeNull();
            expect(decided?.status).toBe(reviewedStatus);
            expect(decided?.superseded).toEqual([{ formId: read.id, by: reviewed.id }]);
          }
        });
      }
    }
  }

  it('keeps ranking the readings nobody reviewed as before: status, then source', () => {
    for (const otherSource of READ_SOURCES) {
      for (const reviewedStatus of STATUSES) {
        const read = form(10, 'ocr', 'needs_review', 50);
        const reviewed = form(11, 'reviewer', reviewedStatus, 58, { reviewOf: read.id });
        const other = form(12, otherSource, 'validated', 58, { copy: 'claveros' });
        const decided = reconcile([read, reviewed, other], []);
        // A validated reading of another copy still outranks a reviewed version that fails a rule.
        expect(decided?.truth.id).toBe(reviewedStatus === 'validated' ? reviewed.id : other.id);
        expect(decided?.copiesDiffer).toBeNull();
      }
    }
  });

  it('supersedes only the form named: a reviewer version does not hide other forms of its copy', () => {
    const read = form(10, 'ocr', 'needs_review', 50);
    const reviewed = form(11, 'reviewer', 'failed_rules', 58, { reviewOf: read.id });
    const witness = form(12, 'witness', 'validated', 50);
    const decided = reconcile([read, reviewed, witness], []);
    expect(decided?.truth.id).toBe(witness.id);
    expect(decided?.superseded).toEqual([{ formId: read.id, by: reviewed.id }]);
  });

  it('follows a chain of reviews to the last one', () => {
    const read = form(10, 'ocr', 'needs_review', 50);
    const first = form(11, 'reviewer', 'needs_review', 57, { reviewOf: read.id });
    const second = form(12, 'reviewer', 'failed_rules', 58, { reviewOf: first.id });
    const decided = reconcile([second, read, first], []);
    expect(decided?.truth.id).toBe(second.id);
    expect(decided?.superseded).toEqual([
      { formId: read.id, by: first.id },
      { formId: first.id, by: second.id },
    ]);
  });

  it('compares the reviewed version, not the misread, with the official feeds', () => {
    const read = form(10, 'ocr', 'needs_review', 50);
    const reviewed = form(11, 'reviewer', 'failed_rules', 58, { reviewOf: read.id });
    const escrutinio = { ...form(0, 'ocr', 'validated', 58), urna: null };
    const decided = reconcile([read, reviewed], [{ source: 'escrutinio', numbers: escrutinio }]);
    expect(decided?.officialDiffers).toBeNull();
    expect(decided?.status).toBe('failed_rules');
  });
});

describe('the form a reviewer version corrects', () => {
  it('is read from the sourceRef the review desk writes, and only for reviewer versions', () => {
    expect(reviewedFormOf('reviewer', reviewSourceRef(42))).toBe(42);
    expect(reviewedFormOf('ocr', reviewSourceRef(42))).toBeNull();
    expect(reviewedFormOf('reviewer', 'review:form:4x2')).toBeNull();
    expect(reviewedFormOf('reviewer', null)).toBeNull();
  });
});

describe("reconcile: a witness's newer upload of a copy replaces the earlier", () => {
  const WITNESS = 'witness:4f6c0d1e-6a39-4a8e-9d57-2f1b3c8e7a10';
  /** A witness form read from document `documentId` that `sender` uploaded. */
  const uploaded = (id: number, documentId: number, status: FormSummary['status'], votes: number, sender = WITNESS) =>
    form(id, 'witness', status, votes, { upload: { documentId, sender } });

  it('takes the newest upload, in upload order, even when the earlier ranks higher or was stored later', () => {
    const earlier = uploaded(10, 100, 'validated', 50);
    const newer = uploaded(11, 101, 'failed_rules', 58);
    // Stored the other way round: the earlier upload was read last.
    const readLast = uploaded(12, 100, 'validated', 50);
    for (const forms of [
      [earlier, newer],
      [newer, earlier],
    ]) {
      const decided = reconcile(forms, []);
      expect(decided?.truth.id).toBe(newer.id);
      expect(decided?.status).toBe('failed_rules');
      // The replaced photo is no longer a reading of its copy: it differs from nothing.
      expect(decided?.copiesDiffer).toBeNull();
      expect(decided?.superseded).toEqual([{ formId: earlier.id, by: newer.id }]);
    }
    expect(reconcile([newer, readLast], [])?.superseded).toEqual([{ formId: readLast.id, by: newer.id }]);
  });

  it('takes the reviewer versions of the replaced reading out with it', () => {
    const earlier = uploaded(10, 100, 'needs_review', 50);
    const reviewed = form(11, 'reviewer', 'validated', 52, { reviewOf: earlier.id });
    const newer = uploaded(12, 101, 'needs_review', 58);
    const decided = reconcile([earlier, reviewed, newer], []);
    expect(decided?.truth.id).toBe(newer.id);
    expect(decided?.superseded).toEqual([
      { formId: earlier.id, by: newer.id },
      { formId: reviewed.id, by: newer.id },
    ]);
  });

  it('does not replace a form of another copy, source or sender', () => {
    const earlier = uploaded(10, 100, 'validated', 50);
    const newer = uploaded(11, 101, 'needs_review', 58);
    const others = [
      uploaded(12, 99, 'validated', 50, 'witness:another'),
      { ...uploaded(13, 98, 'validated', 50), copy: 'claveros' as const },
      form(14, 'partner', 'validated', 50),
      form(15, 'ocr', 'validated', 50),
    ];
    for (const other of others) {
      const decided = reconcile([other, earlier, newer], []);
      expect(decided?.superseded).toEqual([{ formId: earlier.id, by: newer.id }]);
      expect(decided?.truth.id).toBe(other.id);
    }
  });
});

describe('the upload a witness form was read from', () => {
  it('is read from the sourceRef the pipeline writes, and only for witness forms', () => {
    const sender = 'witness:4f6c0d1e-6a39-4a8e-9d57-2f1b3c8e7a10';
    expect(witnessUploadOf('witness', uploadSourceRef(42, sender))).toEqual({ documentId: 42, sender });
    for (const source of ['ocr', 'partner', 'reviewer']) {
      expect(witnessUploadOf(source, uploadSourceRef(42, sender))).toBeNull();
    }
    expect(witnessUploadOf('witness', 'e14-document:42')).toBeNull();
    expect(witnessUploadOf('witness', 'e14-document:4x2:sender:witness:a')).toBeNull();
    expect(witnessUploadOf('witness', null)).toBeNull();
  });
});
