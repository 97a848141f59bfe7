import type { Copy, MesaStatus } from '@castor/contracts';

/** The numbers of one source of a mesa (a stored form or an official feed row). */
export interface MesaNumbers {
  sufragantes: number | null;
  urna: number | null;
  incinerados: number | null;
  blancos: number | null;
  nulos: number | null;
  noMarcados: number | null;
  /** Candidate id → votes (null = unread). */
  votes: Map<number, number | null>;
}

export interface FormSummary extends MesaNumbers {
  id: number;
  copy: Copy;
  source: 'ocr' | 'witness' | 'partner' | 'reviewer';
  version: number;
  status: 'validated' | 'needs_review' | 'failed_rules';
  minConfidence: number;
  /** For a reviewer version: the form whose reading it corrects (null for every other form). */
  reviewOf: number | null;
  /** For a witness form the pipeline read from an upload: that upload (null for every other form). */
  upload: WitnessUpload | null;
  /**
   * The compared fields (`sufragantes`, `candidate:<id>`... as `differences` names them) whose value
   * is not evidence yet: a machine read them in doubt and the form sent them to review (sheet-rules
   * `unsettledFields`). Absent: every value is settled.
   */
  unsettled?: ReadonlySet<string>;
}

/** The uploaded document a witness form was read from, and who uploaded it. */
export interface WitnessUpload {
  documentId: number;
  sender: string;
}

export const RECONCILIATION_POLICY_VERSION = 4;

/** The `sourceRef` the review desk gives a reviewer version: the form it corrects. */
export const reviewSourceRef = (formId: number) => `review:form:${formId}`;

/** The form a reviewer version corrects (see `reviewSourceRef`); null for any other form. */
export function reviewedFormOf(source: string, sourceRef: string | null | undefined): number | null {
  if (source !== 'reviewer' || !sourceRef) return null;
  const match = /^review:form:([0-9]+)$/.exec(sourceRef);
  return match ? Number(match[1]) : null;
}

/** Every `sourceRef` the document pipeline writes starts so; no other sender may use it. */
export const PIPELINE_SOURCE_REF_PREFIX = 'e14-document:';

/** The `sourceRef` the pipeline gives a form read from an uploaded document (`sender`: who uploaded it). */
export const uploadSourceRef = (documentId: number, sender: string) =>
  `${PIPELINE_SOURCE_REF_PREFIX}${documentId}:sender:${sender}`;

const UPLOAD_SOURCE_REF = new RegExp(`^${PIPELINE_SOURCE_REF_PREFIX}([0-9]+):sender:(.+)$`);

/** The upload a witness form was read from (see `uploadSourceRef`); null for any other form. */
export function witnessUploadOf(source: string, sourceRef: string | null | undefined): WitnessUpload | null {
  if (source !== 'witness' || !sourceRef) return null;
  const match = UPLOAD_SOURCE_REF.exec(sourceRef);
  return match?.[1] && match[2] ? { documentId: Number(match[1]), sender: match[2] } : null;
}

/**
 * Reconciliation policy, version 4 (version 4: copies are compared on settled values only, see
 * `reconcile`). Two kinds of form are no longer readings of their mesa. A form
 * a reviewer version corrects: a person checked the paper, so the reviewed numbers replace the
 * misread whatever the status of either (a reviewed version failing a rule means the sheet itself
 * is wrong, which its alert says; version 1 kept the unreviewed numbers then). And a witness's
 * upload of a copy that the same witness uploaded again (version 3): the newest upload, in upload
 * order (document id) whichever was read first, replaces the earlier ones and the reviewer
 * versions of their readings, whatever their status. The truth is one of the forms left,
 * chosen by, in order: (1) form status — validated over needs_review over failed_rules; (2) source
 * — reviewer (a person checked the paper) over ocr (the Registraduría's scan) over partner over
 * witness; (3) copy — claveros (the copy the escrutinio counts from) over delegados (or a
 * consulate's CÓNSUL/EMBAJADOR, the copy in its place) over transmisión; (4) the lowest field confidence, higher first; (5) the newest. Official feeds never
 * become the truth: they are what the E-14 is checked against.
 */
const STATUS_RANK = { validated: 0, needs_review: 1, failed_rules: 2 } as const;
const SOURCE_RANK = { reviewer: 0, ocr: 1, partner: 2, witness: 3 } as const;
const COPY_RANK = { claveros: 0, delegados: 1, consul_embajador: 1, transmision: 2 } as const;

export function compareForms(a: FormSummary, b: FormSummary): number {
  return (
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    SOURCE_RANK[a.source] - SOURCE_RANK[b.source] ||
    COPY_RANK[a.copy] - COPY_RANK[b.copy] ||
    b.minConfidence - a.minConfidence ||
    b.id - a.id
  );
}

