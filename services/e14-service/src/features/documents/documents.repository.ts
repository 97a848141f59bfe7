import type {
  Copy,
  Corporation,
  DocumentReading,
  DocumentResponse,
  DocumentState,
  E14Submission,
} from '@castor/contracts';
import { getTableColumns } from 'drizzle-orm';
import type pg from 'pg';
import { withTransaction } from '../../db/client.js';
import { type e14DocumentFiles, e14Documents, type mesas } from '../../db/schema/index.js';
import { appendAudit } from '../../shared/audit-chain.js';

type DocumentRecord = typeof e14Documents.$inferSelect;

/** The text and jsonb columns of `e14_documents`, as the values this feature writes into them. */
interface DocumentValues {
  /** upload (multipart), url (JSON {url}), registraduria (one mesa fetched from the published site). */
  kind: 'upload' | 'url' | 'registraduria';
  corporation: Corporation | null;
  copy: Copy | null;
  state: DocumentState;
  errors: DocumentResponse['errors'];
  reading: DocumentReading | null;
  submission: E14Submission | null;
  intakeOutcome: IntakeOutcome | null;
}

type IntakeOutcome = 'stored' | 'duplicate';

/** One `e14_documents` row. */
export type DocumentRow = Omit<DocumentRecord, keyof DocumentValues> & DocumentValues;

/** A document row as the worker needs it (`submittedBy`: `<role>:<user id>` of the sender, or `system:<component>`). */
export type DocumentJob = Pick<
  DocumentRow,
  | 'id'
  | 'kind'
  | 'electionCode'
  | 'corporation'
  | 'mesaKey'
  | 'copy'
  | 'originUrl'
  | 'sha256'
  | 'attempts'
  | 'maxAttempts'
  | 'submission'
  | 'reading'
  | 'submittedBy'
  | 'quarantineReleased'
  | 'createdAt'
>;

/** Who sent a document and for which mesa and copy: a witness's newer upload of the same replaces the earlier. */
export type UploadSubject = Pick<DocumentRow, 'electionCode' | 'corporation' | 'mesaKey' | 'copy' | 'submittedBy'>;

/** A new or already received document, as the sender is told. */
export type QueuedDocument = Pick<DocumentRow, 'id' | 'state' | 'priority'> & { duplicate: boolean };

const DOCUMENT_COLUMNS = Object.entries(getTableColumns(e14Documents));

/** A raw row of `SELECT *` / `RETURNING *` as the schema's record, each column through its own driver mapping. */
function toDocumentRow(row: Record<string, unknown>): DocumentRow {
  const record: Record<string, unknown> = {};
  for (const [key, column] of DOCUMENT_COLUMNS) {
    const value = row[column.name];
    record[key] = value === null ? null : column.mapFromDriverValue(value);
  }
  return record as unknown as DocumentRow;
}

type MesaRecord = typeof mesas.$inferSelect;
type MesaStatus = Pick<MesaRecord, 'id'> & { disputed: boolean };

/** A bigint id as a raw query returns it: text. */
type RawId = { id: string };

/** An earlier upload a newer one replaced: before it was read (no form) or after (its form's open tasks cancelled). */
interface ReplacedRow extends RawId {
  state: DocumentState;
  form_id: string | null;
  cancelled_tasks: number;
}

/**
 * Marks `subject`'s uploads older than `newerId` replaced: those not read yet (queued, or held in
 * quarantine) and those stored, whose forms' open review tasks are cancelled (their forms never
 * get a reviewer version). A document being read is left to finish: its own `finish` is what
 * replaces the ones before it. Audited in the same transaction; returns the replaced ids.
 */
