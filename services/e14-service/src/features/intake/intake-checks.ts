import { e14SubmissionSchema, type ValidationResult } from '@castor/contracts';
import { AppError, type ErrorCode, registeredStatus } from '@castor/service-kit';
import { PIPELINE_SOURCE_REF_PREFIX } from '../../domain/reconciliation-policy.js';
import { numberIn, type Sheet, SheetShapeError, toSheet } from '../../domain/sheet.js';
import { validateSheet } from '../../domain/sheet-rules.js';
import { type Actor, isPipeline } from '../../shared/actor.js';
import type { CandidateInfo, ElectionCatalog } from '../../shared/election-catalog.js';
import type { ItemOutcome } from '../../shared/form-intake.js';
import { isAssigned } from '../../shared/witness-assignments.js';
import type { MesaRow } from './intake.repository.js';
import { INTAKE_CODES, submissionShapeError } from './intake-errors.js';

/** A submission whose shape is valid, not yet checked against the divipol. */
export interface ParsedSheet {
  index: number;
  sheet: Sheet;
}

/** A submission that passed every check and is ready to be written. */
export interface PreparedSheet extends ParsedSheet {
  catalog: ElectionCatalog;
  mesa: MesaRow;
  candidateIds: number[];
  validation: ValidationResult;
  minConfidence: number;
}

/** What a parsed sheet is checked against: its election, its mesa and who submits it. */
export interface SheetContext {
  catalog: ElectionCatalog | null | undefined;
  mesa: MesaRow | undefined;
  actor: Actor;
  /** The territories the submitting witness is assigned to in this election. */
  assigned: readonly string[];
  checkAssignment: boolean;
}

export const fail = (code: ErrorCode, message: string, details?: unknown): ItemOutcome => ({
  ok: false,
  status: registeredStatus(code),
  error: { code, message, ...(details === undefined ? {} : { details }) },
});

const fromError = (error: unknown): ItemOutcome => {
  if (error instanceof AppError) return fail(error.code as ErrorCode, error.message, error.details);
  throw error;
};

/** Checks the shape of one submission and turns it into a sheet. */
export function parseSubmission(raw: unknown, index: number): ParsedSheet | ItemOutcome {
  const result = e14SubmissionSchema.safeParse(raw);
  if (!result.success) return fromError(submissionShapeError(result.error));
  try {
    return { index, sheet: toSheet(result.data) };
  } catch (error) {
    if (error instanceof SheetShapeError) {
      return fail('VALIDATION_FAILED', `${error.path}: ${error.message}`, {
        issues: [{ path: error.path, message: error.message }],
      });
    }
    throw error;
  }
}

/**
 * Checks one sheet against the divipol (election, corporation, mesa, ballot options), the
 * submitter (source, assignment) and the mesa's habilitados, then runs the per-sheet rules.
 */
export function checkSheet({ index, sheet }: ParsedSheet, context: SheetContext): PreparedSheet | ItemOutcome {
  const { submission } = sheet;
  const { catalog, mesa } = context;
  if (!catalog) return fail(INTAKE_CODES.ELECTION_UNKNOWN, `No election ${submission.electionCode} has been imported`);
  const corporation = catalog.corporations.get(submission.corporation);
  if (!corporation) {
    return fail(
      INTAKE_CODES.CORPORATION_NOT_IN_ELECTION,
      `${submission.corporation} is not elected in ${catalog.code}`,
      {
        corporations: [...catalog.corporations.keys()],
      },
    );
  }
  if (!mesa) return fail(INTAKE_CODES.MESA_UNKNOWN, `Mesa ${sheet.mesaKey} is not in the divipol of ${catalog.code}`);
  const refused = submitterRefusal(sheet, context);
  if (refused) return refused;
  const candidateIds = candidateIdsOf(sheet, catalog);
  if (!Array.isArray(candidateIds)) return candidateIds;
  const impossible = listTotalsRefusal(sheet, catalog) ?? habilitadosRefusal(sheet, mesa);
  if (impossible) return impossible;
  const validation = validateSheet(sheet, {
    habilitados: mesa.habilitados,
    transmissionCode: mesa.transmissionCode,
    rules: corporation.rules,
  });
  const minConfidence = Math.min(
    1,
    ...sheet.fields.map(({ field }) => (field.state === 'illegible' ? 0 : field.confidence)),
  );
  return { index, sheet, catalog, mesa, candidateIds, validation, minConfidence };
}

