import { createHash } from 'node:crypto';
import type {
  Corporation,
  DocumentReading,
  DocumentResponse,
  DocumentState,
  E14SubmissionV2,
  MesaKey,
} from '@castor/contracts';
import type pg from 'pg';

/** A document row as the worker needs it. */
export interface DocumentJob {
  id: number;
  kind: 'upload' | 'url' | 'registraduria';
  electionCode: string;
  corporation: Corporation | null;
  mesaKey: MesaKey | null;
  copy: E14SubmissionV2['copy'] | null;
  originUrl: string | null;
  sha256: string | null;
  attempts: number;
  maxAttempts: number;
  submission: E14SubmissionV2 | null;
  reading: DocumentReading | null;
  /** `<role>:<user id>` of the sender, or `system:<component>`. */
  submittedBy: string;
  createdAt: Date;
}

interface DocumentRow {
  id: string;
  kind: DocumentJob['kind'];
  election_code: string;
  corporation: Corporation | null;
  mesa_key: string | null;
  copy: DocumentJob['copy'];
  origin_url: string | null;
  sha256: string | null;
  state: DocumentState;
  stage: string;
  priority: number;
  attempts: number;
  max_attempts: number;
  error_code: string | null;
  error_message: string | null;
  errors: DocumentResponse['errors'];
  reading: DocumentReading | null;
  submission: E14SubmissionV2 | null;
  form_id: string | null;
  submitted_by: string;
  intake_outcome: 'stored' | 'duplicate' | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

const toJob = (row: DocumentRow): DocumentJob => ({
  id: Number(row.id),
  kind: row.kind,
  electionCode: row.election_code,
  corporation: row.corporation,
  mesaKey: row.mesa_key,
  copy: row.copy,
  originUrl: row.origin_url,
  sha256: row.sha256,
  attempts: row.attempts,
  maxAttempts: row.max_attempts,
  submission: row.submission,
  reading: row.reading,
  submittedBy: row.submitted_by,
  createdAt: row.created_at,
});

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Priorities: a witness's photo or upload first, then any upload, one mesa asked for, a routine scrape. */
export const PRIORITY = { witness: 30, disputed: 20, upload: 10, table: 5, scrape: 0 } as const;

/**
 * The documents table as a durable queue: inserts are idempotent (same file for the same
 * election, or a mesa already waiting), claims take due jobs by priority with
 * FOR UPDATE SKIP LOCKED (several replicas share the table), and every later write is fenced by
 * the lease owner, so a worker that lost its lease cannot overwrite what another one did.
 */
export class DocumentStore {
  constructor(private readonly pool: pg.Pool) {}