export interface FieldDifference {
  field: string;
  values: Record<string, number | null>;
}

const SCALARS = ['sufragantes', 'urna', 'incinerados', 'blancos', 'nulos', 'noMarcados'] as const;

/** The compared scalars by the sheet cell each is read from. */
export const SCALAR_OF_PATH: Readonly<Record<string, (typeof SCALARS)[number]>> = {
  'nivelacion.sufragantes': 'sufragantes',
  'nivelacion.urna': 'urna',
  'nivelacion.incinerados': 'incinerados',
  blancos: 'blancos',
  nulos: 'nulos',
  noMarcados: 'noMarcados',
};

/** A ballot option as `differences` names it, by candidate id (its sheet row path depends on the ballot). */
export const candidateField = (candidateId: number) => `candidate:${candidateId}`;

/**
 * The compared fields (as `differences` names them) of some sheet field paths; `voteRows` gives the
 * candidate of each vote row path. List totals and the suma total are not compared between sources.
 */
export function comparedFieldsOf(
  paths: Iterable<string>,
  voteRows: ReadonlyArray<{ path: string; candidateId: number }>,
): Set<string> {
  const candidateOf = new Map(voteRows.map((row) => [row.path, row.candidateId]));
  const fields = new Set<string>();
  for (const path of paths) {
    const scalar = SCALAR_OF_PATH[path];
    const candidateId = candidateOf.get(path);
    if (scalar) fields.add(scalar);
    else if (candidateId !== undefined) fields.add(candidateField(candidateId));
  }
  return fields;
}

/**
 * Field-by-field differences between labelled sources. Unread values (null) and a source's
 * `unsettled` ones (read in doubt, waiting for review) are not evidence either way and are
 * skipped; an option missing from a source counts as 0 when `missingIsZero` (official feeds list
 * only the options that got votes) and is skipped otherwise.
 */
export function differences(
  sources: ReadonlyArray<{ label: string; numbers: MesaNumbers; unsettled?: ReadonlySet<string> }>,
  options: { scalars?: readonly (typeof SCALARS)[number][]; missingIsZero?: boolean } = {},
): FieldDifference[] {
  const scalars = options.scalars ?? SCALARS;
  const result: FieldDifference[] = [];
  const compare = (field: string, read: (numbers: MesaNumbers) => number | null | undefined) => {
    const values: Record<string, number | null> = {};
    const known = new Set<number>();
    for (const source of sources) {
      const raw = source.unsettled?.has(field) ? null : read(source.numbers);
      const value = raw === undefined ? (options.missingIsZero ? 0 : null) : raw;
      values[source.label] = value;
      if (value !== null) known.add(value);
    }
    if (known.size > 1) result.push({ field, values });
  };
  for (const scalar of scalars) compare(scalar, (numbers) => numbers[scalar]);
  const candidateIds = new Set<number>();
  for (const source of sources) for (const id of source.numbers.votes.keys()) candidateIds.add(id);
  for (const id of [...candidateIds].sort((a, b) => a - b))
    compare(candidateField(id), (numbers) => numbers.votes.get(id));
  return result;
}

/** A form set aside, and the form that replaces it (a reviewer version, or the witness's newer upload). */
export interface Supersession {
  formId: number;
  by: number;
}

export interface Reconciled {
  truth: FormSummary;
  /** The forms left out because a reviewer version or a newer upload replaces them, oldest first. */
  superseded: Supersession[];
  status: MesaStatus;
  copiesDiffer: { differences: FieldDifference[]; copies: Copy[]; oddCopy: Copy | null; formIds: number[] } | null;
  officialDiffers: { differences: FieldDifference[]; sources: string[] } | null;
}

/**
 * Chooses the truth among a mesa's forms that nothing supersedes, and finds the
 * disagreements: between copies (each copy represented by its best form, compared on the values
 * both hold as settled) and between the truth and the official feeds.
 */
