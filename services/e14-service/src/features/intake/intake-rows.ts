import {
  DEFAULT_RULE_PARAMS,
  type IntakeResult,
  type RuleFinding,
  type RuleId,
  type ValidationResult,
} from '@castor/contracts';
import { comparedFieldsOf, reviewedFormOf, witnessUploadOf } from '../../domain/reconciliation-policy.js';
import { numberIn } from '../../domain/sheet.js';
import { alertHeldForReview, reviewReason, unsettledFields } from '../../domain/sheet-rules.js';
import type { Actor } from '../../shared/actor.js';
import type { NewAlert } from '../../shared/alert-store.js';
import type { AuditInput } from '../../shared/audit-chain.js';
import type { ElectionCatalog } from '../../shared/election-catalog.js';
import type { MesaTarget, ReconcileOutcome, StoredForm } from '../../shared/mesa-reconciler.js';
import type { FieldCopyRow, FormCopyRow, ReviewTaskCopyRow } from './intake.repository.js';
import type { PreparedSheet } from './intake-checks.js';

/** A sheet being stored as a new form: its id and its version among the forms of the same copy. */
export interface FormVersion {
  item: PreparedSheet;
  id: number;
  version: number;
}

export const formStatus = (validation: ValidationResult) =>
  !validation.ok ? 'failed_rules' : validation.needsReview ? 'needs_review' : 'validated';

/** The `e14_forms` rows of the new forms, made as COPY consumes them. */
export function* formRows(
  written: readonly FormVersion[],
  catalog: ElectionCatalog,
  actor: Actor,
  idempotencyKey: string | null,
): Generator<FormCopyRow> {
  for (const { item, id, version } of written) {
    const { sheet } = item;
    const { submission } = sheet;
    yield [
      id,
      catalog.id,
      submission.corporation,
      item.mesa.id,
      submission.copy,
      submission.source,
      version,
      sheet.contentHash,
      idempotencyKey,
      actor.sub,
      actor.role,
      submission.sourceRef ?? null,
      submission.barcode ?? null,
      submission.transmissionCode ?? null,
      submission.pageCount ?? null,
      submission.documentHash ?? null,
      formStatus(item.validation),
      item.validation.needsReview,
      item.minConfidence,
      numberIn(sheet.sufragantes),
      numberIn(sheet.urna),
      numberIn(sheet.incinerados),
      numberIn(sheet.blancos),
      numberIn(sheet.nulos),
      numberIn(sheet.noMarcados),
      numberIn(sheet.sumaTotal),
      item.candidateIds,
      sheet.votes.map((row) => numberIn(row.field)),
      JSON.stringify(item.validation.findings),
      sheet.canonical,
    ];
  }
}

/** The `e14_fields` rows of the new forms. */
export function* fieldRows(written: readonly FormVersion[]): Generator<FieldCopyRow> {
  // Made as COPY consumes them: nine short arrays per sheet that die young.
  for (const { item, id } of written) {
    for (const { path, field } of item.sheet.fields) {
      yield [
        id,
        path,
        field.state,
        field.value,
        field.confidence,
        field.overwritten,
        field.readBy ?? null,
        field.crop ?? null,
        field.modelVersion ?? null,
      ];
    }
  }
}

/** The fields of a sheet a reviewer must read again, with why: none unless the sheet needs review. */
function reviewFieldsOf(item: PreparedSheet) {
  if (!item.validation.needsReview) return [];
  const threshold =
    item.catalog.corporations.get(item.sheet.submission.corporation)?.rules.params.confidenceThreshold ??
    DEFAULT_RULE_PARAMS.confidenceThreshold;
  return item.sheet.fields.flatMap(({ path, field }) => {
    const reason = reviewReason(field, threshold);
    return reason ? [{ path, reason }] : [];
  });
}

/** One review task per field a reviewer must read again, on the forms that need review. */
export function reviewTaskRows(written: readonly FormVersion[]): ReviewTaskCopyRow[] {
  return written.flatMap(({ item, id }) => reviewFieldsOf(item).map(({ path, reason }) => [id, path, reason] as const));
}

/** The fields of a sheet whose values are not evidence until its review settles them (sheet-rules). */
export const unsettledFieldsOf = (item: PreparedSheet) =>
  unsettledFields(
    item.sheet.submission.source,
    reviewFieldsOf(item).map(({ path }) => path),
  );

/**
 * The findings of a new form raised as alerts, each with its position (part of its dedupe key);
 * an arithmetic finding on cells still to review is held (`heldRules`): the reviewed version is judged again.
 */
export function alertedFindings(item: PreparedSheet) {
  const unsettled = unsettledFieldsOf(item);
  const raised: Array<{ finding: RuleFinding; position: number }> = [];
  const heldRules: RuleId[] = [];
  item.validation.findings.forEach((finding, position) => {
    if (alertHeldForReview(finding, unsettled)) heldRules.push(finding.rule);
    else raised.push({ finding, position });
  });
  return { raised, heldRules };
}