  async saveFile(sha256: string, mediaType: string, bytes: Uint8Array): Promise<void> {
    await this.pool.query(
      `INSERT INTO e14_document_files (sha256, media_type, size_bytes, content) VALUES ($1, $2, $3, $4)
       ON CONFLICT (sha256) DO NOTHING`,
      [sha256, mediaType, bytes.byteLength, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    );
  }

  async file(sha256: string): Promise<Uint8Array | null> {
    const row = await this.pool.query<{ content: Buffer }>('SELECT content FROM e14_document_files WHERE sha256 = $1', [
      sha256,
    ]);
    const content = row.rows[0]?.content;
    return content ? new Uint8Array(content.buffer, content.byteOffset, content.byteLength) : null;
  }

  /** A received file: a new job, or the existing document of the same file for this election. */
  async addFile(input: {
    kind: 'upload' | 'url';
    electionCode: string;
    corporation: Corporation | null;
    mesaKey: string | null;
    copy: string | null;
    originUrl: string | null;
    sha256: string;
    priority: number;
    maxAttempts: number;
    submittedBy: string;
  }): Promise<{ id: number; state: DocumentState; priority: number; duplicate: boolean }> {
    const inserted = await this.pool.query<{ id: string; state: DocumentState; priority: number }>(
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
    const existing = await this.pool.query<{ id: string; state: DocumentState; priority: number }>(
      `SELECT id, state, priority FROM e14_documents WHERE election_code = $1 AND sha256 = $2 AND kind <> 'registraduria'`,
      [input.electionCode, input.sha256],
    );
    const found = existing.rows[0];
    if (!found) throw new Error('document vanished between insert and select');
    return { id: Number(found.id), state: found.state, priority: found.priority, duplicate: true };
  }

  /** One job per mesa to fetch from the Registraduría; a mesa already waiting is not queued twice. */
  async addMesas(input: {
    electionCode: string;
    corporation: Corporation;
    mesaKeys: readonly string[];
    priority: number;
    maxAttempts: number;
    submittedBy: string;
  }): Promise<{ queued: number; ids: number[] }> {
    const inserted = await this.pool.query<{ id: string }>(
      `INSERT INTO e14_documents (kind, election_code, corporation, mesa_key, priority, max_attempts, submitted_by)
       SELECT 'registraduria', $1, $2, key, $3, $4, $5 FROM unnest($6::text[]) AS key
       ON CONFLICT (election_code, corporation, mesa_key) WHERE kind = 'registraduria' AND state IN ('queued', 'processing')
       DO NOTHING RETURNING id`,
      [input.electionCode, input.corporation, input.priority, input.maxAttempts, input.submittedBy, input.mesaKeys],
    );
    const all = await this.pool.query<{ id: string }>(
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
    const claimed = await this.pool.query<DocumentRow>(
      `UPDATE e14_documents d SET state = 'processing', attempts = d.attempts + 1, lease_owner = $1,
              lease_until = now() + $3 * interval '1 millisecond', updated_at = now()
       WHERE d.id IN (
         SELECT id FROM e14_documents
         WHERE (state = 'queued' AND run_after <= now()) OR (state = 'processing' AND lease_until < now())
         ORDER BY priority DESC, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING d.*`,
      [owner, limit, leaseMs],
    );
    return claimed.rows.map(toJob);
  }

  /** Extends the leases of `ids`; returns the ids this owner still holds. */
  async renew(owner: string, ids: readonly number[], leaseMs: number): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.pool.query<{ id: string }>(
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
      submission?: E14SubmissionV2;
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

  async finish(
    owner: string,
    id: number,
    outcome: { formId: number; intakeOutcome: 'stored' | 'duplicate' },
  ): Promise<Date | null> {
    const row = await this.pool.query<{ created_at: Date }>(
      `UPDATE e14_documents SET state = 'done', stage = 'done', form_id = $3, intake_outcome = $4, lease_owner = NULL,
              lease_until = NULL, error_code = NULL, error_message = NULL, finished_at = now(), updated_at = now()
       WHERE id = $2 AND lease_owner = $1 AND state = 'processing' RETURNING created_at`,
      [owner, id, outcome.formId, outcome.intakeOutcome],
    );
    return row.rows[0]?.created_at ?? null;
  }

  /**
   * Records a failed attempt: `retryInMs` null = refused for good (failed); otherwise queued again
   * after the delay, or dead once the attempts are used up. Returns the state written.
   */
  async fail(
    owner: string,
    job: DocumentJob,
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

  async get(id: number): Promise<DocumentResponse | null> {
    const result = await this.pool.query<DocumentRow>('SELECT * FROM e14_documents WHERE id = $1', [id]);
    const row = result.rows[0];
    if (!row) return null;
    return {
      id: Number(row.id),
      kind: row.kind,
      electionCode: row.election_code,
      corporation: row.corporation,
      mesaKey: row.mesa_key,
      copy: row.copy,
      sha256: row.sha256,
      originUrl: row.origin_url,
      state: row.state,
      stage: row.stage,
      priority: row.priority,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
      errors: row.errors,
      reading: row.reading,
      formId: row.form_id === null ? null : Number(row.form_id),
      intakeOutcome: row.intake_outcome,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    };
  }
}