export function reconcile(
  forms: readonly FormSummary[],
  official: ReadonlyArray<{ source: 'preconteo' | 'escrutinio'; numbers: MesaNumbers }>,
): Reconciled | null {
  const superseded = supersessions(forms);
  const correctedIds = new Set(superseded.map((item) => item.formId));
  const ranked = forms.filter((form) => !correctedIds.has(form.id)).sort(compareForms);
  const truth = ranked[0];
  if (!truth) return null;
  const bestPerCopy = new Map<Copy, FormSummary>();
  for (const form of ranked) if (!bestPerCopy.has(form.copy)) bestPerCopy.set(form.copy, form);
  let copiesDiffer: Reconciled['copiesDiffer'] = null;
  if (bestPerCopy.size > 1) {
    const copies = [...bestPerCopy.entries()];
    // A cell one copy has pending review disputes nothing yet: its reviewed version is compared when it lands.
    const found = differences(
      copies.map(([copy, form]) => ({ label: copy, numbers: form, unsettled: form.unsettled })),
    );
    if (found.length > 0) {
      copiesDiffer = {
        differences: found,
        copies: copies.map(([copy]) => copy),
        oddCopy: oddOneOut(found),
        formIds: copies.map(([, form]) => form.id),
      };
    }
  }
  let officialDiffers: Reconciled['officialDiffers'] = null;
  if (official.length > 0) {
    // Every copy is an E-14: a delegados copy that differs from the escrutinio is claim evidence
    // even when the claveros copy (the truth) agrees with it.
    const sources = [
      // A value still under review is no evidence against the feeds either, until a person settles it.
      ...[...bestPerCopy.entries()].map(([copy, form]) => ({
        label: `e14:${copy}`,
        numbers: form as MesaNumbers,
        unsettled: form.unsettled,
      })),
      ...official.map((row) => ({ label: row.source, numbers: row.numbers })),
    ];
    const found = differences(sources, {
      scalars: ['sufragantes', 'blancos', 'nulos', 'noMarcados'],
      missingIsZero: true,
    });
    if (found.length > 0) officialDiffers = { differences: found, sources: sources.map((source) => source.label) };
  }
  const status: MesaStatus = copiesDiffer || officialDiffers ? 'disputed' : truth.status;
  return { truth, superseded, status, copiesDiffer, officialDiffers };
}

/** The forms set aside, oldest first: each form a reviewer version corrects, and each replaced upload. */
function supersessions(forms: readonly FormSummary[]): Supersession[] {
  const byId = new Map<number, Supersession>();
  for (const form of forms) {
    if (form.reviewOf !== null) byId.set(form.reviewOf, { formId: form.reviewOf, by: form.id });
  }
  // Replaced with its upload, a reviewed form is set aside for the newer upload, not for its review.
  for (const [formId, by] of replacedUploads(forms)) byId.set(formId, { formId, by });
  const ids = new Set(forms.map((form) => form.id));
  return [...byId.values()].filter((item) => ids.has(item.formId)).sort((a, b) => a.formId - b.formId);
}

/**
 * Form id → the form replacing it: each witness upload of a copy the same witness uploaded later
 * → the latest upload of that copy, and the reviewer versions of a replaced form (readings of the
 * photo replaced) → the same.
 */
function replacedUploads(forms: readonly FormSummary[]): Map<number, number> {
  const newest = new Map<string, FormSummary>();
  for (const form of forms) {
    const key = uploadKey(form);
    const best = key === null ? undefined : newest.get(key);
    if (key !== null && (!best || compareUploads(form, best) > 0)) newest.set(key, form);
  }
  const replacedBy = new Map<number, number>();
  for (const form of forms) {
    const key = uploadKey(form);
    const by = key === null ? undefined : newest.get(key)?.id;
    if (by !== undefined && by !== form.id) replacedBy.set(form.id, by);
  }
  // A reviewer version is stored after the form it corrects: in id order, each follows its form out.
  for (const form of [...forms].sort((a, b) => a.id - b.id)) {
    const by = form.reviewOf === null ? undefined : replacedBy.get(form.reviewOf);
    if (by !== undefined) replacedBy.set(form.id, by);
  }
  return replacedBy;
}

/** Uploads of one copy by one sender share a key; null for a form not read from a witness's upload. */
const uploadKey = (form: FormSummary) => (form.upload ? `${form.copy}|${form.upload.sender}` : null);

/** Upload order: the later document, then (a document read twice) the later form. */
const compareUploads = (a: FormSummary, b: FormSummary) =>
  (a.upload?.documentId ?? 0) - (b.upload?.documentId ?? 0) || a.id - b.id;

/** With three copies, the copy that disagrees with the two others on every differing field. */
function oddOneOut(found: readonly FieldDifference[]): Copy | null {
  let odd: string | null = null;
  for (const difference of found) {
    const entries = Object.entries(difference.values).filter(([, value]) => value !== null);
    if (entries.length < 3) return null;
    const counts = new Map<number | null, number>();
    for (const [, value] of entries) counts.set(value, (counts.get(value) ?? 0) + 1);
    const lonely = entries.filter(([, value]) => counts.get(value) === 1);
    if (lonely.length !== 1 || (odd !== null && lonely[0]?.[0] !== odd)) return null;
    odd = lonely[0]?.[0] ?? null;
  }
  return odd as Copy | null;
}