/** A rule finding of a new form as an alert, with the crops of the fields it names. */
export function sheetAlert(
  item: PreparedSheet,
  formId: number,
  version: number,
  finding: RuleFinding,
  position: number,
): NewAlert {
  const { submission } = item.sheet;
  const crops = item.sheet.fields
    .filter(({ path, field }) => field.crop && finding.fields.includes(path))
    .map(({ path, field }) => ({ field: path, crop: field.crop }));
  return {
    electionId: item.catalog.id,
    corporation: submission.corporation,
    rule: finding.rule,
    ruleVersion: finding.ruleVersion,
    severity: finding.severity,
    dedupeKey: `${finding.rule}:${formId}:${position}`,
    territory: item.sheet.mesaKey,
    mesaId: item.mesa.id,
    municipioId: item.mesa.municipioId,
    formId,
    copy: submission.copy,
    message: finding.message,
    numbers: finding.numbers,
    evidence: {
      fields: finding.fields,
      sources: [{ formId, source: submission.source, copy: submission.copy, version }],
      crops,
    },
  };
}

export const mesaTarget = (item: PreparedSheet, catalog: ElectionCatalog): MesaTarget => ({
  mesaId: item.mesa.id,
  mesaKey: item.sheet.mesaKey,
  corporation: item.sheet.submission.corporation,
  electionId: catalog.id,
  municipioId: item.mesa.municipioId,
  departamentoId: item.mesa.departamentoId,
  puestoId: item.mesa.puestoId,
  habilitados: item.mesa.habilitados,
});

/** A new form as `loadMesaState` would read it back, so the reconciliation sees it without a second read. */
export function storedForm({ item, id, version }: FormVersion): StoredForm {
  const { sheet, validation } = item;
  const { submission } = sheet;
  return {
    id,
    mesaId: item.mesa.id,
    corporation: submission.corporation,
    copy: submission.copy,
    source: submission.source,
    reviewOf: reviewedFormOf(submission.source, submission.sourceRef),
    upload: witnessUploadOf(submission.source, submission.sourceRef),
    version,
    status: formStatus(validation),
    // As stored (real) and read back by loadMesaState.
    minConfidence: Math.fround(item.minConfidence),
    sufragantes: numberIn(sheet.sufragantes),
    urna: numberIn(sheet.urna),
    incinerados: numberIn(sheet.incinerados),
    blancos: numberIn(sheet.blancos),
    nulos: numberIn(sheet.nulos),
    noMarcados: numberIn(sheet.noMarcados),
    votes: new Map(
      item.candidateIds.map((candidateId, index) => [candidateId, numberIn(sheet.votes[index]?.field ?? null)]),
    ),
    contentHash: sheet.contentHash,
    needsReview: validation.needsReview,
    findings: validation.findings,
    unsettled: comparedFieldsOf(
      unsettledFieldsOf(item),
      sheet.votes.flatMap((row, index) => {
        const candidateId = item.candidateIds[index];
        return candidateId === undefined ? [] : [{ path: row.path, candidateId }];
      }),
    ),
  };
}

/** One `e14.stored` audit entry per new form; `alertsHeld` names the findings whose alerts wait for review. */
export function storedAudit(written: readonly FormVersion[], catalog: ElectionCatalog, actor: string): AuditInput[] {
  return written.map(({ item, id, version }) => {
    const { heldRules } = alertedFindings(item);
    return {
      actor,
      action: 'e14.stored',
      entity: 'e14_form',
      entityId: String(id),
      after: {
        electionCode: catalog.code,
        mesaKey: item.sheet.mesaKey,
        corporation: item.sheet.submission.corporation,
        copy: item.sheet.submission.copy,
        source: item.sheet.submission.source,
        version,
        contentHash: item.sheet.contentHash,
        status: formStatus(item.validation),
        findings: item.validation.findings.map((finding) => finding.rule),
        ...(heldRules.length > 0 ? { alertsHeld: heldRules } : {}),
      },
    };
  });
}

/** The answer for one item: the form `entry` stored for it, or the identical `duplicate` stored before. */
export function intakeResult(
  item: PreparedSheet,
  entry: FormVersion | undefined,
  duplicate: StoredForm | undefined,
  mesaTruth: ReconcileOutcome | undefined,
  alertIdsByForm: ReadonlyMap<number, number[]>,
): IntakeResult {
  const { submission } = item.sheet;
  const validation: ValidationResult = duplicate
    ? { ok: duplicate.status !== 'failed_rules', findings: duplicate.findings, needsReview: duplicate.needsReview }
    : item.validation;
  const formId = entry?.id ?? duplicate?.id ?? 0;
  return {
    outcome: entry ? 'stored' : 'duplicate',
    formId,
    version: entry?.version ?? duplicate?.version ?? 1,
    mesaKey: item.sheet.mesaKey,
    corporation: submission.corporation,
    copy: submission.copy,
    contentHash: item.sheet.contentHash,
    formStatus: duplicate?.status ?? formStatus(item.validation),
    validation,
    mesaStatus: mesaTruth?.status ?? 'needs_review',
    truthFormId: mesaTruth?.formId ?? null,
    alertIds: [...(alertIdsByForm.get(formId) ?? []), ...(entry ? (mesaTruth?.alertIds ?? []) : [])],
  };
}