async function replaceEarlierUploads(
  client: pg.PoolClient,
  subject: UploadSubject,
  newerId: number,
  states: readonly DocumentState[],
): Promise<number[]> {
  const replaced = await client.query<ReplacedRow>(
    `WITH earlier AS (
       UPDATE e14_documents e SET state = 'replaced', stage = 'replaced', lease_owner = NULL, lease_until = NULL,
              error_code = 'DOCUMENT_REPLACED',
              error_message = 'Replaced by document ' || $6::bigint || ', a newer upload of the same mesa and copy by the same sender',
              finished_at = coalesce(finished_at, now()), updated_at = now()
       FROM (SELECT id, state FROM e14_documents WHERE kind = 'upload' AND submitted_by = $1 AND election_code = $2
               AND corporation IS NOT DISTINCT FROM $3 AND mesa_key = $4 AND copy IS NOT DISTINCT FROM $5
               AND id < $6 AND state = ANY($7::text[]) FOR UPDATE) AS before
       WHERE e.id = before.id
       RETURNING e.id, before.state, e.form_id),
     cancelled AS (
       UPDATE review_tasks t SET status = 'cancelled', resolved_at = now(), resolved_by = 'system:replaced-upload'
       FROM earlier WHERE t.form_id = earlier.form_id AND t.status IN ('pending', 'escalated')
       RETURNING t.form_id)
     SELECT earlier.id, earlier.state, earlier.form_id,
            (SELECT count(*) FROM cancelled WHERE cancelled.form_id = earlier.form_id)::int AS cancelled_tasks
     FROM earlier ORDER BY earlier.id`,
    [subject.submittedBy, subject.electionCode, subject.corporation, subject.mesaKey, subject.copy, newerId, states],
  );
  if (replaced.rows.length > 0) {
    await appendAudit(
      client,
      replaced.rows.map((row) => ({
        actor: 'system:e14-pipeline',
        action: 'document.replaced',
        entity: 'e14_document',
        entityId: row.id,
        before: { state: row.state, formId: row.form_id === null ? null : Number(row.form_id) },
        after: { state: 'replaced', by: newerId, cancelledReviewTasks: row.cancelled_tasks },
      })),
    );
  }
  return replaced.rows.map((row) => Number(row.id));
}

/** The row of `RETURNING id, state, priority`. */
type QueuedRow = RawId & Pick<DocumentRow, 'state' | 'priority'>;

/**
 * The documents table as a durable queue: inserts are idempotent (same file for the same
 * election, or a mesa already waiting), claims take due jobs by priority with
 * FOR UPDATE SKIP LOCKED (several replicas share the table), and every later write is fenced by
 * the lease owner, so a worker that lost its lease cannot overwrite what another one did.
 * The files' bytes live beside it in `e14_document_files`, once per content.
 */
export class DocumentsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async saveFile(sha256: string, mediaType: string, bytes: Uint8Array): Promise<void> {
    await this.pool.query(
      `INSERT INTO e14_document_files (sha256, media_type, size_bytes, content) VALUES ($1, $2, $3, $4)
       ON CONFLICT (sha256) DO NOTHING`,
      [sha256, mediaType, bytes.byteLength, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    );
  }

  async file(sha256: string): Promise<Uint8Array | null> {
    const row = await this.pool.query<Pick<typeof e14DocumentFiles.$inferSelect, 'content'>>(
      'SELECT content FROM e14_document_files WHERE sha256 = $1',
      [sha256],
    );
    const content = row.rows[0]?.content;
    return content ? new Uint8Array(content.buffer, content.byteOffset, content.byteLength) : null;
  }

