import { hash as cryptoHash } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json.js';
import type { MesaNumbers } from '../domain/reconciliation-policy.js';

/**
 * What a `reconciliation.decided` audit entry records of the truth results are computed from:
 * SHA-256 hex of the RFC 8785 JSON of its numbers, with the votes as [candidate id, votes] pairs
 * in candidate id order (null = unread). The reconciler writes it, GET /api/audit/verify
 * recomputes it from each stored truth, so a truth edited after its decision is seen.
 */
export function truthNumbersHash(numbers: MesaNumbers): string {
  // Field by field: callers pass richer objects (a form summary is MesaNumbers and more).
  const body = canonicalJson({
    sufragantes: numbers.sufragantes,
    urna: numbers.urna,
    incinerados: numbers.incinerados,
    blancos: numbers.blancos,
    nulos: numbers.nulos,
    noMarcados: numbers.noMarcados,
    votes: [...numbers.votes].sort(([a], [b]) => a - b),
  });
  return cryptoHash('sha256', body, 'hex');
}
