import type { DocumentState } from '@castor/contracts';
import type pg from 'pg';
import { withTransaction } from '../../db/client.js';
import { type AuditInput, appendAudit } from '../../shared/audit-chain.js';

/** A document put back in the queue, and what it was before. */
export interface RequeuedDocument {
  id: number;
  state: DocumentState;
  errorCode: string | null;
  attempts: number;
}

/** Which documents to put back in the queue: one by id, or an election's failed with one of these codes. */
export type RequeueFilter = { id: number } | { electionCode: string; errorCodes: readonly string[] };

/**
 * The documents table's retries: failed and dead documents put back in the queue, and by id a
 * quarantined one released (or an upload replaced before it was read, brought back), audited.
 */
export class DocumentRetriesRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Puts failed (or, by id, dead, quarantined, or replaced before it was stored) documents back in
   * the queue as new: attempts reset, error, reading and submission cleared so the file is read
   * again against today's divipol; the history of errors is kept. A quarantined document is
   * released: it is read again without the quarantine checks. A mesa fetched from the site is retried only through its newest job and not
   * while another job of it waits (one open job per mesa). `audit` names the change of each, in
   * the same transaction.
   */
  async requeue(filter: RequeueFilter, audit: (requeued: RequeuedDocument) => AuditInput): Promise<RequeuedDocument[]> {
    const [where, params] =
      'id' in filter
        ? [
            "id = $1 AND (state IN ('failed', 'dead', 'quarantined') OR (state = 'replaced' AND form_id IS NULL))",
            [filter.id],
          ]
        : [
            "election_code = $1 AND state = 'failed' AND error_code = ANY($2::text[])",
            [filter.electionCode, filter.errorCodes],
          ];
    return withTransaction(this.pool, async (client) => {
      const rows = await client.query<{
        id: string;
        state: DocumentState;
        error_code: string | null;
        attempts: number;
      }>(
        `UPDATE e14_documents d SET state = 'queued', stage = 'queued', attempts = 0, run_after = now(),
                lease_owner = NULL, lease_until = NULL, error_code = NULL, error_message = NULL, reading = NULL,
                submission = NULL, finished_at = NULL, updated_at = now(),
                quarantine_released = d.quarantine_released OR d.state = 'quarantined'
         FROM (SELECT id, state, error_code, attempts FROM e14_documents WHERE ${where}) AS before
         WHERE d.id = before.id AND d.state = before.state
           AND (d.kind <> 'registraduria' OR d.id = (
             SELECT max(o.id) FROM e14_documents o WHERE o.kind = 'registraduria' AND o.election_code = d.election_code
               AND o.corporation = d.corporation AND o.mesa_key = d.mesa_key AND o.state IN ('queued', 'processing', 'failed', 'dead', 'quarantined')))
         RETURNING d.id, before.state, before.error_code, before.attempts`,
        params,
      );
      const requeued = rows.rows.map((row) => ({
        id: Number(row.id),
        state: row.state,
        errorCode: row.error_code,
        attempts: row.attempts,
      }));
      // The audit head is locked only when there is something to record (an import usually re-queues nothing).
      if (requeued.length > 0) await appendAudit(client, requeued.map(audit));
      return requeued;
    });
  }
}
