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
}

export const RECONCILIATION_POLICY_VERSION = 2;

/** The `sourceRef` the review desk gives a reviewer version: the form it corrects. */
export const reviewSourceRef = (formId: number) => `review:form:${formId}`;

/** The form a reviewer version corrects (see `reviewSourceRef`); null for any other form. */
export function reviewedFormOf(source: string, sourceRef: string | null | undefined): number | null {
  if (source !== 'reviewer' || !sourceRef) return null;
  const match = /^review:form:([0-9]+)$/.exec(sourceRef);
  return match ? Number(match[1]) : null;
}

/**
 * Reconciliation policy, version 2. A form a reviewer version corrects is no longer a reading of
 * its mesa: a person checked the paper, so the reviewed numbers replace the misread whatever the
 * status of either (a reviewed version failing a rule means the sheet itself is wrong, which its
 * alert says; version 1 kept the unreviewed numbers then). The truth is one of the forms left,
 * chosen by, in order: (1) form status — validated over needs_review over failed_rules; (2) source
 * — reviewer (a person checked the paper) over ocr (the Registraduría's scan) over partner over
 * witness; (3) copy — claveros (the copy the escrutinio counts from) over delegados over
 * transmisión; (4) the lowest field confidence, higher first; (5) the newest. Official feeds never
 * become the truth: they are what the E-14 is checked against.
 */
const STATUS_RANK = { validated: 0, needs_review: 1, failed_rules: 2 } as const;
const SOURCE_RANK = { reviewer: 0, ocr: 1, partner: 2, witness: 3 } as const;
const COPY_RANK = { claveros: 0, delegados: 1, transmision: 2 } as const;

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

/**
 * Field-by-field differences between labelled sources. Unread values (null) are not evidence
 * either way and are skipped; an option missing from a source counts as 0 when `missingIsZero`
 * (official feeds list only the options that got votes) and is skipped otherwise.
 */
export function differences(
  sources: ReadonlyArray<{ label: string; numbers: MesaNumbers }>,
  options: { scalars?: readonly (typeof SCALARS)[number][]; missingIsZero?: boolean } = {},
): FieldDifference[] {
  const scalars = options.scalars ?? SCALARS;
  const result: FieldDifference[] = [];
  const compare = (field: string, read: (numbers: MesaNumbers) => number | null | undefined) => {
    const values: Record<string, number | null> = {};
    const known = new Set<number>();
    for (const source of sources) {
      const raw = read(source.numbers);
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
    compare(`candidate:${id}`, (numbers) => numbers.votes.get(id));
  return result;
}

/** A form a reviewer version corrects, and that version. */
export interface Supersession {
  formId: number;
  by: number;
}

export interface Reconciled {
  truth: FormSummary;
  /** The forms left out because a reviewer version corrects them, oldest first. */
  superseded: Supersession[];
  status: MesaStatus;
  copiesDiffer: { differences: FieldDifference[]; copies: Copy[]; oddCopy: Copy | null; formIds: number[] } | null;
  officialDiffers: { differences: FieldDifference[]; sources: string[] } | null;
}

/**
 * Chooses the truth among a mesa's forms that no reviewer version corrects, and finds the
 * disagreements: between copies (each copy represented by its best form) and between the truth
 * and the official feeds.
 */
export function reconcile(
  forms: readonly FormSummary[],
  official: ReadonlyArray<{ source: 'preconteo' | 'escrutinio'; numbers: MesaNumbers }>,
): Reconciled | null {
  const ids = new Set(forms.map((form) => form.id));
  const superseded = forms
    .flatMap((form) =>
      form.reviewOf !== null && ids.has(form.reviewOf) ? [{ formId: form.reviewOf, by: form.id }] : [],
    )
    .sort((a, b) => a.formId - b.formId);
  const correctedIds = new Set(superseded.map((item) => item.formId));
  const ranked = forms.filter((form) => !correctedIds.has(form.id)).sort(compareForms);
  const truth = ranked[0];
  if (!truth) return null;
  const bestPerCopy = new Map<Copy, FormSummary>();
  for (const form of ranked) if (!bestPerCopy.has(form.copy)) bestPerCopy.set(form.copy, form);
  let copiesDiffer: Reconciled['copiesDiffer'] = null;
  if (bestPerCopy.size > 1) {
    const copies = [...bestPerCopy.entries()];
    const found = differences(copies.map(([copy, form]) => ({ label: copy, numbers: form })));
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
      ...[...bestPerCopy.entries()].map(([copy, form]) => ({ label: `e14:${copy}`, numbers: form as MesaNumbers })),
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