  /** A received file: a new job, or the existing document of the same file for this election. */
  async addFile(
    input: Pick<
      DocumentRow,
      'electionCode' | 'corporation' | 'mesaKey' | 'originUrl' | 'priority' | 'maxAttempts' | 'submittedBy'
    > & { kind: 'upload' | 'url'; copy: string | null; sha256: string },
  ): Promise<QueuedDocument> {
    const inserted = await this.pool.query<QueuedRow>(
      `INSERT INTO e14_documents (kind, election_code, corporation, mesa_key, copy, origin_url, sha256, priority,
                                  max_attempts, submitted_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (election_code, sha256) WHERE kind <> 'registraduria' DO NOTHING
       RETURNING id, state, priority`,
      [
        input.kind,
        input.electionCode,
        input.corporation,
        input.mesaKey,
        input.copy,
        input.originUrl,
        input.sha256,
        input.priority,
        input.maxAttempts,
        input.submittedBy,
      ],
    );
    const row = inserted.rows[0];
    if (row) return { id: Number(row.id), state: row.state, priority: row.priority, duplicate: false };
    const existing = await this.pool.query<QueuedRow>(
      `SELECT id, state, priority FROM e14_documents WHERE election_code = $1 AND sha256 = $2 AND kind <> 'registraduria'`,
      [input.electionCode, input.sha256],
    );
    const found = existing.rows[0];
    if (!found) throw new Error('document vanished between insert and select');
    return { id: Number(found.id), state: found.state, priority: found.priority, duplicate: true };
  }

  /** One job per mesa to fetch from the Registraduría; a mesa already waiting is not queued twice. */
  async addMesas(
    input: Pick<DocumentRow, 'electionCode' | 'priority' | 'maxAttempts' | 'submittedBy'> & {
      corporation: Corporation;
      mesaKeys: readonly string[];
    },
  ): Promise<{ queued: number; ids: number[] }> {
    const inserted = await this.pool.query<RawId>(
      `INSERT INTO e14_documents (kind, election_code, corporation, mesa_key, priority, max_attempts, submitted_by)
       SELECT 'registraduria', $1, $2, key, $3, $4, $5 FROM unnest($6::text[]) AS key
       ON CONFLICT (election_code, corporation, mesa_key) WHERE kind = 'registraduria' AND state IN ('queued', 'processing')
       DO NOTHING RETURNING id`,
      [input.electionCode, input.corporation, input.priority, input.maxAttempts, input.submittedBy, input.mesaKeys],
    );
    const all = await this.pool.query<RawId>(
      `SELECT id FROM e14_documents WHERE kind = 'registraduria' AND election_code = $1 AND corporation = $2
         AND mesa_key = ANY($3::text[]) AND (state IN ('queued', 'processing') OR id = ANY($4::bigint[])) ORDER BY id`,
      [input.electionCode, input.corporation, input.mesaKeys, inserted.rows.map((row) => row.id)],
    );
    return { queued: inserted.rowCount ?? 0, ids: all.rows.map((row) => Number(row.id)) };
  }

  /**
   * Claims up to `limit` due jobs for `owner`: queued ones whose time has come, and processing
   * ones whose lease ran out (their worker died: the attempt counts). Jobs that lost their worker
   * `max_attempts` times become dead letters here.
   */
  async claim(owner: string, limit: number, leaseMs: number): Promise<DocumentJob[]> {
    await this.pool.query(
      `UPDATE e14_documents SET state = 'dead', stage = 'dead', lease_owner = NULL, lease_until = NULL,
              error_code = 'LEASE_EXPIRED', error_message = 'The worker processing this document stopped ' || attempts || ' times',
              finished_at = now(), updated_at = now()
       WHERE state = 'processing' AND lease_until < now() AND attempts >= max_attempts`,
    );
    const claimed = await this.pool.query<Record<string, unknown>>(
      `UPDATE e14_documents d SET state = 'processing', attempts = d.attempts + 1, lease_owner = $1,
              lease_until = now() + $3 * interval '1 millisecond', updated_at = now()
       WHERE d.id IN (
         SELECT id FROM e14_documents
         WHERE (state = 'queued' AND run_after <= now()) OR (state = 'processing' AND lease_until < now())
         ORDER BY priority DESC, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING d.*`,
      [owner, limit, leaseMs],
    );
    return claimed.rows.map(toDocumentRow);
  }

