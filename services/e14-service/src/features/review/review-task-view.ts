import { type E14Submission, e14SubmissionSchema, type ReviewTask, type RuleFinding } from '@castor/contracts';
import { toSheet } from '../../domain/sheet.js';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import type { TaskViewRecord } from './review.repository.js';
import type { ReviewCrops } from './review-crops.js';
import type { Lease } from './review-leases.js';

const PRINTED_LABELS: Record<string, string> = {
  'nivelacion.sufragantes': 'TOTAL VOTANTES FORMULARIO E-11',
  'nivelacion.urna': 'TOTAL VOTOS EN LA URNA',
  'nivelacion.incinerados': 'TOTAL VOTOS INCINERADOS',
  blancos: 'VOTOS EN BLANCO',
  nulos: 'VOTOS NULOS',
  noMarcados: 'VOTOS NO MARCADOS',
  sumaTotal: 'SUMA TOTAL DE VOTOS',
};

/**
 * The task as a reviewer sees it: the field, every provider's reading, the crop of the cell and of
 * its row's printed number and name, the context.
 */
export async function toReviewTask(
  { catalogs, printedLabels }: { catalogs: ElectionCatalogs; printedLabels: Pick<ReviewCrops, 'hasPrintedLabel'> },
  row: TaskViewRecord,
  lease: Lease | null,
): Promise<ReviewTask> {
  const submission = e14SubmissionSchema.parse(row.payload);
  const field = toSheet(submission).fields.find((entry) => entry.path === row.fieldPath)?.field;
  if (!field) throw new Error(`review task ${row.id}: field ${row.fieldPath} is not on form ${row.formId}`);
  const label = await labelOf(catalogs, submission, row.fieldPath);
  const onScan = Boolean(row.crop?.documentHash);
  const mentions = (finding: RuleFinding) => finding.fields.includes(row.fieldPath);
  return {
    taskId: row.id,
    status: row.status,
    reason: row.reason,
    entries: row.entries,
    lease: lease ? { token: lease.token, expiresAt: lease.expiresAt.toISOString() } : null,
    field: {
      path: row.fieldPath,
      label,
      state: field.state,
      value: field.value,
      confidence: field.confidence,
      overwritten: field.overwritten,
      readBy: field.readBy ?? null,
      // Provider readings are kept on a fused field (absent on structured submissions).
      readings: field.readings ?? [],
    },
    crop: {
      url: onScan ? `/api/review/tasks/${row.id}/crop` : null,
      ref: row.crop ?? null,
      labelUrl: onScan && (await printedLabels.hasPrintedLabel(row)) ? `/api/review/tasks/${row.id}/label-crop` : null,
    },
    context: {
      formId: row.formId,
      electionCode: row.electionCode,
      mesaKey: row.mesaKey,
      corporation: row.corporation,
      copy: row.copy,
      source: row.source,
      rulesFailed: [...row.findings.filter(mentions), ...row.findings.filter((finding) => !mentions(finding))],
    },
  };
}

/** The row's label as printed: the candidate (and party) of a vote row, the list of a TOTAL. */
async function labelOf(catalogs: ElectionCatalogs, submission: E14Submission, path: string): Promise<string> {
  const printed = PRINTED_LABELS[path];
  if (printed) return printed;
  const catalog = await catalogs.get(submission.electionCode);
  const { departamento, municipio } = submission.mesa;
  const resolve = (option: string) => catalog?.resolveOption(submission.corporation, departamento, municipio, option);
  if (path.startsWith('votes.')) {
    const option = path.slice('votes.'.length);
    const candidate = resolve(option);
    if (!candidate) return option;
    return `${option} ${candidate.name}${candidate.party && candidate.party !== candidate.name ? ` (${candidate.party})` : ''}`;
  }
  if (path.startsWith('listTotals.')) {
    const ballot = path.slice('listTotals.'.length);
    const listId = resolve(`${ballot}-0`)?.listId;
    const list = listId == null ? undefined : catalog?.lists.get(listId);
    return `TOTAL ${ballot}${list ? ` ${list.name}` : ''}`;
  }
  return path;
}
