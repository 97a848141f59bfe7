import { hash as cryptoHash } from 'node:crypto';
import type { AuditEntry } from '@castor/contracts';
import type pg from 'pg';
import { copyRows } from '../db/copy.js';
import { canonicalJson, canonicalJsonOfJson } from '../domain/canonical-json.js';

export const AUDIT_ALGORITHM =
  'hash_n = SHA-256 hex of (hash_{n-1} + "\\n" + RFC 8785 JSON of {seq, at, actor, action, entity, entityId, before, after}); hash_0 = 64 zeros';
export const GENESIS_HASH = '0'.repeat(64);

/** One state change to record. `actor` is "<role>:<user id>" or "system:<component>". */
export interface AuditInput {
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

export function entryHash(prevHash: string, entry: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  const body = canonicalJson({
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
  return sha256Hex(`${prevHash}\n${body}`);
}

const sha256Hex = (text: string) => cryptoHash('sha256', text, 'hex');

/**
 * An entry whose canonical text is ready but not yet chained: the hashed body is entryHash's
 * canonical object with its keys in sorted order, `{"action","actor","after","at","before",
 * "entity","entityId","seq"}`, so everything but `at` and `seq` (known only under the head lock)
 * is written beforehand.
 */
export interface PreparedAuditEntry {
  input: AuditInput;
  /** Canonical text of before/after: what the json columns store and the body embeds. */
  before: string;
  after: string;
  /** The body up to `"at":` and from `,"before":` up to `"seq":`. */
  head: string;
  tail: string;
}

/**
 * Does the per-entry work of appending (canonical JSON of before/after, the body text) without
 * any lock, so callers can do it before they take the hot rows and the audit head.
 */
export function prepareAudit(inputs: readonly AuditInput[]): PreparedAuditEntry[] {
  return inputs.map((input) => {
    const before = canonicalJsonOfJson(input.before ?? null);
    const after = canonicalJsonOfJson(input.after ?? null);
    return {
      input,
      before,
      after,
      head: `{"action":${JSON.stringify(input.action)},"actor":${JSON.stringify(input.actor)},"after":${after},"at":`,
      tail: `,"before":${before},"entity":${JSON.stringify(input.entity)},"entityId":${JSON.stringify(input.entityId)},"seq":`,
    };
  });
}

const isPrepared = (
  entries: readonly AuditInput[] | readonly PreparedAuditEntry[],
): entries is readonly PreparedAuditEntry[] => entries[0] !== undefined && 'head' in entries[0];

/**
 * Appends entries to the chain inside the caller's transaction. The head row is locked first, so
 * concurrent appenders queue and the chain stays linear; callers take this lock as late as they
 * can (just before commit) and may pass entries prepared beforehand (`prepareAudit`), leaving
 * only the hashing itself inside the serialised part.
 */
export async function appendAudit(
  client: pg.PoolClient,
  entries: readonly AuditInput[] | readonly PreparedAuditEntry[],
): Promise<{ seq: number; hash: string }> {
  const prepared = isPrepared(entries) ? entries : prepareAudit(entries);
  const head = await client.query<{ seq: string; hash: string }>(
    'SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE',
  );
  let seq = Number(head.rows[0]?.seq ?? 0);
  let hash = head.rows[0]?.hash ?? GENESIS_HASH;
  if (prepared.length === 0) return { seq, hash };
  const at = new Date().toISOString();
  const atJson = JSON.stringify(at);
  const rows: Array<Array<string | number | null>> = [];
  for (const entry of prepared) {
    seq += 1;
    const next = sha256Hex(`${hash}\n${entry.head}${atJson}${entry.tail}${seq}}`);
    const { input } = entry;
    rows.push([
      seq,
      at,
      input.actor,
      input.action,
      input.entity,
      input.entityId,
      entry.before === 'null' ? null : entry.before,
      entry.after === 'null' ? null : entry.after,
      hash,
      next,
    ]);
    hash = next;
  }
  await copyRows(
    client,
    'audit_log',
    ['seq', 'at', 'actor', 'action', 'entity', 'entity_id', 'before', 'after', 'prev_hash', 'hash'],
    rows,
  );
  await client.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1', [seq, hash]);
  return { seq, hash };
}

interface AuditRow {
  seq: string;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

export const toAuditEntry = (row: AuditRow): AuditEntry => ({
  seq: Number(row.seq),
  at: row.at.toISOString(),
  actor: row.actor,
  action: row.action,
  entity: row.entity,
  entityId: row.entity_id,
  before: row.before,
  after: row.after,
  prevHash: row.prev_hash,
  hash: row.hash,
});

export type BrokenLink = {
  seq: number;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'head_mismatch' | 'truncated';
  expected: string;
  found: string;
};

/**
 * Checks a run of entries continuing from (`seq`, `hash`). Shared by the verify endpoint and the
 * offline verifier of exports, so a third party runs exactly the same check.
 */
export function checkEntries(
  entries: readonly AuditEntry[],
  from: { seq: number; hash: string },
): { last: { seq: number; hash: string }; broken: BrokenLink | null } {
  let { seq, hash } = from;
  for (const entry of entries) {
    if (entry.seq !== seq + 1) {
      return {
        last: { seq, hash },
        broken: { seq: seq + 1, reason: 'sequence_gap', expected: String(seq + 1), found: String(entry.seq) },
      };
    }
    if (entry.prevHash !== hash) {
      return {
        last: { seq, hash },
        broken: { seq: entry.seq, reason: 'prev_hash_mismatch', expected: hash, found: entry.prevHash },
      };
    }
    const recomputed = entryHash(hash, entry);
    if (recomputed !== entry.hash) {
      return {
        last: { seq, hash },
        broken: { seq: entry.seq, reason: 'hash_mismatch', expected: recomputed, found: entry.hash },
      };
    }
    seq = entry.seq;
    hash = entry.hash;
  }
  return { last: { seq, hash }, broken: null };
}

const PAGE = 5_000;

/** A pool, or a client holding a transaction (verify reads one snapshot). */
type Queryable = pg.Pool | pg.PoolClient;

export async function readAuditPage(db: Queryable, afterSeq: number, limit: number): Promise<AuditEntry[]> {
  const result = await db.query<AuditRow>({
    name: 'audit-page',
    text: `SELECT seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash
           FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
    values: [afterSeq, limit],
  });
  return result.rows.map(toAuditEntry);
}

export async function readAuditHead(db: Queryable): Promise<{ seq: number; hash: string }> {
  const result = await db.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1');
  return { seq: Number(result.rows[0]?.seq ?? 0), hash: result.rows[0]?.hash ?? GENESIS_HASH };
}

/** Recomputes the whole chain from genesis, page by page, and names the first broken link. */
export async function verifyAuditChain(db: Queryable) {
  const head = await readAuditHead(db);
  let position = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  for (;;) {
    const page = await readAuditPage(db, position.seq, PAGE);
    if (page.length === 0) break;
    const { last, broken } = checkEntries(page, position);
    checked += page.length;
    if (broken) return { ok: false, entries: checked, head, firstBroken: broken };
    position = last;
  }
  if (position.seq !== head.seq || position.hash !== head.hash) {
    return {
      ok: false,
      entries: checked,
      head,
      firstBroken: {
        seq: Math.min(position.seq + 1, head.seq),
        reason: 'head_mismatch' as const,
        expected: head.hash,
        found: position.hash,
      },
    };
  }
  return { ok: true, entries: checked, head, firstBroken: null };
}

/** The head published earlier a verify query names (GET /api/audit/verify?headSeq=&headHash=), if any. */
export const publishedHeadOf = (query: { headSeq?: number; headHash?: string }) =>
  query.headSeq === undefined || query.headHash === undefined ? null : { seq: query.headSeq, hash: query.headHash };

/**
 * Whether a chain verified up to `head` still holds a head published earlier: deleting the tail
 * (and rewinding audit_head) leaves a valid but shorter chain, which only an outside copy of the
 * head reveals.
 */
export async function checkPublishedHead(
  db: Queryable,
  published: { seq: number; hash: string },
  head: { seq: number; hash: string },
): Promise<BrokenLink | null> {
  const truncated = (found: string): BrokenLink => ({
    seq: published.seq,
    reason: 'truncated',
    expected: published.hash,
    found,
  });
  if (published.seq > head.seq) return truncated(`the chain ends at seq ${head.seq}`);
  if (published.seq === 0) return published.hash === GENESIS_HASH ? null : truncated(GENESIS_HASH);
  const result = await db.query<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = $1', [published.seq]);
  const found = result.rows[0]?.hash;
  if (found === published.hash) return null;
  return truncated(found ?? `no entry ${published.seq}`);
}