  /** Extends the leases of `ids`; returns the ids this owner still holds. */
  async renew(owner: string, ids: readonly number[], leaseMs: number): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.pool.query<RawId>(
      `UPDATE e14_documents SET lease_until = now() + $3 * interval '1 millisecond'
       WHERE id = ANY($2::bigint[]) AND lease_owner = $1 AND state = 'processing' RETURNING id`,
      [owner, ids, leaseMs],
    );
    return new Set(rows.rows.map((row) => Number(row.id)));
  }

  /** Writes progress of a held job (fenced by the lease owner); false when the lease was lost. */
  async progress(
    owner: string,
    id: number,
    update: {
      stage: string;
      sha256?: string;
      corporation?: string;
      mesaKey?: string;
      copy?: string;
      reading?: DocumentReading;
      submission?: E14Submission;
    },
  ): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE e14_documents SET stage = $3, sha256 = coalesce($4, sha256), corporation = coalesce($5, corporation),
              mesa_key = coalesce($6, mesa_key), copy = coalesce($7, copy), reading = coalesce($8::jsonb, reading),
              submission = coalesce($9::jsonb, submission), updated_at = now()
       WHERE id = $2 AND lease_owner = $1 AND state = 'processing'`,
      [
        owner,
        id,
        update.stage,
        update.sha256 ?? null,
        update.corporation ?? null,
        update.mesaKey ?? null,
        update.copy ?? null,
        update.reading ? JSON.stringify(update.reading) : null,
        update.submission ? JSON.stringify(update.submission) : null,
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * Marks a held job done with the form intake stored; returns when the document was received.
   * A witness's upload stored replaces that witness's older uploads of the same mesa and copy (the
   * newest stored one wins, whichever finishes first).
   */
  async finish(
    owner: string,
    id: number,
    outcome: { formId: number; intakeOutcome: IntakeOutcome },
  ): Promise<Date | null> {
    return withTransaction(this.pool, async (client) => {
      const done = await client.query<Record<string, unknown>>(
        `UPDATE e14_documents SET state = 'done', stage = 'done', form_id = $3, intake_outcome = $4, lease_owner = NULL,
                lease_until = NULL, error_code = NULL, error_message = NULL, finished_at = now(), updated_at = now()
         WHERE id = $2 AND lease_owner = $1 AND state = 'processing' RETURNING *`,
        [owner, id, outcome.formId, outcome.intakeOutcome],
      );
      const row = done.rows[0];
      if (!row) return null;
      const document = toDocumentRow(row);
      if (document.kind === 'upload' && document.submittedBy.startsWith('witness:')) {
        const newest = await client.query<{ id: string }>(
          `SELECT max(id) AS id FROM e14_documents WHERE kind = 'upload' AND submitted_by = $1 AND election_code = $2
             AND corporation IS NOT DISTINCT FROM $3 AND mesa_key = $4 AND copy IS NOT DISTINCT FROM $5 AND state = 'done'`,
          [document.submittedBy, document.electionCode, document.corporation, document.mesaKey, document.copy],
        );
        await replaceEarlierUploads(client, document, Number(newest.rows[0]?.id ?? id), [
          'queued',
          'quarantined',
          'done',
        ]);
      }
      return document.createdAt;
    });
  }

  /**
   * A witness's new upload (`id`) replaces that witness's uploads of the same mesa and copy not
   * read yet (queued or quarantined); the stored ones are replaced once the new one is stored.
   */
  async replaceUnreadUploads(subject: UploadSubject, id: number): Promise<number[]> {
    return withTransaction(this.pool, (client) =>
      replaceEarlierUploads(client, subject, id, ['queued', 'quarantined']),
    );
  }

  /** Holds a job back in quarantine (not stored, not retried) until an admin or analyst releases it. */
  async quarantine(
    owner: string,
    job: Pick<DocumentJob, 'id' | 'attempts'>,
    error: { code: string; message: string },
  ): Promise<boolean> {
    const entry = { attempt: job.attempts, at: new Date().toISOString(), code: error.code, message: error.message };
    const result = await this.pool.query(
      `UPDATE e14_documents SET state = 'quarantined', stage = 'quarantined', error_code = $3, error_message = $4,
              errors = errors || $5::jsonb, lease_owner = NULL, lease_until = NULL, finished_at = now(), updated_at = now()
       WHERE id = $2 AND lease_owner = $1 AND state = 'processing'`,
      [owner, job.id, error.code, error.message.slice(0, 1_000), JSON.stringify([entry])],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** Review tasks opened in the last hour by the forms of `submittedBy`'s documents. */
  async reviewTasksOpenedBy(submittedBy: string): Promise<number> {
    const result = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM review_tasks t
       WHERE t.created_at > now() - interval '1 hour' AND t.form_id IN (
         SELECT form_id FROM e14_documents WHERE submitted_by = $1 AND finished_at > now() - interval '1 hour'
           AND intake_outcome = 'stored')`,
      [submittedBy],
    );
    return result.rows[0]?.n ?? 0;
  }

  /**
   * Records a failed attempt: `retryInMs` null = refused for good (failed); otherwise queued again
   * after the delay, or dead once the attempts are used up. Returns the state written.
   */
  async fail(
    owner: string,
    job: Pick<DocumentJob, 'id' | 'attempts' | 'maxAttempts'>,
    error: { code: string; message: string },
    retryInMs: number | null,
  ): Promise<DocumentState | null> {
    const state: DocumentState = retryInMs === null ? 'failed' : job.attempts >= job.maxAttempts ? 'dead' : 'queued';
    const entry = { attempt: job.attempts, at: new Date().toISOString(), code: error.code, message: error.message };
    const result = await this.pool.query(
      `UPDATE e14_documents SET state = $3, stage = CASE WHEN $3 = 'queued' THEN 'retry' ELSE $3 END,
              error_code = $4, error_message = $5, errors = errors || $6::jsonb, lease_owner = NULL, lease_until = NULL,
              run_after = now() + $7 * interval '1 millisecond',
              finished_at = CASE WHEN $3 = 'queued' THEN NULL ELSE now() END, updated_at = now()
       WHERE id = $2 AND lease_owner = $1 AND state = 'processing'`,
      [owner, job.id, state, error.code, error.message.slice(0, 1_000), JSON.stringify([entry]), retryInMs ?? 0],
    );
    return (result.rowCount ?? 0) > 0 ? state : null;
  }

  /** Gives back the jobs `owner` still holds (a graceful stop): due again now, the attempt not counted. */
  async release(owner: string): Promise<number> {
    const result = await this.pool.query(
      `UPDATE e14_documents SET state = 'queued', stage = 'released', attempts = greatest(attempts - 1, 0),
              lease_owner = NULL, lease_until = NULL, run_after = now(), updated_at = now()
       WHERE lease_owner = $1 AND state = 'processing'`,
      [owner],
    );
    return result.rowCount ?? 0;
  }

  /** Makes jobs waiting for a retry due now; returns how many. */
  async resume(): Promise<number> {
    const result = await this.pool.query(
      `UPDATE e14_documents SET run_after = now() WHERE state = 'queued' AND run_after > now()`,
    );
    return result.rowCount ?? 0;
  }

  async sentBy(id: number, submittedBy: string): Promise<boolean> {
    const row = await this.pool.query('SELECT 1 FROM e14_documents WHERE id = $1 AND submitted_by = $2', [
      id,
      submittedBy,
    ]);
    return (row.rowCount ?? 0) > 0;
  }

  /** Documents per state, the oldest waiting, the throughput and the failures, for the pipeline status. */
  async queueSummary() {
    const [states, oldest, throughput, errors, dead] = await Promise.all([
      this.pool.query<{ state: DocumentState; count: number }>(
        'SELECT state, count(*)::int AS count FROM e14_documents GROUP BY state',
      ),
      this.pool.query<{ seconds: number | null }>(
        `SELECT extract(epoch FROM now() - min(created_at))::float8 AS seconds FROM e14_documents WHERE state = 'queued'`,
      ),
      this.pool.query<{ minute: number; quarter: number }>(
        `SELECT count(*) FILTER (WHERE finished_at > now() - interval '1 minute')::int AS minute,
                count(*)::int AS quarter
         FROM e14_documents WHERE finished_at > now() - interval '15 minutes'`,
      ),
      this.pool.query<{ code: string; count: number }>(
        `SELECT error_code AS code, count(*)::int AS count FROM e14_documents
         WHERE state IN ('failed', 'dead') AND error_code IS NOT NULL GROUP BY error_code ORDER BY count DESC`,
      ),
      this.pool.query<
        RawId & { code: DocumentRow['errorCode']; message: DocumentRow['errorMessage']; attempts: number }
      >(
        `SELECT id, error_code AS code, error_message AS message, attempts FROM e14_documents
         WHERE state = 'dead' ORDER BY finished_at DESC LIMIT 20`,
      ),
    ]);
    return {
      states: states.rows,
      oldestWaitingSeconds: oldest.rows[0]?.seconds ?? null,
      finished: { lastMinute: throughput.rows[0]?.minute ?? 0, last15Minutes: throughput.rows[0]?.quarter ?? 0 },
      errors: errors.rows,
      deadLetters: dead.rows.map((row) => ({ ...row, id: Number(row.id) })),
    };
  }

  /** Documents queued or processing, and the age of the oldest waiting one (the backlog gauge). */
  async backlog(): Promise<{ backlog: number; oldest: number | null } | undefined> {
    const row = await this.pool.query<{ backlog: number; oldest: number | null }>(
      `SELECT count(*)::int AS backlog,
              extract(epoch FROM now() - min(created_at) FILTER (WHERE state = 'queued'))::float8 AS oldest
       FROM e14_documents WHERE state IN ('queued', 'processing')`,
    );
    return row.rows[0];
  }

  /** A mesa of the election's divipol, and whether a reconciliation disputes it; undefined when unknown. */
  async mesaStatus(electionId: number, key: string): Promise<MesaStatus | undefined> {
    const row = await this.pool.query<MesaStatus>(
      `SELECT m.id, EXISTS (SELECT 1 FROM reconciliations r WHERE r.mesa_id = m.id AND r.status = 'disputed') AS disputed
       FROM mesas m WHERE m.election_id = $1 AND m.mesa_key = $2`,
      [electionId, key],
    );
    return row.rows[0];
  }

  /** The keys of the election's mesas that start with `prefix` (a departamento or municipio), in order. */
  async mesaKeysUnder(electionId: number, prefix: string): Promise<string[]> {
    const rows = await this.pool.query<{ mesa_key: MesaRecord['mesaKey'] }>(
      `SELECT mesa_key FROM mesas WHERE election_id = $1 AND starts_with(mesa_key, $2) ORDER BY mesa_key`,
      [electionId, prefix],
    );
    return rows.rows.map((row) => row.mesa_key);
  }

  /**
   * The documents `submittedBy` sent, newest first, `limit` of them below id `before`. Within the
   * sender index (submitted_by, finished_at): one sender's documents are few enough to sort by id.
   */
  async listSentBy(query: { submittedBy: string; election?: string; before?: number; limit: number }) {
    const result = await this.pool.query<Record<string, unknown>>(
      `SELECT * FROM e14_documents
       WHERE submitted_by = $1 AND ($2::text IS NULL OR election_code = $2) AND ($3::bigint IS NULL OR id < $3)
       ORDER BY id DESC LIMIT $4`,
      [query.submittedBy, query.election ?? null, query.before ?? null, query.limit],
    );
    return result.rows.map(toDocumentRow);
  }

  async findById(id: number): Promise<DocumentRow | null> {
    const result = await this.pool.query<Record<string, unknown>>('SELECT * FROM e14_documents WHERE id = $1', [id]);
    const row = result.rows[0];
    return row ? toDocumentRow(row) : null;
  }
}