/**
 * Only the pipeline names the document a form was read from (that name lets a witness's newer
 * upload replace the earlier: reconciliation-policy). Witnesses submit only as source "witness" and
 * only for the mesas they are assigned to.
 */
function submitterRefusal(sheet: Sheet, { actor, assigned, checkAssignment }: SheetContext): ItemOutcome | null {
  const { sourceRef } = sheet.submission;
  if (sourceRef?.startsWith(PIPELINE_SOURCE_REF_PREFIX) && !isPipeline(actor)) {
    return fail(
      INTAKE_CODES.SOURCE_REF_RESERVED,
      `A sourceRef starting with "${PIPELINE_SOURCE_REF_PREFIX}" names a scanned document: only the document pipeline sends it`,
    );
  }
  if (actor.role !== 'witness') return null;
  if (sheet.submission.source !== 'witness') {
    return fail(INTAKE_CODES.SOURCE_NOT_ALLOWED, 'Witnesses submit with source "witness"');
  }
  if (checkAssignment && !isAssigned(assigned, sheet.mesaKey)) {
    return fail(INTAKE_CODES.WITNESS_NOT_ASSIGNED, `You are not assigned to mesa ${sheet.mesaKey}`);
  }
  return null;
}

/** The catalog id of every vote row's ballot option, in row order, or the refusal of the first unknown one. */
function candidateIdsOf(sheet: Sheet, catalog: ElectionCatalog): number[] | ItemOutcome {
  const candidateIds: number[] = [];
  for (const row of sheet.votes) {
    const option =
      row.candidateNumber === null ? String(row.ballotNumber) : `${row.ballotNumber}-${row.candidateNumber}`;
    const candidate = resolveOption(sheet, catalog, option);
    if (!candidate) {
      return fail(
        INTAKE_CODES.BALLOT_OPTION_UNKNOWN,
        `${row.path}: no option ${option} of ${sheet.submission.corporation} on the ballot of mesa ${sheet.mesaKey}`,
      );
    }
    candidateIds.push(candidate.id);
  }
  return candidateIds;
}

/** A list total must name a list of the corporation on this mesa's ballot. */
function listTotalsRefusal(sheet: Sheet, catalog: ElectionCatalog): ItemOutcome | null {
  for (const total of sheet.listTotals) {
    const agrupacion = resolveOption(sheet, catalog, `${total.ballotNumber}-0`);
    if (agrupacion?.listId == null) {
      return fail(
        INTAKE_CODES.BALLOT_OPTION_UNKNOWN,
        `${total.path}: ${total.ballotNumber} is not a list of ${sheet.submission.corporation} for mesa ${sheet.mesaKey}`,
      );
    }
  }
  return null;
}

function resolveOption(sheet: Sheet, catalog: ElectionCatalog, option: string): CandidateInfo | undefined {
  const { submission } = sheet;
  return catalog.resolveOption(submission.corporation, submission.mesa.departamento, submission.mesa.municipio, option);
}

/** More than habilitados is refused unless the submitter confirms the sheet really shows it. */
function habilitadosRefusal(sheet: Sheet, mesa: MesaRow): ItemOutcome | null {
  const overHabilitados = overHabilitadosOf(sheet, mesa.habilitados);
  if (!overHabilitados || sheet.submission.confirmedAsPrinted) return null;
  return fail(
    INTAKE_CODES.SUM_OVER_HABILITADOS,
    `Mesa ${sheet.mesaKey} has ${mesa.habilitados} habilitados but the sheet records ${overHabilitados.field} = ${overHabilitados.value}. If the sheet really shows this, resubmit with confirmedAsPrinted: true`,
    { habilitados: mesa.habilitados, ...overHabilitados },
  );
}

/** Σ of the sheet, E11 or U above the mesa's habilitados: almost always a typing error. */
function overHabilitadosOf(sheet: Sheet, habilitados: number): { field: string; value: number } | null {
  const candidates: Array<[string, number | null]> = [
    ['nivelacion.sufragantes', numberIn(sheet.sufragantes)],
    ['nivelacion.urna', numberIn(sheet.urna)],
    [
      'sum of votes',
      [...sheet.votes.map((row) => row.field), sheet.blancos, sheet.nulos, sheet.noMarcados].reduce<number>(
        (total, field) => total + (numberIn(field) ?? 0),
        0,
      ),
    ],
  ];
  for (const [field, value] of candidates) if (value !== null && value > habilitados) return { field, value };
  return null;
}
