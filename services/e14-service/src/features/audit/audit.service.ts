import type { auditVerifyQuerySchema, auditVerifyResponseSchema } from '@castor/contracts';
import type { z } from 'zod';
import { checkPublishedHead, publishedHeadOf, verifyAuditChain } from '../../shared/audit-chain.js';
import { truthNumbersHash } from '../../shared/audited-truth.js';
import { numbersOf } from '../../shared/mesa-reconciler.js';
import { COVERAGE_COLUMNS } from '../../shared/rollups.js';
import type {
  AuditRepository,
  AuditSnapshot,
  FormContentRow,
  RollupLevel,
  RollupMismatch,
  TruthCheckRow,
} from './audit.repository.js';

export type AuditVerification = z.output<typeof auditVerifyResponseSchema>;
type Mismatch = NonNullable<AuditVerification['firstMismatch']>;
type Checked = AuditVerification['checked'];

const PAGE = 5_000;
const ROLLUP_LEVELS: readonly RollupLevel[] = ['puesto', 'municipio'];

/**
 * GET /api/audit/verify: the chain from genesis to its head (and a head published earlier, when
 * given), then what results are computed from against the chain: each form's payload against its
 * content hash and its `e14.stored` entry, each truth against its last `reconciliation.decided`
 * entry, and the rollups against the truths. Stops at the first mismatch, in that order.
 */
export async function verifyAudit(
  repository: AuditRepository,
  query: z.output<typeof auditVerifyQuerySchema> = {},
): Promise<AuditVerification> {
  const published = publishedHeadOf(query);
  return repository.inSnapshot(async (snapshot) => {
    const chain = await verifyAuditChain(snapshot.client);
    const checked: Checked = { forms: 0, truths: 0, rollupRows: 0 };
    const firstBroken =
      chain.firstBroken ?? (published ? await checkPublishedHead(snapshot.client, published, chain.head) : null);
    const firstMismatch = firstBroken
      ? chainMismatch(firstBroken)
      : ((await checkForms(snapshot, checked)) ??
        (await checkTruths(snapshot, checked)) ??
        (await checkRollups(snapshot, checked)));
    return {
      ok: firstMismatch === null,
      entries: chain.entries,
      head: chain.head,
      firstBroken,
      firstMismatch,
      checked,
      publishedHead: published,
    };
  });
}

const chainMismatch = (broken: NonNullable<AuditVerification['firstBroken']>): Mismatch => ({
  kind: 'chain',
  entity: 'audit_log',
  entityId: String(broken.seq),
  field: broken.reason,
  seq: broken.seq,
  expected: broken.expected,
  found: broken.found,
});

async function checkForms(snapshot: AuditSnapshot, checked: Checked) {
  for (let afterId = 0; ; ) {
    const page = await snapshot.formsPage(afterId, PAGE);
    for (const row of page) {
      const mismatch = formMismatch(row);
      if (mismatch) return mismatch;
      checked.forms += 1;
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE) break;
    afterId = Number(last.id);
  }
  const missing = await snapshot.firstMissingForm();
  if (!missing) return null;
  return formContent(missing.entity_id, 'missing', Number(missing.seq), missing.audited_hash, 'no stored form');
}

const formContent = (id: string, field: string, seq: number | null, expected: string, found: string): Mismatch => ({
  kind: 'form_content',
  entity: 'e14_form',
  entityId: id,
  field,
  seq,
  expected,
  found,
});

/** The payload must hash to content_hash, and content_hash be what the form's `e14.stored` entry recorded. */
function formMismatch(row: FormContentRow): Mismatch | null {
  const seq = row.audited_seq === null ? null : Number(row.audited_seq);
  if (row.audited_hash === null) return formContent(row.id, 'audit', seq, 'an e14.stored entry', 'none');
  if (row.payload_hash !== row.audited_hash) {
    return formContent(row.id, 'payload', seq, row.audited_hash, row.payload_hash);
  }
  if (row.content_hash !== row.audited_hash) {
    return formContent(row.id, 'content_hash', seq, row.audited_hash, row.content_hash);
  }
  return null;
}

async function checkTruths(snapshot: AuditSnapshot, checked: Checked) {
  for (let after = { mesaId: 0, corporation: '' }; ; ) {
    const page = await snapshot.truthsPage(after, PAGE);
    for (const row of page) {
      const mismatch = truthMismatch(row);
      if (mismatch) return mismatch;
      checked.truths += 1;
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE) break;
    after = { mesaId: last.mesa_id, corporation: last.corporation };
  }
  const missing = await snapshot.firstMissingTruth();
  if (!missing) return null;
  return {
    kind: 'reconciliation',
    entity: 'mesa',
    entityId: missing.entity_id,
    field: 'missing',
    seq: Number(missing.seq),
    expected: 'the decided truth',
    found: 'no stored truth',
  } satisfies Mismatch;
}

/** The truth must be the form, status and numbers its last audited decision chose. */
function truthMismatch(row: TruthCheckRow): Mismatch | null {
  const { decision } = row;
  const seq = row.decision_seq === null ? null : Number(row.decision_seq);
  const mismatch = (field: string, expected: string, found: string): Mismatch => ({
    kind: 'reconciliation',
    entity: 'mesa',
    entityId: `${row.mesa_key}/${row.corporation}`,
    field,
    seq,
    expected,
    found,
  });
  if (!decision) return mismatch('decision', 'a reconciliation.decided entry', 'none');
  if (decision.formId !== Number(row.form_id)) return mismatch('formId', String(decision.formId), String(row.form_id));
  if (decision.status !== row.status) return mismatch('status', decision.status, row.status);
  const numbersHash = truthNumbersHash(numbersOf(row));
  if (decision.numbersHash !== numbersHash) {
    return mismatch('numbersHash', decision.numbersHash ?? 'none (entry without numbers)', numbersHash);
  }
  return null;
}

async function checkRollups(snapshot: AuditSnapshot, checked: Checked) {
  for (const level of ROLLUP_LEVELS) {
    const votes = await snapshot.firstVoteTallyMismatch(level);
    checked.rollupRows += votes.rows;
    if (votes.mismatch) return rollupMismatch(`${level}_vote_tallies`, votes.mismatch, ['votes']);
    const coverage = await snapshot.firstCoverageMismatch(level);
    checked.rollupRows += coverage.rows;
    if (coverage.mismatch) return rollupMismatch(`${level}_coverage`, coverage.mismatch, COVERAGE_COLUMNS);
  }
  return null;
}

/** Names the first differing column of a rollup row recomputed from the truths. */
function rollupMismatch(
  table: string,
  row: NonNullable<RollupMismatch['mismatch']>,
  columns: readonly string[],
): Mismatch {
  const index = columns.findIndex((_, at) => Number(row.expected[at]) !== Number(row.found[at]));
  const key = [row.place, row.corporation, ...(row.candidate_id === undefined ? [] : [row.candidate_id])];
  return {
    kind: 'rollup',
    entity: table,
    entityId: key.join('/'),
    field: columns[index] ?? 'votes',
    seq: null,
    expected: String(row.expected[index]),
    found: String(row.found[index]),
  };
}
